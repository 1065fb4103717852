import Bytes
import CGGMP

/// Who takes part in a distributed registration and the id of each phase's session, derived the
/// same way by every server from public data (the committee from chain data, the user, the block).
///
/// The founders — the t servers that run KeyInit — are `SigningCommittee.selectAny(t, of: committee,
/// seed: id(keyGeneration, committee, user, block))`, so no server picks them.
public struct RegistrationPlan: Sendable, Hashable {
    /// Every holder of the final key, sorted.
    public let committee: [PartyID]
    /// t: how many holders must sign.
    public let threshold: Int
    /// The account the key is registered for, as opaque bytes.
    public let user: [UInt8]
    /// The block the registration was requested at.
    public let blockNumber: UInt64
    /// The t servers that run KeyInit, sorted.
    public let founders: [PartyID]
    /// KeyInit among the founders: kind keyGeneration, participants = founders.
    public let keyGenerationID: SessionID
    /// The old-key handover and KeyResharing: kind reshare, participants = committee.
    public let reshareID: SessionID
    /// AuxGen: kind auxiliaryInfo, participants = committee.
    public let auxiliaryInfoID: SessionID

    /// Derives the founders and every phase's session id.
    /// - Parameters:
    ///   - committee: every holder of the final key, in any order.
    ///   - threshold: t, in 2 … n.
    ///   - user: the account the key is for.
    ///   - blockNumber: the block the registration was requested at.
    /// - Throws: ``FlowError/invalidThreshold(threshold:committeeSize:)`` for a threshold outside
    ///   2...n, ``FlowError/setupFailed(phase:_:)`` with ``FlowSetupError/sessionID(_:)`` or
    ///   ``FlowSetupError/committee(_:)`` for a bad committee (duplicates).
    public init(committee: [PartyID], threshold: Int, user: [UInt8], blockNumber: UInt64) throws(FlowError) {
        guard committee.count >= 2, (2...committee.count).contains(threshold) else {
            throw .invalidThreshold(threshold: threshold, committeeSize: committee.count)
        }
        do {
            let seed = try SessionID(kind: .keyGeneration, participants: committee, user: user, blockNumber: blockNumber)
            founders = try SigningCommittee.selectAny(threshold, of: committee, seed: seed.rawRepresentation)
            keyGenerationID = try SessionID(kind: .keyGeneration, participants: founders, user: user, blockNumber: blockNumber)
            reshareID = try SessionID(kind: .reshare, participants: committee, user: user, blockNumber: blockNumber)
            auxiliaryInfoID = try SessionID(kind: .auxiliaryInfo, participants: committee, user: user, blockNumber: blockNumber)
        } catch let error as SessionIDError {
            throw .setupFailed(phase: nil, .sessionID(error))
        } catch let error as CommitteeError {
            throw .setupFailed(phase: nil, .committee(error))
        } catch {
            preconditionFailure("only session id and committee errors are thrown here")
        }
        self.committee = committee.sorted()
        self.threshold = threshold
        self.user = user
        self.blockNumber = blockNumber
    }

    /// The KeyResharing configuration once the founders' t-of-t key is known.
    /// - Throws: ``FlowError/setupFailed(phase:_:)`` with ``FlowSetupError/keyResharing(_:)`` when
    ///   `oldKey` does not fit the founders.
    public func resharingConfiguration(oldKey: ThresholdPublicKey) throws(FlowError) -> KeyResharingConfiguration {
        do {
            return try KeyResharingConfiguration(oldKey: oldKey, dealers: founders, newHolders: committee,
                                                 newThreshold: threshold)
        } catch {
            throw .setupFailed(phase: .reshare, .keyResharing(error))
        }
    }
}

/// A server's result of registration: its share of the t-of-n key and its aux info for signing.
public struct RegistrationOutput: Sendable, CustomStringConvertible {
    /// This server's share of the t-of-n key; secret.
    public let keyShare: ThresholdKeyShare
    /// This server's aux info (Paillier and ring-Pedersen secrets and every party's public parts).
    public let auxInfo: AuxInfo

    /// Pairs a key share with its aux info.
    public init(keyShare: ThresholdKeyShare, auxInfo: AuxInfo) {
        self.keyShare = keyShare
        self.auxInfo = auxInfo
    }

    /// The key share's and aux info's own descriptions, which print no secret.
    public var description: String { "RegistrationOutput(\(keyShare), \(auxInfo))" }
}

