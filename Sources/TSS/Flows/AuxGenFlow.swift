import CGGMP

/// AuxGen alone among a committee, as a ``Flow``: what a registration by a dealer
/// (``DealerRegistration``) still needs before its holders can sign, since dealing gives key
/// shares but no aux info (Paillier and ring-Pedersen keys).
///
/// Session id: `SessionID(kind: .auxiliaryInfo, participants: committee, user:, blockNumber:)`
/// (the id a ``RegistrationPlan`` of the same committee, user and block gives its AuxGen phase:
/// a server runs at most one of the two, its `SessionIDRegistry` refuses the second). Output: this
/// server's `AuxInfo`, to pair with its dealt `ThresholdKeyShare` in a ``RegistrationOutput``.
public struct AuxGenFlow: Flow {
    /// This server's identity.
    public let me: PartyID
    /// Every holder, sorted.
    public let committee: [PartyID]
    /// The AuxGen session id.
    public let sessionID: SessionID
    private var engine: PhaseEngine<Void, AuxInfo>

    /// Starts this server's AuxGen.
    /// - Parameters:
    ///   - committee: every holder, in any order; this server among them.
    ///   - user: the account the key is for, as opaque bytes (bound into the session id).
    ///   - blockNumber: the block the registration was requested at.
    ///   - signer: this server's identity key.
    ///   - verifier: checks the other servers' messages.
    ///   - parameters: the CGGMP scheme parameters.
    ///   - primes: this server's AuxGen primes (secret; tests pass committed primes).
    ///   - usedSessionIDs: where this server records the session ids it ran; the AuxGen id is
    ///     claimed there first.
    /// - Throws: ``FlowError/notAMember(_:)``; ``FlowError/sessionIDReused(_:)``;
    ///   ``FlowError/setupFailed(phase:_:)`` for a bad committee or primes that do not fit the
    ///   parameters.
    public init(committee: [PartyID], user: [UInt8], blockNumber: UInt64, signer: some IdentitySigner,
                verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters,
                primes: AuxGenPrimes, usedSessionIDs: some SessionIDRegistry) throws(FlowError) {
        guard committee.contains(signer.partyID) else { throw .notAMember(signer.partyID) }
        do {
            sessionID = try SessionID(kind: .auxiliaryInfo, participants: committee, user: user, blockNumber: blockNumber)
        } catch {
            throw .setupFailed(phase: nil, .sessionID(error))
        }
        try usedSessionIDs.claim(sessionID)
        self.me = signer.partyID
        self.committee = committee.sorted()
        let session: Session<AuxInfo>
        do {
            session = try AuxGen.makeSession(sessionID: sessionID.rawRepresentation, committee: committee, signer: signer,
                                             verifier: verifier, parameters: parameters, primes: primes)
        } catch {
            throw .setupFailed(phase: .auxGen, .auxGen(error))
        }
        engine = PhaseEngine(order: [.auxGen],
                             routes: [MessageRoute(sessionID: sessionID.rawRepresentation, protocolTag: AuxGen.protocolTag): .auxGen],
                             context: (), first: SessionPhase(.auxGen, session, parameters: parameters, checkInputs: .auxGen) { aux, _ in
                                 .finished(aux)
                             })
    }

    /// `.auxGen` until finished, then nil.
    public var phase: FlowPhase? { engine.phase }
    /// This server's aux info, once AuxGen has finished.
    public var output: AuxInfo? { engine.output }
    /// The AuxGen session's route.
    public var routes: Set<MessageRoute> { Set(engine.routes.keys) }
    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool { engine.hasMessagesToSend }
    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool { engine.isReadyToAdvance }
    /// The parties the current round still waits for.
    public var waitingFor: [PartyID] { engine.waitingFor }

    /// The current round's messages.
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        try engine.makeMessages(using: &generator)
    }

    /// Checks and records an AuxGen message.
    /// - Throws: as `Flow.receive(_:from:)`.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        try engine.receive(message, from: deliverer)
    }

    /// Finishes the current round.
    /// - Throws: as `Flow.advance(using:)`.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        try engine.advance(using: &generator)
    }
}
