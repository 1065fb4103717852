/// The fixed parameters of one member of the Keccak family.
public protocol KeccakVariant: Sendable {
    /// The name printed by `description` (the state is secret-derived; nothing else is printed).
    static var name: String { get }
    /// Sponge rate in bytes (200 − capacity/8).
    static var rateByteCount: Int { get }
    /// First padding byte: 0x06 for SHA-3, 0x1F for SHAKE, 0x01 for legacy Keccak.
    static var domainPadding: UInt8 { get }
    /// Output length of the fixed-length hashes (unused by the XOFs).
    static var digestByteCount: Int { get }
}

/// A fixed-output Keccak hash (SHA3-256, SHA3-512, Keccak-256) over the shared sponge.
public struct KeccakDigest<Variant: KeccakVariant>: IncrementalHash {
    public static var digestByteCount: Int { Variant.digestByteCount }
    public static var blockByteCount: Int { Variant.rateByteCount }
    private var sponge = KeccakSponge(rate: Variant.rateByteCount, domainPadding: Variant.domainPadding)

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "\(Variant.name): update after finalize")
        sponge.absorb(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        precondition(!sponge.isSqueezing, "\(Variant.name): finalize called twice")
        return sponge.squeeze(Variant.digestByteCount)
    }
}

/// A Keccak extendable-output function (SHAKE128, SHAKE256).
///
/// Absorb with `update`, then read any amount of output with successive `squeeze` calls, which
/// continue one output stream: `squeeze(1) + squeeze(200) + squeeze(7)` equals `squeeze(208)`.
public struct KeccakXOF<Variant: KeccakVariant>: Sendable {
    public static var rateByteCount: Int { Variant.rateByteCount }
    private var sponge = KeccakSponge(rate: Variant.rateByteCount, domainPadding: Variant.domainPadding)

    public init() {}

    /// Absorbs more input. Must not be called after the first `squeeze`.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "\(Variant.name): update after squeeze")
        sponge.absorb(bytes)
    }

    /// The next `count` bytes of output (`count` ≥ 0).
    public mutating func squeeze(_ count: Int) -> [UInt8] {
        sponge.squeeze(count)
    }

    /// One-shot: `count` output bytes for `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>, outputByteCount count: Int) -> [UInt8] {
        var xof = Self()
        xof.update(bytes)
        return xof.squeeze(count)
    }
}

/// SHA3-256 (FIPS 202): capacity 512 bits, domain bits 01.
public typealias SHA3_256 = KeccakDigest<SHA3_256Variant>
/// SHA3-512 (FIPS 202): capacity 1024 bits, domain bits 01.
public typealias SHA3_512 = KeccakDigest<SHA3_512Variant>
/// Keccak-256 as used by Ethereum: the pre-standard padding (first padding byte 0x01, no SHA-3
/// domain bits), capacity 512 bits. Differs from `SHA3_256` in output for every input.
public typealias Keccak256 = KeccakDigest<Keccak256Variant>
/// SHAKE128 (FIPS 202): capacity 256 bits, rate 168 bytes.
public typealias SHAKE128 = KeccakXOF<SHAKE128Variant>
/// SHAKE256 (FIPS 202): capacity 512 bits, rate 136 bytes.
public typealias SHAKE256 = KeccakXOF<SHAKE256Variant>

public enum SHA3_256Variant: KeccakVariant {
    public static let name = "SHA3_256", rateByteCount = 136, domainPadding: UInt8 = 0x06, digestByteCount = 32
}
public enum SHA3_512Variant: KeccakVariant {
    public static let name = "SHA3_512", rateByteCount = 72, domainPadding: UInt8 = 0x06, digestByteCount = 64
}
public enum Keccak256Variant: KeccakVariant {
    public static let name = "Keccak256", rateByteCount = 136, domainPadding: UInt8 = 0x01, digestByteCount = 32
}
public enum SHAKE128Variant: KeccakVariant {
    public static let name = "SHAKE128", rateByteCount = 168, domainPadding: UInt8 = 0x1F, digestByteCount = 0
}
public enum SHAKE256Variant: KeccakVariant {
    public static let name = "SHAKE256", rateByteCount = 136, domainPadding: UInt8 = 0x1F, digestByteCount = 0
}

// The sponge state is derived from (possibly secret) input: print only the type name.
extension KeccakDigest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { Variant.name }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension KeccakXOF: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { Variant.name }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
