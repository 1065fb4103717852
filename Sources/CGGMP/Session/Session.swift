/// Drives one party through a round-based protocol: signs what the current round sends, checks
/// and collects what arrives, runs the echo step after echo-broadcast rounds, and finalises rounds.
///
/// A session does no I/O and holds no clock or generator: the caller delivers messages, passes a
/// generator where randomness is needed, and decides when to give up waiting. `check` is pure, so
/// messages from different senders may be checked in parallel; `accept` then records them one at
/// a time.
public struct Session<Output: Sendable>: Sendable {
    public let publicData: SessionPublicData
    public let me: PartyID
    private let signer: any IdentitySigner
    private let verifier: any IdentitySignatureVerifier
    private var round: any Round<Output>
    private var phase: Phase = .sending
    private var artifact: RoundArtifact?
    /// Every message of the session this party sent or accepted (for the echo step and evidence).
    private var accepted: [MessageSlot: SignedMessage] = [:]
    /// The current round's parts from senders whose message is not yet complete.
    private var partial: [PartyID: [MessageKind: SignedMessage]] = [:]
    private var verified: [PartyID: VerifiedPayload] = [:]
    private var echoed: Set<PartyID> = []

    private enum Phase: Sendable { case sending, collecting, echoToSend, collectingEchoes, readyToFinalize, finished }

    /// Used by protocol entry points, which build the first round.
    init(publicData: SessionPublicData, signer: some IdentitySigner, verifier: some IdentitySignatureVerifier,
         firstRound: any Round<Output>) throws(SessionSetupError) {
        guard publicData.committee.contains(signer.partyID) else { throw .signerNotInCommittee(signer.partyID) }
        self.publicData = publicData
        self.me = signer.partyID
        self.signer = signer
        self.verifier = verifier
        self.round = firstRound
    }

    /// The current round's number.
    public var roundNumber: Int { round.number }
    /// Whether `makeMessages` has something to send.
    public var hasMessagesToSend: Bool { phase == .sending || phase == .echoToSend }
    /// Whether every expected message has arrived, so `finalize` may be called.
    public var isReadyToFinalize: Bool { phase == .readyToFinalize }
    public var isFinished: Bool { phase == .finished }

    private var others: [PartyID] { publicData.committee.filter { $0 != me } }

    // MARK: Sending

    /// The current round's signed messages (or, after an echo-broadcast round, the echo).
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(SessionError) -> [OutgoingMessage] {
        switch phase {
        case .sending:
            let payloads = round.makeMessages(using: &generator)
            artifact = payloads.artifact
            var out: [OutgoingMessage] = []
            for kind in [MessageKind.echoBroadcast, .broadcast] where round.messageKinds.contains(kind) {
                let payload = kind == .echoBroadcast ? payloads.echoBroadcast : payloads.broadcast
                guard let payload else { preconditionFailure("round \(round.number) made no \(kind)") }
                let message = sign(kind: kind, recipient: nil, payload: payload)
                accepted[MessageSlot(round: round.number, kind: kind, sender: me)] = message
                out.append(OutgoingMessage(recipient: nil, message: message))
            }
            if round.messageKinds.contains(.direct) {
                for party in others {
                    guard let payload = payloads.direct[party] else { preconditionFailure("no direct message for \(party)") }
                    out.append(OutgoingMessage(recipient: party, message: sign(kind: .direct, recipient: party, payload: payload)))
                }
            }
            phase = .collecting
            advanceIfComplete()
            return out
        case .echoToSend:
            let echoes = publicData.committee.map { accepted[MessageSlot(round: round.number, kind: .echoBroadcast, sender: $0)]! }
            let message = sign(kind: .echo, recipient: nil, payload: EchoRound.payload(echoes))
            phase = .collectingEchoes
            advanceIfComplete()
            return [OutgoingMessage(recipient: nil, message: message)]
        default:
            throw .outOfOrder("nothing to send in this phase")
        }
    }

    private func sign(kind: MessageKind, recipient: PartyID?, payload: [UInt8]) -> SignedMessage {
        SignedMessage(sessionID: publicData.sessionID, protocolTag: publicData.protocolTag, round: round.number,
                      kind: kind, recipient: recipient, payload: payload, signer: signer)
    }

    // MARK: Receiving

