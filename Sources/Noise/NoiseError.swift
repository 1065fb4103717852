/// Everything that can go wrong in the Noise module, each case saying what was wrong.
///
/// No case carries key material: errors may end up in logs.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    // Protocol names
    /// The name is not `Noise_<pattern>_<dh>_<cipher>_<hash>`.
    case malformedProtocolName(String)
    /// The handshake pattern (before any modifier) is not one this module knows.
    case unknownPattern(String)
    /// A pattern modifier is unknown, repeated or out of range for the pattern.
    case unsupportedModifier(String)
    /// The DH function is not `25519`.
    case unknownDHFunction(String)
    /// The cipher is not `ChaChaPoly` or `AESGCM`.
    case unknownCipherFunction(String)
    /// The hash is not `SHA256`, `SHA512`, `BLAKE2b` or `BLAKE2s`.
    case unknownHashFunction(String)

    // Configuration
    /// A key (X25519 public or private, or pre-shared) is not 32 bytes.
    case invalidKeyLength(expected: Int, actual: Int)
    /// The pattern needs our static key and none was given.
    case missingLocalStaticKey
    /// The pattern needs the peer's static key before the handshake and none was given.
    case missingRemoteStaticKey
    /// A static key was given that the pattern never uses.
    case unusedLocalStaticKey
    /// A remote static key was given for a pattern in which the peer has none.
    case unusedRemoteStaticKey
    /// The number of pre-shared keys differs from the pattern's `psk` tokens.
    case wrongPreSharedKeyCount(expected: Int, actual: Int)

    // Handshake sequencing
    /// `writeMessage` when the peer should write next, or `readMessage` when we should.
    case notOurTurn
    /// `readMessage` when it is our turn to write.
    case notTheirTurn
    /// `writeMessage` or `readMessage` after the last handshake message.
    case handshakeAlreadyFinished
    /// `split` / transport conversion before the last handshake message.
    case handshakeNotFinished
    /// The peer transmitted a static key different from the one we were told to expect.
    case remoteStaticKeyMismatch
    /// A public key that is one of the low-order points (`X25519PublicKey.isLowOrder(_:)`):
    /// refused when constructed, when received in a handshake, and — as a last line — when a DH
    /// with it gives the all-zero output.
    case invalidRemotePublicKey

    // Messages
    /// A Noise message (ciphertext) may not exceed 65535 bytes.
    case messageTooLong(length: Int)
    /// A message is shorter than its pattern requires (keys and tags).
    case messageTooShort(length: Int, minimum: Int)
    /// Authentication failed: wrong key, tampered or misordered message. State is unchanged.
    case decryptionFailed
    /// The nonce reached 2^64−1, which Noise reserves; rekeying does not reset it.
    case nonceExhausted
    /// A one-way pattern's responder tried to send, or its initiator to receive.
    case oneWayPattern

    // Framing
    /// A frame longer than the 2-byte length prefix can describe.
    case frameTooLong(length: Int)
    /// Chunked data that ends in the middle of a transport message, or is empty.
    case truncatedChunk(length: Int)

    /// A one-line explanation, without key material.
    public var description: String {
        switch self {
        case .malformedProtocolName(let name): "malformed Noise protocol name '\(name)'"
        case .unknownPattern(let p): "unknown handshake pattern '\(p)'"
        case .unsupportedModifier(let m): "unsupported or invalid pattern modifier '\(m)'"
        case .unknownDHFunction(let d): "unknown DH function '\(d)' (supported: 25519)"
        case .unknownCipherFunction(let c): "unknown cipher '\(c)' (supported: ChaChaPoly, AESGCM)"
        case .unknownHashFunction(let h): "unknown hash '\(h)' (supported: SHA256, SHA512, BLAKE2b, BLAKE2s)"
        case .invalidKeyLength(let e, let a): "key must be \(e) bytes, got \(a)"
        case .missingLocalStaticKey: "the pattern needs a local static key"
        case .missingRemoteStaticKey: "the pattern needs the remote static key before the handshake"
        case .unusedLocalStaticKey: "a local static key was given but the pattern does not use one"
        case .unusedRemoteStaticKey: "a remote static key was given but the pattern never involves one"
        case .wrongPreSharedKeyCount(let e, let a): "the pattern needs \(e) pre-shared keys, got \(a)"
        case .notOurTurn: "it is the peer's turn to write a handshake message"
        case .notTheirTurn: "it is our turn to write a handshake message"
        case .handshakeAlreadyFinished: "the handshake is already finished"
        case .handshakeNotFinished: "the handshake is not finished"
        case .remoteStaticKeyMismatch: "the peer's static key is not the expected one"
        case .invalidRemotePublicKey: "the peer's public key is a low-order point"
        case .messageTooLong(let n): "Noise message of \(n) bytes exceeds 65535"
        case .messageTooShort(let n, let m): "Noise message of \(n) bytes is shorter than the required \(m)"
        case .decryptionFailed: "decryption failed (wrong key or tampered message)"
        case .nonceExhausted: "nonce exhausted (2^64-1 is reserved)"
        case .oneWayPattern: "one-way pattern: only the initiator sends"
        case .frameTooLong(let n): "frame of \(n) bytes exceeds the 2-byte length prefix"
        case .truncatedChunk(let n): "chunked data of \(n) bytes ends inside a transport message"
        }
    }
}
