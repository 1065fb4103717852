/// A party broke the protocol: who, in which round, what was wrong, and the evidence.
public struct ProtocolFault: Error, Sendable, CustomStringConvertible {
    /// The party whose signed messages (or, transport-only, whose channel) show the fault.
    public let culprit: PartyID
    /// The round in which the fault happened.
    public let round: Int
    /// What the culprit did wrong.
    public let reason: FaultReason
    /// The signed messages that show it to a third party (`Evidence/verdict(publicData:verifier:rechecker:)`).
    public let evidence: Evidence

    /// The same fault and messages with `party` named as the culprit: what a malicious accuser would
    /// present against an honest party. Its evidence must not verify unless `party` signed the fault.
    public func accusing(_ party: PartyID) -> ProtocolFault {
        ProtocolFault(culprit: party, round: round, reason: reason,
                      evidence: Evidence(culprit: party, round: round, reason: reason, messages: evidence.messages))
    }

    /// Whether the culprit's own signatures prove the fault (then it may go into an exported report),
    /// or only the receiving channel can attribute it. `Evidence.verdict` is the third party's check.
    public var isTransportOnly: Bool {
        switch reason {
        case .invalidSignature, .senderMismatch: true
        default: false
        }
    }

    /// Culprit, round and reason, on one line.
    public var description: String { "\(culprit) faulted in round \(round): \(reason)" }
}

/// What a culprit did wrong.
public enum FaultReason: Sendable, Equatable, CustomStringConvertible {
    /// The message's signature does not verify under its sender's key.
    case invalidSignature
    /// The message is for another session id or protocol.
    case wrongSession
    /// The message's sender field is not the party that delivered it (attribution by transport).
    case senderMismatch
    /// The message's envelope does not fit the round: unknown sender, wrong round, a kind the
    /// round does not use, a direct message for someone else.
    case unexpectedMessage(String)
    /// A second, different message for a slot already filled.
    case duplicateMessage
    /// Two different messages signed by the culprit for the same slot (equivocation).
    case equivocation
    /// An echo message that does not decode or does not hold the committee's signed
    /// echo-broadcasts.
    case invalidEcho(String)
    /// The payload broke a rule of the protocol.
    case violation(RoundViolation)

    /// The reason in words.
    public var description: String {
        switch self {
        case .invalidSignature: "invalid signature"
        case .wrongSession: "message for another session"
        case .senderMismatch: "message sender differs from the delivering party"
        case .unexpectedMessage(let what): "unexpected message: \(what)"
        case .duplicateMessage: "duplicate message"
        case .equivocation: "equivocation (two different signed messages for one slot)"
        case .invalidEcho(let what): "invalid echo: \(what)"
        case .violation(let violation): "protocol violation: \(violation)"
        }
    }
}

/// The signed messages that prove a fault, checkable by anyone holding the session's public data.
///
/// `messages` holds the culprit's offending message(s) first, then what the check read: the
/// culprit's own earlier messages, the echoes it signed, and commitment openings
/// (see `SignedView`). Nothing in it may come from the accuser's word alone.
public struct Evidence: Sendable {
    /// The party accused.
    public let culprit: PartyID
    /// The round of the offending message.
    public let round: Int
    /// The fault claimed.
    public let reason: FaultReason
    /// The offending message(s) first, then every message the check read.
    public let messages: [SignedMessage]

    /// Evidence as an accuser presents it; whether it proves anything is `verdict`'s question.
    public init(culprit: PartyID, round: Int, reason: FaultReason, messages: [SignedMessage]) {
        self.culprit = culprit
        self.round = round
        self.reason = reason
        self.messages = messages
    }

