/// What was wrong with bytes or a value offered as a `Scalar`.
///
/// Never carries the value: scalars are usually secret.
public enum ScalarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A fixed-width encoding had the wrong number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// The 32-byte big-endian value is not below the group order n (strict decoding).
    case notBelowGroupOrder
    /// Zero was given where a nonzero scalar is required (a secret key, an inverse).
    case zero

    /// A one-line English description; never a secret value.
    public var description: String {
        switch self {
        case let .wrongLength(expected, actual): "scalar encoding must be \(expected) bytes, got \(actual)"
        case .notBelowGroupOrder: "scalar encoding is not below the secp256k1 group order"
        case .zero: "scalar must be nonzero"
        }
    }
}

/// What was wrong with bytes offered as a curve point.
public enum PointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SEC1 encodings are 33 bytes (compressed), 65 bytes (uncompressed) or the single byte 0x00
    /// (identity).
    case wrongLength(Int)
    /// The first byte is not a SEC1 prefix allowed for this length (02/03 for 33 bytes, 04 for
    /// 65 bytes; the hybrid prefixes 06/07 are rejected).
    case badPrefix(UInt8)
    /// A coordinate is not below the field prime p.
    case coordinateNotInField
    /// The coordinates do not satisfy y² = x³ + 7 (or no y exists for the compressed x).
    case notOnCurve
    /// The point at infinity where a public key (a non-identity point) is required.
    case identity

    /// A one-line English description; never a secret value.
    public var description: String {
        switch self {
        case let .wrongLength(count): "point encoding must be 33 or 65 bytes (or 1 for the identity), got \(count)"
        case let .badPrefix(prefix): "point encoding has invalid SEC1 prefix 0x\(String(prefix, radix: 16))"
        case .coordinateNotInField: "point coordinate is not below the field prime"
        case .notOnCurve: "point is not on secp256k1"
        case .identity: "the identity point is not a valid public key"
        }
    }
}

/// What was wrong with an ECDSA signature, its encoding, or a signing/recovery request.
public enum SignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A fixed-width encoding (64-byte compact, 65-byte recoverable, 32-byte prehash) had the wrong
    /// number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// The DER encoding is not a strict DER `SEQUENCE { INTEGER r, INTEGER s }`.
    case malformedDER
    /// r or s is negative (DER) or not below the group order n.
    case componentOutOfRange
    /// r or s is zero.
    case zeroComponent
    /// The recovery id (v) is not in 0...3.
    case invalidRecoveryID(UInt8)
    /// No public key can be recovered from this signature and prehash.
    case recoveryFailed
    /// None of the four recovery ids recovers the given public key: the signature does not verify.
    case noMatchingRecoveryID
    /// The secret key is zero.
    case zeroSecretKey
    /// The public key is the identity point.
    case identityPublicKey

    /// A one-line English description; never a secret value.
    public var description: String {
        switch self {
        case let .wrongLength(expected, actual): "encoding must be \(expected) bytes, got \(actual)"
        case .malformedDER: "signature is not strict DER"
        case .componentOutOfRange: "signature r or s is negative or not below the group order"
        case .zeroComponent: "signature r or s is zero"
        case let .invalidRecoveryID(v): "recovery id must be 0...3, got \(v)"
        case .recoveryFailed: "no public key recovers from this signature and prehash"
        case .noMatchingRecoveryID: "no recovery id yields the given public key (signature does not verify)"
        case .zeroSecretKey: "secret key is zero"
        case .identityPublicKey: "public key is the identity point"
        }
    }
}
