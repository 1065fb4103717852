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
    /// The phases, in order.
    public static let phases: [FlowPhase] = [.keyInit, .oldKeyHandover, .reshare, .auxGen]

    /// The plan every server derived.
    public let plan: RegistrationPlan
    /// This server's identity.
    public let me: PartyID
    private var engine: PhaseEngine<Carried, RegistrationOutput>

    /// What the flow carries from one phase to the next.
    private struct Carried: Sendable {
        /// A founder's t-of-t share from KeyInit (for the resharing), then the t-of-n share.
        var share: ThresholdKeyShare?
        var resharingConfiguration: KeyResharingConfiguration?
    }

    /// The per-server inputs every phase's set-up reads.
    private struct Inputs: Sendable {
        let plan: RegistrationPlan
        let signer: any IdentitySigner
        let verifier: any IdentitySignatureVerifier
        let parameters: SchemeParameters
        let primes: AuxGenPrimes
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
        let inputs = Inputs(plan: plan, signer: signer, verifier: verifier, parameters: parameters, primes: primes)
        let first = plan.founders.contains(me) ? try Self.keyInit(inputs) : try Self.handover(inputs, share: nil)
        let handover = plan.handoverConfiguration
        engine = PhaseEngine(order: Self.phases, routes: plan.routes, context: Carried(), first: first) { message, phase in
            guard phase == .oldKeyHandover,
                  let problem = SignedAgreement.envelopeProblem(message, configuration: handover) else { return nil }
            return .unexpectedMessage("handover: \(problem)")
        }
    }

    // MARK: The phases and their transitions

    /// 1. KeyInit among the founders; its additive share becomes the founder's t-of-t share.
    private static func keyInit(_ inputs: Inputs) throws(FlowError) -> any RunningPhase<Carried, RegistrationOutput> {
        let session: Session<AdditiveKeyShare>
        do {
            session = try KeyInit.makeSession(sessionID: inputs.plan.keyGenerationID.rawRepresentation,
                                              committee: inputs.plan.founders, signer: inputs.signer,
                                              verifier: inputs.verifier, parameters: inputs.parameters)
        } catch {
            throw .setupFailed(phase: .keyInit, .keyInit(error))
        }
        return SessionPhase(.keyInit, session, parameters: inputs.parameters,
                            checkInputs: .keyInit) { additive, carried throws(FlowError) in
            let share: ThresholdKeyShare
            do throws(KeyShareError) { share = try ThresholdKeyShare(additive: additive) } catch {
                throw .setupFailed(phase: .keyInit, .keyShare(error))
            }
            carried.share = share
            return .next(try handover(inputs, share: share))
        }
    }

    /// 2. The old-key handover: a founder sends its t-of-t public key, every server receives; the
    /// agreed key configures the resharing.
    private static func handover(_ inputs: Inputs,
                                 share: ThresholdKeyShare?) throws(FlowError) -> any RunningPhase<Carried, RegistrationOutput> {
        let session: Session<SignedAgreementOutcome>
        do {
            session = try SignedAgreement.makeSession(sessionID: inputs.plan.reshareID.rawRepresentation,
                                                      configuration: inputs.plan.handoverConfiguration,
                                                      value: share?.publicPart.encoded, signer: inputs.signer,
                                                      verifier: inputs.verifier)
        } catch {
            throw .setupFailed(phase: .oldKeyHandover, .signedAgreement(error))
        }
        let checkInputs = FaultCheckContext.Inputs.signedAgreement(inputs.plan.handoverConfiguration,
                                                                   sessionID: inputs.plan.reshareID.rawRepresentation)
        return SessionPhase(.oldKeyHandover, session, parameters: inputs.parameters,
                            checkInputs: checkInputs) { outcome, carried throws(FlowError) in
            switch outcome {
            case .agreed(let value):
                // Every founder's value passed the validity check: a t-of-t key of the founders.
                guard let oldKey = try? ThresholdPublicKey(encoded: value) else {
                    preconditionFailure("the agreed handover value was checked to decode")
                }
                let configuration = try inputs.plan.resharingConfiguration(oldKey: oldKey)
                carried.resharingConfiguration = configuration
                return .next(try reshare(inputs, configuration: configuration, oldShare: carried.share))
            case .disagreed(let disagreement):
                throw .disagreement(phase: .oldKeyHandover, disagreement)
            }
        }
    }

    /// 3. KeyResharing from the founders to the committee; every server gets its t-of-n share.
    private static func reshare(_ inputs: Inputs, configuration: KeyResharingConfiguration,
                                oldShare: ThresholdKeyShare?) throws(FlowError) -> any RunningPhase<Carried, RegistrationOutput> {
        let session: Session<ThresholdKeyShare?>
        do {
            session = try KeyResharing.makeSession(sessionID: inputs.plan.reshareID.rawRepresentation,
                                                   configuration: configuration, oldShare: oldShare,
                                                   signer: inputs.signer, verifier: inputs.verifier)
        } catch {
            throw .setupFailed(phase: .reshare, .keyResharing(error))
        }
        return SessionPhase(.reshare, session, parameters: inputs.parameters,
                            checkInputs: .keyResharing(configuration)) { result, carried throws(FlowError) in
            guard let share = result else { throw .noShareFromResharing }
            carried.share = share
            return .next(try auxGen(inputs))
        }
    }

    /// 4. AuxGen among the committee; with the t-of-n share, the output.
    private static func auxGen(_ inputs: Inputs) throws(FlowError) -> any RunningPhase<Carried, RegistrationOutput> {
        let session: Session<AuxInfo>
        do {
            session = try AuxGen.makeSession(sessionID: inputs.plan.auxiliaryInfoID.rawRepresentation,
                                             committee: inputs.plan.committee, signer: inputs.signer,
                                             verifier: inputs.verifier, parameters: inputs.parameters,
                                             primes: inputs.primes)
        } catch {
            throw .setupFailed(phase: .auxGen, .auxGen(error))
        }
        return SessionPhase(.auxGen, session, parameters: inputs.parameters,
                            checkInputs: .auxGen) { aux, carried throws(FlowError) in
            guard let share = carried.share else { preconditionFailure("resharing set the share") }
            return .finished(RegistrationOutput(keyShare: share, auxInfo: aux))
        }
    }

    // MARK: Flow

    /// The KeyResharing configuration, once the founders' key is known (for rechecking evidence).
    public var resharingConfiguration: KeyResharingConfiguration? { engine.context.resharingConfiguration }
    /// The phase this server is in; nil once finished.
    public var phase: FlowPhase? { engine.phase }
    /// The key share and aux info, once AuxGen has finished.
    public var output: RegistrationOutput? { engine.output }
    /// The plan's routes (``RegistrationPlan/routes``).
    public var routes: Set<MessageRoute> { Set(engine.routes.keys) }
    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool { engine.hasMessagesToSend }
    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool { engine.isReadyToAdvance }
    /// The parties the current phase's step still waits for.
    public var waitingFor: [PartyID] { engine.waitingFor }

    /// The current phase's messages (for a founder in the handover: its signed t-of-t key).
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        try engine.makeMessages(using: &generator)
    }

    /// Checks and records a message; messages of later phases are kept until then.
    /// - Throws: as `Flow.receive(_:from:)`; in the handover, ``FlowError/fault(_:)`` naming a
    ///   founder that signed an invalid key or showed two servers different keys (proven evidence),
    ///   and ``FlowError/unexpectedMessage(_:)``, naming no one, for a message whose envelope
    ///   cannot belong to the handover (checked before its signature).
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        try engine.receive(message, from: deliverer)
    }

    /// Finishes the current step and starts the next phase.
    /// - Throws: as `Flow.advance(using:)`; ``FlowError/noShareFromResharing`` when resharing
    ///   gave this new holder no share; ``FlowError/disagreement(phase:_:)`` when the founders
    ///   consistently signed different keys.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        try engine.advance(using: &generator)
    }
}

extension RegistrationPlan {
    /// Every phase's route: KeyInit under the key-generation id, KeyResharing under the reshare id,
    /// the handover under the id `SignedAgreement` derives from the reshare id and the handover
    /// configuration, AuxGen under the aux-info id.
    public var routes: [MessageRoute: FlowPhase] {
        [MessageRoute(sessionID: keyGenerationID.rawRepresentation, protocolTag: KeyInit.protocolTag): .keyInit,
         // The handover signs under the id derived from the plan's handover configuration.
         MessageRoute(sessionID: SignedAgreement.derivedSessionID(sessionID: reshareID.rawRepresentation,
                                                                  configuration: handoverConfiguration),
                      protocolTag: RegistrationFlow.handoverProtocolTag): .oldKeyHandover,
         MessageRoute(sessionID: reshareID.rawRepresentation, protocolTag: KeyResharing.protocolTag): .reshare,
         MessageRoute(sessionID: auxiliaryInfoID.rawRepresentation, protocolTag: AuxGen.protocolTag): .auxGen]
    }
}
