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

    /// The old-key handover as a signed agreement: the founders send, the whole committee receives,
    /// and a valid value is the encoding of a t-of-t `ThresholdPublicKey` of exactly the founders.
    /// (Also what a third party needs to recheck a handover fault: `FaultCheckContext.Inputs.signedAgreement`.)
    public var handoverConfiguration: SignedAgreementConfiguration {
        // Founders are a subset of the committee, without duplicates (the plan made them so).
        try! SignedAgreementConfiguration(senders: founders, receivers: committee,
                                          validity: .thresholdPublicKey(holders: founders, threshold: founders.count))
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
/// 2. old-key handover, a `SignedAgreement` session among the committee: each founder
///    echo-broadcasts the t-of-t public key (`ThresholdPublicKey`), which the other servers need to
///    check the resharing; a founder that shows two servers different keys is named with proven
///    evidence, and the flow goes on only when every founder signed the same key (with one honest
///    founder, that is the real key);
/// 3. KeyResharing from the founders to all n servers with threshold t;
/// 4. AuxGen among all n.
/// Each phase has its own `SessionID` (see `RegistrationPlan`). Output: `RegistrationOutput`.
public struct RegistrationFlow: Flow {
    /// The protocol tag of the old-key handover messages (a `SignedAgreement` session).
    public static let handoverProtocolTag = SignedAgreement.protocolTag

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
        /// The old-key handover; a founder keeps its t-of-t share for the resharing.
        case handover(PhaseSession<SignedAgreementOutcome>, ThresholdKeyShare?)
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
            step = .handover(try Self.handoverSession(plan: plan, share: nil, signer: signer, verifier: verifier), nil)
        }
    }

    /// The phase this server is in; nil once finished.
    public var phase: FlowPhase? {
        switch step {
        case .keyInit: .keyInit
        case .handover: .oldKeyHandover
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
        case .handover(let phase, _): phase.session.hasMessagesToSend
        case .reshare(let phase): phase.session.hasMessagesToSend
        case .auxGen(let phase, _): phase.session.hasMessagesToSend
        case .finished: false
        }
    }

    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool {
        switch step {
        case .keyInit(let phase): phase.session.isReadyToFinalize
        case .handover(let phase, _): phase.session.isReadyToFinalize
        case .reshare(let phase): phase.session.isReadyToFinalize
        case .auxGen(let phase, _): phase.session.isReadyToFinalize
        case .finished: false
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
        case .handover(var phase, let share):
            let out = try phase.makeMessages(using: &generator)
            step = .handover(phase, share)
            return out
        case .reshare(var phase):
            let out = try phase.makeMessages(using: &generator)
            step = .reshare(phase)
            return out
        case .auxGen(var phase, let share):
            let out = try phase.makeMessages(using: &generator)
            step = .auxGen(phase, share)
            return out
        case .finished:
            throw .outOfOrder("nothing to send")
        }
    }

    /// Checks and records a message; messages of later phases are kept until then.
    /// - Throws: as `Flow.receive(_:from:)`; in the handover, ``FlowError/fault(_:)`` naming a
    ///   founder that signed an invalid key or showed two servers different keys (proven evidence),
    ///   and ``FlowError/unexpectedMessage(_:)``, naming no one, for a message whose envelope
    ///   cannot belong to the handover (checked before its signature).
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> FlowReceipt {
        guard let target = phase(of: message) else {
            throw .unexpectedMessage("\(message) belongs to none of this registration's sessions")
        }
        let current = phase.flatMap { Self.order.firstIndex(of: $0) } ?? Self.order.count
        let index = Self.order.firstIndex(of: target)!
        if index < current { return .ignored }
        if target == .oldKeyHandover,
           let problem = SignedAgreement.envelopeProblem(message, configuration: plan.handoverConfiguration) {
            throw .unexpectedMessage("handover: \(problem)")
        }
        if index > current {
            later.append((message, deliverer))
            return .deferred
        }
        switch step {
        case .keyInit(var phase):
            defer { step = .keyInit(phase) }
            return try phase.receive(message, from: deliverer)
        case .handover(var phase, let share):
            defer { step = .handover(phase, share) }
            return try phase.receive(message, from: deliverer)
        case .reshare(var phase):
            defer { step = .reshare(phase) }
            return try phase.receive(message, from: deliverer)
        case .auxGen(var phase, let share):
            defer { step = .auxGen(phase, share) }
            return try phase.receive(message, from: deliverer)
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
            let share: ThresholdKeyShare
            do {
                share = try ThresholdKeyShare(additive: additive)
            } catch {
                throw .setupFailed(phase: .keyInit, .keyShare(error))
            }
            step = .handover(try Self.handoverSession(plan: plan, share: share, signer: signer, verifier: verifier), share)
            try deliverLater()
        case .handover(var phase, let share):
            guard let outcome = try phase.finalize(using: &generator) else { step = .handover(phase, share); return }
            switch outcome {
            case .agreed(let value):
                // Every founder's value passed the validity check: a t-of-t key of the founders.
                guard let oldKey = try? ThresholdPublicKey(encoded: value) else {
                    preconditionFailure("the agreed handover value was checked to decode")
                }
                try startResharing(oldKey: oldKey, oldShare: share)
            case .disagreed(let disagreement):
                throw .disagreement(phase: .oldKeyHandover, disagreement)
            }
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
        case .finished:
            throw .outOfOrder("nothing to advance")
        }
    }

    // MARK: Phases

    private static let order: [FlowPhase] = [.keyInit, .oldKeyHandover, .reshare, .auxGen]

    private func phase(of message: SignedMessage) -> FlowPhase? {
        switch (message.sessionID, message.protocolTag) {
        case (plan.keyGenerationID.rawRepresentation, KeyInit.protocolTag): .keyInit
        case (SignedAgreement.derivedSessionID(sessionID: plan.reshareID.rawRepresentation,
                                               configuration: plan.handoverConfiguration), Self.handoverProtocolTag): .oldKeyHandover
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

    /// The handover session: a founder sends its t-of-t key (its reference too), any other server
    /// only receives.
    private static func handoverSession(plan: RegistrationPlan, share: ThresholdKeyShare?, signer: any IdentitySigner,
                                        verifier: any IdentitySignatureVerifier) throws(FlowError) -> PhaseSession<SignedAgreementOutcome> {
        do {
            let session = try SignedAgreement.makeSession(sessionID: plan.reshareID.rawRepresentation,
                                                          configuration: plan.handoverConfiguration,
                                                          value: share?.publicPart.encoded, signer: signer, verifier: verifier)
            return PhaseSession(phase: .oldKeyHandover, session: session)
        } catch {
            throw .setupFailed(phase: .oldKeyHandover, .signedAgreement(error))
        }
    }
}
