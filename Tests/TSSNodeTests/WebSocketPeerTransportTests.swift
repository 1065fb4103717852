import Bytes
import CGGMP
import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import Synchronization
import Testing
import TSS
@testable import TSSNode
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: Fixtures

/// A directory filled in once the transports have bound their ports.
final class MutableDirectory: PeerDirectory {
    private let entries = Mutex<[PartyID: PeerAddress]>([:])
    func set(_ id: PartyID, _ address: PeerAddress?) { entries.withLock { $0[id] = address } }
    func peer(_ id: PartyID) -> PeerAddress? { entries.withLock { $0[id] } }
}

/// Everything a transport delivered, collected by one task (a test waits on the inbox instead of
/// iterating the stream itself, so a timed-out wait never cancels the transport's stream).
final class Inbox: Sendable {
    private final class Storage: Sendable {
        let items = Mutex<[PeerDelivery]>([])
    }

    private let storage: Storage
    private let collector: Task<Void, Never>

    init(_ transport: WebSocketPeerTransport) {
        let stream = transport.deliveries()
        let storage = Storage()
        self.storage = storage
        collector = Task { for await delivery in stream { storage.items.withLock { $0.append(delivery) } } }
    }

    deinit { collector.cancel() }

    /// Takes the first delivery of `session`, waiting until `deadline`.
    func take(session: SessionID, until deadline: ContinuousClock.Instant) async -> PeerDelivery? {
        while true {
            let found = storage.items.withLock { items -> PeerDelivery? in
                guard let index = items.firstIndex(where: { $0.session == session }) else { return nil }
                return items.remove(at: index)
            }
            if let found { return found }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Takes `count` deliveries of `session` (fewer when the deadline passes first).
    func take(_ count: Int, session: SessionID, within limit: Duration = .seconds(20)) async -> [PeerDelivery] {
        let deadline = ContinuousClock.now + limit
        var taken: [PeerDelivery] = []
        while taken.count < count, let next = await take(session: session, until: deadline) { taken.append(next) }
        return taken
    }
}

/// One node: identity, channel key, transport, inbox.
struct TestNode {
    let identity: Ed25519Signer
    let channelKey: X25519PrivateKey
    let transport: WebSocketPeerTransport
    let inbox: Inbox
    var id: PartyID { identity.partyID }
}

enum TransportFixture {
    /// Short retries and a 1-second request head; the handshake keeps its 10 s and sessions get
    /// 60 s to open (`make test` runs CPU-bound suites alongside).
    static let configuration = WebSocketPeerTransport.Configuration(firstRetryDelay: .milliseconds(20),
                                                                    maxRetryDelay: .milliseconds(200), closeTimeout: .milliseconds(500),
                                                                    requestHeadTimeout: .seconds(1))

    static var logger: Logger {
        var logger = Logger(label: "tss.peer-transport.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["TSS_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    static func identity(_ index: Int) -> Ed25519Signer {
        var random = SystemRandomNumberGenerator()
        return index < nodeServers.count ? nodeServers[index] : Ed25519Signer(using: &random)
    }

    /// `count` started transports (fresh channel keys, ephemeral ports on 127.0.0.1) listed in
    /// one directory; `identities` override the default ones.
    static func nodes(_ count: Int, identities: [Ed25519Signer]? = nil, directory: MutableDirectory = MutableDirectory())
        async throws -> [TestNode] {
        var random = SystemRandomNumberGenerator()
        var nodes: [TestNode] = []
        for index in 0..<count {
            let identity = identities?[index] ?? Self.identity(index)
            let key = X25519PrivateKey.generate(using: &random)
            let transport = WebSocketPeerTransport(identity: identity, channelKey: key, directory: directory,
                                                   configuration: configuration, logger: logger)
            let port = try await transport.start(host: "127.0.0.1", port: 0)
            directory.set(identity.partyID, PeerAddress(host: "127.0.0.1", port: port, channelKey: key.publicKey))
            nodes.append(TestNode(identity: identity, channelKey: key, transport: transport, inbox: Inbox(transport)))
        }
        return nodes
    }

    static func session() -> SessionID {
        var random = SystemRandomNumberGenerator()
        return try! SessionID(rawRepresentation: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Opens `session` on every node at once.
    static func open(_ session: SessionID, on nodes: [TestNode], within limit: Duration = .seconds(60)) async throws {
        let committee = nodes.map(\.id)
        let deadline = ContinuousClock.now + limit
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask { try await node.transport.openSession(session, committee: committee, deadline: deadline) }
            }
            try await group.waitForAll()
        }
    }

    static func shutdown(_ nodes: [TestNode]) async {
        for node in nodes { await node.transport.shutdown() }
    }
}

/// Signs as another identity: claims `partyID` but signs with `key` (a forged subscribe).
struct ImpostorSigner: IdentitySigner {
    let partyID: PartyID
    let key: Ed25519Signer
    func sign(_ message: [UInt8]) -> [UInt8] { key.sign(message) }
}

/// A raw WebSocket to `url`: `body` gets the messages and the writer. Returns false when the
/// connection could not be made (an upgrade refused).
@discardableResult
func rawWebSocket(_ url: String,
                  _ body: @escaping @Sendable (inout WebSocketInboundMessageStream.AsyncIterator, WebSocketOutboundWriter) async throws -> Void)
    async -> Bool {
    do {
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: TransportFixture.logger) {
            inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            try await body(&messages, outbound)
        }
        return true
    } catch {
        return false
    }
}

/// Reads until the peer closes; returns how many binary messages arrived before.
func drainUntilClosed(_ messages: inout WebSocketInboundMessageStream.AsyncIterator) async -> Int {
    var count = 0
    while let message = try? await messages.next() {
        if case .binary = message { count += 1 }
    }
    return count
}

/// Connects over plain TCP, writes `bytes` and reads until the server closes (or 5 s pass);
/// whether the server closed the connection.
func rawTCP(port: Int, send bytes: [UInt8]) -> Bool {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return false }
    defer { close(fd) }
    // Generous: the server closes within its request-head deadline, but under a full parallel
    // test run on 2 cores its close was seen late (a 5 s wait failed once); a server that never
    // closes still fails the check.
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return false }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count == 0 { return true }
        if count < 0 { return false }
    }
}