    /// Checks and records one message delivered by `deliverer` (the peer the authenticated channel
    /// names).
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) {
        try accept(check(message, from: deliverer))
    }

    /// Checks one message without changing the session. Safe to call concurrently.
    /// - Throws: `.fault` naming the culprit, `.notYetExpected` for a message of a later step (keep
    ///   it and deliver it again later), `.alreadyReceived` for an exact duplicate (drop it).
    public func check(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> CheckedMessage {
        guard message.sender == deliverer else {
            throw fault(deliverer, .senderMismatch, [message])
        }
        guard message.hasValidSignature(verifier) else { throw fault(deliverer, .invalidSignature, [message]) }
        guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
            throw fault(deliverer, .wrongSession, [message])
        }
        let sender = message.sender
        guard sender != me, publicData.committee.contains(sender) else {
            throw fault(deliverer, .unexpectedMessage("sender is not another committee member"), [message])
        }
        guard phase != .finished else { throw .outOfOrder("the session is finished") }
        if message.round > round.number { throw .notYetExpected }
        guard message.round == round.number else {
            throw fault(sender, .unexpectedMessage("round \(message.round) is over"), [message])
        }
        if message.kind == .echo {
            guard round.messageKinds.contains(.echoBroadcast) else {
                throw fault(sender, .unexpectedMessage("round \(round.number) has no echo step"), [message])
            }
            guard phase == .collectingEchoes || phase == .readyToFinalize else { throw .notYetExpected }
            if echoed.contains(sender) { throw .alreadyReceived }
            try checkEcho(message)
            return CheckedMessage(messages: [message], payload: nil)
        }
        guard round.messageKinds.contains(message.kind) else {
            throw fault(sender, .unexpectedMessage("round \(round.number) has no \(message.kind) messages"), [message])
        }
        if message.kind == .direct, message.recipient != me {
            throw fault(sender, .unexpectedMessage("direct message for another party"), [message])
        }
        try checkNotDuplicate(message)
        var parts = partial[sender] ?? [:]
        parts[message.kind] = message
        guard parts.count == round.messageKinds.count else { return CheckedMessage(messages: [message], payload: nil) }
        return try verifyParts(parts, from: sender)
    }

    /// Runs the round's check on a sender's complete set of parts.
    private func verifyParts(_ parts: [MessageKind: SignedMessage], from sender: PartyID) throws(SessionError) -> CheckedMessage {
        let incoming = IncomingPayloads(sender: sender, echoBroadcast: parts[.echoBroadcast]?.payload,
                                        broadcast: parts[.broadcast]?.payload, direct: parts[.direct]?.payload)
        do {
            let payload = try round.verify(incoming)
            return CheckedMessage(messages: MessageKind.allCases.compactMap { parts[$0] }, payload: payload)
        } catch {
            let offending = MessageKind.allCases.compactMap { parts[$0] }
            let supporting = error.supportingMessages.compactMap { accepted[$0] }
            throw fault(sender, .violation(error), offending + supporting)
        }
    }

    private func checkNotDuplicate(_ message: SignedMessage) throws(SessionError) {
        let slot = MessageSlot(round: message.round, kind: message.kind, sender: message.sender)
        let earlier = accepted[slot] ?? partial[message.sender]?[message.kind]
        guard let earlier else { return }
        if earlier == message { throw .alreadyReceived }
        throw fault(message.sender, earlier.payload == message.payload ? .duplicateMessage : .equivocation,
                    [earlier, message])
    }

    private func checkEcho(_ echo: SignedMessage) throws(SessionError) {
        if let problem = EchoRound.problem(in: echo, publicData: publicData, verifier: verifier) {
            throw fault(echo.sender, .invalidEcho(problem), [echo])
        }
        // Well-formed (checked above), so decoding succeeds.
        guard let entries = try? EchoRound.entries(of: echo) else { preconditionFailure("echo decoded before") }
        for entry in entries {
            let mine = accepted[MessageSlot(round: entry.round, kind: .echoBroadcast, sender: entry.sender)]!
            if mine.payload != entry.payload { throw fault(entry.sender, .equivocation, [mine, entry]) }
        }
    }

    private func fault(_ culprit: PartyID, _ reason: FaultReason, _ messages: [SignedMessage]) -> SessionError {
        let round = messages.first?.round ?? self.round.number
        return .fault(ProtocolFault(culprit: culprit, round: round, reason: reason,
                                    evidence: Evidence(culprit: culprit, round: round, reason: reason, messages: messages)))
    }

    /// Records a message `check` accepted. When it completes a sender's parts that were checked
    /// one by one (for instance in parallel, each seeing the others missing), the round's check
    /// runs here on the complete set and may throw `.fault`.
    public mutating func accept(_ checked: CheckedMessage) throws(SessionError) {
        guard let first = checked.messages.first, first.round == round.number else {
            throw .outOfOrder("the message was checked in another round")
        }
        let sender = first.sender
        if first.kind == .echo {
            guard phase == .collectingEchoes || phase == .readyToFinalize else { throw .outOfOrder("no echo step now") }
            guard echoed.insert(sender).inserted else { throw .alreadyReceived }
            accepted[MessageSlot(round: first.round, kind: .echo, sender: sender)] = first
        } else {
            // Another message from the same sender may have been accepted since `check` ran.
            // (A part already held as partial, which `check` combined with the new one, is no duplicate.)
            for message in checked.messages where partial[sender]?[message.kind] != message {
                try checkNotDuplicate(message)
            }
            var checked = checked
            if checked.payload == nil {
                partial[sender, default: [:]][first.kind] = first
                // Parts checked concurrently each saw the others missing; the last one accepted
                // completes the set, which is verified now.
                if let parts = partial[sender], parts.count == round.messageKinds.count {
                    checked = try verifyParts(parts, from: sender)
                }
            }
            if let payload = checked.payload {
                for message in checked.messages {
                    accepted[MessageSlot(round: message.round, kind: message.kind, sender: sender)] = message
                }
                partial[sender] = nil
                verified[sender] = payload
            }
        }
        advanceIfComplete()
    }

    private mutating func advanceIfComplete() {
        switch phase {
        case .collecting where verified.count == others.count:
            phase = round.messageKinds.contains(.echoBroadcast) ? .echoToSend : .readyToFinalize
        case .collectingEchoes where echoed.count == others.count:
            phase = .readyToFinalize
        default:
            break
        }
    }

    // MARK: Finalising

    /// Ends the current round.
    public mutating func finalize(using generator: inout some RandomNumberGenerator) throws(SessionError) -> SessionStatus<Output> {
        guard phase == .readyToFinalize, let artifact else { throw .outOfOrder("the round is not complete") }
        let transition = round.finalize(artifact: artifact, verified: verified, using: &generator)
        self.artifact = nil
        verified = [:]
        partial = [:]
        echoed = []
        switch transition {
        case .next(let next):
            precondition(next.number > round.number, "rounds must advance")
            round = next
            phase = .sending
            return .inProgress
        case .finished(let output):
            phase = .finished
            return .finished(output)
        case .aborted(let reason):
            phase = .finished
            throw .aborted(reason)
        }
    }
}

