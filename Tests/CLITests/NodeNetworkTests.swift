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
    @Test func threeNodeProcessesRegisterAndSign() async throws {
        guard let binary = TestBinaries.tss() else { return }
        // 1.–2. Each node's keys (`tss node init`), one network.json, three node processes.
        let cluster = try await NodeCluster.running(binary: binary)
        defer { for index in 0..<3 { cluster.stop(index, hard: true) } }

        // 3. DKG registration of a user (its Ed25519 key) on every node.
        let user = cluster.user
        let userKey = cluster.userKey
        for index in 0..<3 {
            let answer = try await NodeProcesses.post(cluster.httpPort(index), "/user/new", ["dkg": ["user": userKey, "block_number": 7]])
            #expect(answer.status == 202 || answer.status == 200, "\(answer)")
        }

        // 4. An HPKE-sealed signing request to every node; the one outside the committee refuses.
        let message = Array("pay bob 5".utf8).map { String(format: "%02x", $0) }.joined()
        let request = #"{"user":"\#(userKey)","block_number":9,"message":"\#(message)"}"#
        var requestID: String?
        var accepted: [Int] = []
        let deadline = ContinuousClock.now + .seconds(120)
        for index in 0..<3 {
            let sealed = try NodeProcesses.run(binary, ["envelope", "seal", "--to", cluster.members[index]["channel_key"] as! String,
                                                        "--identity-key", user["ed25519_secret"] as! String], stdin: request)
            let envelope = try NodeProcesses.json(sealed.stdout)
            // The registration may still be finishing on this node: retry while it says so.
            var answer = try await NodeProcesses.post(cluster.httpPort(index), "/user/sign_tx", ["envelope": envelope])
            while answer.status == 404 || answer.status == 409 && requestID == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                answer = try await NodeProcesses.post(cluster.httpPort(index), "/user/sign_tx", ["envelope": envelope])
            }
            if answer.status == 403 { continue }
            #expect(answer.status == 202 || answer.status == 200, "\(answer)")
            requestID = answer.body["request_id"] as? String
            accepted.append(index)
        }
        #expect(accepted.count == 2, "a committee is one member of each of the two signing groups")
        let id = try #require(requestID)

        // 5. Poll every committee member until the signature.
        var signatures: Set<String> = [], keys: Set<String> = []
        for index in accepted {
            var status: [String: Any] = [:]
            repeat {
                try await Task.sleep(for: .milliseconds(200))
                status = try await NodeProcesses.post(cluster.httpPort(index), "/signer/signature", ["request_id": id]).body
            } while status["status"] as? String == "pending" && ContinuousClock.now < deadline
            #expect(status["status"] as? String == "signed", "\(status)")
            let signature = try #require(status["signature"] as? String)
            #expect(signature.count == 130, "65 bytes r‖s‖v")
            signatures.insert(signature)
            keys.insert(try #require(status["public_key"] as? String))
        }
        #expect(signatures.count == 1 && keys.count == 1, "every committee member returns the same signature and key")
        #expect(cluster.isEveryNodeRunning, "every node still serving")
    }
}
