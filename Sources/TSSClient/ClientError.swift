import CGGMP
import TSS

/// Why a client operation failed. Every case that comes from a node names it; none carries a
/// secret (no key, share or envelope plaintext).
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory (`network.json`) is unusable; `field` names the part ("" for the whole file).
    case directory(field: String, reason: String)
    /// The node could not be reached, or the connection failed.
    case unreachable(node: PartyID, reason: String)
    /// The node answered with an HTTP error: its status and the API's JSON error
    /// (`{"error": {"code", "message", "field"?}}`; `code` is `"unknown"` when the body had none).
    case http(node: PartyID, status: Int, code: String, message: String, field: String?)
    /// The node answered 2xx with a body that does not have the API's shape.
    case malformedResponse(node: PartyID, reason: String)
    /// The node reports that the signing flow failed; `report` is its fault report.
    case signingFailed(node: PartyID, report: FaultReport)
    /// No final answer before the deadline; `pending` names the nodes still pending.
    case timedOut(pending: [PartyID])
    /// A node's signature does not verify, or does not recover the public key it reported.
    case invalidSignature(node: PartyID, reason: String)
    /// The committee members returned different request ids, signatures or public keys.
    case committeeDisagrees(String)
    /// The committee could not be selected from the directory's signing groups.
    case committee(CommitteeError)
    /// The message could not be hashed (an `identity` message that is not 32 bytes).
    case messageHash(String)
    /// Dealing the user's key failed (`DealerKeyGeneration`).
    case dealing(KeyShareError)
    /// Sealing the dealt shares failed (`DealerRegistration.seal`).
    case dealerSealing(DealerRegistrationError)
    /// Sealing a signing request failed (a low-order channel key).
    case envelope(EnvelopeError)

    /// The node the error comes from, when there is one.
    public var node: PartyID? {
        switch self {
        case .unreachable(let node, _), .http(let node, _, _, _, _), .malformedResponse(let node, _),
             .signingFailed(let node, _), .invalidSignature(let node, _):
            node
        default: nil
        }
    }

    /// A one-line explanation naming the node.
    public var description: String {
        switch self {
        case .directory(let field, let reason): field.isEmpty ? "directory: \(reason)" : "directory: \(field): \(reason)"
        case .unreachable(let node, let reason): "node \(Hex.encode(node.rawRepresentation)): unreachable: \(reason)"
        case .http(let node, let status, let code, let message, let field):
            "node \(Hex.encode(node.rawRepresentation)): HTTP \(status) \(code)\(field.map { " (\($0))" } ?? ""): \(message)"
        case .malformedResponse(let node, let reason): "node \(Hex.encode(node.rawRepresentation)): malformed answer: \(reason)"
        case .signingFailed(let node, let report): "node \(Hex.encode(node.rawRepresentation)): signing failed: \(report)"
        case .timedOut(let pending): "timed out; still pending: \(pending.map { Hex.encode($0.rawRepresentation) }.joined(separator: ", "))"
        case .invalidSignature(let node, let reason): "node \(Hex.encode(node.rawRepresentation)): invalid signature: \(reason)"
        case .committeeDisagrees(let what): "the committee disagrees: \(what)"
        case .committee(let error): "committee: \(error)"
        case .messageHash(let reason): "message hash: \(reason)"
        case .dealing(let error): "dealing the key: \(error)"
        case .dealerSealing(let error): "sealing the shares: \(error)"
        case .envelope(let error): "sealing the request: \(error)"
        }
    }
}

/// A node's report of a failed signing flow (docs/openapi.yaml, `FailureReport`).
public struct FaultReport: Sendable, Equatable, CustomStringConvertible {
    /// Why the flow failed, in words.
    public let reason: String
    /// The phase it failed in, when known.
    public let phase: String?
    /// The party proven or reported to blame, when one is named.
    public let culprit: PartyID?
    /// The proven fault (`FlowFault.encoded`), standard base64; `tss fault verify` checks it.
    public let fault: String?
    /// The culprit's signed message (`SignedMessage.encoded`), standard base64.
    public let evidence: String?
    /// The parties that did not answer in time.
    public let unresponsive: [PartyID]

    /// A report from its parts.
    public init(reason: String, phase: String? = nil, culprit: PartyID? = nil, fault: String? = nil,
                evidence: String? = nil, unresponsive: [PartyID] = []) {
        self.reason = reason
        self.phase = phase
        self.culprit = culprit
        self.fault = fault
        self.evidence = evidence
        self.unresponsive = unresponsive
    }

    /// The reason, phase, culprit and unresponsive parties (the base64 report is left out).
    public var description: String {
        var text = reason
        if let phase { text += " (phase \(phase))" }
        if let culprit { text += "; culprit \(Hex.encode(culprit.rawRepresentation))" }
        if !unresponsive.isEmpty { text += "; unresponsive \(unresponsive.map { Hex.encode($0.rawRepresentation) })" }
        return text
    }
}
