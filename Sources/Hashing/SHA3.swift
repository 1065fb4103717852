/// SHA3-256 (FIPS 202): Keccak-f[1600] sponge, capacity 512 bits, domain bits 01.
public struct SHA3_256: IncrementalHash {
    public static let digestByteCount = 32
    public static let blockByteCount = 136
    private var sponge = KeccakSponge(rate: blockByteCount, domainPadding: 0x06)

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "SHA3_256: update after finalize")
        sponge.absorb(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        precondition(!sponge.isSqueezing, "SHA3_256: finalize called twice")
        return sponge.squeeze(Self.digestByteCount)
    }
}

/// SHA3-512 (FIPS 202): Keccak-f[1600] sponge, capacity 1024 bits, domain bits 01.
public struct SHA3_512: IncrementalHash {
    public static let digestByteCount = 64
    public static let blockByteCount = 72
    private var sponge = KeccakSponge(rate: blockByteCount, domainPadding: 0x06)

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "SHA3_512: update after finalize")
        sponge.absorb(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        precondition(!sponge.isSqueezing, "SHA3_512: finalize called twice")
        return sponge.squeeze(Self.digestByteCount)
    }
}

/// Keccak-256 as used by Ethereum: the pre-standard padding (first padding byte 0x01, no SHA-3
/// domain bits), capacity 512 bits. Differs from `SHA3_256` in output for every input.
public struct Keccak256: IncrementalHash {
    public static let digestByteCount = 32
    public static let blockByteCount = 136
    private var sponge = KeccakSponge(rate: blockByteCount, domainPadding: 0x01)

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "Keccak256: update after finalize")
        sponge.absorb(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        precondition(!sponge.isSqueezing, "Keccak256: finalize called twice")
        return sponge.squeeze(Self.digestByteCount)
    }
}

// The sponge state is derived from (possibly secret) input: print only the type name.
extension SHA3_256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHA3_256" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SHA3_512: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHA3_512" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension Keccak256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Keccak256" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
