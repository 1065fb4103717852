import Bytes
import CGGMP
import Paillier
import Logging
import Noise
import Secp256k1
import Synchronization
import TSS

/// A threshold server's core: it owns the node's store, its `PartyDriver`, its peer transport
/// and the directory, starts flows for the API's requests, carries out the driver's actions and
/// keeps what the flows produce. The driver runs on an actor of its own (`FlowWorker`): a flow
/// step (a round's proofs, seconds at the production parameter sets) does not hold up requests.
///
/// - Actions: `.persist` → ``NodeStore/saveFlowJournal(_:)`` (before anything made after it is
///   sent); `.send` → an outgoing queue per peer, sent over `PeerTransport.send` and retried while
///   the peer is unreachable; `.finished` → the output is stored (a registration with
///   ``NodeStore/save(_:)``, a presignature in its pool, a signature in the results table);
///   `.failed` → a ``FailureReport`` (with the encoded `FlowFault` when a culprit is proven).
/// - Deliveries from `PeerTransport.deliveries()` go into the driver.
/// - On ``start()`` the node restores every unfinished flow journal from its store (registration
///   and AuxGen with `JournaledFlow.restore(_:makeFlow:)`, presigning and signing by taking them,
///   `JournaledFlow.restore(takingFrom:id:makeFlow:)`), so a restarted node finishes its flows.
/// - A flow that has not finished within ``Configuration/flowTimeout`` is given up: its report
///   names the parties it still waited for.
///
/// Randomness: each flow's 32-byte seed comes from `SystemRandomNumberGenerator`; protocol code
/// draws only from that seed (`JournaledFlow`).
public actor ThresholdNode {
    /// Timing of a node.
    public struct Configuration: Sendable {
        /// How long a flow may run before the node gives up on it and reports whom it waited for.
        public var flowTimeout: Duration
        /// How often a message to an unreachable peer is retried.
        public var retryInterval: Duration
        /// For fault drills only (nil, the default, in any real deployment): rewrites every
        /// protocol message this node sends, after its flows made and journaled it. A drill passes
        /// a closure that damages one round's payload and re-signs it with this node's identity
        /// key (`tss node run --misbehave`, built on the test-support adversary module), so the
        /// honest nodes name this node with the evidence of its own signature. Returning several
        /// messages sends each to its own recipients (a different payload to one victim).
        public var outgoingTamper: OutgoingTamper?
        /// How many presignatures the node keeps ready in each pool it can sign from (every
        /// registered key, root path, and every committee it may sit on); 0 turns the filler off.
        /// How the signers agree on pool indices without a coordinator: docs/deployment.md
        /// ("Presignature pools").
        public var presignaturePoolTarget: Int
        /// How often the filler looks at the pools.
        public var poolCheckInterval: Duration
        /// How long one attempt of the filler waits for the other signers' channels before it
        /// tries again. Nothing is claimed until they are up, so a signer that is down joins the
        /// same pool index when it returns, however long it was away.
        public var poolChannelWait: Duration
        /// How many peers' ring-Pedersen parameter sets the node keeps with their committer tables
        /// (≈ 0.8 MB each at production112), so presigning builds a peer's tables once per process
        /// rather than once per session (`RingPedersenParametersCache`).
        public var ringPedersenCacheCapacity: Int

        /// A rewrite of an outgoing message (``outgoingTamper``).
        public typealias OutgoingTamper = @Sendable (OutgoingMessage) -> [OutgoingMessage]

        /// A configuration; the defaults suit the production parameter sets.
        public init(flowTimeout: Duration = .seconds(600), retryInterval: Duration = .milliseconds(250),
                    presignaturePoolTarget: Int = 0, poolCheckInterval: Duration = .seconds(1),
                    poolChannelWait: Duration = .seconds(60), ringPedersenCacheCapacity: Int = 64,
                    outgoingTamper: OutgoingTamper? = nil) {
            self.flowTimeout = flowTimeout
            self.ringPedersenCacheCapacity = max(1, ringPedersenCacheCapacity)
            self.retryInterval = retryInterval
            self.presignaturePoolTarget = max(0, presignaturePoolTarget)
            self.poolCheckInterval = poolCheckInterval
            self.poolChannelWait = poolChannelWait
            self.outgoingTamper = outgoingTamper
        }
    }

    /// Where a node gets the secret primes of each AuxGen it runs (registration, dealer path).
    public typealias PrimeSource = @Sendable (SchemeParameters) async -> AuxGenPrimes

    /// Fresh primes from `SystemRandomNumberGenerator` on `workers` threads (seconds to minutes at
    /// the production parameter sets).
    public static func freshPrimes(workers: Int = 2) -> PrimeSource {
        { parameters in
            await Task.detached(priority: .utility) {
                var generator = SystemRandomNumberGenerator()
                return AuxGenPrimes.generate(parameters: parameters, using: &generator, workers: workers)
            }.value
        }
    }

    /// This node's identity key.
    public nonisolated let identity: Ed25519Signer
    /// This node's identity.
    public nonisolated let me: PartyID
    /// The node's encrypted store.
    public nonisolated let store: NodeStore
    /// The network's directory.
    public nonisolated let directory: any Directory
    /// The node's counters (served by `GET /metrics`).
    public nonisolated let metrics: NodeMetrics
    /// Timing.
    public nonisolated let configuration: Configuration
    nonisolated let channelKey: X25519PrivateKey
    nonisolated let transport: any PeerTransport
    nonisolated let policy: any SigningPolicy
    nonisolated let primes: PrimeSource
    nonisolated let logger: Logger
    nonisolated let factory: FlowFactory
    private let outbox = Outbox()
    /// Statuses and counts the API reads without waiting for the actor.
    nonisolated let board = StatusBoard()

    /// Runs the flow steps off this actor (``FlowWorker``).
    private let worker: FlowWorker
    private var running: [String: RunningFlow] = [:]
    private var routeOwners: [MessageRoute: String] = [:]
    var userKeys: [String: UserRegistration] = [:]
    private var tasks: [Task<Void, Never>] = []
    private var sent: [SessionID: SentHistory] = [:]
    /// Pool filler: the flow filling each pool (one at a time, so every signer fills in the same
    /// index order), and the lowest pool index not yet claimed, per pool.
    var poolFills: [String: String] = [:]
    var poolCursors: [String: UInt64] = [:]
    /// Pool filler: the fills waiting for their channels, before they claim their index.
    var poolOpenings: [String: Task<Void, Never>] = [:]
    private(set) var isRunning = false

    /// What the node keeps about a flow while it runs.
    struct RunningFlow: Sendable {
        let kind: FlowTicket.Kind
        /// The transport session (channel) of the flow.
        let channel: SessionID
        let committee: [PartyID]
        /// Until the channels open: the time `openSession` may take; then the flow's deadline.
        var deadline: ContinuousClock.Instant
        let user: String
        let blockNumber: UInt64
        /// Signing: the request id.
        var requestID: String?
        /// Dealer path: the accepted share, stored with the aux info when AuxGen finishes. Secret.
        var dealtShare: ThresholdKeyShare?
        var started = false
        /// Restored from its journal after a restart: the node asks its peers to send again.
        var restored = false
        /// Presigning started by the pool filler, or signing with a pooled presignature: the pool.
        var pool: String?
    }

    /// A node.
    /// - Parameters:
    ///   - identity: the node's Ed25519 identity key; the directory must list it.
    ///   - channelKey: the node's X25519 key; its public key must be the directory's entry.
    ///   - store: the node's store (its parameters must be the directory's).
    ///   - directory: the network.
    ///   - transport: the peer channels (``InMemoryPeerNetwork`` in tests; the WebSocket transport
    ///     in deployments).
    ///   - policy: the signing policy; allow-all by default.
    ///   - primes: where AuxGen primes come from; fresh ones by default.
    ///   - configuration: timing.
    ///   - metrics: the node's counters.
    ///   - logger: where the node logs (never a secret).
    /// - Throws: ``ThresholdNodeError/configuration(_:)`` when the identity or channel key is not
    ///   the directory's, or the store runs another parameter set.
    public init(identity: Ed25519Signer, channelKey: X25519PrivateKey, store: NodeStore, directory: any Directory,
                transport: any PeerTransport, policy: any SigningPolicy = AllowAllPolicy(),
                primes: @escaping PrimeSource = ThresholdNode.freshPrimes(), configuration: Configuration = Configuration(),
                metrics: NodeMetrics = NodeMetrics(), logger: Logger = Logger(label: "tss.node")) throws(ThresholdNodeError) {
        guard let entry = directory.member(identity.partyID) else {
            throw .configuration("the directory does not list this node's identity \(identity.partyID)")
        }
        guard entry.channelKey == channelKey.publicKey else {
            throw .configuration("the directory lists another channel key for \(identity.partyID)")
        }
        guard store.parameters.name == directory.parameters.name else {
            throw .configuration("the store runs \(store.parameters.name), the directory \(directory.parameters.name)")
        }
        self.identity = identity
        self.me = identity.partyID
        self.channelKey = channelKey
        self.store = store
        self.directory = directory
        self.transport = transport
        self.policy = policy
        self.primes = primes
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.factory = FlowFactory(identity: identity, store: store, parameters: directory.parameters,
                                   ringPedersenCache: RingPedersenParametersCache(capacity: configuration.ringPedersenCacheCapacity))
        self.worker = FlowWorker(me: identity.partyID)
    }

    // MARK: Running

    /// Loads the node's records, restores its unfinished flows and starts its loops (deliveries,
    /// sending, deadlines). Calling it again does nothing.
    /// - Throws: ``ThresholdNodeError/storage(_:)`` when the store cannot be read.
    public func start() async throws(ThresholdNodeError) {
        guard !isRunning else { return }
        do {
            for registration in try store.userRegistrations() {
                userKeys[registration.user] = registration
                board.setRegistration(registration.user, .registered(publicKey: registration.publicKey))
            }
            for status in try store.signatureStatuses() { board.setSignature(status) }
        } catch {
            logger.error("cannot read the node's records", metadata: ["error": "\(error)"])
            throw .storage(error)
        }
        isRunning = true
        publishCounts()
        let transport = self.transport
        let deliveries = transport.deliveries()
        tasks.append(Task { [weak self] in
            for await delivery in deliveries {
                guard let self else { return }
                await self.deliver(delivery)
            }
        })
        let outbox = self.outbox, metrics = self.metrics, retry = configuration.retryInterval
        tasks.append(Task {
            await outbox.run(transport: transport, retryInterval: retry) { metrics.messagesSent.increment() }
        })
        let tick = min(configuration.flowTimeout / 4, .seconds(1))
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard let self else { return }
                await self.expireFlows()
            }
        })
        await restoreJournals()
        if configuration.presignaturePoolTarget > 0 {
            let interval = configuration.poolCheckInterval
            tasks.append(Task { [weak self] in
                while !Task.isCancelled {
                    guard let self else { return }
                    await self.fillPools()
                    try? await Task.sleep(for: interval)
                }
            })
        }
        logger.info("node started", metadata: ["party": "\(me)", "flows": "\(running.count)"])
    }

    /// Stops the loops. Flows in the middle stay in the store as journals; a node started on the
    /// same store restores them.
    public func stop() async {
        guard isRunning else { return }
        isRunning = false
        for task in tasks { task.cancel() }
        outbox.finish()
        tasks.removeAll()
        await worker.reset(me: me)
        running.removeAll()
        for opening in poolOpenings.values { opening.cancel() }
        poolOpenings.removeAll()
        poolFills.removeAll()
        poolCursors.removeAll()
        routeOwners.removeAll()
        sent.removeAll()
        metrics.flowsRunning.set(Double(0))
        publishCounts()
        logger.info("node stopped", metadata: ["party": "\(me)"])
    }

    /// The ids of the flows running, sorted.
    public var runningFlowIDs: [String] { running.keys.sorted() }

    /// The number of registered users.
    public var registeredUserCount: Int { userKeys.count }

    // MARK: Peer messages

    private func deliver(_ delivery: PeerDelivery) async {
        guard isRunning else { return }
        metrics.messagesReceived.increment()
        if delivery.bytes == Self.resyncRequest {
            resend(session: delivery.session, to: delivery.from)
            return
        }
        await perform(worker.receive(bytes: delivery.bytes, from: delivery.from))
    }

    /// The bytes a restarted node sends each peer of a restored flow on the flow's channel: "send
    /// me again what you sent me on this channel" (messages that reached the old process but were
    /// lost with it before they were journaled). Not a `SignedMessage`: the node answers it itself.
    static let resyncRequest: [UInt8] = Array("TSSRSY".utf8) + [1]

    /// What this node sent on each channel, per peer, while the flow runs and for one timeout
    /// after, for a peer that restarted and asks again.
    private struct SentHistory {
        var messages: [PartyID: [[UInt8]]] = [:]
        var expires: ContinuousClock.Instant
    }

    private func resend(session: SessionID, to peer: PartyID) {
        guard let history = sent[session], let messages = history.messages[peer] else { return }
        logger.info("re-sending to a restarted peer", metadata: ["peer": "\(peer)", "messages": "\(messages.count)"])
        outbox.enqueue(messages.map { Outbox.Item(peer: peer, session: session, bytes: $0, expires: history.expires) })
    }

    /// Carries out the driver's actions, in order: a journal is persisted before anything made
    /// after it is sent. It suspends only to take a finished flow's output from the worker.
    private func perform(_ actions: [PartyDriver.Action]) async {
        var unpersisted = Set<String>()
        for action in actions {
            switch action {
            case .persist(let journal):
                do { try store.saveFlowJournal(journal) } catch {
                    logger.error("cannot persist a flow journal", metadata: ["flow": "\(journal.id)", "error": "\(error)"])
                    unpersisted.insert(journal.id)
                }
            case .send(let outgoing):
                guard let id = routeOwners[MessageRoute(of: outgoing.message)], let flow = running[id],
                      !unpersisted.contains(id) else { continue }
                if let tamper = configuration.outgoingTamper {
                    for rewritten in tamper(outgoing) { enqueue(rewritten, of: flow) }
                } else {
                    enqueue(outgoing, of: flow)
                }
            case .finished(let id):
                await finish(id)
            case .failed(let id, let error):
                logger.warning("flow failed", metadata: ["flow": "\(id)", "error": "\(error)"])
                if case .differentPresignatures = error, let pool = running[id]?.pool { drain(pool: pool) }
                fail(id, FailureReport(error))
            case .dropped(let deliverer, let reason):
                metrics.messagesDropped.increment()
                logger.notice("dropped peer bytes", metadata: ["from": "\(deliverer)", "reason": "\(reason)"])
            }
        }
        for id in unpersisted where running[id] != nil {
            await worker.drop(id)
            fail(id, FailureReport(reason: "the node could not persist the flow's journal"))
        }
    }

    private func enqueue(_ outgoing: OutgoingMessage, of flow: RunningFlow) {
        let bytes = outgoing.message.encoded
        let expires = flow.deadline + configuration.flowTimeout
        outbox.enqueue(outgoing.recipients.map { Outbox.Item(peer: $0, session: flow.channel, bytes: bytes, expires: expires) })
        var history = sent[flow.channel] ?? SentHistory(expires: expires)
        for peer in outgoing.recipients { history.messages[peer, default: []].append(bytes) }
        sent[flow.channel] = history
    }

    // MARK: Flow life cycle

    /// Registers a flow that was just created (its journal saved) and starts it once its
    /// channels are open.
    func launch<Wrapped: Flow>(_ flow: JournaledFlow<Wrapped>, _ info: RunningFlow) {
        let id = flow.journal.id
        running[id] = info
        for route in flow.routes { routeOwners[route] = id }
        metrics.flowStarted(info.kind.rawValue)
        metrics.flowsRunning.set(Double(running.count))
        publishCounts()
        Task { await self.open(flow, info) }
    }

    private func open<Wrapped: Flow>(_ flow: JournaledFlow<Wrapped>, _ info: RunningFlow) async {
        let id = flow.journal.id
        do {
            try await transport.openSession(info.channel, committee: info.committee, deadline: info.deadline)
        } catch {
            guard running[id] != nil else { return }
            let unreachable: [PartyID] = if case .unreachable(let peers) = error { peers } else { [] }
            fail(id, FailureReport(reason: "peer channels: \(error)", unresponsive: unreachable.map { hexString($0.rawRepresentation) }))
            return
        }
        guard isRunning, running[id] != nil else { return }
        do {
            let actions = try await worker.start(flow)
            guard isRunning, running[id] != nil else { return }
            running[id]?.started = true
            // The flow's own time starts when its channels are up (a pool fill may have waited
            // much longer for them).
            running[id]?.deadline = min(info.deadline, .now + configuration.flowTimeout)
            // A restored flow sends again what it sent before the restart (peers take copies as
            // duplicates): what was journaled but lost with the old process still arrives.
            for outgoing in flow.replayedMessages { enqueue(outgoing, of: info) }
            if info.restored {
                let expires = info.deadline
                outbox.enqueue(info.committee.filter { $0 != me }.map {
                    Outbox.Item(peer: $0, session: info.channel, bytes: Self.resyncRequest, expires: expires)
                })
            }
            await perform(actions)
        } catch {
            fail(id, FailureReport(reason: "\(error)"))
        }
    }

    private func finish(_ id: String) async {
        guard let flow = running[id] else {
            await worker.removeOutput(of: id)
            return
        }
        do {
            switch flow.kind {
            case .registration:
                guard let output = await worker.takeOutput(of: id, as: RegistrationFlow.self) else { return }
                try saveRegistration(output, user: flow.user, blockNumber: flow.blockNumber)
            case .dealer:
                guard let aux = await worker.takeOutput(of: id, as: AuxGenFlow.self), let share = flow.dealtShare else { return }
                try saveRegistration(RegistrationOutput(keyShare: share, auxInfo: aux), user: flow.user, blockNumber: flow.blockNumber)
            case .presign:
                guard let slot = await worker.takeOutput(of: id, as: PresignFlow.self) else { return }
                let sessionID = flow.channel
                try store.addPresignature(slot, id: NodeStore.presignatureID(sessionID: sessionID))
                poolGaugeMoved(by: 1)
            case .sign:
                guard let output = await worker.takeOutput(of: id, as: SigningFlow.self), let requestID = flow.requestID,
                      var status = board.signature(requestID) else { return }
                status.state = .signed
                status.signature = hexString(output.signature)
                status.publicKey = hexString(output.publicKey.compressedRepresentation)
                board.setSignature(status)
                try store.saveSignatureStatus(status)
            }
            metrics.flowFinished(flow.kind.rawValue)
            logger.info("flow finished", metadata: ["flow": "\(id)"])
        } catch {
            logger.error("cannot store a flow's output", metadata: ["flow": "\(id)", "error": "\(error)"])
            record(FailureReport(reason: "the node could not store the output"), of: flow)
        }
        close(id, flow)
    }

    private func saveRegistration(_ output: RegistrationOutput, user: String, blockNumber: UInt64) throws(NodeStoreError) {
        try store.save(output)
        let share = output.keyShare
        let registration = UserRegistration(user: user, publicKey: hexString(share.publicKey.compressedRepresentation),
                                            epoch: hexString(share.epoch.rawRepresentation), blockNumber: blockNumber)
        try store.saveUserRegistration(registration)
        userKeys[user] = registration
        board.setRegistration(user, .registered(publicKey: registration.publicKey))
        publishCounts()
    }

    private func fail(_ id: String, _ report: FailureReport) {
        guard let flow = running[id] else { return }
        metrics.flowFailed(flow.kind.rawValue)
        record(report, of: flow)
        close(id, flow)
    }

    private func record(_ report: FailureReport, of flow: RunningFlow) {
        switch flow.kind {
        case .registration, .dealer:
            board.setRegistration(flow.user, .failed(report))
        case .presign:
            break
        case .sign:
            guard let requestID = flow.requestID, var status = board.signature(requestID) else { return }
            status.state = .failed
            status.failure = report
            board.setSignature(status)
            do { try store.saveSignatureStatus(status) } catch {
                logger.error("cannot store a signing result", metadata: ["request": "\(requestID)", "error": "\(error)"])
            }
        }
    }

    /// Forgets a flow that finished or failed: its routes, its journal, its channels.
    private func close(_ id: String, _ flow: RunningFlow) {
        running[id] = nil
        if let pool = flow.pool, poolFills[pool] == id { poolFills[pool] = nil }
        routeOwners = routeOwners.filter { $0.value != id }
        metrics.flowsRunning.set(Double(running.count))
        publishCounts()
        do { _ = try store.takeFlowJournal(id: id) } catch {
            logger.warning("cannot remove a flow journal", metadata: ["flow": "\(id)", "error": "\(error)"])
        }
        let transport = self.transport, channel = flow.channel
        Task { await transport.closeSession(channel) }
    }

    /// Gives up on flows past their deadline, naming whom they waited for. A flow whose channels
    /// never opened is left to `open(_:_:)` for one more tick: `openSession` gives up at the same
    /// deadline and names the peers it could not reach, which the driver cannot (the flow never
    /// started in it); expiring it here first would report it as waiting for nobody.
    private func expireFlows() async {
        let now = ContinuousClock.now
        let grace = min(configuration.flowTimeout / 4, .seconds(1)) * 2
        sent = sent.filter { $0.value.expires >= now }
        let expired = running.filter { _, flow in (flow.started ? flow.deadline : flow.deadline + grace) < now }.keys.sorted()
        for id in expired {
            let waiting = await worker.abandon(id)
            // The flow may have finished or failed while the worker was busy.
            guard running[id] != nil else { continue }
            logger.warning("flow timed out", metadata: ["flow": "\(id)", "waiting": "\(waiting)"])
            fail(id, .timedOut(waitingFor: waiting, after: configuration.flowTimeout))
        }
    }

    // MARK: Restoring

    private func restoreJournals() async {
        let ids: [String]
        do { ids = try store.journalIDs() } catch {
            logger.error("cannot list flow journals", metadata: ["error": "\(error)"])
            return
        }
        for storeID in ids where storeID.hasPrefix("flow:") {
            let id = String(storeID.dropFirst("flow:".count))
            guard let kind = FlowTicket.kind(ofFlowID: id) else { continue }
            do {
                switch kind {
                case .registration:
                    guard let journal = try store.takeFlowJournal(id: id) else { continue }
                    try resume(JournaledFlow<RegistrationFlow>.restore(journal, makeFlow: factory.registration()), kind: kind, entry: journal.entry)
                case .dealer:
                    guard let journal = try store.takeFlowJournal(id: id) else { continue }
                    try resume(JournaledFlow<AuxGenFlow>.restore(journal, makeFlow: factory.dealerAuxGen()), kind: kind, entry: journal.entry)
                case .presign:
                    let captured = EntryCapture()
                    let make = factory.presign()
                    let flow = try JournaledFlow<PresignFlow>.restore(takingFrom: store, id: id) { registry, entry throws(FlowError) in
                        captured.entry = entry
                        return try make(registry, entry)
                    }
                    try resume(flow, kind: kind, entry: captured.entry)
                case .sign:
                    let captured = EntryCapture()
                    let make = factory.signing()
                    let flow = try JournaledFlow<SigningFlow>.restore(takingFrom: store, id: id) { registry, entry throws(FlowError) in
                        captured.entry = entry
                        return try make(registry, entry)
                    }
                    try resume(flow, kind: kind, entry: captured.entry)
                }
            } catch {
                logger.warning("flow journal not restored", metadata: ["flow": "\(id)", "error": "\(error)"])
                if case .sign = kind { markRestoreFailed(id: id, reason: "\(error)") }
                _ = try? store.takeFlowJournal(id: id)
            }
        }
    }

    /// Starts a restored flow again (its journal saved back first: restoring took it).
    private func resume<Wrapped: Flow>(_ flow: JournaledFlow<Wrapped>, kind: FlowTicket.Kind, entry: SecretBytes?) throws {
        try store.saveFlowJournal(flow.journal)
        let ticket = try FlowTicket(entry: entry)
        let parties = try ticket.partyIDs()
        var info = RunningFlow(kind: kind, channel: try Self.channel(of: flow.journal), committee: parties,
                               deadline: .now + configuration.flowTimeout, user: ticket.user, blockNumber: ticket.blockNumber)
        info.restored = true
        switch kind {
        case .registration, .dealer:
            board.setRegistration(ticket.user, .pending)
            if let text = ticket.dealtShare, let bytes = decodeHex(text) { info.dealtShare = try ThresholdKeyShare(encoded: bytes) }
        case .sign:
            let request = try FlowFactory.signingRequest(ticket)
            let requestID = hexString(request.sessionID.rawRepresentation)
            info.requestID = requestID
            if board.signature(requestID) == nil {
                board.setSignature(SignatureStatus(requestID: requestID, messageHash: hexString(request.prehash.rawRepresentation),
                                                   signers: request.signers.map { hexString($0.rawRepresentation) }))
            }
        case .presign:
            // Its channels were open once and every signer claimed its index: it finishes, or fails
            // on every signer, within the usual deadline.
            let pool = try FlowFactory.presignPool(ticket)
            info.pool = pool
            poolFills[pool] = flow.journal.id
        }
        logger.info("flow restored", metadata: ["flow": "\(flow.journal.id)"])
        launch(flow, info)
    }

    private func markRestoreFailed(id: String, reason: String) {
        let requestID = String(id.dropFirst("sign:".count))
        guard var status = board.signature(requestID), status.state == .pending else { return }
        status.state = .failed
        status.failure = FailureReport(reason: "the flow could not be restored after a restart: \(reason)")
        board.setSignature(status)
        try? store.saveSignatureStatus(status)
    }

    /// A flow's channel: the session id in its journal id (`kind:hex`).
    static func channel(of journal: FlowJournal) throws -> SessionID {
        guard let colon = journal.id.firstIndex(of: ":"), let raw = decodeHex(String(journal.id[journal.id.index(after: colon)...])) else {
            throw ThresholdNodeError.configuration("flow id \(journal.id) names no session")
        }
        return try SessionID(rawRepresentation: raw)
    }

    // MARK: Helpers for the requests

    func isKnownFlow(_ id: String) -> Bool { running[id] != nil }
    func registrationState(_ user: String) -> RegistrationStatus? { board.registration(user) }
    func setRegistrationState(_ user: String, _ state: RegistrationStatus) { board.setRegistration(user, state) }
    func userRegistration(_ user: String) -> UserRegistration? { userKeys[user] }
    func signatureState(_ requestID: String) -> SignatureStatus? { board.signature(requestID) }

    func recordPending(_ status: SignatureStatus) {
        board.setSignature(status)
        do { try store.saveSignatureStatus(status) } catch {
            logger.error("cannot store a signing result", metadata: ["request": "\(status.requestID)", "error": "\(error)"])
        }
    }


    /// Publishes the counts `/healthz` reads.
    func publishCounts() {
        board.setCounts(isRunning: isRunning, runningFlows: running.count, registeredUsers: userKeys.count)
    }

    /// 32 bytes from the system generator: a flow's seed.
    nonisolated static func freshSeed() -> SecretBytes {
        var generator = SystemRandomNumberGenerator()
        return SecretBytes((0..<FlowJournal.seedLength).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// Catches the entry a restored one-time flow was rebuilt from (the journal itself is taken
/// inside the restore).
private final class EntryCapture: Sendable {
    private let value = Mutex<SecretBytes?>(nil)
    var entry: SecretBytes? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
