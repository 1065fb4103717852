import CGGMP
import Foundation
import TSS

// The request and response bodies of the HTTP API (docs/openapi.yaml). Requests are decoded
// strictly (``Strict``): unknown members are refused.

/// `{"version": 1, "encapsulated_key": B64, "ciphertext": B64}`: an `Envelope` as JSON.
struct EnvelopeBody: StrictDecodable, Encodable {
    static let fieldNames: Set<String> = ["version", "encapsulated_key", "ciphertext"]
    let version: Int
    let encapsulatedKey: String
    let ciphertext: String

    enum CodingKeys: String, CodingKey {
        case version, encapsulatedKey = "encapsulated_key", ciphertext
    }

    /// The envelope (its base64 and sizes checked by `Envelope(encoded:)`).
    func envelope(field: String) throws(APIError) -> Envelope {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let bytes = try? Array(encoder.encode(self)) else { throw .badRequest(field: field, "not an envelope") }
        do { return try Envelope(encoded: bytes) } catch { throw .badRequest(field: field, "\(error)") }
    }
}

/// `POST /user/new`: exactly one of `dkg` and `dealer`.
struct NewUserBody: StrictDecodable {
    static let fieldNames: Set<String> = ["dkg", "dealer"]
    let dkg: Strict<DKGJob>?
    let dealer: Strict<DealerJob>?
}

/// A distributed registration job: the user, the block and (optionally) the committee.
struct DKGJob: StrictDecodable {
    static let fieldNames: Set<String> = ["user", "block_number", "committee"]
    let user: String
    let blockNumber: UInt64
    let committee: [String]?

    enum CodingKeys: String, CodingKey {
        case user, blockNumber = "block_number", committee
    }
}

/// A dealer registration (`/user/new`) or a handed-over share (`/user/receive_key`): the user,
/// the block and the envelope sealed to this node.
struct DealerJob: StrictDecodable {
    static let fieldNames: Set<String> = ["user", "block_number", "envelope"]
    let user: String
    let blockNumber: UInt64
    let envelope: Strict<EnvelopeBody>

    enum CodingKeys: String, CodingKey {
        case user, blockNumber = "block_number", envelope
    }
}

/// `POST /user/sign_tx`.
struct SignTxBody: StrictDecodable {
    static let fieldNames: Set<String> = ["envelope"]
    let envelope: Strict<EnvelopeBody>
}

/// `POST /signer/signature`: exactly one of `request_id` and `message_hash`.
struct SignaturePollBody: StrictDecodable {
    static let fieldNames: Set<String> = ["request_id", "message_hash"]
    let requestID: String?
    let messageHash: String?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", messageHash = "message_hash"
    }
}

/// The answer to `/user/new` and `/user/receive_key`.
struct FlowStartedBody: Encodable {
    let status = "pending"
    let flowID: String

    enum CodingKeys: String, CodingKey {
        case status, flowID = "flow_id"
    }
}

/// `GET /healthz`.
struct HealthBody: Encodable {
    let status: String
    let party: String
    let parameterSet: String
    let runningFlows: Int
    let registeredUsers: Int

    enum CodingKeys: String, CodingKey {
        case status, party, parameterSet = "parameter_set", runningFlows = "running_flows", registeredUsers = "registered_users"
    }
}

/// The error body of every 4xx and 5xx answer: `{"error": {"code", "message", "field"?}}`.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let field: String?
    }

    let error: Detail
}
