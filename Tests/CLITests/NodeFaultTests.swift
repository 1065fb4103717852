import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Secp256k1
import Testing
import TestSupport

/// Issue #15's fault "must show"s against real `tss node` processes on loopback (the set-up of
/// ``NodeCluster``: three members, signing groups `[[0], [1, 2]]`, so every committee is
/// node 0 and one of nodes 1 and 2):
/// - a committee member killed (SIGKILL) mid-signing is named by the other as unresponsive, and
///   after a restart on the same data directory it signs again under the same public key;
/// - random bytes and malformed requests on the HTTP port and on the peer (WebSocket + Noise)
///   port leave every node up, and a signing afterwards succeeds.
/// Every wait is bounded; every process is terminated when the test ends.
@Suite(.serialized) struct NodeFaultTests {
    /// The shared three-node set-up (NodeCluster.swift).
    typealias Cluster = NodeCluster

    // MARK: 1. A node killed mid-signing

    /// What happens: node 1 or 2 (whichever the message's committee names) accepts the signing
    /// request — its flow and journal are created — and is killed with SIGKILL at once, before node
    /// 0 is asked. Node 0 (running with `--flow-timeout 8`) opens the signing's peer channel, cannot
    /// reach the dead node, and at the deadline fails the request naming it in
    /// `failure.unresponsive`. The killed node, restarted on its data directory, restores its
    /// signing journal, but node 0 has given that request up, so the first request is not
    /// completed (its restored flow would time out on the restarted node alone); a new request at a
    /// new block number, signed by the restarted node and node 0, verifies under the same public
    /// key as a signing before the kill.
    @Test func killedCommitteeMemberIsNamedAndSignsAgainAfterRestart() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let cluster = try await Cluster.running(binary: binary)
        defer { for index in 0..<3 { cluster.stop(index, hard: true) } }
        try await cluster.register()

