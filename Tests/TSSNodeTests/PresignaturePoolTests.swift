import CGGMP
import Foundation
import Secp256k1
import Testing
import TSS
@testable import TSSNode

/// The pool filler (`ThresholdNode.Configuration.presignaturePoolTarget`): three in-process nodes
/// keep every pool they can sign from at the target, a signing takes from it and the pool is
/// filled again, and pools that got out of step (a signing only one signer saw) are drained and
/// refilled in step instead of failing every pooled signing after.
@Suite(.serialized) struct PresignaturePoolTests {
    let user = apiUser.partyID.rawRepresentation

    /// Every committee of the directory, with its members' node indices.
    var allCommittees: [[PartyID]] {
        get throws {
            var seen: [[PartyID]] = []
            for server in nodeServers {
                for signers in try SigningCommittee.committees(fromGroups: clusterDirectory.signingGroups, including: server.partyID)
                where !seen.contains(signers) { seen.append(signers) }
            }
            return seen
        }
    }

    func waitUntilFull(_ cluster: NodeCluster, target: Int) async throws {
        for signers in try allCommittees {
            for signer in signers {
                let node = cluster.nodes[cluster.index(of: signer)]
                try await eventually(.seconds(240), "a full pool") {
                    try await node.presignatureCount(user: user, signers: signers) == target
                }
            }
        }
    }

    func pool(_ node: ThresholdNode, signers: [PartyID]) async throws -> String {
        let registration = try #require(await node.userRegistration(hexOf(user)))
        return PresignaturePool.keyID(publicKey: try await node.childPublicKey(registration, path: "m"),
                                      epoch: try ThresholdNode.epoch(registration), signers: signers)
    }

    func sign(_ cluster: NodeCluster, _ request: SignatureRequest) async throws -> [[String: Any]] {
        let signers = try committee(for: request)
        return try await cluster.withClients { clients in
            var requestID = ""
            for signer in signers {
                let index = cluster.index(of: signer)
                let response = try await post(clients[index], "/user/sign_tx", try sealedRequest(request, to: index))
                #expect(response.status == .accepted)
                requestID = try #require(try jsonObject(response)["request_id"] as? String)
            }
            var results: [[String: Any]] = []
            for signer in signers { results.append(try await pollSignature(clients[cluster.index(of: signer)], requestID: requestID)) }
            return results
        }
    }

    @Test func theFillerKeepsEveryPoolFullAndRefillsAfterASigning() async throws {
        let cluster = try await NodeCluster(seedRegistrations: true, poolTarget: 2)
        // Groups [[0], [1, 2]]: node 0 sits on both committees, nodes 1 and 2 on one each.
        #expect(try SigningCommittee.committees(fromGroups: clusterDirectory.signingGroups, including: nodeServers[0].partyID).count == 2)
        #expect(try allCommittees.count == 2)
        try await waitUntilFull(cluster, target: 2)
        let exposition = String(decoding: cluster.nodes[0].metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("tss_presignatures_pooled 4"))

        let request = SignatureRequest(user: user, blockNumber: 40, message: Array("pooled".utf8))
        let signers = try committee(for: request)
        for result in try await sign(cluster, request) {
            #expect(result["status"] as? String == "signed")
            try expectValidSignature(result["signature"] as? String, prehash: try request.prehash(), publicKey: Fixture.publicKey)
        }
        // The signing took index 0 on each signer; the filler presigned index 2 on both.
        try await waitUntilFull(cluster, target: 2)
        let registration = try #require(await cluster.nodes[0].userRegistration(hexOf(user)))
        let childKey = try await cluster.nodes[0].childPublicKey(registration, path: "m")
        let third = try SessionID(kind: .presigning(publicKey: childKey, epoch: try ThresholdNode.epoch(registration), poolIndex: 2),
                                  participants: signers, user: user, blockNumber: registration.blockNumber)
        for signer in signers {
            #expect(try cluster.nodes[cluster.index(of: signer)].store.isSessionIDUsed(third))
        }
        await cluster.stopAll()
    }

