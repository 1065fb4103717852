import CGGMP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TSSClient

/// N `tss node` processes on loopback, for `tss demo --network` and `tss bench network`: one data
/// directory per node (created in this process, as `tss node init` does), one network.json, and
/// children of this very executable running `tss node run`. A node can be stopped (SIGTERM),
/// killed (SIGKILL) and started again on its data directory.
///
/// Every child's pid is kept in ``LocalClusterChildren`` until it is reaped, so an error, a normal
/// exit or SIGINT/SIGTERM/SIGHUP of this process kills them too: a demo must not leave nodes
/// holding ports behind. The data lives in a temporary directory removed by ``shutdown()``.
final class LocalCluster: @unchecked Sendable {
    /// One member: its keys as the directory lists them, its ports and its data directory.
    struct Member: Sendable {
        let id: PartyID
        let channelKey: [UInt8]
        var httpPort: Int
        var peerPort: Int
        let data: String
        var idHex: String { hexString(id.rawRepresentation) }
    }

    /// Why a node did not come up.
    enum StartError: Error, CustomStringConvertible {
        /// The child exited while starting: its status and the end of its log.
        case exited(index: Int, status: Int32, log: String)
        /// The child refused an option this build does not know (ArgumentParser's "Unknown option").
        case unknownOption(index: Int, log: String)
        /// It did not answer `/healthz` in time.
        case notHealthy(index: Int)

        var description: String {
            switch self {
            case .exited(let index, let status, let log): "node \(index) exited with status \(status): \(log)"
            case .unknownOption(let index, let log): "node \(index) does not know an option: \(log)"
            case .notHealthy(let index): "node \(index) did not answer /healthz in time"
            }
        }
    }

    let executable: URL
    let root: URL
    let parameterSet: ParameterSet
    let threshold: Int
    private(set) var members: [Member]
    /// The signing groups, as member indices: member i is in group i mod threshold.
    let groups: [[Int]]
    private let lock = NSLock()
    private var processes: [Process?]

    var configPath: String { root.appendingPathComponent("network.json").path }
    var count: Int { members.count }

    /// Creates `nodes` data directories and the network.json of a `threshold`-of-`nodes` network
    /// on free loopback ports (no process runs yet).
    init(nodes: Int, threshold: Int, parameterSet: ParameterSet) throws {
        executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tss-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        self.parameterSet = parameterSet
        self.threshold = threshold
        processes = Array(repeating: nil, count: nodes)
        groups = (0..<threshold).map { group in (0..<nodes).filter { $0 % threshold == group } }
        LocalClusterChildren.installHandlers()
        var created: [Member] = []
        let ports = try Self.freePorts(2 * nodes)
        for index in 0..<nodes {
            let data = root.appendingPathComponent("n\(index)").path
            let keys = try NodeFiles.initialise(try NodeDataOptions.parse(["--data", data]))
            created.append(Member(id: keys.identity.partyID, channelKey: keys.channelKey.publicKey.rawRepresentation,
                                  httpPort: ports[2 * index], peerPort: ports[2 * index + 1], data: data))
        }
        members = created
        try writeDirectory()
    }

    /// network.json with the members' current ports.
    private func writeDirectory() throws {
        let entries: [[String: Any]] = members.map {
            ["id": $0.idHex, "channel_key": hexString($0.channelKey), "http_endpoint": "http://127.0.0.1:\($0.httpPort)",
             "peer_host": "127.0.0.1", "peer_port": $0.peerPort]
        }
        let network: [String: Any] = ["parameter_set": parameterSet.rawValue, "threshold": threshold, "members": entries,
                                      "signing_groups": groups.map { $0.map { members[$0].idHex } }]
        try JSONSerialization.data(withJSONObject: network, options: [.sortedKeys, .prettyPrinted])
            .write(to: URL(fileURLWithPath: configPath))
    }

    /// The directory as a client reads it.
    func clientDirectory() throws -> ClientDirectory {
        do { return try ClientDirectory(contentsOf: configPath) } catch { throw DemoError("network.json: \(error)") }
    }

    /// The member index of a party.
    func index(of party: PartyID) -> Int? { members.firstIndex { $0.id == party } }

    // MARK: Processes

    /// Starts every node and waits until each answers `/healthz`. When one exits while starting
    /// (a port taken between choosing and binding it), every node is stopped and the whole set
    /// tries again on new ports, up to three times; an unknown option is reported at once.
    func startAll(flowTimeout: Int, extraArguments: [String] = []) async throws {
        var attempt = 0
        while true {
            do {
                for index in members.indices {
                    try launch(index, flowTimeout: flowTimeout, extraArguments: extraArguments)
                }
                for index in members.indices { try await waitHealthy(index) }
                return
            } catch StartError.exited(let index, let status, let log) where attempt < 2 {
                attempt += 1
                demoProgress("node \(index) exited with \(status) while starting (\(log.suffix(200))); new ports")
                for index in members.indices { kill(index) }
                let ports = try Self.freePorts(2 * members.count)
                for index in members.indices {
                    members[index].httpPort = ports[2 * index]
                    members[index].peerPort = ports[2 * index + 1]
                }
                try writeDirectory()
            }
        }
    }

    /// Starts node `index` on its data directory and waits for its `/healthz`.
    func start(_ index: Int, flowTimeout: Int, extraArguments: [String] = []) async throws {
        try launch(index, flowTimeout: flowTimeout, extraArguments: extraArguments)
        try await waitHealthy(index)
    }

