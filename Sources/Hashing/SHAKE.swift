/// SHAKE128 extendable-output function (FIPS 202): capacity 256 bits, rate 168 bytes.
///
/// Absorb with `update`, then read any amount of output with successive `squeeze` calls, which
/// continue one output stream: `squeeze(1) + squeeze(200) + squeeze(7)` equals `squeeze(208)`.
public struct SHAKE128: Sendable {
    public static let rateByteCount = 168
    private var sponge = KeccakSponge(rate: rateByteCount, domainPadding: 0x1F)

    public init() {}

    /// Absorbs more input. Must not be called after the first `squeeze`.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "SHAKE128: update after squeeze")
        sponge.absorb(bytes)
    }

    /// The next `count` bytes of output (`count` ≥ 0).
    public mutating func squeeze(_ count: Int) -> [UInt8] {
        sponge.squeeze(count)
    }

    /// One-shot: `count` output bytes for `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>, outputByteCount count: Int) -> [UInt8] {
        var shake = Self()
        shake.update(bytes)
        return shake.squeeze(count)
    }
}

/// SHAKE256 extendable-output function (FIPS 202): capacity 512 bits, rate 136 bytes.
///
/// Absorb with `update`, then read any amount of output with successive `squeeze` calls, which
/// continue one output stream: `squeeze(1) + squeeze(200) + squeeze(7)` equals `squeeze(208)`.
public struct SHAKE256: Sendable {
    public static let rateByteCount = 136
    private var sponge = KeccakSponge(rate: rateByteCount, domainPadding: 0x1F)

    public init() {}

    /// Absorbs more input. Must not be called after the first `squeeze`.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "SHAKE256: update after squeeze")
        sponge.absorb(bytes)
    }

    /// The next `count` bytes of output (`count` ≥ 0).
    public mutating func squeeze(_ count: Int) -> [UInt8] {
        sponge.squeeze(count)
    }

    /// One-shot: `count` output bytes for `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>, outputByteCount count: Int) -> [UInt8] {
        var shake = Self()
        shake.update(bytes)
        return shake.squeeze(count)
    }
}

// The sponge state is derived from (possibly secret) input: print only the type name.
extension SHAKE128: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHAKE128" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SHAKE256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHAKE256" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