        // A signing before the fault: the key every later signature must verify under.
        let before = try #require(try await cluster.sign("pay bob 5", blockNumber: 9, deadline: .now + .seconds(120)),
                                  "the signing before the fault")

        // Node 0 again with a short flow timeout (registration and the first signing ran with a
        // generous one, for a loaded machine).
        cluster.stop(0, hard: false)
        try await cluster.start(0, flowTimeout: 8)

        // The second member accepts, and is killed at once; then node 0 is asked.
        let deadline = ContinuousClock.now + .seconds(60)
        var killed: Int?
        var requestID: String?
        for index in [1, 2] {
            let answer = try await cluster.signTx(index, message: "pay carol 7", blockNumber: 10, deadline: deadline)
            if answer.status == 403 { continue }
            #expect(answer.status == 202, "\(answer)")
            cluster.stop(index, hard: true)
            killed = index
            requestID = answer.body["request_id"] as? String
            break
        }
        let victim = try #require(killed, "one of nodes 1 and 2 is in every committee")
        let id = try #require(requestID)
        let honest = try await cluster.signTx(0, message: "pay carol 7", blockNumber: 10, deadline: deadline)
        #expect(honest.status == 202, "\(honest)")
        #expect(honest.body["request_id"] as? String == id, "the same request id on every signer")

        let status = try await cluster.poll(0, requestID: id, deadline: deadline)
        #expect(status["status"] as? String == "failed", "\(status)")
        let failure = try #require(status["failure"] as? [String: Any], "\(status)")
        #expect(failure["unresponsive"] as? [String] == [cluster.ids[victim]], "node 0 names the killed node: \(failure)")
        #expect(failure["culprit"] == nil, "a timeout is an observation, not a proven fault")

        // The killed node on the same data directory. It restores the request's journal, but node
        // 0 has given the request up, so it cannot complete; should it ever report it signed,
        // the signature must be right.
        try await cluster.start(victim)
        let restored = try await NodeProcesses.post(cluster.httpPort(victim), "/signer/signature", ["request_id": id]).body
        #expect(["pending", "failed", "signed"].contains(restored["status"] as? String ?? ""), "\(restored)")
        if restored["status"] as? String == "signed" {
            try Cluster.expectRecovers(signature: try #require(restored["signature"] as? String),
                                       messageHash: try #require(restored["message_hash"] as? String),
                                       publicKey: try #require(restored["public_key"] as? String))
        }

        // Its stored share signs again.
        var after: (member: Int, signature: String, publicKey: String)?
        for attempt in 0..<8 where after == nil {
            // Messages until one whose committee is {0, victim}; the other member is never asked.
            let answer = try await cluster.signTx(victim, message: "pay dave \(attempt)", blockNumber: 11 + attempt,
                                                  deadline: .now + .seconds(60))
            if answer.status == 403 { continue }
            #expect(answer.status == 202, "the restarted node accepts: \(answer)")
            let newID = try #require(answer.body["request_id"] as? String)
            let partner = try await cluster.signTx(0, message: "pay dave \(attempt)", blockNumber: 11 + attempt,
                                                   deadline: .now + .seconds(60))
            #expect(partner.status == 202, "\(partner)")
            let signed = try await cluster.poll(victim, requestID: newID, deadline: .now + .seconds(90))
            #expect(signed["status"] as? String == "signed", "the restarted node: \(signed)")
            let signature = try #require(signed["signature"] as? String), key = try #require(signed["public_key"] as? String)
            try Cluster.expectRecovers(signature: signature, messageHash: try #require(signed["message_hash"] as? String),
                                       publicKey: key)
            after = (victim, signature, key)
        }
        let restarted = try #require(after, "a message whose committee includes the restarted node")
        #expect(restarted.publicKey == before.publicKey, "the same public key as before the kill")
        #expect(cluster.isEveryNodeRunning)
    }

    // MARK: 2. Hostile bytes on both ports

    /// Every node's HTTP port gets raw random bytes, a request with a lying Content-Length, and
    /// malformed JSON on every POST route (answered 4xx); every node's peer port gets raw random
    /// bytes, a plain HTTP request, a WebSocket upgrade followed by junk (random bytes, a masked
    /// binary frame that is no Noise handshake, a frame claiming 2^62 bytes), and an upgrade to a
    /// session id that is not hex. Afterwards every node answers `/healthz` and a signing succeeds.
    @Test func hostileBytesOnBothPortsLeaveEveryNodeServing() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let cluster = try await Cluster.running(binary: binary)
        defer { for index in 0..<3 { cluster.stop(index, hard: true) } }
        try await cluster.register()
        // The registration's prime generation and proofs load every core; a signing first waits
        // for it to finish, so the hostile input meets nodes that are only serving.
        let first = try await cluster.sign("pay erin 2", blockNumber: 8, deadline: .now + .seconds(120))
        #expect(first != nil, "a signing before the hostile input")

        var random = SplitMix64(seed: 15)
        func junk(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        for index in 0..<3 {
            let http = cluster.httpPort(index), peer = cluster.peerPort(index)
            // HTTP port: raw bytes, a lying Content-Length.
            _ = Self.exchange(port: http, junk(4096))
            _ = Self.exchange(port: http, Array("POST /user/new HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{".utf8) + junk(512))
            // Malformed bodies on every POST route.
            let bodies: [[UInt8]] = [Array("{".utf8), Array("not json".utf8), Array("[]".utf8), Array("{\"dkg\":5}".utf8),
                                     Array(#"{"request_id":"zz"}"#.utf8), Array(#"{"envelope":{"x":1}}"#.utf8), junk(300)]
            for route in ["/user/new", "/user/receive_key", "/user/sign_tx", "/signer/signature"] {
                for (number, body) in bodies.enumerated() {
                    // Now and then (about one run in five on a loaded machine) one of these
                    // requests gets no answer within its 10 s timeout although the node keeps
                    // serving; not yet explained (client or server side). It is retried, printed,
                    // and must be answered within three attempts.
                    var status: Int?
                    for attempt in 1...3 where status == nil {
                        do { status = try await Self.postRaw(http, route, body) } catch {
                            print("NodeFaultTests: node \(index) \(route), malformed body \(number), attempt \(attempt): \(error)")
                        }
                    }
                    #expect(status.map { (400..<500).contains($0) } == true,
                            "node \(index) \(route) answered \(String(describing: status)) to malformed body \(number)")
                }
            }
            // Peer port: raw bytes, plain HTTP, WebSocket upgrades followed by junk.
            _ = Self.exchange(port: peer, junk(4096))
            _ = Self.exchange(port: peer, Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let session = junk(32).map { String(format: "%02x", $0) }.joined()
            for path in ["/tss/peer/\(session)", "/tss/peer/not-hex", "/tss/peer/\(session)/extra"] {
                let upgrade = Array(("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                     + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
                _ = Self.exchange(port: peer, upgrade + junk(1024))
                let mask = junk(4), payload = junk(100)
                let frame: [UInt8] = [0x82, 0x80 | UInt8(payload.count)] + mask
                    + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
                _ = Self.exchange(port: peer, upgrade + frame)
                _ = Self.exchange(port: peer, upgrade + [0x82, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0] + junk(4) + junk(64))
            }
        }

        for index in 0..<3 {
            #expect(await NodeProcesses.isHealthy(cluster.httpPort(index)), "node \(index) answers /healthz")
        }
        #expect(cluster.isEveryNodeRunning, "no node exited")
        let signed = try await cluster.sign("pay erin 3", blockNumber: 9, deadline: .now + .seconds(120))
        #expect(signed != nil, "a signing after the hostile input succeeds")
    }

    /// Connects to 127.0.0.1:`port`, writes `bytes`, half-closes and reads what comes back (at most
    /// 64 KiB, for at most about a second of silence); nil when the connection fails.
    static func exchange(port: Int, _ bytes: [UInt8]) -> [UInt8]? {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let noSignal = Int32(MSG_NOSIGNAL)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        let noSignal: Int32 = 0
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, noSignal) }
        shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while reply.count < 65536 {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return reply
    }

    /// `POST` of raw `body` bytes as JSON; the status.
    static func postRaw(_ port: Int, _ path: String, _ body: [UInt8]) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.setValue("close", forHTTPHeaderField: "connection")
        request.timeoutInterval = 10
        request.httpBody = Data(body)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