    /// A signer is down while the other's pool needs filling: the other waits at the next index
    /// and claims nothing (so the two never drift apart); when the signer returns, both fill that
    /// same index.
    @Test func aSignerThatWasDownJoinsTheIndexTheOtherWaitsAt() async throws {
        let cluster = try await NodeCluster(seedRegistrations: true, poolTarget: 1)
        try await waitUntilFull(cluster, target: 1)
        let signers = try #require(try allCommittees.first)
        let staying = cluster.index(of: signers[0]), away = cluster.index(of: signers[1])
        let registration = try #require(await cluster.nodes[staying].userRegistration(hexOf(user)))
        let childKey = try await cluster.nodes[staying].childPublicKey(registration, path: "m")
        let next = try SessionID(kind: .presigning(publicKey: childKey, epoch: try ThresholdNode.epoch(registration), poolIndex: 1),
                                 participants: signers, user: user, blockNumber: registration.blockNumber)

        // The signer goes down; both pools are emptied (a signing both took part in just before).
        await cluster.nodes[away].stop()
        cluster.network.disconnect(nodeServers[away].partyID)
        for index in [staying, away] {
            let store = cluster.nodes[index].store
            #expect(try store.takeOldestPresignature(pool: try await pool(cluster.nodes[staying], signers: signers)) != nil)
        }
        // The other looks at the pool several times meanwhile, and waits at index 1 unclaimed.
        try await Task.sleep(for: .seconds(2))
        #expect(try !cluster.nodes[staying].store.isSessionIDUsed(next))
        #expect(try await cluster.nodes[staying].presignatureCount(user: user, signers: signers) == 0)

        try await cluster.restart(away)
        for index in [staying, away] {
            let node = cluster.nodes[index]
            try await eventually(.seconds(120), "the pool filled again") {
                try await node.presignatureCount(user: user, signers: signers) == 1
            }
            #expect(try node.store.isSessionIDUsed(next))
        }
        await cluster.stopAll()
    }

    /// One signer's pool loses its oldest presignature (as if a signing reached only it). The next
    /// pooled signing names different presignatures: it fails blaming no one, both signers drain
    /// the pool, the filler refills it at the same indices, and the next signing succeeds.
    @Test func poolsOutOfStepAreDrainedAndRefilledInStep() async throws {
        let cluster = try await NodeCluster(seedRegistrations: true, poolTarget: 2)
        try await waitUntilFull(cluster, target: 2)
        let first = SignatureRequest(user: user, blockNumber: 41, message: Array("out of step".utf8))
        let signers = try committee(for: first)
        let behind = cluster.nodes[cluster.index(of: signers[1])]
        let taken = try behind.store.takeOldestPresignature(pool: try await pool(behind, signers: signers))
        #expect(taken != nil)

        for result in try await sign(cluster, first) {
            #expect(result["status"] as? String == "failed")
            let failure = try #require(result["failure"] as? [String: Any])
            #expect((failure["reason"] as? String)?.contains("different presignatures") == true)
            #expect(failure["culprit"] == nil)
        }
        try await waitUntilFull(cluster, target: 2)

        // Another message for the same committee, first attempt: pooled again, and in step.
        var second: SignatureRequest?
        for block in UInt64(42)..<200 {
            let candidate = SignatureRequest(user: user, blockNumber: block, message: Array("in step \(block)".utf8))
            if try committee(for: candidate) == signers { second = candidate; break }
        }
        let request = try #require(second)
        for result in try await sign(cluster, request) {
            #expect(result["status"] as? String == "signed")
            try expectValidSignature(result["signature"] as? String, prehash: try request.prehash(), publicKey: Fixture.publicKey)
        }
        await cluster.stopAll()
    }
}