/// A signed message and where it goes: one recipient, or (nil) every other committee member.
public struct OutgoingMessage: Sendable {
    public let recipient: PartyID?
    public let message: SignedMessage
    public init(recipient: PartyID?, message: SignedMessage) {
        self.recipient = recipient
        self.message = message
    }
}

/// A message `Session.check` accepted, ready for `Session.accept`.
public struct CheckedMessage: Sendable {
    let messages: [SignedMessage]
    let payload: VerifiedPayload?
}

/// Where a session stands after finalising a round.
public enum SessionStatus<Output: Sendable>: Sendable {
    case inProgress
    case finished(Output)
}

/// Why a session refused a call or a message.
public enum SessionError: Error, Sendable, CustomStringConvertible {
    /// A party broke the protocol; the fault names it and carries the evidence.
    case fault(ProtocolFault)
    /// The message belongs to a later step; deliver it again after the session gets there.
    case notYetExpected
    /// This exact message was already accepted.
    case alreadyReceived
    /// The caller used the session out of order (a bug in the driving code).
    case outOfOrder(String)
    /// The protocol could not finish, with no one to blame (see `RoundTransition.aborted`).
    case aborted(String)

    public var description: String {
        switch self {
        case .fault(let fault): "\(fault)"
        case .notYetExpected: "message for a later step"
        case .alreadyReceived: "message already received"
        case .outOfOrder(let what): "session used out of order: \(what)"
        case .aborted(let reason): "protocol aborted: \(reason)"
        }
    }
}
