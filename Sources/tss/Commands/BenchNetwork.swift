import ArgumentParser
import CGGMP
import Foundation
import Secp256k1
import TSSClient

/// `tss bench network`: latencies of the node network as a user sees them, over `tss node`
/// processes on loopback (`LocalCluster`) and `ThresholdClient`: registration (DKG, then a dealt
/// key) until every node holds the key, then `--requests` signings with `--concurrency` in flight,
/// with the presignature pools cold (every signing presigns on demand) and warm (the nodes keep
/// each pool filled, `tss node run --pool-target K`; reported as unavailable when this build's
/// node does not know the option). Every signature is verified by the client (recovery of the
/// reported key) and again here with libsecp256k1.
struct BenchNetwork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Node processes on loopback: registration latency, sign latency p50/p99 and signatures/s (pool cold and warm).")

    @Option(help: "Node processes.") var nodes: Int = 3
    @Option(help: "Signers per signature (the threshold; also the number of signing groups).") var threshold: Int = 2
    @Option(help: "Signing requests per pool mode.") var requests: Int = 20
    @Option(help: "Requests in flight at once.") var concurrency: Int = 4
    @OptionGroup var parameters: ParameterSetOptions
    @Flag(help: "Print one JSON object instead of text.") var json = false

    /// The node's flow timeout (registration at production112 on a loaded machine).
    static let flowTimeout = 900
    /// How long the warm mode waits for the pools to fill.
    static let fillTimeout = Duration.seconds(1800)

    func validate() throws {
        try OptionCheck.require(nodes, in: 2...16, "--nodes")
        try OptionCheck.require(threshold, in: 2...nodes, "--threshold")
        try OptionCheck.require(requests, in: 1...10_000, "--requests")
        try OptionCheck.require(concurrency, in: 1...256, "--concurrency")
    }

    func run() async throws {
        parameters.warnIfDeprecated()
        let parameterSet = parameters.selected
        let cluster = try LocalCluster(nodes: nodes, threshold: threshold, parameterSet: parameterSet)
        defer { cluster.shutdown() }
        benchProgress("\(nodes) nodes, threshold \(threshold), \(parameterSet.rawValue); data in \(cluster.root.path)")
        try await cluster.startAll(flowTimeout: Self.flowTimeout)
        let directory = try cluster.clientDirectory()
        // Tighter polling than the client's default (100 ms ×1.5 up to 2 s), so the latency is
        // not mostly the backoff; each poll is one small HTTP request.
        var polling = PollingPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500), factor: 1.5)
        polling.deadline = .seconds(Self.flowTimeout)
        var generator = SystemRandomNumberGenerator()
        let user = ThresholdClient(directory: directory, identity: Ed25519Signer(using: &generator), polling: polling)
        let dealerUser = ThresholdClient(directory: directory, identity: Ed25519Signer(using: &generator), polling: polling)

        // Registration: from the first POST until every node reports the user registered.
        let registrationTimeout = Duration.seconds(Self.flowTimeout)
        let dkgMs = try await Self.milliseconds {
            do { _ = try await user.registerDKG(blockNumber: 7) } catch { throw DemoError("DKG registration: \(error)") }
            try await cluster.waitRegistered(1, timeout: registrationTimeout)
        }
        benchProgress("registration (DKG): \(BenchOutput.fixed(dkgMs, 0)) ms")
        let dealerMs = try await Self.milliseconds {
            do { _ = try await dealerUser.registerDealer(blockNumber: 7) } catch { throw DemoError("dealer registration: \(error)") }
            try await cluster.waitRegistered(2, timeout: registrationTimeout)
        }
        benchProgress("registration (dealer): \(BenchOutput.fixed(dealerMs, 0)) ms")

        let cold = try await signRequests(user, label: "cold", firstBlock: 100)
        benchProgress("cold: \(cold.summary)")

        // Warm: every node restarted with --pool-target K, K the most requests any one committee
        // gets, and measured once each node's pooled gauge covers its share.
        let warmMessages = (0..<requests).map { Array("bench warm \($0)".utf8) }
        var warm: [String: Any]
        var warmRun: SignRun?
        let committees = try warmMessages.map { try user.committee(forMessageHash: try MessageHashing.sha256.prehash(of: $0).rawRepresentation) }
        let perCommittee = Dictionary(grouping: committees, by: { $0 }).mapValues(\.count)
        let target = perCommittee.values.max() ?? 1
        do {
            // All stopped first, then started one after another on the same ports: a filler that
            // starts presigning meets its peers down for a moment only, not for a graceful stop.
            benchProgress("warm: restarting every node with --pool-target \(target)")
            for index in cluster.members.indices { cluster.stop(index) }
            for index in cluster.members.indices {
                try await cluster.start(index, flowTimeout: Self.flowTimeout, extraArguments: ["--pool-target", "\(target)"])
            }
            let fill = try await waitForPools(cluster, committees: Array(perCommittee.keys), target: target, users: 2)
            warmRun = try await signRequests(user, label: "warm", firstBlock: 100 + UInt64(requests), messages: warmMessages)
            benchProgress("warm: \(warmRun!.summary)")
            warm = warmRun!.json.merging(["available": true, "poolTarget": target, "fill": fill]) { $1 }
        } catch LocalCluster.StartError.unknownOption(_, let log) {
            benchProgress("warm: unavailable — the node does not know --pool-target (\(log))")
            warm = ["available": false, "reason": "tss node run does not know --pool-target in this build: \(log)"]
        }

        let allVerified = cold.verified == requests && (warmRun.map { $0.verified == requests } ?? true)
        if json {
            print(BenchOutput.json([
                "nodes": nodes, "threshold": threshold, "parameters": parameterSet.rawValue, "requests": requests,
                "concurrency": concurrency,
                "polling": ["initialMs": 50, "maximumMs": 500, "factor": 1.5],
                "registrationMs": ["dkg": dkgMs, "dealer": dealerMs],
                "cold": cold.json, "warm": warm, "allVerified": allVerified,
            ] as [String: Any]))
        } else {
            print("nodes \(nodes), threshold \(threshold), \(parameterSet.rawValue); \(requests) requests, \(concurrency) in flight")
            print("registration: DKG \(BenchOutput.fixed(dkgMs, 0)) ms, dealer \(BenchOutput.fixed(dealerMs, 0)) ms")
            var rows = [["cold (presign on demand)"] + cold.cells]
            if let warmRun { rows.append(["warm (--pool-target \(target))"] + warmRun.cells) }
            print(BenchOutput.table(["pool", "p50 ms", "p99 ms", "mean ms", "sig/s", "verified"], rows))
            if warmRun == nil { print("warm: unavailable (\(warm["reason"] as? String ?? ""))") }
        }
        if !allVerified { throw ExitCode.failure }
    }

    /// The latencies of one batch of signing requests.
    struct SignRun {
        let latenciesMs: [Double]
        let wallSeconds: Double
        let verified: Int
        let failures: [String]

        func percentile(_ p: Double) -> Double {
            let sorted = latenciesMs.sorted()
            guard !sorted.isEmpty else { return .nan }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
        var mean: Double { latenciesMs.isEmpty ? .nan : latenciesMs.reduce(0, +) / Double(latenciesMs.count) }
        var perSecond: Double { Double(verified) / wallSeconds }
        var summary: String {
            "p50 \(BenchOutput.fixed(percentile(50), 0)) ms, p99 \(BenchOutput.fixed(percentile(99), 0)) ms, "
                + "\(BenchOutput.fixed(perSecond, 2)) signatures/s, \(verified) verified"
        }
        var cells: [String] {
            [BenchOutput.fixed(percentile(50), 0), BenchOutput.fixed(percentile(99), 0), BenchOutput.fixed(mean, 0),
             BenchOutput.fixed(perSecond, 2), "\(verified)/\(latenciesMs.count + failures.count)"]
        }
        var json: [String: Any] {
            ["p50Ms": percentile(50), "p99Ms": percentile(99), "meanMs": mean, "signaturesPerSecond": perSecond,
             "wallSeconds": wallSeconds, "verified": verified, "failures": failures, "latenciesMs": latenciesMs]
        }
    }

    /// `requests` signings of distinct messages (each at its own block number), at most
    /// `concurrency` in flight; a request counts as verified when the client accepted it and
    /// libsecp256k1 verifies it here.
    func signRequests(_ client: ThresholdClient, label: String, firstBlock: UInt64, messages: [[UInt8]]? = nil) async throws -> SignRun {
        let messages = messages ?? (0..<requests).map { Array("bench \(label) \($0)".utf8) }
        let start = ContinuousClock.now
        var latencies: [Double] = [], failures: [String] = []
        var verified = 0
        await withTaskGroup(of: (Double, String?).self) { group in
            var next = 0
            func add() {
                let index = next, message = messages[index]
                next += 1
                group.addTask {
                    let begun = ContinuousClock.now
                    do {
                        let result = try await client.sign(message: message, blockNumber: firstBlock + UInt64(index))
                        let ms = Self.ms(ContinuousClock.now - begun)
                        return (ms, Self.verifies(result) ? nil : "request \(index): does not verify here")
                    } catch {
                        return (Self.ms(ContinuousClock.now - begun), "request \(index): \(error)")
                    }
                }
            }
            for _ in 0..<min(concurrency, messages.count) { add() }
            while let outcome = await group.next() {
                let (ms, failure) = outcome
                if let failure { failures.append(failure) } else { latencies.append(ms); verified += 1 }
                if next < messages.count { add() }
            }
        }
        for failure in failures { benchProgress("\(label): \(failure)") }
        return SignRun(latenciesMs: latencies, wallSeconds: Self.ms(ContinuousClock.now - start) / 1000, verified: verified,
                       failures: failures)
    }

    /// Waits until each node's `tss_presignatures_pooled` gauge reaches `target` × `users` × the
    /// number of the bench's committees it belongs to (the filler keeps every pool of every
    /// registered key at the target). When no gauge has changed for two minutes below that, the
    /// measurement goes ahead and the returned object says so.
    func waitForPools(_ cluster: LocalCluster, committees: [[PartyID]], target: Int, users: Int) async throws -> [String: Any] {
        let needed = cluster.members.map { member in committees.filter { $0.contains(member.id) }.count * target * users }
        let start = ContinuousClock.now, deadline = start + Self.fillTimeout
        var pooled = [Double](repeating: -1, count: cluster.count)
        var lastChange = start
        while true {
            var current: [Double] = []
            for index in cluster.members.indices { current.append(await cluster.metric(index, "tss_presignatures_pooled") ?? -1) }
            if current != pooled { lastChange = .now; pooled = current }
            let reached = zip(pooled, needed).allSatisfy { $0 >= Double($1) }
            let stalled = ContinuousClock.now - lastChange > .seconds(120)
            if reached || stalled || ContinuousClock.now > deadline {
                let seconds = Self.ms(ContinuousClock.now - start) / 1000
                benchProgress("warm: pools \(pooled.map { Int($0) }) of needed \(needed) after \(BenchOutput.fixed(seconds, 1)) s"
                              + (reached ? "" : " (not reached; measuring anyway)"))
                return ["seconds": seconds, "pooled": pooled, "needed": needed, "reached": reached]
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    static func milliseconds(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return ms(ContinuousClock.now - start)
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func verifies(_ result: SignatureResult) -> Bool {
        NodeNetworkReport.UserResult(mode: "", result: result, expectedKey: nil).verified
    }
}

/// A progress line on stderr.
func benchProgress(_ text: String) {
    FileHandle.standardError.write(Data(("[tss bench network] " + text + "\n").utf8))
}
