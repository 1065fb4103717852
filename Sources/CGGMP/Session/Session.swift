/// Drives one party through a round-based protocol: signs what the current round sends, checks
/// and collects what arrives, runs the echo step after echo-broadcast rounds, and finalises rounds.
///
/// A session does no I/O and holds no clock or generator: the caller delivers messages, passes a
/// generator where randomness is needed, and decides when to give up waiting. `check` is pure, so
/// messages from different senders may be checked in parallel; `accept` then records them one at
/// a time.
public struct Session<Output: Sendable>: Sendable {
    /// The session id, protocol tag and committee every message is bound to.
    public let publicData: SessionPublicData
    /// This party (the signer's identity).
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
    /// The entries of each party's accepted echoes: echoer → round → original sender → message.
    private var attestedEntries: [PartyID: [Int: [PartyID: SignedMessage]]] = [:]

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
    /// Whether the last round was finalised into the protocol's output (or the session aborted).
    public var isFinished: Bool { phase == .finished }

    private var others: [PartyID] { publicData.committee.filter { $0 != me } }

    /// The parties whose messages the current step still waits for (empty while sending, when
    /// ready to finalise, and after finishing). A caller that gives up waiting names these parties
    /// as silent: a transport-level attribution, which no third party can check.
    public var waitingFor: [PartyID] {
        switch phase {
        case .collecting: others.filter { verified[$0] == nil }
        case .collectingEchoes: others.filter { !echoed.contains($0) }
        case .sending, .echoToSend, .readyToFinalize, .finished: []
        }
    }

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
    /// - Throws: `.fault` naming the culprit (proven by its signatures, or transport-only when the
    ///   delivered bytes themselves are bad), `.notYetExpected` for a message of a later step (keep
    ///   it and deliver it again later), `.alreadyReceived` for a copy of an accepted message and
    ///   `.ignored` for a message that fills no slot of this session now (drop both: the network
    ///   may duplicate, delay and misroute honest messages, so neither is anyone's fault).
    public func check(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> CheckedMessage {
        guard message.sender == deliverer else {
            throw fault(deliverer, .senderMismatch, [message])
        }
        guard message.hasValidSignature(verifier) else { throw fault(deliverer, .invalidSignature, [message]) }
        guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
            throw .ignored("the message belongs to another session")
        }
        let sender = message.sender
        guard sender != me, publicData.committee.contains(sender) else {
            throw .ignored("the sender is not another committee member")
        }
        if message.kind == .direct, message.recipient != me { throw .ignored("a direct message for another party") }
        if phase == .finished || message.round < round.number {
            // A late copy is dropped; a different message for a filled slot is equivocation.
            try checkNotDuplicate(message)
            throw .ignored("round \(message.round) is over")
        }
        if message.round > round.number { throw .notYetExpected }
        if message.kind == .echo {
            guard round.messageKinds.contains(.echoBroadcast) else {
                throw .ignored("round \(round.number) has no echo step")
            }
            guard phase == .collectingEchoes || phase == .readyToFinalize else { throw .notYetExpected }
            try checkNotDuplicate(message)
            try checkEcho(message)
            return CheckedMessage(messages: [message], payload: nil)
        }
        guard round.messageKinds.contains(message.kind) else {
            throw .ignored("round \(round.number) has no \(message.kind) messages")
        }
        try checkNotDuplicate(message)
        var parts = partial[sender] ?? [:]
        parts[message.kind] = message
        guard parts.count == round.messageKinds.count else { return CheckedMessage(messages: [message], payload: nil) }
        return try verifyParts(parts, from: sender)
    }

    /// Runs the round's check on a sender's complete set of parts, over the view of what the sender
    /// signed; a violation's evidence is the parts and exactly what the check read.
    private func verifyParts(_ parts: [MessageKind: SignedMessage], from sender: PartyID) throws(SessionError) -> CheckedMessage {
        let incoming = IncomingPayloads(sender: sender, parts: parts)
        var view = self.view(of: sender, parts: parts)
        do {
            let payload = try round.verify(incoming, view: &view)
            return CheckedMessage(messages: incoming.messages, payload: payload)
        } catch {
            guard error.rule != RoundViolation.incompleteViewRule else {
                // Every message a check reads was accepted before the round began.
                throw .outOfOrder("round \(round.number)'s check lacks \(error.detail)")
            }
            if let accused = error.accused, !error.accusedEvidence.isEmpty {
                // The sender's message proved another party's fault (a valid complaint).
                throw fault(accused, .violation(RoundViolation(rule: error.rule, detail: error.detail)), error.accusedEvidence)
            }
            var evidence = incoming.messages
            for message in view.used where !evidence.contains(message) {
                evidence.append(message)
            }
            throw fault(sender, .violation(error), evidence)
        }
    }