    /// What the evidence shows a third party, re-run from the signed messages alone.
    ///
    /// - `.proven`: the culprit's own signatures show the fault (equivocation, a malformed echo, a
    ///   broken protocol rule re-run over the culprit's `SignedView` with the same rule failing).
    /// - `.transportOnly`: the delivered bytes are bad (invalid signature, wrong sender field), which
    ///   only the party on the other end of the authenticated channel can attribute.
    /// - `.notProven`: anything else, with the reason.
    /// - Parameters:
    ///   - publicData: The session the evidence is claimed for; a message of another session, or a
    ///     culprit or sender outside its committee, makes the evidence `.notProven`.
    ///   - verifier: Checks the identity signatures (Ed25519 unless the deployment uses another).
    ///   - rechecker: The protocol's re-run of its own checks, needed for `.violation`; without it a
    ///     violation is `.notProven`.
    /// - Returns: The verdict; this never throws or traps, whatever the messages hold.
    public func verdict(publicData: SessionPublicData, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                        rechecker: (any EvidenceRechecker)? = nil) -> EvidenceVerdict {
        guard let offending = messages.first else { return .notProven("no messages") }
        guard publicData.committee.contains(culprit) else { return .notProven("the culprit is not in the committee") }
        switch reason {
        case .invalidSignature:
            guard messages.count == 1, !offending.hasValidSignature(verifier) else {
                return .notProven("the signature is valid")
            }
            return .transportOnly("an invalid signature is attributable only by the receiving channel")
        case .senderMismatch:
            guard messages.count == 1, offending.sender != culprit else { return .notProven("the sender is the culprit") }
            return .transportOnly("a wrong sender field is attributable only by the receiving channel")
        case .wrongSession, .unexpectedMessage, .duplicateMessage:
            // A message signed for another session, a late message, a second copy: the network can
            // replay, delay and duplicate an honest party's messages, so none of these is a fault.
            return .notProven("\(reason) is no protocol fault")
        case .equivocation, .invalidEcho, .violation:
            break
        }
        for message in messages {
            guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
                return .notProven("a message belongs to another session")
            }
            guard publicData.committee.contains(message.sender) else {
                return .notProven("a message's sender is not in the committee")
            }
            guard message.hasValidSignature(verifier) else { return .notProven("\(message.sender)'s message is not signed by it") }
        }
        guard offending.sender == culprit else { return .notProven("the offending message is not the culprit's") }
        switch reason {
        case .equivocation:
            guard messages.count == 2, messages[1].sender == culprit, messages[0].occupiesSameSlot(as: messages[1]),
                  messages[0].payload != messages[1].payload else { return .notProven("the messages do not conflict") }
            return .proven
        case .invalidEcho:
            guard offending.kind == .echo, messages.count == 1 else { return .notProven("not an echo message") }
            guard EchoRound.problem(in: offending, publicData: publicData, verifier: verifier) != nil else {
                return .notProven("the echo is well-formed")
            }
            return .proven
        case .violation(let claimed):
            guard let rechecker else { return .notProven("a protocol violation needs the protocol's rechecker") }
            return Self.recheck(claimed, culprit: culprit, round: round, messages: messages, publicData: publicData,
                                verifier: verifier, rechecker: rechecker)
        case .invalidSignature, .senderMismatch, .wrongSession, .unexpectedMessage, .duplicateMessage:
            return .notProven("\(reason) is no protocol fault")
        }
    }

    /// Re-runs the culprit's round check over the view its own signed messages give.
    private static func recheck(_ claimed: RoundViolation, culprit: PartyID, round: Int, messages: [SignedMessage],
                                publicData: SessionPublicData, verifier: some IdentitySignatureVerifier,
                                rechecker: any EvidenceRechecker) -> EvidenceVerdict {
        switch Self.violation(culprit: culprit, round: round, messages: messages, publicData: publicData,
                              verifier: verifier, rechecker: rechecker) {
        case .failure(.notProven(let why)): return .notProven(why)
        case .failure(let error): return .notProven("\(error)")
        case .success(nil): return .notProven("the protocol check passes")
        case .success(let violation?):
            guard violation.rule == claimed.rule else {
                return .notProven("the check fails with \(violation.rule), not the claimed \(claimed.rule)")
            }
            return .proven
        }
    }

    /// The rule `culprit`'s messages of `round` break when its round check is re-run over the view
    /// `messages` give (see `SignedView`): nil when the check passes; a failure when the messages
    /// cannot form a view or lack what the check reads. A harness that forges evidence asks this
    /// directly, so it need not guess the rule a forgery would have to claim.
    public static func violation(culprit: PartyID, round: Int, messages: [SignedMessage], publicData: SessionPublicData,
                                 verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                                 rechecker: any EvidenceRechecker) -> Result<RoundViolation?, EvidenceError> {
        var parts: [MessageKind: SignedMessage] = [:]
        for message in messages where message.sender == culprit && message.round == round && message.kind != .echo {
            guard parts[message.kind] == nil || parts[message.kind] == message else {
                return .failure(.notProven("two \(message.kind) messages of the culprit in round \(round)"))
            }
            parts[message.kind] = message
        }
        guard !parts.isEmpty else { return .failure(.notProven("no message of the culprit in round \(round)")) }
        var view: SignedView
        switch SignedView.fromEvidence(sender: culprit, publicData: publicData, messages: messages, verifier: verifier) {
        case .success(let built): view = built
        case .failure(let error): return .failure(error)
        }
        do throws(RoundViolation) {
            try rechecker.recheck(round: round, incoming: IncomingPayloads(sender: culprit, parts: parts), view: &view)
            return .success(nil)
        } catch {
            if error.rule == RoundViolation.incompleteViewRule {
                return .failure(.notProven("incomplete evidence: \(error.detail)"))
            }
            // A check that names another party proves nothing against the sender (the live session
            // files it against the accused, with that party's own signed messages).
            if error.accused != nil {
                return .failure(.notProven("the check names another party"))
            }
            return .success(error)
        }
    }

    /// Succeeds when `verdict` is `.proven`.
    /// - Throws: `EvidenceError.notProven` (also for transport-only evidence, which convinces no third
    ///   party), `.rechecker` when a violation was given no rechecker.
    public func verify(publicData: SessionPublicData, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                       rechecker: (any EvidenceRechecker)? = nil) throws(EvidenceError) {
        if case .violation = reason, rechecker == nil { throw .rechecker }
        switch verdict(publicData: publicData, verifier: verifier, rechecker: rechecker) {
        case .proven: return
        case .transportOnly(let why): throw .notProven("transport-only: \(why)")
        case .notProven(let why): throw .notProven(why)
        }
    }
}

