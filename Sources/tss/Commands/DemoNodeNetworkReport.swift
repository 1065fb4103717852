import ArgumentParser
import CGGMP
import Foundation
import Secp256k1
import TSSClient

/// What `tss demo --network` prints: the keys of `tss demo`'s report (`FlowReport`; the signature
/// fields are the DKG user's) plus `network`: the node count, per-user results, the signing
/// latencies and `faultAfterKill`.
struct NodeNetworkReport {
    /// One user's signature, checked here again with libsecp256k1 (ECDSA verify and recovery of
    /// the reported key), and, for a dealt key or a signature after the restart, against the key
    /// it must be.
    struct UserResult {
        let mode: String
        let result: SignatureResult
        let verified: Bool

        init(mode: String, result: SignatureResult, expectedKey: [UInt8]?) {
            self.mode = mode
            self.result = result
            let checked: Bool
            if let signature = try? RecoverableSignature(rawRepresentation: result.signature),
               let prehash = try? Prehash(rawRepresentation: result.messageHash),
               let key = try? Point(sec1Representation: result.publicKey) {
                checked = signature.signature.isValid(for: prehash, publicKey: key)
                    && (try? signature.recoverPublicKey(from: prehash)) == key
            } else {
                checked = false
            }
            verified = checked && (expectedKey.map { $0 == result.publicKey } ?? true)
        }

        var json: [String: Any] {
            ["mode": mode, "verified": verified, "publicKey": hex(result.publicKey), "messageHash": hex(result.messageHash),
             "signature": hex(result.signature), "requestId": result.requestID,
             "signers": result.signers.map { hex($0.rawRepresentation) }]
        }
    }

    /// A committee member's answer about the request whose other member was killed.
    struct SurvivorReport {
        let node: PartyID
        let status: String
        let reason: String?
        let unresponsive: [String]
        let culprit: String?
    }

    /// The kill, what the others reported, and the signing after the restart.
    struct Fault {
        let killed: PartyID
        let index: Int
        var requestID: String?
        var clientError: String?
        var reports: [SurvivorReport] = []
        var afterRestart: UserResult?
        var restartedSigned = false

        init(killed: PartyID, index: Int) {
            self.killed = killed
            self.index = index
        }

        /// Every other committee member failed the request naming the killed node as unresponsive,
        /// and none claims a culprit (a timeout proves nothing). With three or more signers a
        /// member may also name another waiting member that gave up first (docs/deployment.md,
        /// "A silent-party report is not evidence"); `alsoNamed` in the JSON shows it.
        var namedCorrectly: Bool {
            !reports.isEmpty && reports.allSatisfy {
                $0.status == "failed" && $0.unresponsive.contains(hex(killed.rawRepresentation)) && $0.culprit == nil
            }
        }

        var ok: Bool { namedCorrectly && afterRestart?.verified == true && restartedSigned }

        var json: [String: Any] {
            ["killed": hex(killed.rawRepresentation), "killedIndex": index, "requestId": requestID ?? NSNull(),
             "clientError": clientError ?? NSNull(), "namedCorrectly": namedCorrectly,
             "reports": reports.map {
                 ["node": hex($0.node.rawRepresentation), "status": $0.status, "reason": $0.reason ?? NSNull(),
                  "unresponsive": $0.unresponsive, "culprit": $0.culprit ?? NSNull(),
                  "alsoNamed": $0.unresponsive.filter { $0 != hex(killed.rawRepresentation) }] as [String: Any]
             },
             "afterRestart": afterRestart.map { $0.json.merging(["restartedNodeSigned": restartedSigned]) { $1 } } ?? NSNull()]
        }
    }

    var timings: [String: Double] = [:]
    var users: [UserResult] = []
    var signLatencyMs: [String: Double] = [:]
    var fault: Fault?
    var problems: [String] = []

    /// The order timings are printed in.
    static let timingKeys = ["keys", "nodes", "registerDKG", "registerDealer", "signDKG", "signDealer", "faultSetup", "fault",
                             "restart", "signAfterRestart"]

    var verified: Bool {
        problems.isEmpty && users.count == 2 && users.allSatisfy(\.verified) && fault?.ok == true
    }

    /// Runs `body`, reporting its start and duration on stderr and adding it under `key`.
    mutating func timed<T>(_ key: String, _ progress: (String) -> Void, _ body: () throws -> T) rethrows -> T {
        progress("\(key): started")
        let start = ContinuousClock.now
        defer { record(key, since: start, progress) }
        return try body()
    }

    mutating func timedAsync<T>(_ key: String, _ progress: (String) -> Void, _ body: () async throws -> T) async rethrows -> T {
        progress("\(key): started")
        let start = ContinuousClock.now
        defer { record(key, since: start, progress) }
        return try await body()
    }

    private mutating func record(_ key: String, since start: ContinuousClock.Instant, _ progress: (String) -> Void) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        timings[key, default: 0] += seconds
        progress("\(key): finished in \(String(format: "%.3f", seconds)) s")
    }

    /// Prints the report (one JSON object with `json`); exits with failure unless every signature
    /// verified and the fault was named as expected.
    func print(json: Bool, parties: [PartyID], parameters: SchemeParameters, signerCount: Int, message: String,
               progress: (String) -> Void) throws {
        let first = users.first?.result
        if json {
            let network: [String: Any] = [
                "nodes": parties.count, "signLatencyMs": signLatencyMs, "users": users.map(\.json),
                "faultAfterKill": fault?.json ?? NSNull(), "problems": problems,
            ]
            let object: [String: Any] = [
                "parties": parties.map { hex($0.rawRepresentation) }, "verified": verified, "timings": timings,
                "fault": NSNull(),
                "publicKey": first.map { hex($0.publicKey) } ?? NSNull(),
                "messageHash": first.map { hex($0.messageHash) } ?? NSNull(),
                "signature": first.map { hex($0.signature) } ?? NSNull(),
                // Nodes presign on demand: no pool is filled here.
                "presignatureFromPool": false, "presignaturesLeft": NSNull(), "recovered": NSNull(),
                "network": network,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            Swift.print("nodes:       \(parties.count) `tss node` processes, signers: \(signerCount), parameters: \(parameters.name)")
            Swift.print("message:     \(message)")
            for user in users {
                Swift.print("\(user.mode.padding(toLength: 7, withPad: " ", startingAt: 0)) key:  \(hex(user.result.publicKey))")
                Swift.print("        sig:  \(hex(user.result.signature)) verified: \(user.verified)")
            }
            if let fault {
                Swift.print("fault:       node \(fault.index) killed after accepting request \(fault.requestID ?? "?")")
                for report in fault.reports {
                    Swift.print("             \(hex(report.node.rawRepresentation).prefix(16))… \(report.status): "
                                + "unresponsive \(report.unresponsive.map { String($0.prefix(16)) + "…" })")
                }
                Swift.print("             named correctly: \(fault.namedCorrectly); after restart verified: "
                            + "\(fault.afterRestart?.verified ?? false), restarted node signed: \(fault.restartedSigned)")
            }
            for problem in problems { Swift.print("problem:     \(problem)") }
            Swift.print("verified:    \(verified)")
            for key in Self.timingKeys where timings[key] != nil {
                Swift.print("\(key.padding(toLength: 17, withPad: " ", startingAt: 0)) \(String(format: "%.3f", timings[key]!)) s")
            }
        }
        if !verified {
            progress("not every signature verified, or the fault was not reported as expected")
            throw ExitCode.failure
        }
    }
}
