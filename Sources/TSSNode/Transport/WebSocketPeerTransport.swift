import CGGMP
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TSS

/// The network's peer transport: WebSocket carrying Noise XK (`PeerChannel`), one connection per
/// session and pair of servers (docs/deployment.md, "Peer channels").
///
/// - **Who connects.** For every other committee member, the party with the larger identity
///   (`PeerChannel.initiator(between:and:)`) opens a WebSocket to the other's listener at
///   `ws://host:port/<path>/<session id in hex>` (from the ``PeerDirectory``) and runs the XK
///   handshake: message 1 and 2 with empty payloads, message 3 carrying the subscribe message
///   signed with this node's identity key. The responder checks it (the session, an identity of
///   the session's committee with a larger id, the directory's channel key for that identity, the
///   signature) and answers with an accept record on the new channel; a refusal closes the
///   WebSocket (close code 1008, reason `rejected`) and is logged on the responder's side.
/// - **Framing.** Every WebSocket binary frame holds the Noise transport messages of one record
///   (`kind ‖ length ‖ body`): the plaintext cut in 65,519-byte chunks, each encrypted on its
///   own, concatenated; the receiver splits at 65,535 bytes and reassembles records, so a message
///   of any size up to ``Configuration/maxMessageSize`` goes through.
/// - **Robustness.** Bytes that are not a WebSocket upgrade, a handshake that fails, a subscribe
///   for an unknown session or with a bad signature or key, a frame that does not decrypt: the
///   connection is closed and logged (`Logger`, public data only: parties, sessions, reasons),
///   and the transport goes on serving. Nothing a peer sends can trap.
///
/// Serve it standalone (``start(host:port:)``) or on an existing Hummingbird server
/// (``addRoute(to:)`` and ``serverBuilder(webSocketRouter:)``). A dropped
/// connection is dialled again by its initiator until the session is closed; messages sealed on
/// the dropped connection are lost (a per-round timeout, ``RoundTimer``, names who went silent).
public final class WebSocketPeerTransport: PeerTransport, CustomStringConvertible {
    /// The transport's settings.
    public struct Configuration: Sendable {
        /// The route's path prefix: connections go to `<path>/<session id in hex>`.
        public var path: String
        /// The largest protocol message sent or accepted, in bytes (a larger one closes the
        /// connection).
        public var maxMessageSize: Int
        /// How long a connection may take from the WebSocket upgrade to an accepted handshake.
        public var handshakeTimeout: Duration
        /// The first pause before dialling a peer again; it doubles up to ``maxRetryDelay``.
        public var firstRetryDelay: Duration
        /// The longest pause between two dials of the same peer.
        public var maxRetryDelay: Duration
        /// How long a closing WebSocket waits for the peer's close frame.
        public var closeTimeout: Duration
        /// The interval of WebSocket pings on idle connections (nil: none).
        public var pingInterval: Duration?
        /// How long a server built by ``WebSocketPeerTransport/serverBuilder(webSocketRouter:)``
        /// waits for a connection's HTTP request head (and for the next request on a plain HTTP
        /// connection) before closing it.
        public var requestHeadTimeout: Duration

        /// Settings with the defaults: path `/tss/peer`, 16 MiB messages, a 10-second handshake,
        /// dials retried after 50 ms doubling to 1 s, a 2-second close, pings every 30 s, a
        /// 10-second request head.
        public init(path: String = "/tss/peer", maxMessageSize: Int = 16 << 20, handshakeTimeout: Duration = .seconds(10),
                    firstRetryDelay: Duration = .milliseconds(50), maxRetryDelay: Duration = .seconds(1),
                    closeTimeout: Duration = .seconds(2), pingInterval: Duration? = .seconds(30),
                    requestHeadTimeout: Duration = .seconds(10)) {
            self.path = path
            self.maxMessageSize = maxMessageSize
            self.handshakeTimeout = handshakeTimeout
            self.firstRetryDelay = firstRetryDelay
            self.maxRetryDelay = maxRetryDelay
            self.closeTimeout = closeTimeout
            self.pingInterval = pingInterval
            self.requestHeadTimeout = requestHeadTimeout
        }