    /// Stops node `index` gracefully and starts it again.
    func restart(_ index: Int, flowTimeout: Int, extraArguments: [String] = []) async throws {
        stop(index)
        try await start(index, flowTimeout: flowTimeout, extraArguments: extraArguments)
    }

    private func logURL(_ index: Int) -> URL { root.appendingPathComponent("n\(index).log") }

    private func launch(_ index: Int, flowTimeout: Int, extraArguments: [String]) throws {
        let member = members[index]
        let process = Process()
        process.executableURL = executable
        process.arguments = ["node", "run", "--config", configPath, "--me", member.idHex, "--data", member.data,
                             "--http-port", "\(member.httpPort)", "--flow-timeout", "\(flowTimeout)"] + extraArguments
        let log = logURL(index)
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data("== start \(Date()) \(extraArguments.joined(separator: " "))\n".utf8))
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        LocalClusterChildren.add(process.processIdentifier)
        lock.withLock { processes[index] = process }
    }

    private func waitHealthy(_ index: Int, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while await health(index) == nil {
            guard let process = lock.withLock({ processes[index] }) else { throw StartError.notHealthy(index: index) }
            if !process.isRunning {
                process.waitUntilExit()
                LocalClusterChildren.remove(process.processIdentifier)
                lock.withLock { processes[index] = nil }
                let text = String(decoding: (try? Data(contentsOf: logURL(index))) ?? Data(), as: UTF8.self)
                let tail = String(text.split(separator: "\n").suffix(3).joined(separator: " | ").suffix(600))
                if let line = text.split(separator: "\n").last(where: { $0.contains("Unknown option") }) {
                    throw StartError.unknownOption(index: index, log: String(line))
                }
                throw StartError.exited(index: index, status: process.terminationStatus, log: tail)
            }
            guard ContinuousClock.now < deadline else { throw StartError.notHealthy(index: index) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// SIGTERM, then SIGKILL if node `index` has not exited within ten seconds; waits for the exit.
    func stop(_ index: Int) { end(index, hard: false) }

    /// SIGKILL (no graceful shutdown: its flows stay in its store as they were); waits for the exit.
    func kill(_ index: Int) { end(index, hard: true) }

    private func end(_ index: Int, hard: Bool) {
        guard let process = lock.withLock({ () -> Process? in
            let process = processes[index]
            processes[index] = nil
            return process
        }) else { return }
        if process.isRunning, !hard {
            signalProcess(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        }
        if process.isRunning { signalProcess(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        LocalClusterChildren.remove(process.processIdentifier)
    }

    func isRunning(_ index: Int) -> Bool { lock.withLock { processes[index]?.isRunning == true } }

    /// Kills every node and removes the data directory.
    func shutdown() {
        for index in members.indices { kill(index) }
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: HTTP

    /// `GET /healthz` of node `index`: its JSON, or nil when it does not answer 200.
    func health(_ index: Int) async -> [String: Any]? {
        guard let (status, body) = await get(index, "/healthz"), status == 200 else { return nil }
        return (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// The sum of every sample of the metric `name` (all label sets) in node `index`'s `/metrics`;
    /// nil when the node does not answer or does not expose the metric.
    func metric(_ index: Int, _ name: String) async -> Double? {
        guard let (status, body) = await get(index, "/metrics"), status == 200 else { return nil }
        var total: Double?
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let value = Double(fields[1]) else { continue }
            let metricName = fields[0].split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
            if metricName == name { total = (total ?? 0) + value }
        }
        return total
    }

    /// Waits until every node reports at least `users` registered users (`/healthz`): a
    /// registration has finished everywhere.
    func waitRegistered(_ users: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        for index in members.indices {
            while ((await health(index))?["registered_users"] as? Int ?? 0) < users {
                guard isRunning(index) else { throw DemoError("node \(index) exited during the registration") }
                guard ContinuousClock.now < deadline else {
                    throw DemoError("node \(index) did not finish the registration within \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// `POST` of `body` to node `index`: status and body, or nil when it cannot be reached.
    func post(_ index: Int, _ path: String, _ body: [UInt8]) async -> (Int, Data)? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(members[index].httpPort)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = Data(body)
        return await send(request)
    }

    private func get(_ index: Int, _ path: String) async -> (Int, Data)? {
        await send(URLRequest(url: URL(string: "http://127.0.0.1:\(members[index].httpPort)\(path)")!))
    }

    private func send(_ request: URLRequest) async -> (Int, Data)? {
        var request = request
        request.timeoutInterval = 10
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// `count` distinct TCP ports that were free on 127.0.0.1 a moment ago (bound to port 0 and
    /// released; `startAll` tries again should another process take one meanwhile).
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw DemoError("no socket for a free port") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else { throw DemoError("cannot bind a free port on 127.0.0.1") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// `kill(2)` (the cluster's own `kill(_:)` shadows the name inside it).
private func signalProcess(_ pid: pid_t, _ number: Int32) { _ = kill(pid, number) }

/// The pids of every `tss node` child still running, killed (SIGKILL) when this process exits
/// (`atexit`) or receives SIGINT, SIGTERM or SIGHUP.
enum LocalClusterChildren {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let installed = Mutex(false)

    static func add(_ pid: pid_t) { pids.withLock { _ = $0.insert(pid) } }
    static func remove(_ pid: pid_t) { pids.withLock { _ = $0.remove(pid) } }

    static func killAll() {
        for pid in pids.withLock({ $0 }) { _ = kill(pid, SIGKILL) }
    }

    static func installHandlers() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        atexit { LocalClusterChildren.killAll() }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { number in
                LocalClusterChildren.killAll()
                _exit(128 + number)
            }
        }
    }
}
