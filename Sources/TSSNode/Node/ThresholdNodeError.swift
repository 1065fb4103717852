import CGGMP
import TSS

/// Why a node refused a request or an operation. Each case says which HTTP status the API
/// answers with (``httpStatus``); none carries a secret (envelope, dealer and flow errors print
/// none, and store errors are reported without their records).
public enum ThresholdNodeError: Error, Sendable, CustomStringConvertible {
    /// A request field is missing, of the wrong type or invalid (400).
    case badRequest(field: String, reason: String)
    /// The envelope did not open or is not bound to this node (400).
    case envelope(EnvelopeError)
    /// The sender may not ask this (403): not the user, not a member of this node's signing
    /// group, or the signing policy refused.
    case forbidden(String)
    /// This node is not in the committee of the request (403).
    case notInCommittee
    /// No registration for this user (404).
    case unknownUser
    /// The same request (session id) ran or runs already, or the user is registering (409).
    case conflict(String)
    /// A dealt share failed its checks (422); names the dealer where one is to blame.
    case dealerRejected(DealerRegistrationError)
    /// The flow could not be set up (422): a bad derivation path, a committee that does not fit.
    case flowSetup(FlowError)
    /// The node's store failed (500); the error is logged, not returned.
    case storage(NodeStoreError)
    /// The node is not running (503).
    case notRunning
    /// The node's own configuration is inconsistent (its identity or channel key is not the
    /// directory's entry for it).
    case configuration(String)

    /// The HTTP status the API answers with.
    public var httpStatus: Int {
        switch self {
        case .badRequest, .envelope: 400
        case .forbidden, .notInCommittee: 403
        case .unknownUser: 404
        case .conflict: 409
        case .dealerRejected, .flowSetup: 422
        case .storage, .configuration: 500
        case .notRunning: 503
        }
    }

    /// A short machine-readable code for the API's error body.
    public var code: String {
        switch self {
        case .badRequest: "bad_request"
        case .envelope: "bad_envelope"
        case .forbidden: "forbidden"
        case .notInCommittee: "not_in_committee"
        case .unknownUser: "unknown_user"
        case .conflict: "conflict"
        case .dealerRejected: "registration_rejected"
        case .flowSetup: "flow_setup_failed"
        case .storage: "storage_error"
        case .notRunning: "not_running"
        case .configuration: "configuration_error"
        }
    }

    /// One line; for ``storage(_:)`` only that the store failed (the details go to the log).
    public var description: String {
        switch self {
        case .badRequest(let field, let reason): "\(field): \(reason)"
        case .envelope(let error): "envelope: \(error)"
        case .forbidden(let why): why
        case .notInCommittee: "this node is not in the signing committee of this message"
        case .unknownUser: "no registration for this user"
        case .conflict(let why): why
        case .dealerRejected(let error): "\(error)"
        case .flowSetup(let error): "\(error)"
        case .storage: "the node's store failed"
        case .notRunning: "the node is not running"
        case .configuration(let why): why
        }
    }
}