        /// The longest WebSocket frame: one record of the largest message, sealed in chunks.
        var maxFrameSize: Int {
            let plaintext = PeerRecord.headerLength + max(0, maxMessageSize)
            let chunks = max(1, (plaintext + Self.chunkLength - 1) / Self.chunkLength)
            return plaintext + chunks * Self.tagLength
        }

        /// The network's plaintext chunk (a Noise message is at most 65,535 bytes with its tag).
        static let chunkLength = 65519
        static let tagLength = 16

        /// The route path with its final component, the session parameter.
        var routePath: String { normalisedPath + "/:session" }

        /// The prefix with one leading and no trailing slash.
        var normalisedPath: String {
            let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
            return trimmed.isEmpty ? "" : "/" + trimmed
        }
    }

    /// This node's identity.
    public let me: PartyID
    /// The settings.
    public let configuration: Configuration
    private let signer: any IdentitySigner
    private let channelKey: X25519PrivateKey
    private let directory: any PeerDirectory
    private let logger: Logger
    private let state = Mutex<State>(State())
    private let stream: AsyncStream<PeerDelivery>
    private let streamInput: AsyncStream<PeerDelivery>.Continuation

    private struct State {
        var sessions: [SessionID: SessionState] = [:]
        var server: Server?
        var port: Int?
        var isShutDown = false
    }

    /// The server started by ``start(host:port:)``: its service group (shut down gracefully)
    /// and the task running it.
    private struct Server {
        let group: ServiceGroup
        let task: Task<Void, Never>
    }

    private struct SessionState {
        /// The other members and the channel key the directory gave for each.
        var expectedPeers: [PartyID: X25519PublicKey]
        var connections: [PartyID: PeerConnection] = [:]
        /// The dialling tasks (one per peer we initiate to); a task removes itself when it gives up.
        var connectors: [PartyID: Task<Void, Never>] = [:]
        /// Until when a peer never reached is dialled: the latest deadline of the openSession calls.
        var dialDeadline: ContinuousClock.Instant
    }