func sessionURL(port: Int, session: SessionID, path: String = "/tss/peer") -> String {
    "ws://127.0.0.1:\(port)\(path)/\(WebSocketPeerTransport.hex(session.rawRepresentation))"
}

// MARK: Tests

@Suite(.serialized) struct WebSocketPeerTransportTests {
    @Test func recordsSurviveAnySplitAndRefuseBadHeaders() throws {
        let message = TransportFixture.randomBytes(70_000)
        let stream = PeerRecord.accept.encoded + PeerRecord.message(message).encoded + PeerRecord.message([]).encoded
        for cut in [1, 3, 5, 6, 4_000, 65_535, stream.count - 1] {
            var reassembler = PeerRecordReassembler(maxBodyLength: 100_000)
            let records = try reassembler.append(Array(stream[..<cut])) + reassembler.append(Array(stream[cut...]))
            #expect(records == [.accept, .message(message), .message([])])
            #expect(!reassembler.hasPartialRecord)
        }
        var small = PeerRecordReassembler(maxBodyLength: 10)
        #expect(throws: PeerRecordError.tooLong(11)) { try small.append([2, 0, 0, 0, 11]) }
        var unknown = PeerRecordReassembler(maxBodyLength: 10)
        #expect(throws: PeerRecordError.unknownKind(9)) { try unknown.append([9, 0, 0, 0, 0]) }
        var accept = PeerRecordReassembler(maxBodyLength: 10)
        #expect(throws: PeerRecordError.acceptWithBody) { try accept.append([1, 0, 0, 0, 1, 0]) }
    }

