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

/// The node-process helpers of the suites that run `tss node` processes on loopback
/// (NodeNetworkTests, ClientNetworkTests, NodeFaultTests, DemoNetworkTests): running the binary,
/// HTTP against a node, and ``NodeCluster``, three members with signing groups `[[0], [1, 2]]`
/// (so every committee is node 0 and one of nodes 1 and 2) on random ports.
enum NodeProcesses {
    /// Runs `tss` with `arguments` (and `stdin`), to its exit: status, stdout and stderr (stderr is
    /// read on another thread, so a chatty child cannot block on a full pipe). With `timeout`, a
    /// child still running then gets SIGTERM (so it can stop its own children), and SIGKILL ten
    /// seconds later.
    static func run(_ binary: URL, _ arguments: [String], stdin: String? = nil,
                    timeout: Int? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeout)) {
                guard process.isRunning else { return }
                print("NodeProcesses: \(arguments.prefix(2).joined(separator: " ")) still running after \(timeout) s: SIGTERM")
                kill(pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(10)) { if process.isRunning { kill(pid, SIGKILL) } }
            }
        }
        let errors = ErrorBuffer()
        let reader = Thread { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors.wait(), as: UTF8.self))
    }

    /// What the stderr reader thread read, handed over once it is done.
    final class ErrorBuffer: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()
        func set(_ data: Data) {
            self.data = data
            done.signal()
        }
        func wait() -> Data {
            done.wait()
            return data
        }
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

    /// `POST` of a JSON body on a connection of its own (a restarted node leaves no stale pooled
    /// connection behind), retried on a transport error for a few seconds; the status and body.
    static func post(_ port: Int, _ path: String, _ body: [String: Any]) async throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.setValue("close", forHTTPHeaderField: "connection")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        var attempt = 0
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
            } catch {
                attempt += 1
                if attempt >= 10 { throw error }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }
}

/// Three members' data directories (`tss node init`), their directory file (`--params testing`,
/// threshold 2, signing groups `[[0], [1, 2]]`) and their processes, on random ports. Every process
/// is killed when the cluster is released; `start(_:flowTimeout:extraArguments:)` passes further
/// `tss node run` options (a misbehaving node, a pool target).
final class NodeCluster {
    let binary: URL
    let root: URL
    let base: Int
    var members: [[String: Any]] = []
    var ids: [String] = []
    var processes: [Process?] = [nil, nil, nil]
    let user: [String: Any]

    init(binary: URL) throws {
        self.binary = binary
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tss-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        base = Int.random(in: 20_000...39_800)
        user = try NodeProcesses.json(NodeProcesses.run(binary, ["envelope", "keygen"]).stdout)
        for index in 0..<3 {
            let initialised = try NodeProcesses.run(binary, ["node", "init", "--data", dataPath(index)])
            #expect(initialised.status == 0)
            var member = try NodeProcesses.json(initialised.stdout)
            member["http_endpoint"] = "http://127.0.0.1:\(httpPort(index))"
            member["peer_host"] = "127.0.0.1"
            member["peer_port"] = peerPort(index)
            members.append(member)
        }
        ids = members.map { $0["id"] as! String }
        let network: [String: Any] = ["parameter_set": "testing", "threshold": 2, "members": members,
                                      "signing_groups": [[ids[0]], [ids[1], ids[2]]]]
        try JSONSerialization.data(withJSONObject: network).write(to: root.appendingPathComponent("network.json"))
    }

