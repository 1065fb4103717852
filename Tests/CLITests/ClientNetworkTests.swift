import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// NodeNetworkTests' three `tss node` processes, driven by `tss client` instead of hand-made
/// requests: `tss client register` (DKG) and two `tss client sign` of different messages, which
/// must each print `"verified":true` and the same public key. `--params testing`; bounded to a
/// few minutes.
@Suite(.serialized) struct ClientNetworkTests {
    final class Node {
        let process: Process
        let port: Int
        init(process: Process, port: Int) {
            self.process = process
            self.port = port
        }
        deinit { if process.isRunning { process.terminate() } }
    }

    static func run(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func isHealthy(_ port: Int) async -> Bool {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!) else {
            return false
        }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// Three initialised nodes serving on loopback, and the network.json they run on.
    static func startNetwork(_ binary: URL, root: URL) async throws -> (nodes: [Node], config: URL) {
        var members: [[String: Any]] = []
        let base = Int.random(in: 20_000...40_000)
        for index in 0..<3 {
            let initialised = try run(binary, ["node", "init", "--data", root.appendingPathComponent("n\(index)").path])
            #expect(initialised.status == 0)
            var member = try json(initialised.stdout)
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
        let start = ContinuousClock.now
        for node in nodes {
            while !(await isHealthy(node.port)) {
                try #require(ContinuousClock.now - start < .seconds(60), "node on \(node.port) did not come up")
                try #require(node.process.isRunning, "node on \(node.port) exited")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return (nodes, config)
    }

    func registerAndSignTwice(dealer: Bool) async throws {
        guard let binary = TestBinaries.tss() else { return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tss-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let (nodes, config) = try await Self.startNetwork(binary, root: root)
        defer { for node in nodes { node.process.terminate() } }

        let user = try Self.json(Self.run(binary, ["envelope", "keygen"]).stdout)
        let userKey = user["ed25519_secret"] as! String
        let common = ["--config", config.path, "--user-key", userKey]

        let registered = try Self.run(binary, ["client", "register"] + common + ["--block", "7"] + (dealer ? ["--dealer"] : []))
        #expect(registered.status == 0, "\(registered.stderr)")
        let registration = try Self.json(registered.stdout)
        #expect((registration["flows"] as? [String: String])?.count == 3)
        #expect(registration["user"] as? String == user["ed25519_public"] as? String)
        #expect(!registered.stdout.contains(userKey) && !registered.stderr.contains(userKey), "the secret key is never printed")

        var keys: Set<String> = [], signatures: Set<String> = []
        for (block, message) in [(9, "pay bob 5"), (10, "pay carol 7")] {
            let signed = try Self.run(binary, ["client", "sign"] + common + ["--block", "\(block)", "--message", message, "--json", "--timeout", "240"])
            #expect(signed.status == 0, "\(signed.stderr)")
            let answer = try Self.json(signed.stdout)
            #expect(answer["verified"] as? Bool == true)
            #expect((answer["signature"] as? String)?.count == 130, "65 bytes r‖s‖v")
            #expect((answer["signers"] as? [String])?.count == 2, "one member of each signing group")
            keys.insert(try #require(answer["public_key"] as? String))
            signatures.insert(try #require(answer["signature"] as? String))
        }
        #expect(keys.count == 1, "both messages verify under the same key")
        #expect(signatures.count == 2)
        if dealer { #expect(keys.first == registration["public_key"] as? String, "the dealt key signs") }
        #expect(nodes.allSatisfy { $0.process.isRunning }, "every node still serving")
    }

    @Test func clientRegistersByDKGAndSignsTwoMessages() async throws {
        try await registerAndSignTwice(dealer: false)
    }

    @Test func clientRegistersByDealerAndSignsTwoMessages() async throws {
        try await registerAndSignTwice(dealer: true)
    }
}
