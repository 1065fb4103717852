import CGGMP
import Foundation
import TSS

/// Why a flow on this node stopped without its output, as the API reports it: the reason in
/// words and, when a party can be named, the culprit and the evidence. Public data only: flow
/// errors print no secret, and the evidence is signed protocol messages.
public struct FailureReport: Sendable, Equatable, Codable {
    /// One line.
    public let reason: String
    /// The phase the flow was in, when known (`FlowPhase.rawValue`).
    public let phase: String?
    /// The party proven to have misbehaved (hex of its identity key), when there is one.
    public let culprit: String?
    /// `FlowFault.encoded`, base64 (standard, padded), when the culprit is proven by a CGGMP
    /// fault. Self-contained: it carries the phase's public data, parameter set and public inputs
    /// with the signed evidence, so a third party re-checks it from these bytes alone
    /// (`tss fault verify --report-json`), with the same check the node ran.
    public let fault: String?
    /// For a bad message outside the CGGMP sessions (a handover or identity signature): the
    /// culprit's signed message, `SignedMessage.encoded`, base64.
    public let evidence: String?
    /// Parties that did not answer before the deadline (hex), for a flow this node gave up on:
    /// what this node observed, not a proof.
    public let unresponsive: [String]

    /// A report from its parts.
    public init(reason: String, phase: String? = nil, culprit: String? = nil, fault: String? = nil, evidence: String? = nil,
                unresponsive: [String] = []) {
        self.reason = reason
        self.phase = phase
        self.culprit = culprit
        self.fault = fault
        self.evidence = evidence
        self.unresponsive = unresponsive
    }

    /// The report of a flow error: `.fault` carries its encoded `FlowFault`; `.badFlowMessage` its
    /// signed message.
    public init(_ error: FlowError) {
        switch error {
        case .fault(let fault):
            self.init(reason: error.description, phase: fault.phase.rawValue, culprit: hexString(fault.culprit.rawRepresentation),
                      fault: Data(fault.encoded).base64EncodedString())
        case .badFlowMessage(let culprit, let phase, _, let message):
            self.init(reason: error.description, phase: phase.rawValue, culprit: hexString(culprit.rawRepresentation),
                      evidence: Data(message.encoded).base64EncodedString())
        case .disagreement(let phase, _):
            self.init(reason: error.description, phase: phase.rawValue)
        default:
            self.init(reason: error.description)
        }
    }

    /// The report of a flow this node gave up on: the parties it still waited for.
    public static func timedOut(waitingFor parties: [PartyID], after: Duration) -> FailureReport {
        FailureReport(reason: "no progress within \(after): waiting for " + (parties.isEmpty ? "nobody (stalled)"
                          : parties.map(\.description).joined(separator: ", ")),
                      unresponsive: parties.map { hexString($0.rawRepresentation) })
    }

    enum CodingKeys: String, CodingKey {
        case reason, phase, culprit, fault, evidence, unresponsive
    }
}

/// Lowercase hex (the API's encoding of ids and keys).
func hexString(_ bytes: some Sequence<UInt8>) -> String { hex(bytes) }