/// Distributed registration (the second registration design) for one server, as one pure state
/// machine:
/// 1. KeyInit among the founders (a t-of-t additive key);
/// 2. old-key handover: each founder signs the t-of-t public key (`ThresholdPublicKey`) and sends
///    it to the other servers, which need it to check the resharing; they accept it only when every
///    founder signed the same key (with one honest founder, that is the real key);
/// 3. KeyResharing from the founders to all n servers with threshold t;
/// 4. AuxGen among all n.
/// Each phase has its own `SessionID` (see `RegistrationPlan`). Output: `RegistrationOutput`.
public struct RegistrationFlow: Flow {
    /// The protocol tag of the old-key handover messages.
    public static let handoverProtocolTag = ProtocolTag.registrationOldKeyHandover

    /// The plan every server derived.
    public let plan: RegistrationPlan
    /// This server's identity.
    public let me: PartyID
    private let signer: any IdentitySigner
    private let verifier: any IdentitySignatureVerifier
    private let parameters: SchemeParameters
    private let primes: AuxGenPrimes
    private var step: Step
    /// Messages of phases not reached yet.
    private var later: [(message: SignedMessage, deliverer: PartyID)] = []
    /// The KeyResharing configuration, once the founders' key is known (for rechecking evidence).
    public private(set) var resharingConfiguration: KeyResharingConfiguration?

    private enum Step: Sendable {
        case keyInit(PhaseSession<AdditiveKeyShare>)
        /// A founder with its t-of-t share, about to sign the handover.
        case handoverToSend(ThresholdKeyShare)
        /// A non-founder collecting the founders' signed keys.
        case handoverToCollect([PartyID: SignedMessage])
        case reshare(PhaseSession<ThresholdKeyShare?>)
        case auxGen(PhaseSession<AuxInfo>, ThresholdKeyShare)
        case finished(RegistrationOutput)
    }

    /// Starts this server's side: a founder starts KeyInit, any other server waits for the handover.
    /// - Parameters:
    ///   - plan: the registration plan.
    ///   - signer: this server's identity key; its identity must be in the plan's committee.
    ///   - verifier: checks other servers' identity signatures.
    ///   - parameters: the CGGMP scheme parameters.
    ///   - primes: this server's AuxGen primes (tests pass committed primes).
    ///   - usedSessionIDs: where this server records the session ids it ran; every id of the plan
    ///     this server takes part in is claimed there before the first session starts.
    /// - Throws: ``FlowError/notAMember(_:)`` when this server is not in the plan's committee;
    ///   ``FlowError/sessionIDReused(_:)`` when it already ran one of the plan's ids (or
    ///   ``FlowError/sessionIDRegistry(_:)`` when the registry fails);
    ///   ``FlowError/setupFailed(phase:_:)`` when KeyInit cannot start.
    public init(plan: RegistrationPlan, signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                parameters: SchemeParameters, primes: AuxGenPrimes, usedSessionIDs: some SessionIDRegistry) throws(FlowError) {
        guard plan.committee.contains(signer.partyID) else { throw .notAMember(signer.partyID) }
        if plan.founders.contains(signer.partyID) { try usedSessionIDs.claim(plan.keyGenerationID) }
        try usedSessionIDs.claim(plan.reshareID)
        try usedSessionIDs.claim(plan.auxiliaryInfoID)
        self.plan = plan
        self.me = signer.partyID
        self.signer = signer
        self.verifier = verifier
        self.parameters = parameters
        self.primes = primes
        if plan.founders.contains(me) {
            do {
                let session = try KeyInit.makeSession(sessionID: plan.keyGenerationID.rawRepresentation, committee: plan.founders,
                                                      signer: signer, verifier: verifier, parameters: parameters)
                step = .keyInit(PhaseSession(phase: .keyInit, session: session))
            } catch {
                throw .setupFailed(phase: .keyInit, .keyInit(error))
            }
        } else {
            step = .handoverToCollect([:])
        }
    }

    /// The phase this server is in; nil once finished.
    public var phase: FlowPhase? {
        switch step {
        case .keyInit: .keyInit
        case .handoverToSend, .handoverToCollect: .oldKeyHandover
        case .reshare: .reshare
        case .auxGen: .auxGen
        case .finished: nil
        }
    }