    /// What `sender` signed in this session so far, as a check may read it (see `SignedView`).
    private func view(of sender: PartyID, parts: [MessageKind: SignedMessage]) -> SignedView {
        var own: [SignedView.OwnSlot: SignedMessage] = [:]
        var echoes: [Int: SignedMessage] = [:]
        var unattested: [MessageSlot: SignedMessage] = [:]
        for (slot, message) in accepted {
            if slot.sender == sender {
                if slot.kind == .echo {
                    echoes[slot.round] = message
                } else {
                    own[SignedView.OwnSlot(round: slot.round, kind: slot.kind)] = message
                }
            } else if slot.kind == .echoBroadcast || slot.kind == .broadcast {
                unattested[slot] = message
            }
        }
        for (kind, message) in parts { own[SignedView.OwnSlot(round: message.round, kind: kind)] = message }
        return SignedView(sender: sender, publicData: publicData, own: own, attested: attestedEntries[sender] ?? [:],
                          echoes: echoes, unattested: unattested)
    }

    /// Refuses a second, different message for a slot already filled (equivocation); a copy of the
    /// accepted one is `.alreadyReceived`.
    private func checkNotDuplicate(_ message: SignedMessage) throws(SessionError) {
        let slot = MessageSlot(round: message.round, kind: message.kind, sender: message.sender)
        let earlier = accepted[slot] ?? partial[message.sender]?[message.kind]
        guard let earlier, earlier.round == message.round else { return }
        if earlier.payload == message.payload { throw .alreadyReceived }
        throw fault(message.sender, .equivocation, [earlier, message])
    }

    private func checkEcho(_ echo: SignedMessage) throws(SessionError) {
        if let problem = EchoRound.problem(in: echo, publicData: publicData, verifier: verifier) {
            throw fault(echo.sender, .invalidEcho(problem), [echo])
        }
        // Well-formed (checked above), so decoding succeeds.
        guard let entries = try? EchoRound.entries(of: echo) else { preconditionFailure("echo decoded before") }
        for entry in entries {
            guard let mine = accepted[MessageSlot(round: entry.round, kind: .echoBroadcast, sender: entry.sender)] else {
                preconditionFailure("the echo step starts after every echo-broadcast was accepted")
            }
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
        guard let first = checked.messages.first, first.round == round.number, phase != .finished else {
            throw .outOfOrder("the message was checked in another round")
        }
        let sender = first.sender
        if first.kind == .echo {
            guard phase == .collectingEchoes || phase == .readyToFinalize else { throw .outOfOrder("no echo step now") }
            try checkNotDuplicate(first)
            guard echoed.insert(sender).inserted else { throw .alreadyReceived }
            accepted[MessageSlot(round: first.round, kind: .echo, sender: sender)] = first
            // Well-formed: `check` ran `EchoRound.problem` on it.
            let entries = (try? EchoRound.entries(of: first)) ?? []
            attestedEntries[sender, default: [:]][first.round] = Dictionary(
                entries.map { ($0.sender, $0) }, uniquingKeysWith: { a, _ in a })
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
        case .differentPresignatures(let mismatch):
            phase = .finished
            throw .differentPresignatures(mismatch)
        }
    }
}

/// A signed message and where it goes: one recipient, or (nil) every other committee member.
public struct OutgoingMessage: Sendable {
    /// The one recipient of a direct message; nil for a message every other committee member receives.
    public let recipient: PartyID?
    /// The signed message to deliver.
    public let message: SignedMessage
    /// Pairs `message` with its destination. Never fails; the session, not this type, decides who
    /// receives what.
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
    /// More rounds follow: send the next round's messages.
    case inProgress
    /// The last round was finalised; this is the protocol's output.
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
    /// The message fills no slot of this session now (another session, a round that is over, a
    /// kind the round does not use, another party's direct message): drop it. Not a fault, since
    /// the network may replay, delay and misroute honest messages.
    case ignored(String)
    /// The caller used the session out of order (a bug in the driving code).
    case outOfOrder(String)
    /// The protocol could not finish, with no one to blame (see `RoundTransition.aborted`).
    case aborted(String)
    /// Standalone signing could not finish because signers signed with different presignatures:
    /// each σ message names its presignature (``PresignatureID``), and a σ made with another one
    /// than this party's is not judged. No one is blamed (an honest signer may have been handed
    /// another presignature); agree on the presignature id and sign again with fresh ones.
    case differentPresignatures(PresignatureMismatch)

    /// A one-line account of the error (a fault's culprit, round and reason).
    public var description: String {
        switch self {
        case .fault(let fault): "\(fault)"
        case .notYetExpected: "message for a later step"
        case .alreadyReceived: "message already received"
        case .ignored(let why): "message ignored: \(why)"
        case .outOfOrder(let what): "session used out of order: \(what)"
        case .aborted(let reason): "protocol aborted: \(reason)"
        case .differentPresignatures(let mismatch): "signers used different presignatures: \(mismatch)"
        }
    }
}
