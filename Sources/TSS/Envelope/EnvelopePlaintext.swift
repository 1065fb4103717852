import Bytes
import CGGMP
import Foundation

/// What HPKE seals inside an envelope: the message, who sent it, their identity signature, and
/// optionally the X25519 key it was addressed to.
///
/// The signature covers the recipient key too (see ``signedBytes``): without that, a recipient
/// could decrypt a signed message and re-encrypt it to a third party, who would take it as
/// addressed to them (surreptitious forwarding).
struct EnvelopePlaintext: Sendable, Equatable {
    static let signatureContext = Array(DomainSeparation.envelopeSignature.utf8)

    var message: [UInt8]
    var sender: PartyID
    var signature: [UInt8]
    var recipient: [UInt8]?

    /// `context ‖ 0x00 ‖ message` without a recipient; `context ‖ 0x01 ‖ recipient(32) ‖ message` with one.
    /// The flag fixes where the message starts, so no two inputs share these bytes.
    static func signedBytes(message: [UInt8], recipient: [UInt8]?) -> [UInt8] {
        var bytes = signatureContext
        if let recipient {
            bytes.append(0x01)
            bytes += recipient
        } else {
            bytes.append(0x00)
        }
        return bytes + message
    }

    init(message: [UInt8], sender: PartyID, signature: [UInt8], recipient: [UInt8]?) {
        self.message = message
        self.sender = sender
        self.signature = signature
        self.recipient = recipient
    }

    /// Signs `message` (and the recipient key, when bound) with `signer`.
    init(signing message: [UInt8], with signer: some IdentitySigner, recipient: [UInt8]?) {
        self.init(message: message, sender: signer.partyID,
                  signature: signer.sign(Self.signedBytes(message: message, recipient: recipient)),
                  recipient: recipient)
    }

    var isSignatureValid: Bool {
        Ed25519Verifier().isValidSignature(signature, of: Self.signedBytes(message: message, recipient: recipient), by: sender)
    }

    // MARK: Encoding: {"message":B64,"sender":B64,"signature":B64[,"recipient":B64]}

    private struct JSONForm: Codable {
        var message: String
        var sender: String
        var signature: String
        var recipient: String?

        enum CodingKeys: String, CodingKey { case message, sender, signature, recipient }

        init(message: String, sender: String, signature: String, recipient: String?) {
            self.message = message
            self.sender = sender
            self.signature = signature
            self.recipient = recipient
        }

        /// `recipient` is absent or a string: `"recipient": null` is refused, not read as
        /// unbound (a synthesized decoder would take null for absent).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try container.decode(String.self, forKey: .message)
            sender = try container.decode(String.self, forKey: .sender)
            signature = try container.decode(String.self, forKey: .signature)
            recipient = container.contains(.recipient) ? try container.decode(String.self, forKey: .recipient) : nil
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(sender, forKey: .sender)
            try container.encode(signature, forKey: .signature)
            try container.encodeIfPresent(recipient, forKey: .recipient)
        }
    }

    var encoded: [UInt8] {
        let form = JSONForm(message: Base64Field.encode(message), sender: Base64Field.encode(sender.rawRepresentation),
                            signature: Base64Field.encode(signature), recipient: recipient.map(Base64Field.encode))
        return Array(JSONObjectText.encode(form))
    }

    init(encoded bytes: [UInt8]) throws(EnvelopeError) {
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: Data(bytes))
        } catch {
            throw .malformedPlaintext("not a JSON object with string fields message, sender, signature (and recipient, when present)")
        }
        guard let message = Base64Field.decode(form.message) else { throw .malformedPlaintext("message is not canonical base64") }
        guard let senderBytes = Base64Field.decode(form.sender, expectedCount: PartyID.byteCount),
              let sender = try? PartyID(rawRepresentation: senderBytes)
        else { throw .malformedPlaintext("sender is not 32 bytes of canonical base64") }
        guard let signature = Base64Field.decode(form.signature, expectedCount: 64) else {
            throw .malformedPlaintext("signature is not 64 bytes of canonical base64")
        }
        var recipient: [UInt8]?
        if let text = form.recipient {
            guard let key = Base64Field.decode(text, expectedCount: 32) else {
                throw .malformedPlaintext("recipient is not 32 bytes of canonical base64")
            }
            recipient = key
        }
        self.init(message: message, sender: sender, signature: signature, recipient: recipient)
    }
}

/// Compact JSON with members in sorted order, so the
/// same value always encodes to the same bytes.
enum JSONObjectText {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            preconditionFailure("encoding a struct of strings and integers cannot fail")
        }
    }
}