    /// The key share and aux info, once AuxGen has finished.
    public var output: RegistrationOutput? {
        if case .finished(let output) = step { return output }
        return nil
    }

    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool {
        switch step {
        case .keyInit(let phase): phase.session.hasMessagesToSend
        case .handoverToSend: true
        case .reshare(let phase): phase.session.hasMessagesToSend
        case .auxGen(let phase, _): phase.session.hasMessagesToSend
        case .handoverToCollect, .finished: false
        }
    }

    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool {
        switch step {
        case .keyInit(let phase): phase.session.isReadyToFinalize
        case .handoverToCollect(let received): received.count == plan.founders.count
        case .reshare(let phase): phase.session.isReadyToFinalize
        case .auxGen(let phase, _): phase.session.isReadyToFinalize
        case .handoverToSend, .finished: false
        }
    }

    /// The current phase's messages (for a founder in the handover: its signed t-of-t key).
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [FlowMessage] {
        switch step {
        case .keyInit(var phase):
            let out = try phase.makeMessages(using: &generator)
            step = .keyInit(phase)
            return out
        case .handoverToSend(let share):
            let message = SignedMessage(sessionID: plan.reshareID.rawRepresentation, protocolTag: Self.handoverProtocolTag, round: 1,
                                        kind: .broadcast, recipient: nil, payload: share.publicPart.encoded, signer: signer)
            let recipients = plan.committee.filter { !plan.founders.contains($0) }
            try startResharing(oldKey: share.publicPart, oldShare: share)
            return recipients.isEmpty ? [] : [FlowMessage(recipients: recipients, message: message)]
        case .reshare(var phase):
            let out = try phase.makeMessages(using: &generator)
            step = .reshare(phase)
            return out
        case .auxGen(var phase, let share):
            let out = try phase.makeMessages(using: &generator)
            step = .auxGen(phase, share)
            return out
        case .handoverToCollect, .finished:
            throw .outOfOrder("nothing to send")
        }
    }

