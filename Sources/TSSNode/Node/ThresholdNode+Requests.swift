import Bytes
import CGGMP
import Secp256k1
import TSS

extension ThresholdNode {
    // MARK: Registration

    /// Starts a distributed registration (`RegistrationFlow`) for `user` among the directory's
    /// members with its threshold: the DKG job the chain hands every member (`POST /user/new`).
    /// - Parameters:
    ///   - user: the user's identity key (32 bytes).
    ///   - blockNumber: the block the registration was requested at.
    ///   - committee: the committee the job names, if it names one: it must be the directory's
    ///     members.
    /// The registration runs in the background (its AuxGen primes are drawn first):
    /// ``registrationStatus(user:)`` tells when it is done.
    /// - Returns: the flow id.
    /// - Throws: ``ThresholdNodeError``: `badRequest` (a user that is not 32 bytes, a committee
    ///   that is not the directory's), `conflict` (registering or registered already, the same
    ///   job again), `flowSetup`, `storage`, `notRunning`.
    @discardableResult
    public func registerDistributed(user: [UInt8], blockNumber: UInt64, committee: [PartyID]? = nil) throws(ThresholdNodeError) -> String {
        try checkRunning()
        let userHex = try Self.checkUser(user)
        let members = directory.memberIDs
        if let committee, committee.sorted() != members {
            throw .badRequest(field: "dkg.committee", reason: "not the directory's members")
        }
        let plan: RegistrationPlan
        do { plan = try RegistrationPlan(committee: members, threshold: directory.threshold, user: user, blockNumber: blockNumber) } catch {
            throw .flowSetup(error)
        }
        let id = FlowTicket.flowID(kind: .registration, sessionID: plan.reshareID)
        try checkNotRegistering(userHex, flowID: id)
        registrationPending(userHex)
        var ticket = FlowTicket(kind: .registration, user: user, blockNumber: blockNumber, parties: members)
        ticket.threshold = directory.threshold
        startWithPrimes(id: id, ticket: ticket, make: factory.registration(),
                        info: RunningFlow(kind: .registration, channel: plan.reshareID, committee: members,
                                          deadline: .now + configuration.flowTimeout, user: userHex, blockNumber: blockNumber))
        return id
    }

    /// Draws the AuxGen primes off the request (fresh primes take seconds to minutes), then creates
    /// and launches the registration flow; a failure marks the user's registration failed.
    private func startWithPrimes<Wrapped: Flow>(id: String, ticket: FlowTicket, make: @escaping JournaledFlow<Wrapped>.MakeFlow,
                                                info: RunningFlow) {
        let source = primes, parameters = directory.parameters
        Task {
            let primes = await source(parameters)
            await self.completeStart(id: id, ticket: ticket, primes: primes, make: make, info: info)
        }
    }

    private func completeStart<Wrapped: Flow>(id: String, ticket: FlowTicket, primes: AuxGenPrimes,
                                              make: @escaping JournaledFlow<Wrapped>.MakeFlow, info: RunningFlow) {
        guard isRunning else {
            setRegistrationState(info.user, .failed(FailureReport(reason: "the node stopped before the registration started")))
            return
        }
        var ticket = ticket
        ticket.primes = FlowTicket.encodePrimes(primes)
        do {
            launch(try create(id: id, ticket: ticket, make: make), info)
        } catch {
            logger.warning("registration not started", metadata: ["flow": "\(id)", "error": "\(error)"])
            setRegistrationState(info.user, .failed(FailureReport(reason: error.description)))
        }
    }