    deinit {
        for process in processes.compactMap({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    func dataPath(_ index: Int) -> String { root.appendingPathComponent("n\(index)").path }
    func httpPort(_ index: Int) -> Int { base + index }
    func peerPort(_ index: Int) -> Int { base + 100 + index }
    var userKey: String { user["ed25519_public"] as! String }
    var configPath: String { root.appendingPathComponent("network.json").path }

    /// Starts node `index` (on its existing data directory) and waits for its `/healthz`.
    func start(_ index: Int, flowTimeout: Int = 120, extraArguments: [String] = []) async throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["node", "--config", configPath, "--me", ids[index],
                             "--data", dataPath(index), "--http-port", "\(httpPort(index))",
                             "--flow-timeout", "\(flowTimeout)"] + extraArguments
        let log = root.appendingPathComponent("n\(index)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        processes[index] = process
        let deadline = ContinuousClock.now + .seconds(60)
        while !(await NodeProcesses.isHealthy(httpPort(index))) {
            try #require(ContinuousClock.now < deadline, "node \(index) did not come up")
            guard process.isRunning else {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw StartFailure(description: "node \(index) exited with \(process.terminationStatus): \(output.suffix(600))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// A node exited while starting (a port taken by another process, typically).
    struct StartFailure: Error, CustomStringConvertible { let description: String }

    /// A cluster whose three nodes run; on random ports, so a port another process holds
    /// makes it try again with other ports (three times).
    static func running(binary: URL) async throws -> NodeCluster {
        var attempt = 0
        while true {
            let cluster = try NodeCluster(binary: binary)
            do {
                for index in 0..<3 { try await cluster.start(index) }
                return cluster
            } catch let failure as StartFailure {
                attempt += 1
                print("NodeCluster: \(failure); trying other ports")
                for index in 0..<3 { cluster.stop(index, hard: true) }
                if attempt >= 3 { throw failure }
            }
        }
    }

    /// Ends node `index`: SIGKILL (no graceful shutdown), or SIGTERM and SIGKILL if it has not
    /// exited within ten seconds; waits for the exit.
    func stop(_ index: Int, hard: Bool) {
        guard let process = processes[index], process.isRunning else { return }
        if !hard {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var isEveryNodeRunning: Bool { processes.allSatisfy { $0?.isRunning == true } }

    /// DKG registration of the user on every node.
    func register() async throws {
        for index in 0..<3 {
            let answer = try await NodeProcesses.post(httpPort(index), "/user/new",
                                                         ["dkg": ["user": userKey, "block_number": 7]])
            #expect(answer.status == 202 || answer.status == 200, "\(answer)")
        }
    }

    /// `POST /user/sign_tx` of `message` at `blockNumber` to node `index`, sealed to it;
    /// retried while the registration is still finishing there (404) — until `deadline`.
    func signTx(_ index: Int, message: String, blockNumber: Int,
                deadline: ContinuousClock.Instant) async throws -> (status: Int, body: [String: Any]) {
        let hexMessage = Array(message.utf8).map { String(format: "%02x", $0) }.joined()
        let request = #"{"user":"\#(userKey)","block_number":\#(blockNumber),"message":"\#(hexMessage)"}"#
        let sealed = try NodeProcesses.run(binary, ["envelope", "seal", "--to", members[index]["channel_key"] as! String,
                                                       "--identity-key", user["ed25519_secret"] as! String], stdin: request)
        let envelope = try NodeProcesses.json(sealed.stdout)
        var answer = try await NodeProcesses.post(httpPort(index), "/user/sign_tx", ["envelope": envelope])
        while answer.status == 404, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            answer = try await NodeProcesses.post(httpPort(index), "/user/sign_tx", ["envelope": envelope])
        }
        return answer
    }

    /// Polls node `index`'s `/signer/signature` until the request is no longer pending or
    /// `deadline` passes; returns the last status.
    func poll(_ index: Int, requestID: String, deadline: ContinuousClock.Instant) async throws -> [String: Any] {
        var status: [String: Any] = [:]
        repeat {
            try await Task.sleep(for: .milliseconds(250))
            status = try await NodeProcesses.post(httpPort(index), "/signer/signature", ["request_id": requestID]).body
        } while status["status"] as? String == "pending" && ContinuousClock.now < deadline
        return status
    }

    /// Signs `message` at `blockNumber` with whichever of nodes 1 and 2 the committee names
    /// (and node 0); returns the committee's second member, the signature and its public key,
    /// checked: both members return the same 65 bytes, which recover to that key.
    func sign(_ message: String, blockNumber: Int,
              deadline: ContinuousClock.Instant) async throws -> (member: Int, signature: String, publicKey: String)? {
        var accepted: [Int] = []
        var requestID: String?
        for index in [1, 2, 0] {
            let answer = try await signTx(index, message: message, blockNumber: blockNumber, deadline: deadline)
            if answer.status == 403 { continue }
            #expect(answer.status == 202 || answer.status == 200, "node \(index): \(answer)")
            requestID = answer.body["request_id"] as? String
            accepted.append(index)
        }
        guard let requestID, accepted.count == 2 else { return nil }
        var signatures: Set<String> = [], keys: Set<String> = []
        for index in accepted {
            let status = try await poll(index, requestID: requestID, deadline: deadline)
            #expect(status["status"] as? String == "signed", "node \(index): \(status)")
            guard let signature = status["signature"] as? String, let key = status["public_key"] as? String,
                  let hash = status["message_hash"] as? String else { return nil }
            signatures.insert(signature)
            keys.insert(key)
            try Self.expectRecovers(signature: signature, messageHash: hash, publicKey: key)
        }
        #expect(signatures.count == 1 && keys.count == 1, "both committee members return the same signature and key")
        return (accepted[0], signatures.first!, keys.first!)
    }

    /// The signature r‖s‖v of the prehash recovers to the compressed public key, checked with
    /// the Secp256k1 module (not through the node).
    static func expectRecovers(signature: String, messageHash: String, publicKey: String) throws {
        let recoverable = try RecoverableSignature(rawRepresentation: try #require(bytes(signature)))
        let recovered = try recoverable.recoverPublicKey(from: Prehash(rawRepresentation: try #require(bytes(messageHash))))
        #expect(recovered.compressedRepresentation == bytes(publicKey), "the signature recovers to the returned key")
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        return stride(from: 0, to: characters.count, by: 2).compactMap {
            UInt8(String(decoding: characters[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
    }
}