    /// A transport for this node; it listens once ``start(host:port:)`` or a server with
    /// ``addRoute(to:)`` runs.
    /// - Parameters:
    ///   - identity: this node's identity key; it signs the subscribe message of the channels it
    ///     opens (a responder checks the signature against the identity the directory lists).
    ///   - channelKey: this node's Noise static key (its public half is this node's directory
    ///     entry). Secret: never printed or logged.
    ///   - directory: where the other servers listen and their channel keys.
    ///   - configuration: path, limits and timeouts.
    ///   - logger: where refused connections and failures are logged (parties, sessions and
    ///     reasons only).
    public init(identity: some IdentitySigner, channelKey: X25519PrivateKey, directory: some PeerDirectory,
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "tss.peer-transport")) {
        me = identity.partyID
        signer = identity
        self.channelKey = channelKey
        self.directory = directory
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "node"] = "\(identity.partyID)"
        self.logger = logger
        (stream, streamInput) = AsyncStream.makeStream(of: PeerDelivery.self)
    }

    /// The identity and, once listening, the port (public).
    public var description: String {
        "WebSocketPeerTransport(\(me)\(listeningPort.map { ", port \($0)" } ?? ""))"
    }

    // MARK: Listening

    /// The port ``start(host:port:)`` bound, while it runs.
    public var listeningPort: Int? { state.withLock { $0.port } }

    /// The WebSocket settings of the peer route: frames as large as
    /// ``Configuration/maxMessageSize`` allows, pings and the close timeout.
    public var serverConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: configuration.maxFrameSize,
                                     autoPing: configuration.pingInterval.map { .enabled(timePeriod: $0) } ?? .disabled,
                                     closeTimeout: configuration.closeTimeout)
    }

    /// The `server` of a Hummingbird `Application` hosting the peer route (``addRoute(to:)`` on
    /// `webSocketRouter`): HTTP/1 with the WebSocket upgrade and ``serverConfiguration``, plus a
    /// deadline (``Configuration/requestHeadTimeout``) for each connection's request head, so that
    /// a connection sending bytes that are not HTTP, or nothing, is closed.
    ///
    /// ```swift
    /// let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    /// transport.addRoute(to: webSocketRouter)
    /// let app = Application(router: httpRouter, server: transport.serverBuilder(webSocketRouter: webSocketRouter))
    /// ```
    public func serverBuilder<WebSocketRouter: HTTPResponderBuilder>(webSocketRouter: WebSocketRouter) -> HTTPServerBuilder
    where WebSocketRouter.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let limit = TimeAmount(configuration.requestHeadTimeout)
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(http1: HTTP1Channel.Configuration(idleTimeout: limit),
                                                                              ws: serverConfiguration)
        let logger = logger
        return HTTPServerBuilder { responder in
            DeadlineGuardedChannel(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                                       configuration: channelConfiguration),
                                   limit: limit, logger: logger)
        }
    }

    private var clientConfiguration: WebSocketClientConfiguration {
        WebSocketClientConfiguration(maxFrameSize: configuration.maxFrameSize, closeTimeout: configuration.closeTimeout,
                                     autoPing: configuration.pingInterval.map { .enabled(timePeriod: $0) } ?? .disabled)
    }

    /// Adds the peer-channel route, `GET <path>/:session` upgraded to a WebSocket, to the
    /// WebSocket router of a Hummingbird server: one built with
    /// ``serverBuilder(webSocketRouter:)`` (or `.http1WebSocketUpgrade(webSocketRouter:configuration:)`
    /// with ``serverConfiguration`` as its `ws` settings). An upgrade is refused for a path that
    /// does not name a session opened here.
    public func addRoute<Routes: RouterMethods>(to router: Routes) where Routes.Context: WebSocketRequestContext {
        router.ws(RouterPath(configuration.routePath)) { request, _ in
            self.shouldUpgrade(path: request.uri.path) ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            await self.serveIncoming(path: context.request.uri.path, inbound: inbound, outbound: outbound)
        }
    }

    /// Starts a server of its own on `host:port` (port 0: any free port) serving the route alone,
    /// and returns the port it bound once it accepts connections. It runs until ``shutdown()``.
    /// - Throws: ``PeerListenerError/alreadyStarted``, ``PeerListenerError/transportClosed``,
    ///   ``PeerListenerError/listenFailed(_:)`` (the address is in use, the host does not resolve…).
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws(PeerListenerError) -> Int {
        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        addRoute(to: webSocketRouter)
        let serverLogger = logger
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int, PeerListenerError>, Never>) in
            let once = ResumeOnce(continuation)
            let application = Application(
                router: Router(),
                server: serverBuilder(webSocketRouter: webSocketRouter),
                configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
                onServerRunning: { channel in once.resume(.success(channel.localAddress?.port ?? port)) },
                logger: serverLogger)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: serverLogger))
            let refusal: PeerListenerError? = state.withLock { state in
                if state.isShutDown { return .transportClosed }
                if state.server != nil { return .alreadyStarted }
                let task = Task {
                    do {
                        try await group.run()
                        once.resume(.failure(.listenFailed("the server stopped")))
                    } catch {
                        serverLogger.error("peer listener stopped", metadata: ["error": "\(error)"])
                        once.resume(.failure(.listenFailed("\(error)")))
                    }
                }
                state.server = Server(group: group, task: task)
                return nil
            }
            if let refusal { once.resume(.failure(refusal)) }
        }
        switch result {
        case .success(let bound):
            state.withLock { $0.port = bound }
            logger.info("peer listener started", metadata: ["port": "\(bound)"])
            return bound
        case .failure(let error):
            if error != .alreadyStarted { state.withLock { $0.server = nil } }
            throw error
        }
    }

    /// Closes every session and connection, stops the server started by ``start(host:port:)``
    /// and ends ``deliveries()``. Later calls fail with ``PeerTransportError/closed``.
    public func shutdown() async {
        let (sessions, server) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.sessions = [:]
                state.server = nil
                state.port = nil
            }
            return (state.sessions, state.server)
        }
        for session in sessions.values { Self.stop(session) }
        if let server {
            await server.group.triggerGracefulShutdown()
            await server.task.value
        }
        streamInput.finish()
    }

    // MARK: PeerTransport

    /// Opens `session`'s channels with every other member of `committee`: dials the members
    /// with a smaller identity (retrying until `deadline`) and waits for the others to dial in.
    /// Calling it again for an open session waits for the channels still missing.
    /// - Throws: ``PeerTransportError/unreachable(_:)`` naming the members without a channel at
    ///   `deadline` (down, unreachable, refused by the handshake, or not in the directory),
    ///   ``PeerTransportError/closed`` after ``shutdown()``. The channels that are up stay up
    ///   until ``closeSession(_:)``.
    public func openSession(_ session: SessionID, committee: [PartyID], deadline: ContinuousClock.Instant) async throws(PeerTransportError) {
        let peers = Set(committee).subtracting([me]).sorted()
        var addresses: [PartyID: PeerAddress] = [:]
        for peer in peers {
            if let address = directory.peer(peer) { addresses[peer] = address } else {
                logger.warning("peer not in the directory", metadata: ["session": "\(session)", "peer": "\(peer)"])
            }
        }
        let dialAddresses = addresses
        let toDial = peers.filter { PeerChannel.initiator(between: me, and: $0) == me && addresses[$0] != nil }
        let opened = state.withLock { state -> Bool in
            guard !state.isShutDown else { return false }
            if state.sessions[session] == nil {
                state.sessions[session] = SessionState(expectedPeers: [:], dialDeadline: deadline)
            }
            state.sessions[session]!.expectedPeers.merge(addresses.mapValues(\.channelKey)) { _, latest in latest }
            state.sessions[session]!.dialDeadline = max(state.sessions[session]!.dialDeadline, deadline)
            for peer in toDial where state.sessions[session]!.connectors[peer] == nil {
                state.sessions[session]!.connectors[peer] = Task {
                    await self.dial(peer, at: dialAddresses[peer]!, session: session)
                }
            }
            return true
        }
        guard opened else { throw .closed }
        while true {
            let missing: [PartyID]? = state.withLock { state in
                guard let open = state.sessions[session] else { return nil }
                return peers.filter { open.connections[$0] == nil }
            }
            guard let missing else {
                throw state.withLock { $0.isShutDown } ? .closed : .unreachable(peers)
            }
            if missing.isEmpty { return }
            let now = ContinuousClock.now
            if now >= deadline || Task.isCancelled {
                logger.warning("peers unreachable", metadata: ["session": "\(session)", "peers": "\(missing)"])
                throw .unreachable(missing)
            }
            try? await Task.sleep(until: min(deadline, now + Self.pollInterval))
        }
    }

    private static let pollInterval: Duration = .milliseconds(10)

    /// Seals `bytes` on `session`'s channel to `peer` and returns once written to the socket.
    /// - Throws: ``PeerTransportError/notConnected(_:)`` when there is no such channel or it
    ///   closed before the bytes were written; ``PeerTransportError/closed`` after ``shutdown()``;
    ///   nothing is sent for a message above ``Configuration/maxMessageSize``
    ///   (``PeerTransportError/notConnected(_:)`` as well: the peer would refuse it).
    public func send(_ bytes: [UInt8], to peer: PartyID, session: SessionID) async throws(PeerTransportError) {
        let (connection, isShutDown) = state.withLock { ($0.sessions[session]?.connections[peer], $0.isShutDown) }
        if isShutDown { throw .closed }
        guard let connection, bytes.count <= configuration.maxMessageSize else { throw .notConnected(peer) }
        guard await connection.send(.message(bytes)) else { throw .notConnected(peer) }
    }

    /// Every message arriving on any session's channel, naming the authenticated peer; one
    /// stream for the transport's lifetime (ends at ``shutdown()``).
    public func deliveries() -> AsyncStream<PeerDelivery> { stream }

    /// Closes `session`'s connections and stops dialling for it.
    public func closeSession(_ session: SessionID) async {
        guard let removed = state.withLock({ $0.sessions.removeValue(forKey: session) }) else { return }
        Self.stop(removed)
    }

    private static func stop(_ session: SessionState) {
        for connector in session.connectors.values { connector.cancel() }
        for connection in session.connections.values { connection.close() }
    }

    // MARK: Dialling (initiator)

    /// Dials `peer` until a channel is up, then again whenever it drops, until the session
    /// closes; gives up at the session's dial deadline when no channel was ever up.
    private func dial(_ peer: PartyID, at address: PeerAddress, session: SessionID) async {
        let log = logger.with(["session": "\(session)", "peer": "\(peer)"])
        let url = "ws://\(address)\(configuration.normalisedPath)/\(Self.hex(session.rawRepresentation))"
        var everUp = false
        var delay = configuration.firstRetryDelay
        while !Task.isCancelled {
            // Decided under the lock that openSession takes to extend the deadline or start a
            // dialler, so that a dialler never leaves while a new openSession counts on it.
            let deadline: ContinuousClock.Instant? = state.withLock { state in
                guard let open = state.sessions[session] else { return nil }
                if everUp || ContinuousClock.now < open.dialDeadline { return open.dialDeadline }
                state.sessions[session]!.connectors[peer] = nil
                return nil
            }
            guard let deadline else { return }
            let control = ConnectionControl()
            do {
                try await WebSocketClient.connect(url: url, configuration: clientConfiguration, logger: log) { inbound, outbound, _ in
                    await control.run(handshakeTimeout: self.configuration.handshakeTimeout) {
                        await self.initiate(session: session, peer: peer, peerKey: address.channelKey, inbound: inbound,
                                            outbound: outbound, control: control, logger: log)
                    }
                }
            } catch {
                log.debug("dial failed", metadata: ["error": "\(error)"])
            }
            if control.isHandshakeDone {
                everUp = true
                delay = configuration.firstRetryDelay
                if isOpen(session) && !Task.isCancelled { log.info("channel dropped; dialling again") }
            }
            let pause = everUp ? delay : min(delay, max(.zero, deadline - ContinuousClock.now))
            try? await Task.sleep(for: pause)
            delay = min(delay * 2, configuration.maxRetryDelay)
        }
    }

    /// Whether `session` is open here.
    func isOpen(_ session: SessionID) -> Bool { state.withLock { $0.sessions[session] != nil } }

    private func initiate(session: SessionID, peer: PartyID, peerKey: X25519PublicKey, inbound: WebSocketInboundStream,
                          outbound: WebSocketOutboundWriter, control: ConnectionControl, logger: Logger) async {
        var frames = inbound.messages(maxSize: configuration.maxFrameSize).makeAsyncIterator()
        var reassembler = PeerRecordReassembler(maxBodyLength: configuration.maxMessageSize)
        var generator = SystemRandomNumberGenerator()
        let connection: PeerConnection
        var early: [PeerRecord] = []
        do {
            var initiator: PeerChannelInitiator
            do {
                initiator = try PeerChannelInitiator(sessionID: session, signer: signer, staticKey: channelKey, peer: peer,
                                                     peerStaticKey: peerKey, using: &generator)
            } catch { throw ConnectionFailure.channel(error) }
            let first: [UInt8]
            do { first = try initiator.firstMessage() } catch { throw ConnectionFailure.channel(error) }
            try await Self.write(first, to: outbound)
            let second = try await Self.nextFrame(&frames)
            let third: [UInt8]
            do { third = try initiator.readSecondMessage(second) } catch { throw ConnectionFailure.channel(error) }
            try await Self.write(third, to: outbound)
            let channel: PeerChannel
            do { channel = try initiator.intoChannel() } catch { throw ConnectionFailure.channel(error) }
            connection = PeerConnection(channel: channel, control: control)
            var records: [PeerRecord] = []
            while records.isEmpty {
                let frame: [UInt8]
                do { frame = try await Self.nextFrame(&frames) } catch .closed { throw ConnectionFailure.refused }
                let plaintext = try Self.channel { () throws(PeerChannelError) in try connection.open(frame) }
                do { records = try reassembler.append(plaintext) } catch { throw ConnectionFailure.records(error) }
            }
            guard records.removeFirst() == .accept else { throw ConnectionFailure.unexpectedRecord }
            early = records
        } catch {
            logFailure(error, logger)
            return
        }
        guard register(connection) else { return connection.end() }
        control.markHandshakeDone()
        logger.debug("channel up (initiator)")
        await run(connection, frames: &frames, reassembler: reassembler, pending: early, outbound: outbound, logger: logger)
    }

    // MARK: Answering (responder)

    private func shouldUpgrade(path: String) -> Bool {
        guard let session = Self.session(inPath: path) else {
            logger.notice("peer connection refused: the path names no session")
            return false
        }
        guard isOpen(session) else {
            logger.debug("peer connection refused: unknown session", metadata: ["session": "\(session)"])
            return false
        }
        return true
    }

    private func serveIncoming(path: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        guard let session = Self.session(inPath: path) else { return }
        let log = logger.with(["session": "\(session)"])
        let control = ConnectionControl()
        await control.run(handshakeTimeout: configuration.handshakeTimeout) {
            await self.respond(session: session, inbound: inbound, outbound: outbound, control: control, logger: log)
        }
        if !control.isHandshakeDone { try? await outbound.close(.policyViolation, reason: "rejected") }
    }

    private func respond(session: SessionID, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                         control: ConnectionControl, logger: Logger) async {
        var frames = inbound.messages(maxSize: configuration.maxFrameSize).makeAsyncIterator()
        var generator = SystemRandomNumberGenerator()
        let connection: PeerConnection
        do {
            guard let expected = state.withLock({ $0.sessions[session]?.expectedPeers }) else {
                throw ConnectionFailure.unknownSession
            }
            var responder: PeerChannelResponder
            do {
                responder = try PeerChannelResponder(sessionID: session, ourID: me, staticKey: channelKey,
                                                     expectedPeers: expected, using: &generator)
            } catch { throw ConnectionFailure.channel(error) }
            let first = try await Self.nextFrame(&frames)
            let second: [UInt8]
            do { second = try responder.readFirstMessage(first) } catch { throw ConnectionFailure.channel(error) }
            try await Self.write(second, to: outbound)
            let third = try await Self.nextFrame(&frames)
            let channel: PeerChannel
            do { channel = try responder.accept(thirdMessage: third) } catch { throw ConnectionFailure.channel(error) }
            connection = PeerConnection(channel: channel, control: control)
        } catch {
            logFailure(error, logger)
            return
        }
        let log = logger.with(["peer": "\(connection.peer)"])
        // The accept goes first: it is queued before the connection can be found by `send`.
        connection.enqueue(.accept)
        guard register(connection) else {
            log.notice("peer connection refused: the session closed during the handshake")
            return connection.end()
        }
        control.markHandshakeDone()
        log.debug("channel up (responder)")
        await run(connection, frames: &frames, reassembler: PeerRecordReassembler(maxBodyLength: configuration.maxMessageSize),
                  pending: [], outbound: outbound, logger: log)
    }

    // MARK: Both sides

    /// Registers an authenticated connection, replacing (and closing) an earlier one with the same
    /// peer; false when the session is no longer open.
    private func register(_ connection: PeerConnection) -> Bool {
        let outcome: PeerConnection?? = state.withLock { state in
            guard !state.isShutDown, state.sessions[connection.session] != nil else { return .none }
            return .some(state.sessions[connection.session]!.connections.updateValue(connection, forKey: connection.peer))
        }
        guard let replaced = outcome else { return false }
        replaced?.close()
        return true
    }

    private func unregister(_ connection: PeerConnection) {
        state.withLock { state in
            if state.sessions[connection.session]?.connections[connection.peer] === connection {
                state.sessions[connection.session]!.connections[connection.peer] = nil
            }
        }
    }

    /// Delivers records until the connection ends; the writer seals and writes queued records.
    private func run(_ connection: PeerConnection, frames: inout WebSocketInboundMessageStream.AsyncIterator,
                     reassembler: PeerRecordReassembler, pending: [PeerRecord], outbound: WebSocketOutboundWriter,
                     logger: Logger) async {
        var reassembler = reassembler
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await connection.runWriter { sealed in try await Self.write(sealed, to: outbound) }
                connection.close()
            }
            do {
                for record in pending { try deliver(record, on: connection) }
                while true {
                    let frame = try await Self.nextFrame(&frames)
                    let plaintext = try Self.channel { () throws(PeerChannelError) in try connection.open(frame) }
                    let records: [PeerRecord]
                    do throws(PeerRecordError) { records = try reassembler.append(plaintext) } catch { throw ConnectionFailure.records(error) }
                    for record in records { try deliver(record, on: connection) }
                }
            } catch {
                logFailure(error, logger)
            }
            connection.end()
            group.cancelAll()
        }
        unregister(connection)
    }

    private func deliver(_ record: PeerRecord, on connection: PeerConnection) throws(ConnectionFailure) {
        guard case .message(let bytes) = record else { throw .unexpectedRecord }
        streamInput.yield(PeerDelivery(session: connection.session, from: connection.peer, bytes: bytes))
    }

    private func logFailure(_ error: any Error, _ logger: Logger) {
        guard let failure = error as? ConnectionFailure else {
            return logger.notice("peer connection closed", metadata: ["error": "\(error)"])
        }
        switch failure {
        case .closed: logger.debug("peer connection closed by the peer")
        case .cancelled: logger.debug("peer connection closed here")
        case .refused: logger.notice("peer refused the channel (closed before accepting)")
        default: logger.warning("peer connection closed", metadata: ["reason": "\(failure)"])
        }
    }

    // MARK: Helpers

    /// The next binary WebSocket message's bytes.
    private static func nextFrame(_ frames: inout WebSocketInboundMessageStream.AsyncIterator) async throws(ConnectionFailure) -> [UInt8] {
        let message: WebSocketMessage?
        do { message = try await frames.next() } catch {
            throw Task.isCancelled ? .cancelled : .webSocket("\(error)")
        }
        guard let message else { throw Task.isCancelled ? .cancelled : .closed }
        guard case .binary(let buffer) = message else { throw .textFrame }
        return Array(buffer.readableBytesView)
    }

    private static func write(_ bytes: [UInt8], to outbound: WebSocketOutboundWriter) async throws(ConnectionFailure) {
        do { try await outbound.write(.binary(ByteBuffer(bytes: bytes))) } catch { throw .webSocket("\(error)") }
    }

    private static func channel<T>(_ body: () throws(PeerChannelError) -> T) throws(ConnectionFailure) -> T {
        do { return try body() } catch { throw .channel(error) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The session named by the last component of a route path (64 hex digits), if any.
    static func session(inPath path: String) -> SessionID? {
        guard let last = path.split(separator: "/").last, last.utf8.count == 2 * SessionID.byteCount else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(SessionID.byteCount)
        var high: UInt8?
        for character in last.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return try? SessionID(rawRepresentation: bytes)
    }
}

/// Why ``WebSocketPeerTransport/start(host:port:)`` did not start a listener.
public enum PeerListenerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The transport already runs its own server.
    case alreadyStarted
    /// The transport was shut down.
    case transportClosed
    /// The server could not listen (the reason as the server gave it: address in use, …).
    case listenFailed(String)

    /// The reason in words.
    public var description: String {
        switch self {
        case .alreadyStarted: "the peer listener already runs"
        case .transportClosed: "the transport is shut down"
        case .listenFailed(let reason): "the peer listener could not start: \(reason)"
        }
    }
}

