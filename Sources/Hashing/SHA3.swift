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
    /// The variant's digest length.
    public static var digestByteCount: Int { Variant.digestByteCount }
    /// The sponge rate (HMAC sizes its pads by it).
    public static var blockByteCount: Int { Variant.rateByteCount }
    private var sponge = KeccakSponge(rate: Variant.rateByteCount, domainPadding: Variant.domainPadding)

    /// A fresh hasher. Never fails.
    public init() {}

    /// Absorbs `bytes`.
    /// - Precondition: ``finalize()`` has not been called (a trap).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "\(Variant.name): update after finalize")
        sponge.absorb(bytes)
    }

    /// The digest; the hasher is spent afterwards.
    /// - Precondition: not already finalized (a trap).
    public mutating func finalize() -> [UInt8] {
        precondition(!sponge.isSqueezing, "\(Variant.name): finalize called twice")
        return sponge.squeeze(Variant.digestByteCount)
    }
}

/// A Keccak extendable-output function (SHAKE128, SHAKE256).
///
/// Absorb with ``update(_:)``, then read any amount of output with successive ``squeeze(_:)`` calls, which
/// continue one output stream: `squeeze(1) + squeeze(200) + squeeze(7)` equals `squeeze(208)`.
public struct KeccakXOF<Variant: KeccakVariant>: Sendable {
    /// The sponge rate in bytes.
    public static var rateByteCount: Int { Variant.rateByteCount }
    private var sponge = KeccakSponge(rate: Variant.rateByteCount, domainPadding: Variant.domainPadding)

    /// A fresh XOF. Never fails.
    public init() {}

    /// Absorbs more input.
    /// - Precondition: no ``squeeze(_:)`` yet (a trap).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!sponge.isSqueezing, "\(Variant.name): update after squeeze")
        sponge.absorb(bytes)
    }

    /// The next `count` bytes of output.
    /// - Precondition: `count` ≥ 0 (a trap).
    public mutating func squeeze(_ count: Int) -> [UInt8] {
        sponge.squeeze(count)
    }

    /// One-shot: `count` output bytes for `bytes`.
    /// - Precondition: `count` ≥ 0 (a trap).
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
/// domain bits), capacity 512 bits. Differs from ``SHA3_256`` in output for every input.
public typealias Keccak256 = KeccakDigest<Keccak256Variant>
/// SHAKE128 (FIPS 202): capacity 256 bits, rate 168 bytes.
public typealias SHAKE128 = KeccakXOF<SHAKE128Variant>
/// SHAKE256 (FIPS 202): capacity 512 bits, rate 136 bytes.
public typealias SHAKE256 = KeccakXOF<SHAKE256Variant>

/// The parameters of ``SHA3_256``.
public enum SHA3_256Variant: KeccakVariant {
    /// The name, rate (bytes), first padding byte and digest length (bytes).
    public static let name = "SHA3_256", rateByteCount = 136, domainPadding: UInt8 = 0x06, digestByteCount = 32
}
/// The parameters of ``SHA3_512``.
public enum SHA3_512Variant: KeccakVariant {
    /// The name, rate (bytes), first padding byte and digest length (bytes).
    public static let name = "SHA3_512", rateByteCount = 72, domainPadding: UInt8 = 0x06, digestByteCount = 64
}
/// The parameters of ``Keccak256``.
public enum Keccak256Variant: KeccakVariant {
    /// The name, rate (bytes), first padding byte and digest length (bytes).
    public static let name = "Keccak256", rateByteCount = 136, domainPadding: UInt8 = 0x01, digestByteCount = 32
}
/// The parameters of ``SHAKE128``.
public enum SHAKE128Variant: KeccakVariant {
    /// The name, rate (bytes) and first padding byte; no fixed digest length (0).
    public static let name = "SHAKE128", rateByteCount = 168, domainPadding: UInt8 = 0x1F, digestByteCount = 0
}
/// The parameters of ``SHAKE256``.
public enum SHAKE256Variant: KeccakVariant {
    /// The name, rate (bytes) and first padding byte; no fixed digest length (0).
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
