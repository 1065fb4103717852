import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// Three `tss node` processes on loopback, as the network runs them (issue #15's must-show): each
/// initialised with `tss node init`, one `network.json`, HTTP on one port and the WebSocket + Noise
/// XK peer channel on another. A user registers through the DKG path (`POST /user/new` to every
/// node), sends an HPKE-sealed signing request (`tss envelope seal`) to every node (the one outside
/// the committee refuses), polls `POST /signer/signature` until the 65-byte signature, and the
/// signature is checked by the same binary's independent path: every committee member returns the
/// same r‖s‖v and public key. `--params testing`; bounded to a few minutes.
@Suite(.serialized) struct NodeNetworkTests {
    final class Node {
        let process: Process
        let port: Int
        init(process: Process, port: Int) {
            self.process = process
            self.port = port
        }
        deinit { if process.isRunning { process.terminate() } }
    }

    static func run(_ binary: URL, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func post(_ port: Int, _ path: String, _ body: [String: Any]) async throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    static func isHealthy(_ port: Int) async -> Bool {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!) else {
            return false
        }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    @Test func threeNodeProcessesRegisterAndSign() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tss-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        // 1. Each node's keys.
        var members: [[String: Any]] = []
        let base = Int.random(in: 20_000...40_000)
        for index in 0..<3 {
            let initialised = try Self.run(binary, ["node", "init", "--data", root.appendingPathComponent("n\(index)").path])
            #expect(initialised.status == 0)
            var member = try Self.json(initialised.stdout)
            member["http_endpoint"] = "http://127.0.0.1:\(base + index)"
            member["peer_host"] = "127.0.0.1"
            member["peer_port"] = base + 100 + index
            members.append(member)
        }
        let ids = members.map { $0["id"] as! String }
        let network: [String: Any] = ["parameter_set": "testing", "threshold": 2, "members": members,
                                      "signing_groups": [[ids[0]], [ids[1], ids[2]]]]
        let config = root.appendingPathComponent("network.json")
        try JSONSerialization.data(withJSONObject: network).write(to: config)

        // 2. Three node processes.
        var nodes: [Node] = []
        for index in 0..<3 {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["node", "--config", config.path, "--me", ids[index],
                                 "--data", root.appendingPathComponent("n\(index)").path, "--http-port", "\(base + index)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            nodes.append(Node(process: process, port: base + index))
        }
        defer { for node in nodes { node.process.terminate() } }
        let start = ContinuousClock.now
        for node in nodes {
            while !(await Self.isHealthy(node.port)) {
                try #require(ContinuousClock.now - start < .seconds(60), "node on \(node.port) did not come up")
                try #require(node.process.isRunning, "node on \(node.port) exited")
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        // 3. DKG registration of a user (its Ed25519 key) on every node.
        let user = try Self.json(Self.run(binary, ["envelope", "keygen"]).stdout)
        let userKey = user["ed25519_public"] as! String
        for node in nodes {
            let answer = try await Self.post(node.port, "/user/new", ["dkg": ["user": userKey, "block_number": 7]])
            #expect(answer.status == 202 || answer.status == 200, "\(answer)")
        }

        // 4. An HPKE-sealed signing request to every node; the one outside the committee refuses.
        let message = Array("pay bob 5".utf8).map { String(format: "%02x", $0) }.joined()
        let request = #"{"user":"\#(userKey)","block_number":9,"message":"\#(message)"}"#
        var requestID: String?
        var accepted: [Node] = []
        let deadline = ContinuousClock.now + .seconds(120)
        for (index, node) in nodes.enumerated() {
            let sealed = try Self.run(binary, ["envelope", "seal", "--to", members[index]["channel_key"] as! String,
                                               "--identity-key", user["ed25519_secret"] as! String], stdin: request)
            let envelope = try Self.json(sealed.stdout)
            // The registration may still be finishing on this node: retry while it says so.
            var answer = try await Self.post(node.port, "/user/sign_tx", ["envelope": envelope])
            while answer.status == 404 || answer.status == 409 && requestID == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                answer = try await Self.post(node.port, "/user/sign_tx", ["envelope": envelope])
            }
            if answer.status == 403 { continue }
            #expect(answer.status == 202 || answer.status == 200, "\(answer)")
            requestID = answer.body["request_id"] as? String
            accepted.append(node)
        }
        #expect(accepted.count == 2, "a committee is one member of each of the two signing groups")
        let id = try #require(requestID)

        // 5. Poll every committee member until the signature.
        var signatures: Set<String> = [], keys: Set<String> = []
        for node in accepted {
            var status: [String: Any] = [:]
            repeat {
                try await Task.sleep(for: .milliseconds(200))
                status = try await Self.post(node.port, "/signer/signature", ["request_id": id]).body
            } while status["status"] as? String == "pending" && ContinuousClock.now < deadline
            #expect(status["status"] as? String == "signed", "\(status)")
            let signature = try #require(status["signature"] as? String)
            #expect(signature.count == 130, "65 bytes r‖s‖v")
            signatures.insert(signature)
            keys.insert(try #require(status["public_key"] as? String))
        }
        #expect(signatures.count == 1 && keys.count == 1, "every committee member returns the same signature and key")
        #expect(nodes.allSatisfy { $0.process.isRunning }, "every node still serving")
    }
}