    /// Accepts this node's share of a dealer registration (`POST /user/new` with a dealer's
    /// envelope): the envelope must be sealed to this node, signed by the user (the dealer), for the
    /// directory's members and threshold, and its share must lie on the dealt polynomial
    /// (`DealerRegistration.open`). Then AuxGen runs among the members (`AuxGenFlow`); when it
    /// finishes, the share and the aux info are stored as the user's registration.
    /// - Returns: the flow id.
    /// - Throws: ``ThresholdNodeError``: `dealerRejected` (names the dealer when it is to blame),
    ///   `badRequest`, `conflict`, `flowSetup`, `storage`, `notRunning`.
    @discardableResult
    public func registerDealt(_ envelope: Envelope, user: [UInt8], blockNumber: UInt64) throws(ThresholdNodeError) -> String {
        try checkRunning()
        _ = try Self.checkUser(user)
        let dealer = try Self.userID(user)
        let expectation = DealerRegistrationExpectation(me: me, dealer: dealer, user: user, committee: directory.memberIDs,
                                                        threshold: directory.threshold)
        let share: ThresholdKeyShare
        do { share = try DealerRegistration.open(envelope, recipientKey: channelKey, expecting: expectation) } catch {
            throw .dealerRejected(error)
        }
        return try startDealerAuxGen(share: share, user: user, blockNumber: blockNumber)
    }

    /// Accepts this node's dealt share handed over by another member of its signing group
    /// (`POST /user/receive_key`): the envelope must be sealed and bound to this node and signed
    /// by a directory member of this node's signing group (not this node); its payload is checked
    /// as a dealer's (`DealerRegistration.check`, with that member as the sender to blame). Then
    /// AuxGen runs as for ``registerDealt(_:user:blockNumber:)``.
    /// - Returns: the flow id.
    /// - Throws: ``ThresholdNodeError``: `envelope`, `forbidden` (a sender outside the group),
    ///   `dealerRejected`, `badRequest`, `conflict`, `flowSetup`, `storage`, `notRunning`.
    @discardableResult
    public func receiveKey(_ envelope: Envelope, user: [UInt8], blockNumber: UInt64) throws(ThresholdNodeError) -> String {
        try checkRunning()
        _ = try Self.checkUser(user)
        let opened = try open(envelope)
        guard opened.sender != me, directory.member(opened.sender) != nil else {
            throw .forbidden("the sender is not another member of the directory")
        }
        guard directory.signingGroup(of: me)?.contains(opened.sender) == true else {
            throw .forbidden("the sender is not in this node's signing group")
        }
        let expectation = DealerRegistrationExpectation(me: me, dealer: opened.sender, user: user,
                                                        committee: directory.memberIDs, threshold: directory.threshold)
        let share: ThresholdKeyShare
        do { share = try DealerRegistration.check(opened.message, from: opened.sender, expecting: expectation) } catch {
            throw .dealerRejected(error)
        }
        return try startDealerAuxGen(share: share, user: user, blockNumber: blockNumber)
    }

    private func startDealerAuxGen(share: ThresholdKeyShare, user: [UInt8], blockNumber: UInt64) throws(ThresholdNodeError) -> String {
        let userHex = hexString(user)
        let members = directory.memberIDs
        let sessionID: SessionID
        do { sessionID = try SessionID(kind: .auxiliaryInfo, participants: members, user: user, blockNumber: blockNumber) } catch {
            throw .flowSetup(.setupFailed(phase: nil, .sessionID(error)))
        }
        let id = FlowTicket.flowID(kind: .dealer, sessionID: sessionID)
        try checkNotRegistering(userHex, flowID: id)
        registrationPending(userHex)
        var ticket = FlowTicket(kind: .dealer, user: user, blockNumber: blockNumber, parties: members)
        ticket.threshold = directory.threshold
        ticket.dealtShare = hexString(share.encoded)
        var info = RunningFlow(kind: .dealer, channel: sessionID, committee: members, deadline: .now + configuration.flowTimeout,
                               user: userHex, blockNumber: blockNumber)
        info.dealtShare = share
        startWithPrimes(id: id, ticket: ticket, make: factory.dealerAuxGen(), info: info)
        return id
    }

    /// The state of `user`'s registration on this node, or nil when it has none. Answers without
    /// waiting for the node's other work (a status board behind its own lock).
    public nonisolated func registrationStatus(user: [UInt8]) -> RegistrationStatus? {
        board.registration(hexString(user))
    }

    // MARK: Signing