    @Test func sessionPathsParse() {
        let session = TransportFixture.session()
        #expect(WebSocketPeerTransport.session(inPath: "/tss/peer/" + WebSocketPeerTransport.hex(session.rawRepresentation)) == session)
        #expect(WebSocketPeerTransport.session(inPath: "/tss/peer/" + WebSocketPeerTransport.hex(session.rawRepresentation).uppercased()) == session)
        #expect(WebSocketPeerTransport.session(inPath: "/tss/peer/abc") == nil)
        #expect(WebSocketPeerTransport.session(inPath: "/tss/peer/" + String(repeating: "g", count: 64)) == nil)
        #expect(WebSocketPeerTransport.session(inPath: "") == nil)
    }

    @Test func roundTimerNamesTheSilentAfterTheLimitOfTheCurrentStep() throws {
        let session = TransportFixture.session()
        let start = ContinuousClock.now
        var timer = RoundTimer(session: session, limit: .seconds(2), start: start)
        let silent = [nodeServers[2].partyID, nodeServers[1].partyID]
        #expect(timer.expired(waitingFor: silent, at: start + .seconds(1)) == nil)
        timer.observe(step: 0, at: start + .seconds(1))  // the same step: no extension
        let report = try #require(timer.expired(waitingFor: silent, phase: .keyInit, at: start + .seconds(2)))
        #expect(report.silent == silent.sorted())
        #expect(report.phase == .keyInit)
        #expect(report.session == session)
        #expect(report.description.contains("not evidence"))
        timer.observe(step: 1, at: start + .seconds(2))  // a new step starts its own time
        #expect(timer.expired(waitingFor: silent, at: start + .seconds(3)) == nil)
        #expect(timer.expired(waitingFor: [], at: start + .seconds(9)) == nil)
        #expect(timer.deadline == start + .seconds(4))
    }