    /// Checks and records a message; messages of later phases are kept until then.
    /// - Throws: as `Flow.receive(_:from:)`; in the handover,
    ///   ``FlowError/badFlowMessage(culprit:phase:reason:message:)`` naming a founder that signed
    ///   a bad key, ``FlowError/disagreement(phase:messages:)`` when founders signed different keys.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> FlowReceipt {
        guard let target = phase(of: message) else {
            throw .unexpectedMessage("\(message) belongs to none of this registration's sessions")
        }
        let current = phase.flatMap { Self.order.firstIndex(of: $0) } ?? Self.order.count
        let index = Self.order.firstIndex(of: target)!
        if index < current { return .ignored }
        if index > current {
            later.append((message, deliverer))
            return .deferred
        }
        switch step {
        case .keyInit(var phase):
            defer { step = .keyInit(phase) }
            return try phase.receive(message, from: deliverer)
        case .handoverToCollect(var received):
            try checkHandover(message, from: deliverer, received: received)
            if received[message.sender] == message { return .ignored }
            received[message.sender] = message
            step = .handoverToCollect(received)
            return .accepted
        case .reshare(var phase):
            defer { step = .reshare(phase) }
            return try phase.receive(message, from: deliverer)
        case .auxGen(var phase, let share):
            defer { step = .auxGen(phase, share) }
            return try phase.receive(message, from: deliverer)
        case .handoverToSend:
            // A founder ignores other founders' handovers: it has the key from KeyInit itself.
            return .ignored
        case .finished:
            return .ignored
        }
    }

    /// Finishes the current step and starts the next phase.
    /// - Throws: as `Flow.advance(using:)`; ``FlowError/noShareFromResharing`` when resharing
    ///   gave this new holder no share.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        switch step {
        case .keyInit(var phase):
            guard let additive = try phase.finalize(using: &generator) else { step = .keyInit(phase); return }
            do {
                step = .handoverToSend(try ThresholdKeyShare(additive: additive))
            } catch {
                throw .setupFailed(phase: .keyInit, .keyShare(error))
            }
        case .handoverToCollect(let received):
            guard received.count == plan.founders.count else { throw .outOfOrder("handover incomplete") }
            let messages = plan.founders.map { received[$0]! }
            guard Set(messages.map(\.payload)).count == 1 else { throw .disagreement(phase: .oldKeyHandover, messages: messages) }
            // Checked in `checkHandover`.
            let oldKey = try! ThresholdPublicKey(encoded: messages[0].payload)
            try startResharing(oldKey: oldKey, oldShare: nil)
        case .reshare(var phase):
            guard let result = try phase.finalize(using: &generator) else { step = .reshare(phase); return }
            guard let share = result else { throw .noShareFromResharing }
            do {
                let session = try AuxGen.makeSession(sessionID: plan.auxiliaryInfoID.rawRepresentation, committee: plan.committee,
                                                     signer: signer, verifier: verifier, parameters: parameters, primes: primes)
                step = .auxGen(PhaseSession(phase: .auxGen, session: session), share)
            } catch {
                throw .setupFailed(phase: .auxGen, .auxGen(error))
            }
            try deliverLater()
        case .auxGen(var phase, let share):
            guard let aux = try phase.finalize(using: &generator) else { step = .auxGen(phase, share); return }
            step = .finished(RegistrationOutput(keyShare: share, auxInfo: aux))
        case .handoverToSend, .finished:
            throw .outOfOrder("nothing to advance")
        }
    }

    // MARK: Phases

    private static let order: [FlowPhase] = [.keyInit, .oldKeyHandover, .reshare, .auxGen]

    private func phase(of message: SignedMessage) -> FlowPhase? {
        switch (message.sessionID, message.protocolTag) {
        case (plan.keyGenerationID.rawRepresentation, KeyInit.protocolTag): .keyInit
        case (plan.reshareID.rawRepresentation, Self.handoverProtocolTag): .oldKeyHandover
        case (plan.reshareID.rawRepresentation, KeyResharing.protocolTag): .reshare
        case (plan.auxiliaryInfoID.rawRepresentation, AuxGen.protocolTag): .auxGen
        default: nil
        }
    }

    private mutating func startResharing(oldKey: ThresholdPublicKey, oldShare: ThresholdKeyShare?) throws(FlowError) {
        let configuration = try plan.resharingConfiguration(oldKey: oldKey)
        do {
            let session = try KeyResharing.makeSession(sessionID: plan.reshareID.rawRepresentation, configuration: configuration,
                                                       oldShare: oldShare, signer: signer, verifier: verifier)
            step = .reshare(PhaseSession(phase: .reshare, session: session))
        } catch {
            throw .setupFailed(phase: .reshare, .keyResharing(error))
        }
        resharingConfiguration = configuration
        try deliverLater()
    }

    /// Delivers the messages kept for later phases; those still ahead stay kept.
    private mutating func deliverLater() throws(FlowError) {
        let pending = later
        later = []
        for item in pending { _ = try receive(item.message, from: item.deliverer) }
    }

    /// The largest handover payload a plan with `founders` founders can need: the encoded t-of-t key
    /// (magic, version, two counts, then a holder id and a compressed point per founder), with room.
    static func maximumHandoverSize(founders: Int) -> Int { 64 + 96 * founders }

    /// A founder's handover: signed by a founder that delivered it, a broadcast of round 1 whose
    /// payload is a t-of-t key held by exactly the founders. The cheap checks come first — who
    /// delivered it, whether it is a founder, the envelope, the size — so no party can make this one
    /// hash or decode a large message; only a founder's handover of a plausible size is then
    /// signature-checked and decoded.
    private func checkHandover(_ message: SignedMessage, from deliverer: PartyID,
                               received: [PartyID: SignedMessage]) throws(FlowError) {
        guard message.sender == deliverer else {
            throw .unexpectedMessage("a handover not sent by the party that delivered it")
        }
        guard plan.founders.contains(message.sender) else {
            throw .unexpectedMessage("a handover from \(message.sender), which is not a founder")
        }
        guard message.round == 1, message.kind == .broadcast else {
            throw .unexpectedMessage("a handover that is not a round-1 broadcast")
        }
        guard message.payload.count <= Self.maximumHandoverSize(founders: plan.founders.count) else {
            throw .unexpectedMessage("a handover of \(message.payload.count) bytes")
        }
        guard message.hasValidSignature(verifier) else {
            throw .unexpectedMessage("a handover not signed by the party that delivered it")
        }
        func bad(_ reason: String) -> FlowError {
            .badFlowMessage(culprit: message.sender, phase: .oldKeyHandover, reason: reason, message: message)
        }
        if let earlier = received[message.sender], earlier != message {
            throw .disagreement(phase: .oldKeyHandover, messages: [earlier, message])
        }
        let key: ThresholdPublicKey
        do { key = try ThresholdPublicKey(encoded: message.payload) } catch { throw bad("\(error)") }
        guard key.holders == plan.founders, key.threshold == plan.founders.count else {
            throw bad("the key is not a \(plan.founders.count)-of-\(plan.founders.count) key of the founders")
        }
    }
}
