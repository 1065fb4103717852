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
    /// Signed messages of a later step, kept by `receive` and delivered again when the session
    /// gets there (at most ``earlyMessagesPerSender`` from each sender).
    private var early: [(message: SignedMessage, deliverer: PartyID)] = []
    /// The protocol's output, once the last round was finalised.
    public private(set) var output: Output?

    /// How many messages of later steps `receive` keeps from one sender; more are ignored (a
    /// protocol's sender has at most a few messages in flight: parts of the next round, an echo).
    public static var earlyMessagesPerSender: Int { 8 }

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
    /// The same as ``isReadyToFinalize`` (the `PartyMachine` name).
    public var isReadyToAdvance: Bool { isReadyToFinalize }
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
                out.append(OutgoingMessage(recipients: others, message: message))
            }
            if round.messageKinds.contains(.direct) {
                for party in others {
                    guard let payload = payloads.direct[party] else { preconditionFailure("no direct message for \(party)") }
                    out.append(OutgoingMessage(recipients: [party], message: sign(kind: .direct, recipient: party, payload: payload)))
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
            // Echoes that arrived before this party sent its own.
            try redeliverEarly()
            return [OutgoingMessage(recipients: others, message: message)]
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
    /// - Returns: `.accepted`; `.deferred` for a message of a later step, which the session keeps
    ///   and delivers to itself when it gets there; or why the message was dropped without blame
    ///   (see ``MessageReceipt``).
    @discardableResult
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> MessageReceipt {
        switch try check(message, from: deliverer) {
        case .verified(let checked): return try accept(checked)
        case .setAside(.deferred):
            guard early.filter({ $0.message.sender == message.sender }).count < Self.earlyMessagesPerSender else {
                return .ignored("too many messages of later steps from \(message.sender)")
            }
            if early.contains(where: { $0.message == message }) { return .duplicate }
            early.append((message, deliverer))
            return .deferred
        case .setAside(let receipt): return receipt
        }
    }

    /// Delivers the kept messages of later steps again; those still early are kept again.
    private mutating func redeliverEarly() throws(SessionError) {
        guard !early.isEmpty else { return }
        let pending = early
        early = []
        for item in pending { try receive(item.message, from: item.deliverer) }
    }

    /// Checks one message without changing the session. Safe to call concurrently.
    /// - Returns: `.verified` with what to pass to ``accept(_:)``, or `.setAside` with the verdict
    ///   for a message that is no one's fault: `.deferred` for a later step (keep it and deliver it
    ///   again later), `.duplicate` for a copy of an accepted message and `.ignored` for one that
    ///   fills no slot of this session now (drop both: the network may duplicate, delay and
    ///   misroute honest messages).
    /// - Throws: `.fault` naming the culprit (proven by its signatures, or transport-only when the
    ///   delivered bytes themselves are bad).
    public func check(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> MessageCheck {
        guard message.sender == deliverer else {
            throw fault(deliverer, .senderMismatch, [message])
        }
        guard message.hasValidSignature(verifier) else { throw fault(deliverer, .invalidSignature, [message]) }
        guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
            return .setAside(.ignored("the message belongs to another session"))
        }
        let sender = message.sender
        guard sender != me, publicData.committee.contains(sender) else {
            return .setAside(.ignored("the sender is not another committee member"))
        }
        if message.kind == .direct, message.recipient != me { return .setAside(.ignored("a direct message for another party")) }
        if phase == .finished || message.round < round.number {
            // A late copy is dropped; a different message for a filled slot is equivocation.
            if try isCopyOfAccepted(message) { return .setAside(.duplicate) }
            return .setAside(.ignored("round \(message.round) is over"))
        }
        if message.round > round.number { return .setAside(.deferred) }
        if message.kind == .echo {
            guard round.messageKinds.contains(.echoBroadcast) else {
                return .setAside(.ignored("round \(round.number) has no echo step"))
            }
            guard phase == .collectingEchoes || phase == .readyToFinalize else { return .setAside(.deferred) }
            if try isCopyOfAccepted(message) { return .setAside(.duplicate) }
            try checkEcho(message)
            return .verified(CheckedMessage(messages: [message], payload: nil))
        }
        guard round.messageKinds.contains(message.kind) else {
            return .setAside(.ignored("round \(round.number) has no \(message.kind) messages"))
        }
        if try isCopyOfAccepted(message) { return .setAside(.duplicate) }
        var parts = partial[sender] ?? [:]
        parts[message.kind] = message
        guard parts.count == round.messageKinds.count else { return .verified(CheckedMessage(messages: [message], payload: nil)) }
        return .verified(try verifyParts(parts, from: sender))
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

    /// Whether `message` is a copy of the one already accepted for its slot; a second, different
    /// message for a filled slot is equivocation.
    private func isCopyOfAccepted(_ message: SignedMessage) throws(SessionError) -> Bool {
        let slot = MessageSlot(round: message.round, kind: message.kind, sender: message.sender)
        let earlier = accepted[slot] ?? partial[message.sender]?[message.kind]
        guard let earlier, earlier.round == message.round else { return false }
        if earlier.payload == message.payload { return true }
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
    /// - Returns: `.accepted`, or `.duplicate` when an equal message was accepted since `check`.
    @discardableResult
    public mutating func accept(_ checked: CheckedMessage) throws(SessionError) -> MessageReceipt {
        guard let first = checked.messages.first, first.round == round.number, phase != .finished else {
            throw .outOfOrder("the message was checked in another round")
        }
        let sender = first.sender
        if first.kind == .echo {
            guard phase == .collectingEchoes || phase == .readyToFinalize else { throw .outOfOrder("no echo step now") }
            if try isCopyOfAccepted(first) { return .duplicate }
            guard echoed.insert(sender).inserted else { return .duplicate }
            accepted[MessageSlot(round: first.round, kind: .echo, sender: sender)] = first
            // Well-formed: `check` ran `EchoRound.problem` on it.
            let entries = (try? EchoRound.entries(of: first)) ?? []
            attestedEntries[sender, default: [:]][first.round] = Dictionary(
                entries.map { ($0.sender, $0) }, uniquingKeysWith: { a, _ in a })
        } else {
            // Another message from the same sender may have been accepted since `check` ran.
            // (A part already held as partial, which `check` combined with the new one, is no duplicate.)
            for message in checked.messages where partial[sender]?[message.kind] != message {
                if try isCopyOfAccepted(message) { return .duplicate }
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
        return .accepted
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

    /// ``finalize(using:)`` without the status (the `PartyMachine` call); the output, once there
    /// is one, is ``output``.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(SessionError) {
        _ = try finalize(using: &generator)
    }

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
            try redeliverEarly()
            return .inProgress
        case .finished(let output):
            phase = .finished
            early = []
            self.output = output
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

/// A signed message and the parties it goes to: a direct message's one recipient, or every other
/// participant of the session (or of a flow's current phase) for a broadcast.
public struct OutgoingMessage: Sendable, Equatable {
    /// The parties to deliver `message` to.
    public let recipients: [PartyID]
    /// The signed message to deliver.
    public let message: SignedMessage
    /// Pairs `message` with its recipients. Never fails; the session or flow, not this type,
    /// decides who receives what.
    public init(recipients: [PartyID], message: SignedMessage) {
        self.recipients = recipients
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

/// What a party machine (a session or a flow) did with a message that was no one's fault. A
/// verdict, not an error: the network may duplicate, delay and misroute honest messages.
public enum MessageReceipt: Sendable, Equatable, CustomStringConvertible {
    /// Checked and recorded.
    case accepted
    /// For a later step: keep it and deliver it again once the machine gets there.
    case deferred
    /// A copy of a message already accepted: drop it.
    case duplicate
    /// Fills no slot now (another session, a round or phase that is over, a kind the round does
    /// not use, another party's direct message): drop it.
    case ignored(String)

    /// The verdict in words.
    public var description: String {
        switch self {
        case .accepted: "accepted"
        case .deferred: "kept for a later step"
        case .duplicate: "a copy of an accepted message"
        case .ignored(let why): "ignored: \(why)"
        }
    }
}

/// What ``Session/check(_:from:)`` found for a message that is not a fault.
public enum MessageCheck: Sendable {
    /// Verified: pass it to ``Session/accept(_:)``.
    case verified(CheckedMessage)
    /// Not for checking now; the verdict says whether to keep it (`.deferred`) or drop it.
    case setAside(MessageReceipt)
}

/// Why a session refused a call or a message.
public enum SessionError: Error, Sendable, CustomStringConvertible {
    /// A party broke the protocol; the fault names it and carries the evidence.
    case fault(ProtocolFault)
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
        case .outOfOrder(let what): "session used out of order: \(what)"
        case .aborted(let reason): "protocol aborted: \(reason)"
        case .differentPresignatures(let mismatch): "signers used different presignatures: \(mismatch)"
        }
    }
}
