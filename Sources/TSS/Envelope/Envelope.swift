import Bytes
import CGGMP
import Crypto
import Foundation
import Noise

/// An encrypt-and-sign envelope (user ↔ server, dealer → server): a message signed with the
/// sender's Ed25519 identity key, sealed with HPKE to the recipient's X25519 key.
///
/// Keys are Noise's `X25519PublicKey` / `X25519PrivateKey` (re-exported by TSS), the one
/// X25519 key type of this library; they are converted to swift-crypto's inside, for its HPKE.
///
/// HPKE: base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305 (swift-crypto),
/// info = `DomainSeparation.envelopeHPKEInfo` (`swift-tss/envelope/v1`), empty AAD. The versioned info binds the ciphertext to this
/// format: an HPKE ciphertext made for another application under the same key, or with empty
/// info as the network's own envelopes use, does not open as one of ours, and a future version
/// cannot be passed off as this one by editing the `version` field.
///
/// Wire format: docs/wire-formats.md, "Envelopes".
public struct Envelope: Sendable, Equatable {
    /// The envelope format version this library writes and reads.
    public static let version = 1
    static var ciphersuite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .chaChaPoly) }
    static let info = Data(DomainSeparation.envelopeHPKEInfo.utf8)
    static let encapsulatedKeyByteCount = 32

    /// HPKE `enc`: the sender's ephemeral X25519 public key.
    public let encapsulatedKey: [UInt8]
    /// HPKE ciphertext of the signed plaintext (with its 16-byte tag).
    public let ciphertext: [UInt8]

    init(encapsulatedKey: [UInt8], ciphertext: [UInt8]) {
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    /// Signs `message` with `signer` and seals it to `recipient`.
    ///
    /// - Parameters:
    ///   - message: the bytes to deliver.
    ///   - signer: the sender's Ed25519 identity key.
    ///   - recipient: the recipient's X25519 key.
    ///   - bindRecipient: include (and sign) the recipient's key so the recipient can
    ///     check the envelope was meant for it; on by default.
    /// - Throws: ``EnvelopeError/lowOrderRecipientKey`` when `recipient` is one of the low-order X25519 points
    ///   (`X25519PublicKey.isLowOrder(_:)`), which no one holds a secret for and whose DH output
    ///   is all zeros. (`X25519PublicKey(rawRepresentation:)` already refuses those; the check is
    ///   repeated here because the envelope's safety rests on it.) ``EnvelopeError/invalidRecipientKey(_:)`` when
    ///   HPKE cannot encapsulate to the key.
    /// - Note: The HPKE ephemeral key comes from swift-crypto's system CSPRNG: its HPKE API has no
    ///   way to pass a generator, so sealing is the one operation here that seeded runs cannot
    ///   reproduce. The Ed25519 signature is deterministic.
    public static func seal(
        _ message: [UInt8], signer: some IdentitySigner, to recipient: X25519PublicKey,
        bindRecipient: Bool = true
    ) throws(EnvelopeError) -> Envelope {
        let plaintext = EnvelopePlaintext(signing: message, with: signer,
                                          recipient: bindRecipient ? recipient.rawRepresentation : nil)
        return try seal(plaintext: plaintext.encoded, to: recipient)
    }

    /// Seals raw plaintext bytes: the HPKE layer alone (tests use it to seal crafted plaintexts).
    /// - Throws: `.lowOrderRecipientKey` for a low-order recipient key (RFC 9180 section 7.1.4:
    ///   the DH output would be all zeros and anyone could open the envelope; swift-crypto's HPKE
    ///   does not check this on every platform).
    static func seal(plaintext: [UInt8], to recipient: X25519PublicKey) throws(EnvelopeError) -> Envelope {
        try seal(plaintext: plaintext, toRawKey: recipient.rawRepresentation)
    }

    /// The HPKE layer on a recipient key's raw 32 bytes: where the low-order refusal lives, so
    /// that tests can reach it with keys `X25519PublicKey` would not construct.
    static func seal(plaintext: [UInt8], toRawKey recipient: [UInt8]) throws(EnvelopeError) -> Envelope {
        guard !X25519PublicKey.isLowOrder(recipient) else { throw .lowOrderRecipientKey }
        do {
            let key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient)
            var sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: info)
            let ciphertext = try sender.seal(plaintext, authenticating: Data())
            return Envelope(encapsulatedKey: Array(sender.encapsulatedKey), ciphertext: Array(ciphertext))
        } catch {
            throw .invalidRecipientKey("HPKE cannot encapsulate to this key")
        }
    }

    /// Decrypts with our X25519 key, then checks the sender's signature and, when the envelope
    /// names a recipient key, that it is ours.
    /// - Throws: ``EnvelopeError/lowOrderEncapsulatedKey``, ``EnvelopeError/decryptionFailed``
    ///   (not sealed to this key, or tampered), ``EnvelopeError/malformedPlaintext(_:)``,
    ///   ``EnvelopeError/badSignature``, ``EnvelopeError/wrongRecipient`` (bound to another key).
    public func open(with recipientKey: X25519PrivateKey) throws(EnvelopeError) -> OpenedEnvelope {
        let plaintext = try EnvelopePlaintext(encoded: decrypt(with: recipientKey))
        guard plaintext.isSignatureValid else { throw .badSignature }
        if let recipient = plaintext.recipient, recipient != recipientKey.publicKey.rawRepresentation {
            throw .wrongRecipient
        }
        return OpenedEnvelope(message: plaintext.message, sender: plaintext.sender, isRecipientBound: plaintext.recipient != nil)
    }

    /// The HPKE layer alone.
    /// - Throws: `.lowOrderEncapsulatedKey` when `enc` is a low-order point (the DH output would be
    ///   all zeros, so the ciphertext proves nothing about who made it and anyone could have read
    ///   it: RFC 9180 section 7.1.4), `.decryptionFailed` when HPKE refuses it.
    func decrypt(with recipientKey: X25519PrivateKey) throws(EnvelopeError) -> [UInt8] {
        guard !X25519PublicKey.isLowOrder(encapsulatedKey) else { throw .lowOrderEncapsulatedKey }
        let key: Curve25519.KeyAgreement.PrivateKey
        do {
            key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: recipientKey.rawRepresentation)
        } catch {
            preconditionFailure("swift-crypto refused 32 X25519 private key bytes")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: Self.ciphersuite,
                                               info: Self.info, encapsulatedKey: Data(encapsulatedKey))
            return Array(try recipient.open(ciphertext, authenticating: Data()))
        } catch {
            throw .decryptionFailed
        }
    }

    // MARK: Encoding: {"ciphertext":B64,"encapsulated_key":B64,"version":1}

    private struct JSONForm: Codable {
        var version: Int
        var encapsulatedKey: String
        var ciphertext: String

        enum CodingKeys: String, CodingKey {
            case version, ciphertext
            case encapsulatedKey = "encapsulated_key"
        }
    }

    private struct VersionProbe: Decodable { var version: Int }

    /// Compact JSON, members sorted by name, base64 with padding:
    /// `{"ciphertext":…,"encapsulated_key":…,"version":1}` (docs/wire-formats.md).
    public var encoded: [UInt8] {
        JSONObjectText.encode(JSONForm(version: Self.version, encapsulatedKey: Base64Field.encode(encapsulatedKey),
                                       ciphertext: Base64Field.encode(ciphertext)))
    }

    /// Decodes an envelope, checking the version first so that a future format is reported as
    /// unsupported rather than malformed. Only the outer format is checked; ``open(with:)`` does
    /// the rest.
    /// - Throws: ``EnvelopeError/malformedEnvelope(_:)`` (not a JSON object with an integer
    ///   version, missing or non-string fields, non-canonical base64, a key that is not 32 bytes,
    ///   a ciphertext shorter than its tag); ``EnvelopeError/unsupportedVersion(_:)``.
    public init(encoded bytes: some Collection<UInt8>) throws(EnvelopeError) {
        let data = Data(bytes)
        let probe: VersionProbe
        do {
            probe = try JSONDecoder().decode(VersionProbe.self, from: data)
        } catch {
            throw .malformedEnvelope("not a JSON object with an integer version")
        }
        guard probe.version == Self.version else { throw .unsupportedVersion(probe.version) }
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: data)
        } catch {
            throw .malformedEnvelope("missing or non-string encapsulated_key or ciphertext")
        }
        guard let key = Base64Field.decode(form.encapsulatedKey, expectedCount: Self.encapsulatedKeyByteCount) else {
            throw .malformedEnvelope("encapsulated_key is not 32 bytes of canonical base64")
        }
        guard let ciphertext = Base64Field.decode(form.ciphertext) else {
            throw .malformedEnvelope("ciphertext is not canonical base64")
        }
        // ChaCha20-Poly1305 output carries at least its 16-byte tag.
        guard ciphertext.count >= 16 else { throw .malformedEnvelope("ciphertext shorter than its 16-byte tag") }
        self.init(encapsulatedKey: key, ciphertext: ciphertext)
    }
}

/// A verified envelope's contents.
public struct OpenedEnvelope: Sendable, Equatable {
    /// The message as the sender signed it.
    public let message: [UInt8]
    /// The sender's identity, whose signature over the message verified.
    public let sender: PartyID
    /// Whether the sender named (and signed) our key as the recipient; false for envelopes sealed
    /// with `bindRecipient: false`.
    public let isRecipientBound: Bool
}