/// Why one connection ended (logged; never thrown out of the transport).
enum ConnectionFailure: Error, Sendable, CustomStringConvertible {
    /// The peer closed the WebSocket.
    case closed
    /// This side closed it (session closed, handshake timeout, shutdown).
    case cancelled
    /// The WebSocket failed (the library's reason).
    case webSocket(String)
    /// A text frame where only binary frames are sent.
    case textFrame
    /// The handshake or a transport message failed (a wrong key, a bad subscribe, a forged frame…).
    case channel(PeerChannelError)
    /// The records inside the channel are malformed.
    case records(PeerRecordError)
    /// An accept where a message was due, or the reverse.
    case unexpectedRecord
    /// The responder closed the connection after the handshake without accepting.
    case refused
    /// A connection for a session not open here.
    case unknownSession

    var description: String {
        switch self {
        case .closed: "closed by the peer"
        case .cancelled: "closed here"
        case .webSocket(let reason): "WebSocket error: \(reason)"
        case .textFrame: "a text frame (only binary frames are used)"
        case .channel(let error): "\(error)"
        case .records(let error): "\(error)"
        case .unexpectedRecord: "an unexpected record"
        case .refused: "the responder refused the channel"
        case .unknownSession: "unknown session"
        }
    }
}

extension Logger {
    /// A copy with `metadata` added.
    fileprivate func with(_ metadata: Logger.Metadata) -> Logger {
        var logger = self
        for (key, value) in metadata { logger[metadataKey: key] = value }
        return logger
    }
}

/// Resumes a continuation once; later results are ignored.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: Value) {
        continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }?.resume(returning: value)
    }
}
