import CGGMP
import Foundation
import Secp256k1
import TSS

/// What a user asks a node to sign: the plaintext of the envelope posted to `/user/sign_tx`,
/// signed by the user's identity key and sealed to the node's channel key (`Envelope`).
///
/// JSON (strict; docs/openapi.yaml, `SignatureRequest`):
/// `{"user": hex32, "block_number": n, "message": hex, "hash": "sha256", "derivation_path": "m", "attempt": 0}`
/// — `hash` (default `sha256`; also `sha3_256`, `keccak256`, `blake2b256`, `identity`),
/// `derivation_path` (default `m`) and `attempt` (default 0) may be left out.
public struct SignatureRequest: Sendable, Equatable {
    /// The user's identity key (32 bytes): the user a registration was made for, and the key that
    /// must have signed the envelope.
    public let user: [UInt8]
    /// The block the request is made at (bound into the session id).
    public let blockNumber: UInt64
    /// The message, before hashing.
    public let message: [UInt8]
    /// How the message is hashed (one of `MessageHashing.named`).
    public let hashing: MessageHashing
    /// A non-hardened BIP32 path ("m": the registered key itself).
    public let derivationPath: String
    /// Which try of this request (0 first; a retry after a failure takes the next, and does not
    /// use a pooled presignature).
    public let attempt: UInt64

    /// A request from its parts.
    public init(user: [UInt8], blockNumber: UInt64, message: [UInt8], hashing: MessageHashing = .sha256,
                derivationPath: String = "m", attempt: UInt64 = 0) {
        self.user = user
        self.blockNumber = blockNumber
        self.message = message
        self.hashing = hashing
        self.derivationPath = derivationPath
        self.attempt = attempt
    }

    /// The prehash that is signed.
    /// - Throws: ``ThresholdNodeError/badRequest(field:reason:)`` for an `identity` message that is
    ///   not 32 bytes.
    public func prehash() throws(ThresholdNodeError) -> Prehash {
        do { return try hashing.prehash(of: message) } catch {
            throw .badRequest(field: "message", reason: "\(error)")
        }
    }

    /// The JSON form, members sorted.
    public var encoded: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let form = Form(user: hexString(user), blockNumber: blockNumber, message: hexString(message), hash: hashing.name,
                        derivationPath: derivationPath, attempt: attempt)
        return (try? Array(encoder.encode(form))) ?? []
    }

    /// Reads the JSON form, strictly.
    /// - Throws: ``ThresholdNodeError/badRequest(field:reason:)`` naming the field.
    public init(json bytes: [UInt8]) throws(ThresholdNodeError) {
        let form: Form
        do { form = try StrictJSON.decode(Form.self, from: bytes) } catch {
            throw .badRequest(field: "envelope.message" + (error.field.isEmpty ? "" : "." + error.field), reason: error.reason)
        }
        guard let user = decodeHex(form.user), user.count == 32 else {
            throw .badRequest(field: "envelope.message.user", reason: "not 64 hex digits")
        }
        guard let message = decodeHex(form.message) else {
            throw .badRequest(field: "envelope.message.message", reason: "not hex")
        }
        var hashing = MessageHashing.sha256
        if let name = form.hash {
            guard let named = MessageHashing(name: name) else {
                throw .badRequest(field: "envelope.message.hash",
                                  reason: "one of \(MessageHashing.named.compactMap(\.name).joined(separator: ", "))")
            }
            hashing = named
        }
        self.init(user: user, blockNumber: form.blockNumber, message: message, hashing: hashing,
                  derivationPath: form.derivationPath ?? "m", attempt: form.attempt ?? 0)
    }

    struct Form: StrictDecodable, Encodable {
        static let fieldNames: Set<String> = ["user", "block_number", "message", "hash", "derivation_path", "attempt"]
        let user: String
        let blockNumber: UInt64
        let message: String
        let hash: String?
        let derivationPath: String?
        let attempt: UInt64?

        enum CodingKeys: String, CodingKey {
            case user, blockNumber = "block_number", message, hash, derivationPath = "derivation_path", attempt
        }
    }
}