/// What evidence shows a third party (`Evidence.verdict`).
public enum EvidenceVerdict: Sendable, Equatable, CustomStringConvertible {
    /// The culprit's own signed messages prove the fault.
    case proven
    /// Only the party that received the bytes over its authenticated channel can attribute them.
    case transportOnly(String)
    /// The messages do not show the fault.
    case notProven(String)

    /// The stable name printed by `tss fault verify`.
    public var name: String {
        switch self {
        case .proven: "proven"
        case .transportOnly: "transport-only"
        case .notProven: "not-proven"
        }
    }

    /// The verdict with its reason.
    public var description: String {
        switch self {
        case .proven: "proven"
        case .transportOnly(let why): "transport-only (\(why))"
        case .notProven(let why): "not proven (\(why))"
        }
    }
}

/// A protocol's round checks, re-run by a third party over the culprit's `SignedView`.
///
/// `recheck` must call the very function the live round's `verify(_:view:)` calls for `round`.
public protocol EvidenceRechecker: Sendable {
    /// Re-runs the check of `incoming` (the culprit's parts of `round`).
    /// - Throws: the rule the parts break (`incomplete-view` when `view` lacks what the check needs).
    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation)
}

/// Why evidence did not convince.
public enum EvidenceError: Error, Equatable, Sendable {
    /// A message in the evidence is not signed by its sender.
    case badSignature(PartyID)
    /// A `.violation` needs the protocol's rechecker.
    case rechecker
    /// The messages do not show the claimed fault.
    case notProven(String)
}