    /// Handles a user's signing request (`POST /user/sign_tx`): opens the envelope (sealed and
    /// bound to this node, signed by the user), checks that this node is in the committee the
    /// message hash selects (`SigningCommittee.select(fromGroups:messageHash:)`) and that the
    /// user is registered, asks the ``SigningPolicy``, then starts a `SigningFlow` — with a
    /// presignature from the pool of the child key and committee when there is one and this is
    /// the request's first attempt.
    /// - Returns: the request's status (pending).
    /// - Throws: ``ThresholdNodeError``: `envelope`, `badRequest`, `forbidden` (not signed by the
    ///   user; the policy refused), `notInCommittee`, `unknownUser`, `conflict` (the same request
    ///   again), `flowSetup` (a hardened or malformed path), `storage`, `notRunning`.
    public func requestSignature(_ envelope: Envelope) async throws(ThresholdNodeError) -> SignatureStatus {
        try checkRunning()
        let opened = try open(envelope)
        let request = try SignatureRequest(json: opened.message)
        guard opened.sender.rawRepresentation == request.user else {
            throw .forbidden("the envelope is not signed by the user it names")
        }
        let prehash = try request.prehash()
        let signers: [PartyID]
        do { signers = try SigningCommittee.select(fromGroups: directory.signingGroups, messageHash: prehash.rawRepresentation) } catch {
            throw .flowSetup(.setupFailed(phase: nil, .committee(error)))
        }
        guard signers.contains(me) else { throw .notInCommittee }
        let userHex = hexString(request.user)
        guard userRegistration(userHex) != nil else { throw .unknownUser }
        let signing: SigningRequest
        do {
            signing = try SigningRequest(user: request.user, blockNumber: request.blockNumber, prehash: prehash,
                                         derivationPath: request.derivationPath, signers: signers, attempt: request.attempt)
        } catch {
            throw .flowSetup(error)
        }
        let requestID = hexString(signing.sessionID.rawRepresentation)
        let id = FlowTicket.flowID(kind: .sign, sessionID: signing.sessionID)
        try checkNewRequest(requestID, flowID: id)
        guard await policy.allows(message: request.message, user: request.user) else {
            throw .forbidden("the signing policy refused this request")
        }
        // The policy call suspended: check again before anything is taken or claimed.
        try checkRunning()
        try checkNewRequest(requestID, flowID: id)
        guard let registration = userRegistration(userHex) else { throw .unknownUser }
        var ticket = FlowTicket(kind: .sign, user: request.user, blockNumber: request.blockNumber, parties: signers)
        ticket.publicKey = registration.publicKey
        ticket.epoch = registration.epoch
        ticket.prehash = hexString(prehash.rawRepresentation)
        ticket.derivationPath = request.derivationPath
        ticket.attempt = request.attempt
        ticket.message = hexString(request.message)
        var pool: String?
        if request.attempt == 0 {
            ticket.presignature = try takePooledPresignature(registration, path: request.derivationPath, signers: signers)
            if ticket.presignature != nil {
                pool = PresignaturePool.keyID(publicKey: try childPublicKey(registration, path: request.derivationPath),
                                              epoch: try Self.epoch(registration), signers: signers)
                poolGaugeMoved(by: -1)
            }
        }
        let flow = try create(id: id, ticket: ticket, make: factory.signing())
        let status = SignatureStatus(requestID: requestID, messageHash: hexString(prehash.rawRepresentation),
                                     signers: signers.map { hexString($0.rawRepresentation) })
        recordPending(status)
        var info = RunningFlow(kind: .sign, channel: signing.sessionID, committee: signers,
                               deadline: .now + configuration.flowTimeout, user: userHex, blockNumber: request.blockNumber)
        info.requestID = requestID
        info.pool = pool
        launch(flow, info)
        return status
    }

    /// The status of the signing request `requestID` (hex of its session id), or nil. Answers
    /// without waiting for the node's other work (a status board behind its own lock).
    public nonisolated func signatureStatus(requestID: String) -> SignatureStatus? {
        board.signature(requestID.lowercased())
    }

    /// The status of the latest signing request of the 32-byte prehash `messageHash` (hex), or nil.
    public nonisolated func signatureStatus(messageHash: String) -> SignatureStatus? {
        board.signature(messageHash: messageHash.lowercased())
    }

