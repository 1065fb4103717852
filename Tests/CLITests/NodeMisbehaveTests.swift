import Foundation
import Testing
import TestSupport

/// Issue #15's last fault "must show" against real `tss node` processes: node 0 (in every committee
/// of the ``NodeFaultTests`` set-up) runs with `--misbehave bad-sigma`, so its signing share is off
/// by one, re-signed with its own identity key. The honest committee member's
/// `POST /signer/signature` fails naming node 0, with a self-contained fault report that
/// `tss fault verify --report-json` finds proven; the same evidence does not convict an honest node.
@Suite(.serialized) struct NodeMisbehaveTests {
    typealias Cluster = NodeCluster

    /// The three nodes, node 0 cheating; other ports when a port is taken (three tries).
    static func cheatingCluster(binary: URL, misbehave: String) async throws -> Cluster {
        var attempt = 0
        while true {
            let cluster = try Cluster(binary: binary)
            do {
                try await cluster.start(0, extraArguments: ["--misbehave", misbehave])
                for index in 1..<3 { try await cluster.start(index) }
                return cluster
            } catch let failure as Cluster.StartFailure {
                attempt += 1
                print("NodeMisbehaveTests: \(failure); trying other ports")
                for index in 0..<3 { cluster.stop(index, hard: true) }
                if attempt >= 3 { throw failure }
            }
        }
    }

    @Test func aMisbehavingNodeIsNamedWithAProvenFaultReport() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let cluster = try await Self.cheatingCluster(binary: binary, misbehave: "bad-sigma")
        defer { for index in 0..<3 { cluster.stop(index, hard: true) } }
        // Registration involves no signing round: the cheat does not touch it.
        try await cluster.register()

        let deadline = ContinuousClock.now + .seconds(150)
        var honest: Int?
        var requestID: String?
        for index in [1, 2, 0] {
            let answer = try await cluster.signTx(index, message: "pay mallory 1", blockNumber: 9, deadline: deadline)
            if answer.status == 403 { continue }
            #expect(answer.status == 202 || answer.status == 200, "node \(index): \(answer)")
            requestID = answer.body["request_id"] as? String
            if index != 0 { honest = index }
        }
        let member = try #require(honest, "one of nodes 1 and 2 is in every committee")
        let id = try #require(requestID)

        let status = try await cluster.poll(member, requestID: id, deadline: deadline)
        #expect(status["status"] as? String == "failed", "\(status)")
        let failure = try #require(status["failure"] as? [String: Any], "\(status)")
        #expect(failure["culprit"] as? String == cluster.ids[0], "the honest member names the cheater: \(failure)")
        #expect(failure["phase"] as? String == "sign")
        #expect(failure["fault"] is String, "a proven culprit comes with its fault report")

        // A third party: the whole response, from a file and from standard input.
        let file = cluster.root.appendingPathComponent("failure.json")
        try JSONSerialization.data(withJSONObject: status).write(to: file)
        let verified = try NodeProcesses.run(binary, ["fault", "verify", "--report-json", file.path, "--json"])
        #expect(verified.status == 0)
        print("NodeMisbehaveTests: tss fault verify --report-json: \(verified.stdout)")
        let verdict = try NodeProcesses.json(verified.stdout)
        #expect(verdict["verdict"] as? String == "proven", "\(verified.stdout)")
        #expect(verdict["culprit"] as? String == cluster.ids[0])
        #expect(verdict["phase"] as? String == "sign")
        let failureOnly = String(decoding: try JSONSerialization.data(withJSONObject: failure), as: UTF8.self)
        let fromStdin = try NodeProcesses.run(binary, ["fault", "verify", "--report-json", "-", "--json"], stdin: failureOnly)
        #expect(try NodeProcesses.json(fromStdin.stdout)["verdict"] as? String == "proven", "\(fromStdin.stdout)")
        // The verdict says whose context it judged in (here the accuser's) and fingerprints it.
        #expect((verdict["context"] as? String)?.hasPrefix("carried by the report") == true, "\(verified.stdout)")
        let fingerprint = try #require(verdict["contextSHA256"] as? String)
        #expect(fingerprint.count == 64)
        #expect(try NodeProcesses.json(fromStdin.stdout)["contextSHA256"] as? String == fingerprint)

        // The `fault` itself: self-contained; a --public-data other than the context it carries is refused.
        let fault = try #require(failure["fault"] as? String)
        let bare = try NodeProcesses.run(binary, ["fault", "verify", "--report", fault, "--json"])
        #expect(try NodeProcesses.json(bare.stdout)["verdict"] as? String == "proven", "\(bare.stdout)")
        let otherContext = "VFNTRkNYAg=="  // "TSSFCX" 2 and nothing more: not this report's context
        let mismatched = try NodeProcesses.run(binary, ["fault", "verify", "--report", fault, "--public-data", otherContext])
        #expect(mismatched.status != 0, "a different --public-data is refused: \(mismatched.stdout)")

        // Re-accusing an honest node with the same evidence proves nothing.
        for innocent in [1, 2] {
            let reaccused = try NodeProcesses.run(binary, ["fault", "verify", "--report-json", file.path, "--json",
                                                              "--culprit", cluster.ids[innocent]])
            #expect(try NodeProcesses.json(reaccused.stdout)["verdict"] as? String == "not-proven",
                    "node \(innocent) is not convicted: \(reaccused.stdout)")
        }
        // No honest node is named by the other honest one either.
        let other = 3 - member
        let untouched = try await NodeProcesses.post(cluster.httpPort(other), "/signer/signature", ["request_id": id]).body
        if let named = (untouched["failure"] as? [String: Any])?["culprit"] as? String {
            #expect(named == cluster.ids[0], "\(untouched)")
        }
        #expect(cluster.isEveryNodeRunning)
    }
}
