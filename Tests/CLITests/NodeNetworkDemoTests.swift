import Foundation
import Testing
import TestSupport

/// `tss demo --network` and `tss bench network` at `--params testing`: each starts its own `tss
/// node` processes on loopback (the demo three, the bench three), so these tests only run the
/// binary and read its JSON. Bounded by a watchdog (SIGTERM, which makes the binary kill its
/// nodes); no timing is asserted.
@Suite(.serialized) struct NodeNetworkDemoTests {
    /// Both users' signatures verify, the killed committee member is the one node every other
    /// committee member names (no honest party named, no culprit claimed for a timeout), and after
    /// the restart it signs again under the DKG user's key.
    @Test func networkDemoSignsForBothUsersNamesTheKilledNodeAndSignsAfterRestart() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let run = try NodeProcesses.run(binary, ["demo", "--network", "--params", "testing", "--json"], timeout: 900)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let report = try NodeProcesses.json(run.stdout)
        #expect(report["verified"] as? Bool == true)
        let parties = try #require(report["parties"] as? [String])
        #expect(parties.count == 3)
        let network = try #require(report["network"] as? [String: Any], "\(report)")
        #expect(network["nodes"] as? Int == 3)

        let users = try #require(network["users"] as? [[String: Any]])
        #expect(users.map { $0["mode"] as? String } == ["dkg", "dealer"])
        for user in users {
            #expect(user["verified"] as? Bool == true, "\(user)")
            #expect((user["signature"] as? String)?.count == 130, "65 bytes r‖s‖v")
            #expect((user["signers"] as? [String])?.count == 2, "one signer per signing group")
        }
        #expect(users[0]["publicKey"] as? String != users[1]["publicKey"] as? String, "two users, two keys")
        #expect(report["signature"] as? String == users[0]["signature"] as? String, "the top-level fields are the DKG user's")

        let fault = try #require(network["faultAfterKill"] as? [String: Any], "\(network)")
        let killed = try #require(fault["killed"] as? String)
        #expect(parties.contains(killed))
        let reports = try #require(fault["reports"] as? [[String: Any]])
        #expect(reports.count == 1, "with threshold 2 one other committee member waits for the killed node")
        for other in reports {
            #expect(other["node"] as? String != killed)
            #expect(other["status"] as? String == "failed", "\(other)")
            #expect(other["unresponsive"] as? [String] == [killed], "names the killed node and no one else: \(other)")
            #expect(other["culprit"] is NSNull, "a timeout is no proven fault")
            #expect((other["alsoNamed"] as? [String])?.isEmpty == true, "no honest party named: \(other)")
        }
        #expect(fault["namedCorrectly"] as? Bool == true)
        let after = try #require(fault["afterRestart"] as? [String: Any], "\(fault)")
        #expect(after["verified"] as? Bool == true)
        #expect(after["restartedNodeSigned"] as? Bool == true)
        #expect((after["signers"] as? [String])?.contains(killed) == true)
        #expect(after["publicKey"] as? String == users[0]["publicKey"] as? String, "the same key as before the kill")

        let timings = try #require(report["timings"] as? [String: Double])
        for phase in ["nodes", "registerDKG", "registerDealer", "signDKG", "signDealer", "fault", "restart", "signAfterRestart"] {
            #expect(timings[phase] != nil, "timing of \(phase)")
        }
        #expect(run.stderr.contains("fault: finished in"), "per-phase wall times on stderr")
    }

    /// The benchmark's JSON: registration latencies, and every cold (and, when the node has
    /// `--pool-target`, warm) request verified.
    @Test func networkBenchReportsLatenciesAndVerifiesEveryRequest() async throws {
        guard let binary = TestBinaries.tss() else { return }
        let run = try NodeProcesses.run(binary, ["bench", "network", "--params", "testing", "--nodes", "3", "--requests", "4",
                                                 "--concurrency", "2", "--json"], timeout: 900)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let report = try NodeProcesses.json(run.stdout)
        #expect(report["nodes"] as? Int == 3 && report["requests"] as? Int == 4 && report["concurrency"] as? Int == 2)
        let registration = try #require(report["registrationMs"] as? [String: Double])
        #expect((registration["dkg"] ?? 0) > 0 && (registration["dealer"] ?? 0) > 0)
        let cold = try #require(report["cold"] as? [String: Any])
        #expect(cold["verified"] as? Int == 4, "\(cold)")
        #expect((cold["failures"] as? [String])?.isEmpty == true)
        #expect((cold["latenciesMs"] as? [Double])?.count == 4)
        for key in ["p50Ms", "p99Ms", "meanMs", "signaturesPerSecond", "wallSeconds"] {
            #expect(cold[key] is Double, "cold.\(key)")
        }
        let warm = try #require(report["warm"] as? [String: Any])
        let available = try #require(warm["available"] as? Bool)
        if available {
            #expect(warm["verified"] as? Int == 4, "\(warm)")
            #expect(warm["p50Ms"] is Double && warm["p99Ms"] is Double)
        } else {
            #expect((warm["reason"] as? String)?.contains("--pool-target") == true, "\(warm)")
        }
        #expect(report["allVerified"] as? Bool == true)
    }
}
