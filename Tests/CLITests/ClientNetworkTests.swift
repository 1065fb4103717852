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
    func registerAndSignTwice(dealer: Bool) async throws {
        guard let binary = TestBinaries.tss() else { return }
        let cluster = try await NodeCluster.running(binary: binary)
        defer { for index in 0..<3 { cluster.stop(index, hard: true) } }

        let user = try NodeProcesses.json(NodeProcesses.run(binary, ["envelope", "keygen"]).stdout)
        let userKey = user["ed25519_secret"] as! String
        let common = ["--config", cluster.configPath, "--user-key", userKey]

        let registered = try NodeProcesses.run(binary, ["client", "register"] + common + ["--block", "7"] + (dealer ? ["--dealer"] : []))
        #expect(registered.status == 0, "\(registered.stderr)")
        let registration = try NodeProcesses.json(registered.stdout)
        #expect((registration["flows"] as? [String: String])?.count == 3)
        #expect(registration["user"] as? String == user["ed25519_public"] as? String)
        #expect(!registered.stdout.contains(userKey) && !registered.stderr.contains(userKey), "the secret key is never printed")

        var keys: Set<String> = [], signatures: Set<String> = []
        for (block, message) in [(9, "pay bob 5"), (10, "pay carol 7")] {
            let signed = try NodeProcesses.run(binary, ["client", "sign"] + common + ["--block", "\(block)", "--message", message, "--json", "--timeout", "240"])
            #expect(signed.status == 0, "\(signed.stderr)")
            let answer = try NodeProcesses.json(signed.stdout)
            #expect(answer["verified"] as? Bool == true)
            #expect((answer["signature"] as? String)?.count == 130, "65 bytes r‖s‖v")
            #expect((answer["signers"] as? [String])?.count == 2, "one member of each signing group")
            keys.insert(try #require(answer["public_key"] as? String))
            signatures.insert(try #require(answer["signature"] as? String))
        }
        #expect(keys.count == 1, "both messages verify under the same key")
        #expect(signatures.count == 2)
        if dealer { #expect(keys.first == registration["public_key"] as? String, "the dealt key signs") }
        #expect(cluster.isEveryNodeRunning, "every node still serving")
    }

    @Test func clientRegistersByDKGAndSignsTwoMessages() async throws {
        try await registerAndSignTwice(dealer: false)
    }

    @Test func clientRegistersByDealerAndSignsTwoMessages() async throws {
        try await registerAndSignTwice(dealer: true)
    }
}
