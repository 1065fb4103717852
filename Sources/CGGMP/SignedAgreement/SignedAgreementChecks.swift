import Bytes

/// The one check of a signed agreement, a pure function of the configuration and the checked
/// party's own signed echo-broadcast, shared by the live round and `SignedAgreementRechecker`.
enum SignedAgreementChecks {
    /// A `SignedMessage`'s encoded size beside its session id, protocol tag and payload (version,
    /// four lengths, round, kind, sender, recipient flag and id, signature), rounded up.
    static let signedMessageOverhead = 160

    /// Round 1: a sender's payload is its length-prefixed value, which passes the validity check
    /// (`malformed-value`, `invalid-value`); any other receiver's payload is empty (`unexpected-value`).
    /// - Returns: the sender's value, nil for a receiver that is not a sender.
    static func round1(_ incoming: IncomingPayloads, configuration: SignedAgreementConfiguration)
        throws(RoundViolation) -> [UInt8]? {
        let payload = try incoming.payload(.echoBroadcast)
        guard configuration.senders.contains(incoming.sender) else {
            guard payload.isEmpty else {
                throw RoundViolation(rule: "unexpected-value", detail: "a receiver that is not a sender signed \(payload.count) bytes")
            }
            return nil
        }
        guard payload.count <= configuration.maximumPayloadSize else {
            throw RoundViolation(rule: "invalid-value", detail: "a payload of \(payload.count) bytes")
        }
        let value: [UInt8]
        do { value = try SignedAgreementPayload.decode(payload) } catch {
            throw RoundViolation(rule: "malformed-value", detail: "\(error)")
        }
        if let problem = configuration.validity.problem(with: value) {
            throw RoundViolation(rule: "invalid-value", detail: problem)
        }
        return value
    }
}

/// The signed agreement's check re-run by a third party: the function the live round calls. A
/// round or set of parts the protocol does not have proves nothing (`incomplete-view`), nor does
/// evidence of a session whose id is not derived from this configuration (the live session's id
/// always is: `SignedAgreement.publicData(sessionID:configuration:)`).
struct SignedAgreementRechecker: EvidenceRechecker {
    /// `SignedAgreement.derivedSessionID` of the caller's session id and `configuration`.
    let derivedSessionID: [UInt8]
    let configuration: SignedAgreementConfiguration

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        guard view.publicData.sessionID == derivedSessionID else {
            throw .incompleteView("evidence of a session whose id does not bind this configuration")
        }
        guard round == 1 else { throw .incompleteView("SignedAgreement has no round \(round)") }
        try incoming.require([.echoBroadcast], protocolName: "SignedAgreement", round: round)
        _ = try SignedAgreementChecks.round1(incoming, configuration: configuration)
    }
}
