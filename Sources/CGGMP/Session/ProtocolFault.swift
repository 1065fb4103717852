/// A party broke the protocol: who, in which round, what was wrong, and the evidence.
public struct ProtocolFault: Error, Sendable, CustomStringConvertible {
    public let culprit: PartyID
    public let round: Int
    public let reason: FaultReason
    public let evidence: Evidence

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
/// `messages[0]` is the offending message (for equivocation, the first of the two conflicting
/// ones); the rest support the check.
///
/// Attribution: faults proven by the culprit's own signature (equivocation, invalid echo, protocol
/// violations, a signed message for another session) are attributable to the culprit by anyone.
/// An invalid signature or a sender mismatch shows only that the delivered bytes are bad; pinning
/// them on the delivering party rests on the authenticated transport (the Noise channel), which a
/// third party cannot see.
public struct Evidence: Sendable {
    public let culprit: PartyID
    public let round: Int
    public let reason: FaultReason
    public let messages: [SignedMessage]

    /// Re-runs the failed check from public data alone.
    /// - Parameter rechecker: the protocol's re-verification of its own rules, needed for
    ///   `.violation` evidence.
    /// - Throws: `EvidenceError` when the messages do not show the claimed fault.
    public func verify(publicData: SessionPublicData, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                       rechecker: (any EvidenceRechecker)? = nil) throws(EvidenceError) {
        guard let offending = messages.first else { throw .notProven("no messages") }
        guard publicData.committee.contains(culprit) else { throw .notProven("culprit is not in the committee") }
        switch reason {
        case .invalidSignature:
            guard !offending.hasValidSignature(verifier) else { throw .notProven("the signature is valid") }
            return
        case .senderMismatch:
            guard offending.sender != culprit else { throw .notProven("the sender is the culprit") }
            return
        default:
            break
        }
        // Every other kind of fault rests on messages the culprit or committee members signed.
        for message in messages {
            guard message.hasValidSignature(verifier) else { throw .badSignature(message.sender) }
        }
        guard offending.sender == culprit else { throw .notProven("the offending message is not the culprit's") }
        switch reason {
        case .wrongSession:
            guard offending.sessionID != publicData.sessionID || offending.protocolTag != publicData.protocolTag else {
                throw .notProven("the message belongs to this session")
            }
        case .equivocation:
            guard messages.count == 2, messages[0].occupiesSameSlot(as: messages[1]),
                  messages[0].payload != messages[1].payload,
                  messages[0].sessionID == publicData.sessionID, messages[0].protocolTag == publicData.protocolTag
            else { throw .notProven("the messages do not conflict") }
        case .invalidEcho:
            try requireInSession(offending, publicData)
            guard offending.kind == .echo, messages.count == 1 else { throw .notProven("not an echo message") }
            guard EchoRound.problem(in: offending, publicData: publicData, verifier: verifier) != nil else {
                throw .notProven("the echo is well-formed")
            }
        case .violation:
            try requireInSession(offending, publicData)
            for message in messages.dropFirst() { try requireInSession(message, publicData) }
            guard let rechecker else { throw .rechecker }
            guard rechecker.violation(offending: offending, supporting: Array(messages.dropFirst()),
                                      publicData: publicData) != nil else {
                throw .notProven("the protocol check passes")
            }
        case .unexpectedMessage, .duplicateMessage:
            // Only the signed message itself can be shown; whether it was unexpected depends on the
            // accuser's state (for a duplicate, the second message is the evidence's other entry).
            try requireInSession(offending, publicData)
            if case .duplicateMessage = reason {
                guard messages.count == 2, messages[0].occupiesSameSlot(as: messages[1]),
                      messages[0] != messages[1] else { throw .notProven("not two messages for one slot") }
            }
        case .invalidSignature, .senderMismatch:
            break
        }
    }

    private func requireInSession(_ message: SignedMessage, _ publicData: SessionPublicData) throws(EvidenceError) {
        guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
            throw .notProven("a message belongs to another session")
        }
        guard publicData.committee.contains(message.sender) else {
            throw .notProven("a message's sender is not in the committee")
        }
    }
}

/// A protocol's re-run of its own message checks, for third-party verification of evidence.
public protocol EvidenceRechecker: Sendable {
    /// The rule `offending` breaks given the `supporting` messages, or nil when it breaks none.
    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation?
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