    @Test func twoTransportsExchangeMessagesBothWays() async throws {
        let nodes = try await TransportFixture.nodes(2)
        let session = TransportFixture.session()
        try await TransportFixture.open(session, on: nodes)
        try await nodes[0].transport.send(Array("to one".utf8), to: nodes[1].id, session: session)
        try await nodes[1].transport.send(Array("to zero".utf8), to: nodes[0].id, session: session)
        let atOne = await nodes[1].inbox.take(1, session: session)
        let atZero = await nodes[0].inbox.take(1, session: session)
        #expect(atOne.map(\.bytes) == [Array("to one".utf8)])
        #expect(atOne.first?.from == nodes[0].id)
        #expect(atZero.map(\.bytes) == [Array("to zero".utf8)])
        #expect(atZero.first?.from == nodes[1].id)
        // A session opened again is a no-op; sends on an unknown session or to a stranger fail.
        try await nodes[0].transport.openSession(session, committee: nodes.map(\.id), deadline: .now + .seconds(1))
        let other = TransportFixture.session()
        await #expect(throws: PeerTransportError.notConnected(nodes[1].id)) {
            try await nodes[0].transport.send([1], to: nodes[1].id, session: other)
        }
        await nodes[0].transport.closeSession(session)
        await #expect(throws: PeerTransportError.notConnected(nodes[1].id)) {
            try await nodes[0].transport.send([1], to: nodes[1].id, session: session)
        }
        await TransportFixture.shutdown(nodes)
        await #expect(throws: PeerTransportError.closed) {
            try await nodes[0].transport.send([1], to: nodes[1].id, session: session)
        }
    }

    @Test func threeTransportsBroadcastDirectAndLargeMessages() async throws {
        let nodes = try await TransportFixture.nodes(3)
        let session = TransportFixture.session()
        try await TransportFixture.open(session, on: nodes)
        // Every node broadcasts (one copy to each other member) and sends one direct message to
        // the next node; node 0 and node 2 also swap a 200 kB message (four Noise chunks).
        let large = TransportFixture.randomBytes(200_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    for other in nodes where other.id != node.id {
                        try await node.transport.send(Array("broadcast from \(index)".utf8), to: other.id, session: session)
                    }
                    let next = nodes[(index + 1) % nodes.count]
                    try await node.transport.send(Array("direct \(index) to next".utf8), to: next.id, session: session)
                    if index != 1 {
                        try await node.transport.send(large + [UInt8(index)], to: nodes[2 - index].id, session: session)
                    }
                }
            }
            try await group.waitForAll()
        }
        for (index, node) in nodes.enumerated() {
            let expectedCount = 2 + 1 + (index == 1 ? 0 : 1)
            let received = await node.inbox.take(expectedCount, session: session)
            #expect(received.count == expectedCount)
            let previous = (index + nodes.count - 1) % nodes.count
            for (otherIndex, other) in nodes.enumerated() where other.id != node.id {
                let fromOther = received.filter { $0.from == other.id }.map(\.bytes)
                #expect(fromOther.contains(Array("broadcast from \(otherIndex)".utf8)))
                #expect(fromOther.contains(Array("direct \(otherIndex) to next".utf8)) == (otherIndex == previous))
            }
            if index != 1 {
                let sender = 2 - index
                #expect(received.contains { $0.from == nodes[sender].id && $0.bytes == large + [UInt8(sender)] })
            }
        }
        // A message above the limit is refused before it is sent.
        let tiny = WebSocketPeerTransport(identity: nodes[0].identity, channelKey: nodes[0].channelKey, directory: MutableDirectory(),
                                          configuration: .init(maxMessageSize: 10), logger: TransportFixture.logger)
        await #expect(throws: PeerTransportError.notConnected(nodes[1].id)) {
            try await tiny.send([UInt8](repeating: 0, count: 11), to: nodes[1].id, session: session)
        }
        await TransportFixture.shutdown(nodes)
    }

    @Test func garbageAndBadHandshakesLeaveTheListenerServing() async throws {
        // nodes[0] is the responder (smaller id), nodes[1] the initiator.
        let identities = [nodeServers[0], nodeServers[1]]
        let directory = MutableDirectory()
        let nodes = try await TransportFixture.nodes(2, identities: identities, directory: directory)
        let responder = nodes[0], initiator = nodes[1]
        #expect(PeerChannel.initiator(between: responder.id, and: initiator.id) == initiator.id)
        let port = try #require(responder.transport.listeningPort)
        let session = TransportFixture.session()
        let committee = nodes.map(\.id)
        let responderOpen = Task {
            try await responder.transport.openSession(session, committee: committee, deadline: .now + .seconds(90))
        }
        // The responder knows the session once openSession registered it.
        while !responder.transport.isOpen(session) { try await Task.sleep(for: .milliseconds(5)) }
        let url = sessionURL(port: port, session: session)
        let responderKey = responder.channelKey.publicKey

        // 1. Plain TCP garbage, silence, and an HTTP request that is not an upgrade: each
        //    connection is closed by the server (the garbage and the silence by the request-head
        //    deadline).
        #expect(rawTCP(port: port, send: TransportFixture.randomBytes(4096)))
        #expect(rawTCP(port: port, send: []))
        #expect(rawTCP(port: port, send: Array("GET /tss/peer/zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)))
        // 2. Upgrades for a path without a session, or a session not open here, are refused.
        #expect(await rawWebSocket("ws://127.0.0.1:\(port)/tss/peer/nothing") { _, _ in } == false)
        #expect(await rawWebSocket(sessionURL(port: port, session: TransportFixture.session())) { _, _ in } == false)
        // 3. Random bytes and a text frame instead of handshake message 1.
        let closedEarly = Mutex<[Int]>([])
        #expect(await rawWebSocket(url) { messages, outbound in
            try await outbound.write(.binary(ByteBuffer(bytes: TransportFixture.randomBytes(48))))
            let count = await drainUntilClosed(&messages)
            closedEarly.withLock { $0.append(count) }
        })
        #expect(await rawWebSocket(url) { messages, outbound in
            try await outbound.write(.text("hello"))
            let count = await drainUntilClosed(&messages)
            closedEarly.withLock { $0.append(count) }
        })
        #expect(closedEarly.withLock { $0 } == [0, 0])

        /// A handshake by hand: message 1, 2, 3, then what the responder sends back.
        func handshake(signer: some IdentitySigner, staticKey: X25519PrivateKey, responderKey: X25519PublicKey,
                       subscribeSession: SessionID, afterwards: [UInt8]? = nil) async -> (acceptsRead: Int, framesAfter: Int) {
            let outcome = Mutex<(Int, Int)>((-1, -1))
            let peer = responder.id
            await rawWebSocket(url) { messages, outbound in
                var random = SystemRandomNumberGenerator()
                var channelInitiator = try PeerChannelInitiator(sessionID: subscribeSession, signer: signer, staticKey: staticKey,
                                                                peer: peer, peerStaticKey: responderKey, using: &random)
                try await outbound.write(.binary(ByteBuffer(bytes: try channelInitiator.firstMessage())))
                guard case .binary(let second)? = try await messages.next() else { return outcome.withLock { $0 = (0, 0) } }
                let third = try channelInitiator.readSecondMessage(Array(second.readableBytesView))
                try await outbound.write(.binary(ByteBuffer(bytes: third)))
                var channel = try channelInitiator.intoChannel()
                guard case .binary(let first)? = try? await messages.next() else { return outcome.withLock { $0 = (0, 0) } }
                let accepted = (try? channel.open(Array(first.readableBytesView))) == PeerRecord.accept.encoded ? 1 : 0
                if let afterwards { try await outbound.write(.binary(ByteBuffer(bytes: afterwards))) }
                let rest = await drainUntilClosed(&messages)
                outcome.withLock { $0 = (accepted, rest) }
            }
            return outcome.withLock { $0 }
        }
        var random = SystemRandomNumberGenerator()
        // 4. The wrong responder key: message 1 does not authenticate; closed after it.
        let wrongKey = await handshake(signer: initiator.identity, staticKey: initiator.channelKey,
                                       responderKey: X25519PrivateKey.generate(using: &random).publicKey, subscribeSession: session)
        #expect(wrongKey == (0, 0))
        // 5. A subscribe claiming the initiator's identity but signed by another key.
        let impostor = ImpostorSigner(partyID: initiator.id, key: Ed25519Signer(using: &random))
        #expect(await handshake(signer: impostor, staticKey: initiator.channelKey, responderKey: responderKey,
                                subscribeSession: session) == (0, 0))
        // 6. The right identity with a channel key other than the directory's.
        #expect(await handshake(signer: initiator.identity, staticKey: X25519PrivateKey.generate(using: &random),
                                responderKey: responderKey, subscribeSession: session) == (0, 0))
        // 7. A subscribe for another session than the path's.
        #expect(await handshake(signer: initiator.identity, staticKey: initiator.channelKey, responderKey: responderKey,
                                subscribeSession: TransportFixture.session()) == (0, 0))
        // 8. A genuine handshake, then a frame that does not decrypt: accepted, then closed.
        #expect(await handshake(signer: initiator.identity, staticKey: initiator.channelKey, responderKey: responderKey,
                                subscribeSession: session, afterwards: TransportFixture.randomBytes(100)) == (1, 0))

        // The listener still serves: the real initiator opens the session and both ways work.
        try await initiator.transport.openSession(session, committee: committee, deadline: .now + .seconds(60))
        try await responderOpen.value
        try await initiator.transport.send([1, 2, 3], to: responder.id, session: session)
        try await responder.transport.send([4, 5, 6], to: initiator.id, session: session)
        #expect(await responder.inbox.take(1, session: session).map(\.bytes) == [[1, 2, 3]])
        #expect(await initiator.inbox.take(1, session: session).map(\.bytes) == [[4, 5, 6]])
        await TransportFixture.shutdown(nodes)
    }

    @Test func aPeerThatNeverShowsUpIsUnreachableByTheDeadline() async throws {
        // Three identities; the middle one never starts (its directory entry points at a closed
        // port), so one live node dials it and the other waits for it.
        var random = SystemRandomNumberGenerator()
        let directory = MutableDirectory()
        let identities = nodeServers
        let live = try await TransportFixture.nodes(2, identities: [identities[0], identities[2]], directory: directory)
        let absent = identities[1].partyID
        let closedPort: Int = try await {
            let probe = WebSocketPeerTransport(identity: identities[1], channelKey: X25519PrivateKey.generate(using: &random),
                                               directory: directory, logger: TransportFixture.logger)
            let port = try await probe.start()
            await probe.shutdown()
            return port
        }()
        directory.set(absent, PeerAddress(host: "127.0.0.1", port: closedPort,
                                          channelKey: X25519PrivateKey.generate(using: &random).publicKey))
        let session = TransportFixture.session()
        let committee = identities.map(\.partyID)
        let start = ContinuousClock.now
        let deadline = start + .seconds(2)
        let outcomes = await withTaskGroup(of: PeerTransportError?.self) { group in
            for node in live {
                group.addTask {
                    do throws(PeerTransportError) {
                        try await node.transport.openSession(session, committee: committee, deadline: deadline)
                    } catch {
                        return error
                    }
                    return nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - start
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { $0 == .unreachable([absent]) })
        // Not before the deadline; the upper bound is loose because `make test` runs CPU-bound suites
        // alongside that can hold the cooperative threads for a long time.
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(30))
        // The two live nodes did connect to each other.
        try await live[1].transport.send([7], to: live[0].id, session: session)
        #expect(await live[0].inbox.take(1, session: session).map(\.bytes) == [[7]])
        // The absent server comes up late: a later openSession dials it again and completes.
        let lateKey = X25519PrivateKey.generate(using: &random)
        let late = WebSocketPeerTransport(identity: identities[1], channelKey: lateKey,
                                          directory: directory, configuration: TransportFixture.configuration,
                                          logger: TransportFixture.logger)
        let latePort = try await late.start()
        directory.set(absent, PeerAddress(host: "127.0.0.1", port: latePort, channelKey: lateKey.publicKey))
        let lateNode = TestNode(identity: identities[1], channelKey: lateKey, transport: late, inbox: Inbox(late))
        try await TransportFixture.open(session, on: live + [lateNode])
        try await late.send([8], to: live[0].id, session: session)
        #expect(await live[0].inbox.take(1, session: session).map(\.bytes) == [[8]])
        // A peer missing from the directory is unreachable too.
        let stranger = Ed25519Signer(using: &random).partyID
        await #expect(throws: PeerTransportError.unreachable([stranger])) {
            try await live[0].transport.openSession(TransportFixture.session(), committee: [live[0].id, stranger],
                                                    deadline: .now + .milliseconds(200))
        }
        await TransportFixture.shutdown(live + [lateNode])
    }

    /// About a second on its own; the round limit only bounds a stall (a generous 60 s, since
    /// CPU-bound suites running alongside can hold the cooperative threads).
    @Test(.timeLimit(.minutes(3))) func threePartyRegistrationOverWebSockets() async throws {
        let nodes = try await TransportFixture.nodes(3)
        let plan = try RegistrationPlan(committee: nodes.map(\.id), threshold: 2, user: nodeUser, blockNumber: 300)
        let session = plan.keyGenerationID
        try await TransportFixture.open(session, on: nodes)
        let outcomes = try await withThrowingTaskGroup(of: (PartyID, RegistrationOutcome).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    (node.id, try await runRegistration(node, index: index, plan: plan, session: session, roundLimit: .seconds(60)))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let keys = try nodes.map { node -> [UInt8] in
            guard case .finished(let output) = outcomes[node.id] else {
                Issue.record("\(node.id): \(String(describing: outcomes[node.id]))")
                throw PeerTransportError.closed
            }
            return output.keyShare.publicKey.compressedRepresentation
        }
        #expect(Set(keys).count == 1)
        for node in nodes { await node.transport.closeSession(session) }
        await TransportFixture.shutdown(nodes)
    }

    @Test(.timeLimit(.minutes(1))) func aSilentPartyIsNamedByThePerRoundTimeout() async throws {
        // All three channels are up, but one founder never starts its flow: the other founder
        // stalls in KeyInit's first step waiting for it alone, and its round timer names it; the
        // third server, waiting for the founders' handover, names it too (with the stuck founder:
        // a local view of a wait chain, not evidence).
        let nodes = try await TransportFixture.nodes(3)
        let plan = try RegistrationPlan(committee: nodes.map(\.id), threshold: 2, user: nodeUser, blockNumber: 301)
        let session = plan.keyGenerationID
        try await TransportFixture.open(session, on: nodes)
        let silent = try #require(plan.founders.first)
        let liveFounder = try #require(plan.founders.first { $0 != silent })
        let outcomes = try await withThrowingTaskGroup(of: (PartyID, RegistrationOutcome).self) { group in
            for (index, node) in nodes.enumerated() where node.id != silent {
                group.addTask {
                    (node.id, try await runRegistration(node, index: index, plan: plan, session: session, roundLimit: .seconds(2)))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 2)
        for (party, outcome) in outcomes {
            guard case .silent(let report) = outcome else { Issue.record("not timed out: \(outcome)"); continue }
            #expect(report.session == session)
            #expect(report.silent.contains(silent))
            if party == liveFounder { #expect(report.silent == [silent]) }
        }
        await TransportFixture.shutdown(nodes)
    }
}

// MARK: A server's loop over the transport

enum RegistrationOutcome: Sendable, CustomStringConvertible {
    case finished(RegistrationOutput)
    case failed(FlowError)
    case silent(SilentPartyReport)

    var description: String {
        switch self {
        case .finished: "finished"
        case .failed(let error): "failed: \(error)"
        case .silent(let report): "\(report)"
        }
    }
}

/// One server's registration driven by its `PartyDriver`, fed from its WebSocket transport:
/// persist (here: note the step), send over the channels, deliver what arrives; a step that
/// waits longer than `roundLimit` ends the run with the round timer's report.
func runRegistration(_ node: TestNode, index: Int, plan: RegistrationPlan, session: SessionID,
                     roundLimit: Duration) async throws -> RegistrationOutcome {
    let identity = node.identity
    let flow = try JournaledFlow(id: "registration", seed: SecretBytes(TransportFixture.randomBytes(32)),
                                 usedSessionIDs: UsedSessionIDs()) { registry, _ throws(FlowError) in
        try RegistrationFlow(plan: plan, signer: identity, parameters: .testing,
                             primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                             usedSessionIDs: registry)
    }
    var driver = PartyDriver(me: node.id)
    var timer = RoundTimer(session: session, limit: roundLimit)
    var actions = try driver.start(flow)
    while true {
        var local: [[UInt8]] = []
        for action in actions {
            switch action {
            case .persist(let journal):
                timer.observe(step: journal.completedSteps)
            case .send(let outgoing):
                for recipient in outgoing.recipients {
                    if recipient == node.id { local.append(outgoing.message.encoded); continue }
                    try await node.transport.send(outgoing.message.encoded, to: recipient, session: session)
                }
            case .finished:
                guard let output = driver.output(of: "registration", as: RegistrationFlow.self) else { throw PeerTransportError.closed }
                return .finished(output)
            case .failed(_, let error):
                return .failed(error)
            case .dropped(let deliverer, let reason):
                Issue.record("dropped from \(deliverer): \(reason)")
            }
        }
        actions = []
        for bytes in local { actions += driver.receive(bytes: bytes, from: node.id) }
        if !actions.isEmpty { continue }
        if let delivery = await node.inbox.take(session: session, until: timer.deadline) {
            actions = driver.receive(bytes: delivery.bytes, from: delivery.from)
        } else if let report = timer.expired(waitingFor: driver.waitingFor("registration") ?? []) {
            await node.transport.closeSession(session)
            return .silent(report)
        }
    }
}
