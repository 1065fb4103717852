/// Why an envelope could not be sealed, decoded or opened. No case carries key material or
/// plaintext: errors end up in logs and in the CLI's output.
public enum EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The outer encoding is not a v1 envelope object (bad JSON, missing field, bad base64, wrong length).
    case malformedEnvelope(String)
    /// The envelope's `version` is not one this library reads.
    case unsupportedVersion(Int)
    /// HPKE refused the key or the ciphertext: wrong recipient key, or tampered envelope.
    case decryptionFailed
    /// The decrypted plaintext is not a signed-message object.
    case malformedPlaintext(String)
    /// The sender's identity signature does not verify.
    case badSignature
    /// The envelope names a recipient key that is not ours (it was sealed for someone else and re-encrypted).
    case wrongRecipient
    /// A recipient public key that is not 32 bytes, or that HPKE cannot encapsulate to.
    case invalidRecipientKey(String)
    /// Sealing: the recipient key is a low-order X25519 point; the DH output would be all zeros,
    /// so anyone could open the envelope (RFC 9180 section 7.1.4).
    case lowOrderRecipientKey
    /// Opening: the envelope's `encapsulated_key` is a low-order X25519 point; the DH output would
    /// be all zeros, so anyone could have sealed or read it (RFC 9180 section 7.1.4).
    case lowOrderEncapsulatedKey

    /// A one-line explanation, without key material or plaintext.
    public var description: String {
        switch self {
        case .malformedEnvelope(let why): "malformed envelope: \(why)"
        case .unsupportedVersion(let version): "unsupported envelope version \(version) (this library reads version 1)"
        case .decryptionFailed: "decryption failed (not sealed to this key, or tampered)"
        case .malformedPlaintext(let why): "malformed envelope plaintext: \(why)"
        case .badSignature: "the sender's signature does not verify"
        case .wrongRecipient: "the envelope was addressed to a different recipient key"
        case .invalidRecipientKey(let why): "invalid recipient key: \(why)"
        case .lowOrderRecipientKey: "invalid recipient key: a low-order X25519 point (anyone could open the envelope)"
        case .lowOrderEncapsulatedKey: "the encapsulated key is a low-order X25519 point (anyone could read the envelope)"
        }
    }
}