    // MARK: Presignature pools

    /// Starts presigning into the pool of `user`'s registered key (BIP32 child `derivationPath`)
    /// for the signer set `signers` (a signing committee: one member of each signing group),
    /// pool index `poolIndex`. Every signer must start the same (signers, index): the pool index
    /// gives the presigning its session id, and signers take presignatures oldest first, so fill
    /// a pool one presigning at a time, in the same order on every signer.
    /// - Returns: the flow id.
    /// - Throws: ``ThresholdNodeError``: `unknownUser`, `conflict`, `flowSetup` (this node is not a
    ///   signer, an index used before), `storage`, `notRunning`.
    @discardableResult
    public func presign(user: [UInt8], signers: [PartyID], poolIndex: UInt64, derivationPath: String = "m") throws(ThresholdNodeError) -> String {
        try startPresigning(user: user, signers: signers, poolIndex: poolIndex, derivationPath: derivationPath,
                            channelWait: configuration.flowTimeout)
    }

    /// ``presign(user:signers:poolIndex:derivationPath:)``, waiting up to `channelWait` for the
    /// signers' channels; the flow is recorded as its pool's fill.
    func startPresigning(user: [UInt8], signers: [PartyID], poolIndex: UInt64, derivationPath: String,
                         channelWait: Duration) throws(ThresholdNodeError) -> String {
        try checkRunning()
        guard let registration = userRegistration(hexString(user)) else { throw .unknownUser }
        let childKey = try childPublicKey(registration, path: derivationPath)
        let epoch = try Self.epoch(registration)
        let sessionID: SessionID
        do {
            sessionID = try SessionID(kind: .presigning(publicKey: childKey, epoch: epoch, poolIndex: poolIndex),
                                      participants: signers, user: user, blockNumber: registration.blockNumber)
        } catch {
            throw .flowSetup(.setupFailed(phase: nil, .sessionID(error)))
        }
        let id = FlowTicket.flowID(kind: .presign, sessionID: sessionID)
        guard !isKnownFlow(id) else { throw .conflict("presigning \(poolIndex) of this pool runs already") }
        var ticket = FlowTicket(kind: .presign, user: user, blockNumber: registration.blockNumber, parties: signers)
        ticket.publicKey = registration.publicKey
        ticket.epoch = registration.epoch
        ticket.derivationPath = derivationPath
        ticket.poolIndex = poolIndex
        let pool = PresignaturePool.keyID(publicKey: childKey, epoch: epoch, signers: signers)
        let flow = try create(id: id, ticket: ticket, make: factory.presign())
        var info = RunningFlow(kind: .presign, channel: sessionID, committee: signers.sorted(),
                               deadline: .now + channelWait, user: hexString(user), blockNumber: registration.blockNumber)
        info.pool = pool
        poolFills[pool] = id
        launch(flow, info)
        return id
    }

    /// How many presignatures this node holds for `user`'s key (child `derivationPath`) and `signers`.
    /// - Throws: ``ThresholdNodeError``: `unknownUser`, `storage`.
    public func presignatureCount(user: [UInt8], signers: [PartyID], derivationPath: String = "m") throws(ThresholdNodeError) -> Int {
        guard let registration = userRegistration(hexString(user)) else { throw .unknownUser }
        let pool = PresignaturePool.keyID(publicKey: try childPublicKey(registration, path: derivationPath),
                                          epoch: try Self.epoch(registration), signers: signers)
        do { return try store.presignatureCount(pool: pool) } catch { throw .storage(error) }
    }

    // MARK: Helpers

    private func takePooledPresignature(_ registration: UserRegistration, path: String,
                                        signers: [PartyID]) throws(ThresholdNodeError) -> String? {
        let pool = PresignaturePool.keyID(publicKey: try childPublicKey(registration, path: path),
                                          epoch: try Self.epoch(registration), signers: signers)
        let pooled: PooledPresignature?
        do { pooled = try store.takeOldestPresignature(pool: pool) } catch { throw .storage(error) }
        guard let pooled, let presignature = pooled.slot.take() else { return nil }
        logger.info("signing with a pooled presignature", metadata: ["pool": "\(pool)", "id": "\(pooled.id)"])
        return hexString(presignature.encoded)
    }

