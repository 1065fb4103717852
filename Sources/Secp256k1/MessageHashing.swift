import Hashing

/// The ways the network turns a message into the 32-byte prehash that is signed.
public enum MessageHashing: Sendable, Hashable {
    /// SHA-256.
    case sha256
    /// SHA3-256 (FIPS 202).
    case sha3_256
    /// Ethereum's pre-standard Keccak-256 (not SHA3-256).
    case keccak256
    /// Unkeyed BLAKE2b with a 32-byte digest.
    case blake2b256
    /// The message already is the 32-byte prehash.
    case identity
    /// The caller hashed the message itself and supplies the digest; the message is ignored.
    case custom(Prehash)

    /// Every hashing a request can name, in the order of their names.
    public static let named: [MessageHashing] = [.sha256, .sha3_256, .keccak256, .blake2b256, .identity]

    /// The name requests use ("sha256", "sha3_256", "keccak256", "blake2b256", "identity"); nil for
    /// ``custom(_:)``, which carries its digest instead.
    public var name: String? {
        switch self {
        case .sha256: "sha256"
        case .sha3_256: "sha3_256"
        case .keccak256: "keccak256"
        case .blake2b256: "blake2b256"
        case .identity: "identity"
        case .custom: nil
        }
    }

    /// The hashing called `name` (see ``name``), or nil.
    public init?(name: String) {
        guard let named = Self.named.first(where: { $0.name == name }) else { return nil }
        self = named
    }

    /// The prehash of `message`.
    /// - Throws: ``SignatureError/wrongLength(expected:actual:)`` for ``identity`` when `message`
    ///   is not 32 bytes; the other cases never fail.
    public func prehash(of message: some Collection<UInt8>) throws(SignatureError) -> Prehash {
        switch self {
        case .sha256: try Prehash(rawRepresentation: SHA256.hash(message))
        case .sha3_256: try Prehash(rawRepresentation: SHA3_256.hash(message))
        case .keccak256: try Prehash(rawRepresentation: Keccak256.hash(message))
        case .blake2b256: try Prehash(rawRepresentation: BLAKE2b.hash256(message))
        case .identity: try Prehash(rawRepresentation: message)
        case .custom(let digest): digest
        }
    }
}