    func childPublicKey(_ registration: UserRegistration, path: String) throws(ThresholdNodeError) -> Point {
        guard let bytes = decodeHex(registration.publicKey), let key = try? Point(sec1Representation: bytes) else {
            throw .storage(.inconsistentRecord(try! .publicKey(keyID: "user-" + registration.user), reason: "bad public key"))
        }
        do throws(BIP32Error) {
            let root = try ExtendedPublicKey(publicKey: key, chainCode: SigningFlow.chainCode(for: key))
            return try root.derive(path: path).key.publicKey
        } catch {
            throw .flowSetup(.setupFailed(phase: nil, .keyDerivation(error)))
        }
    }

    static func epoch(_ registration: UserRegistration) throws(ThresholdNodeError) -> KeyEpoch {
        guard let bytes = decodeHex(registration.epoch), let epoch = try? KeyEpoch(rawRepresentation: bytes) else {
            throw .storage(.inconsistentRecord(try! .publicKey(keyID: "user-" + registration.user), reason: "bad key epoch"))
        }
        return epoch
    }

    /// Creates the journaled flow (claiming its session ids) and saves its first journal.
    private func create<Wrapped: Flow>(id: String, ticket: FlowTicket,
                                       make: @escaping JournaledFlow<Wrapped>.MakeFlow) throws(ThresholdNodeError) -> JournaledFlow<Wrapped> {
        let flow: JournaledFlow<Wrapped>
        do {
            flow = try JournaledFlow(id: id, seed: Self.freshSeed(), entry: ticket.secretEntry, usedSessionIDs: store, makeFlow: make)
        } catch {
            if case .setupFailed(let inner) = error {
                if case .sessionIDReused = inner { throw .conflict("this request's session ran on this node already") }
                if case .sessionIDRegistry(let why) = inner { throw .storage(.store(.backend(code: 0, message: "session id registry: \(why)"))) }
                throw .flowSetup(inner)
            }
            throw .configuration("\(error)")
        }
        do { try store.saveFlowJournal(flow.journal) } catch {
            logger.error("cannot persist a new flow journal", metadata: ["flow": "\(id)", "error": "\(error)"])
            throw .storage(error)
        }
        return flow
    }

    func open(_ envelope: Envelope) throws(ThresholdNodeError) -> OpenedEnvelope {
        let opened: OpenedEnvelope
        do { opened = try envelope.open(with: channelKey) } catch { throw .envelope(error) }
        guard opened.isRecipientBound else { throw .envelope(.wrongRecipient) }
        return opened
    }

    private func checkRunning() throws(ThresholdNodeError) {
        guard isRunning else { throw .notRunning }
    }

    private func checkNotRegistering(_ user: String, flowID: String) throws(ThresholdNodeError) {
        guard !isKnownFlow(flowID) else { throw .conflict("this registration runs already") }
        switch registrationState(user) {
        case .pending: throw .conflict("a registration of this user runs already")
        case .registered: throw .conflict("this user is registered already")
        case .failed, nil: break
        }
    }

    private func registrationPending(_ user: String) {
        setRegistrationState(user, .pending)
    }

    private func checkNewRequest(_ requestID: String, flowID: String) throws(ThresholdNodeError) {
        guard signatureState(requestID) == nil, !isKnownFlow(flowID) else {
            throw .conflict("request \(requestID) was made already; poll /signer/signature, or retry with the next attempt")
        }
    }

    static func checkUser(_ user: [UInt8]) throws(ThresholdNodeError) -> String {
        _ = try userID(user)
        return hexString(user)
    }

    static func userID(_ user: [UInt8]) throws(ThresholdNodeError) -> PartyID {
        guard user.count == PartyID.byteCount, let id = try? PartyID(rawRepresentation: user) else {
            throw .badRequest(field: "user", reason: "not a 32-byte identity key")
        }
        return id
    }
}
