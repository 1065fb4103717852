import Bytes
import CGGMP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Noise
import Secp256k1
import Testing
import TSS
import TSSStore
@testable import TSSNode

/// The HTTP API end to end: three nodes over an in-memory network, the testing parameter set.
@Suite(.serialized) struct NodeAPITests {
    /// `/user/new` with a DKG job on every node, then a presignature in the pool, `/user/sign_tx`
    /// to the committee the message selects, and `/signer/signature` until the 65-byte signature.
    @Test func distributedRegistrationAndSigning() async throws {
        let cluster = try await NodeCluster()
        defer { Task { await cluster.stopAll() } }
        let user = apiUser.partyID.rawRepresentation
        let publicKey: Point = try await cluster.withClients { clients in
            // Registration: the same job to every member.
            let job = "{\"dkg\":{\"user\":\"\(hexOf(user))\",\"block_number\":11}}"
            for client in clients {
                let response = try await post(client, "/user/new", job)
                #expect(response.status == .accepted)
                #expect(try jsonObject(response)["status"] as? String == "pending")
            }
            // The same job again is a conflict.
            #expect(try await post(clients[0], "/user/new", job).status == .conflict)
            var keys: [String] = []
            for node in cluster.nodes {
                try await eventually(.seconds(180), "registration") {
                    if case .registered(let key) = node.registrationStatus(user: user) { keys.append(key); return true }
                    if case .failed(let report) = node.registrationStatus(user: user) {
                        Issue.record("registration failed: \(report.reason)")
                        throw CancellationError()
                    }
                    return false
                }
            }
            #expect(Set(keys).count == 1)
            return try Point(sec1Representation: try #require(decodeHex(keys[0])))
        }

        // A presignature for the committee of the message, in every signer's pool.
        let request = SignatureRequest(user: user, blockNumber: 12, message: Array("send 1 token to bob".utf8))
        let signers = try committee(for: request)
        for signer in signers {
            try await cluster.nodes[cluster.index(of: signer)].presign(user: user, signers: signers, poolIndex: 0)
        }
        for signer in signers {
            let node = cluster.nodes[cluster.index(of: signer)]
            try await eventually(.seconds(120), "a pooled presignature") {
                try await node.presignatureCount(user: user, signers: signers) == 1
            }
        }

        try await cluster.withClients { clients in
            let outsider = try #require((0..<3).first { !signers.contains(nodeServers[$0].partyID) })
            let refused = try await post(clients[outsider], "/user/sign_tx", try sealedRequest(request, to: outsider))
            #expect(refused.status == .forbidden)
            #expect(try jsonObject(refused)["error"] != nil)

            var requestID = ""
            for signer in signers {
                let index = cluster.index(of: signer)
                let response = try await post(clients[index], "/user/sign_tx", try sealedRequest(request, to: index))
                #expect(response.status == .accepted)
                let body = try jsonObject(response)
                #expect(body["status"] as? String == "pending")
                requestID = try #require(body["request_id"] as? String)
            }
            // The same request again: a conflict, and the pool was not touched again.
            let first = cluster.index(of: signers[0])
            #expect(try await post(clients[first], "/user/sign_tx", try sealedRequest(request, to: first)).status == .conflict)

            let prehash = try request.prehash()
            for signer in signers {
                let result = try await pollSignature(clients[cluster.index(of: signer)], requestID: requestID)
                #expect(result["status"] as? String == "signed")
                try expectValidSignature(result["signature"] as? String, prehash: prehash, publicKey: publicKey)
            }
            // By message hash too.
            let byHash = try await post(clients[first], "/signer/signature",
                                        "{\"message_hash\":\"\(hexOf(prehash.rawRepresentation))\"}")
            #expect(byHash.status == .ok)
            #expect(try jsonObject(byHash)["signature"] as? String != nil)
        }
        for signer in signers {
            #expect(try await cluster.nodes[cluster.index(of: signer)].presignatureCount(user: user, signers: signers) == 0)
        }
        await cluster.stopAll()
    }

    /// The dealer design: the user deals a 2-of-3 key and seals each share; two nodes get theirs
    /// through `/user/new`, the third through `/user/receive_key` from the other member of its
    /// signing group. AuxGen follows, then a signature under the dealt key.
    @Test func dealerRegistrationAndReceiveKey() async throws {
        let cluster = try await NodeCluster()
        let user = otherUser.partyID.rawRepresentation
        var random = SystemRandomNumberGenerator()
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: nodeServers.map(\.partyID), using: &random)
        var keys: [PartyID: X25519PublicKey] = [:]
        for (index, server) in nodeServers.enumerated() { keys[server.partyID] = nodeChannelKeys[index].publicKey }
        let fromUser = try DealerRegistration.seal(dealt, user: user, dealer: otherUser, recipientKeys: keys)
        // Server 1 hands server 2 its share (they share a signing group); server 0 may not.
        let fromMember = try DealerRegistration.seal(dealt, user: user, dealer: nodeServers[1], recipientKeys: keys)
        let fromOutsider = try DealerRegistration.seal(dealt, user: user, dealer: nodeServers[0], recipientKeys: keys)

        try await cluster.withClients { clients in
            for index in 0..<2 {
                let envelope = envelopeJSON(fromUser[nodeServers[index].partyID]!)
                let response = try await post(clients[index], "/user/new",
                                              "{\"dealer\":{\"user\":\"\(hexOf(user))\",\"block_number\":3,\"envelope\":\(envelope)}}")
                #expect(response.status == .accepted)
            }
            // Another node's envelope does not open here.
            let misdirected = try await post(clients[2], "/user/new",
                "{\"dealer\":{\"user\":\"\(hexOf(user))\",\"block_number\":3,\"envelope\":\(envelopeJSON(fromUser[nodeServers[0].partyID]!))}}")
            #expect(misdirected.status == .unprocessableContent)
            let outsider = try await post(clients[2], "/user/receive_key",
                "{\"user\":\"\(hexOf(user))\",\"block_number\":3,\"envelope\":\(envelopeJSON(fromOutsider[nodeServers[2].partyID]!))}")
            #expect(outsider.status == .forbidden)
            let handedOver = try await post(clients[2], "/user/receive_key",
                "{\"user\":\"\(hexOf(user))\",\"block_number\":3,\"envelope\":\(envelopeJSON(fromMember[nodeServers[2].partyID]!))}")
            #expect(handedOver.status == .accepted)
        }
        let expected = hexOf(dealt.commitment.publicKey.compressedRepresentation)
        for node in cluster.nodes {
            try await eventually(.seconds(120), "dealer registration") {
                node.registrationStatus(user: user) == .registered(publicKey: expected)
            }
        }
        // Sign with the dealt key (no pool: presigning inline).
        let request = SignatureRequest(user: user, blockNumber: 4, message: Array("dealt".utf8))
        let signers = try committee(for: request)
        try await cluster.withClients { clients in
            var requestID = ""
            for signer in signers {
                let index = cluster.index(of: signer)
                let response = try await post(clients[index], "/user/sign_tx", try sealedRequest(request, by: otherUser, to: index))
                #expect(response.status == .accepted)
                requestID = try #require(try jsonObject(response)["request_id"] as? String)
            }
            let result = try await pollSignature(clients[cluster.index(of: signers[0])], requestID: requestID)
            #expect(result["status"] as? String == "signed")
            try expectValidSignature(result["signature"] as? String, prehash: try request.prehash(),
                                     publicKey: dealt.commitment.publicKey)
        }
        await cluster.stopAll()
    }

    /// A signer is stopped mid-signing and a new node is started on its store: it restores its
    /// signing journal and the signature comes out, or (a message lost in the crash) the other
    /// signer gives up and names it.
    @Test func restartMidSigning() async throws {
        let cluster = try await NodeCluster(flowTimeout: .seconds(25), seedRegistrations: true)
        let user = apiUser.partyID.rawRepresentation
        let request = SignatureRequest(user: user, blockNumber: 20, message: Array("restart".utf8))
        let signers = try committee(for: request)
        let crashing = cluster.index(of: signers[1]), staying = cluster.index(of: signers[0])
        let requestID: String = try await cluster.withClients { clients in
            var requestID = ""
            for index in [staying, crashing] {
                let response = try await post(clients[index], "/user/sign_tx", try sealedRequest(request, to: index))
                #expect(response.status == .accepted)
                requestID = try #require(try jsonObject(response)["request_id"] as? String)
            }
            return requestID
        }
        // Mid-signing: the crashing node has persisted its signing journal.
        let crashingStore = cluster.nodes[crashing].store
        try await eventually(.seconds(60), "a persisted signing journal") {
            try crashingStore.journalIDs().contains { $0.hasPrefix("flow:sign:") }
        }
        try await cluster.restart(crashing)
        let publicKey = Fixture.publicKey
        try await cluster.withClients { clients in
            let staying = try await pollSignature(clients[staying], requestID: requestID)
            let restarted = try await pollSignature(clients[crashing], requestID: requestID)
            if staying["status"] as? String == "signed" {
                try expectValidSignature(staying["signature"] as? String, prehash: try request.prehash(), publicKey: publicKey)
                if restarted["status"] as? String == "signed" {
                    #expect(restarted["signature"] as? String == staying["signature"] as? String)
                }
            } else {
                // Gave up: the report names the restarted node among the unresponsive.
                let failure = try #require(staying["failure"] as? [String: Any])
                let unresponsive = failure["unresponsive"] as? [String] ?? []
                #expect(unresponsive.contains(hexOf(nodeServers[crashing].partyID.rawRepresentation))
                        || restarted["status"] as? String == "failed")
            }
        }
        await cluster.stopAll()
    }
}

/// A signer whose peer never joins gives up after the flow timeout and names the silent peer.
@Suite struct NodeTimeoutTests {
    @Test func aSilentSignerIsNamed() async throws {
        let cluster = try await NodeCluster(flowTimeout: .seconds(3), seedRegistrations: true)
        let request = SignatureRequest(user: apiUser.partyID.rawRepresentation, blockNumber: 30, message: Array("alone".utf8))
        let signers = try committee(for: request)
        let asked = cluster.index(of: signers[0]), silent = cluster.index(of: signers[1])
        try await cluster.withClients { clients in
            let response = try await post(clients[asked], "/user/sign_tx", try sealedRequest(request, to: asked))
            #expect(response.status == .accepted)
            let requestID = try #require(try jsonObject(response)["request_id"] as? String)
            let result = try await pollSignature(clients[asked], requestID: requestID)
            #expect(result["status"] as? String == "failed")
            let failure = try #require(result["failure"] as? [String: Any])
            #expect(failure["unresponsive"] as? [String] == [hexOf(nodeServers[silent].partyID.rawRepresentation)])
            #expect(failure["culprit"] == nil)
        }
        await cluster.stopAll()
    }
}

/// Requests that do not match the API: every one gets a 4xx JSON error, and the node goes on
/// serving.
@Suite struct NodeAPIInputTests {
    @Test func malformedRequestsGetJSONErrors() async throws {
        let cluster = try await NodeCluster(seedRegistrations: true)
        try await cluster.withClients { clients in
            let client = clients[0]
            var random = SystemRandomNumberGenerator()
            let garbage = String(decoding: (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }, as: UTF8.self)
            let cases: [(String, String, HTTPResponse.Status)] = [
                ("/user/new", garbage, .badRequest),
                ("/user/new", "", .badRequest),
                ("/user/new", "{", .badRequest),
                ("/user/new", "[]", .badRequest),
                ("/user/new", "{}", .badRequest),
                ("/user/new", "{\"dkg\":{\"user\":\"00\",\"block_number\":1}}", .badRequest),
                ("/user/new", "{\"dkg\":{\"user\":\"\(String(repeating: "ab", count: 32))\",\"block_number\":\"1\"}}", .badRequest),
                ("/user/new", "{\"dkg\":{\"user\":\"\(String(repeating: "ab", count: 32))\",\"block_number\":-1}}", .badRequest),
                ("/user/new", "{\"dkg\":{\"user\":\"\(String(repeating: "ab", count: 32))\",\"block_number\":1,\"extra\":1}}", .badRequest),
                ("/user/new", "{\"dkg\":{\"user\":\"\(String(repeating: "ab", count: 32))\",\"block_number\":1},\"dealer\":1}", .badRequest),
                ("/user/new", "{\"wat\":1}", .badRequest),
                ("/user/receive_key", "{\"user\":1}", .badRequest),
                ("/user/receive_key", "{\"user\":\"\(String(repeating: "ab", count: 32))\",\"block_number\":1,\"envelope\":{\"version\":1,\"encapsulated_key\":\"AA==\",\"ciphertext\":\"AA==\"}}", .badRequest),
                ("/user/sign_tx", "{\"envelope\":\"x\"}", .badRequest),
                ("/user/sign_tx", "{\"envelope\":{\"version\":2,\"encapsulated_key\":\"\",\"ciphertext\":\"\"}}", .badRequest),
                ("/user/sign_tx", "{\"envelope\":{\"version\":1,\"encapsulated_key\":\"\(String(repeating: "A", count: 43))=\",\"ciphertext\":\"\(String(repeating: "A", count: 40))\"}}", .badRequest),
                ("/signer/signature", "{}", .badRequest),
                ("/signer/signature", "{\"request_id\":\"zz\"}", .badRequest),
                ("/signer/signature", "{\"request_id\":\"\(String(repeating: "00", count: 32))\",\"message_hash\":\"\(String(repeating: "00", count: 32))\"}", .badRequest),
                ("/signer/signature", "{\"request_id\":\"\(String(repeating: "00", count: 32))\"}", .notFound),
                ("/no/such/route", "{}", .notFound),
                ("/user/new", "{\"dkg\":" + String(repeating: "[", count: 100_000) + "}", .contentTooLarge),
            ]
            for (uri, body, status) in cases {
                let response = try await post(client, uri, body)
                #expect(response.status == status, "\(uri) \(body.prefix(60))")
                let object = try jsonObject(response)
                #expect((object["error"] as? [String: Any])?["code"] as? String != nil, "\(uri) \(body.prefix(60))")
            }
            // Wrong method, random bytes under a JSON content type, a request that does not
            // open for this node, and one signed by someone else than the user it names.
            let get = try await client.execute(uri: "/user/sign_tx", method: .get)
            #expect((400..<500).contains(get.status.code))
            #expect(try jsonObject(get)["error"] != nil)
            let request = SignatureRequest(user: apiUser.partyID.rawRepresentation, blockNumber: 1, message: [1])
            let forOther = try await post(client, "/user/sign_tx", try sealedRequest(request, to: 1))
            #expect(forOther.status == .badRequest)
            let impostor = try await post(client, "/user/sign_tx", try sealedRequest(request, by: otherUser, to: 0))
            #expect(impostor.status == .forbidden)
            let unknown = SignatureRequest(user: otherUser.partyID.rawRepresentation, blockNumber: 1, message: [1])
            if try committee(for: unknown).contains(nodeServers[0].partyID) {
                #expect(try await post(client, "/user/sign_tx", try sealedRequest(unknown, by: otherUser, to: 0)).status == .notFound)
            }
            let badPath = SignatureRequest(user: apiUser.partyID.rawRepresentation, blockNumber: 1, message: [2],
                                           derivationPath: "m/0'")
            if try committee(for: badPath).contains(nodeServers[0].partyID) {
                #expect(try await post(client, "/user/sign_tx", try sealedRequest(badPath, to: 0)).status == .unprocessableContent)
            }
            // Still serving.
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        await cluster.stopAll()
    }

    @Test func healthMetricsAndOpenAPIAreServed() async throws {
        let cluster = try await NodeCluster()
        try await cluster.withClients { clients in
            let health = try await clients[1].execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let object = try jsonObject(health)
            #expect(object["status"] as? String == "ok")
            #expect(object["party"] as? String == hexOf(nodeServers[1].partyID.rawRepresentation))
            #expect(object["parameter_set"] as? String == SchemeParameters.testing.name)

            let metrics = try await clients[1].execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains("tss_http_requests_total"))
            #expect(text.contains("tss_flows_running"))

            let openAPI = try await clients[1].execute(uri: "/openapi.yaml", method: .get)
            #expect(openAPI.status == .ok)
            let served = String(buffer: openAPI.body)
            #expect(served.hasPrefix("openapi: 3"))
            for route in ["/user/new:", "/user/receive_key:", "/user/sign_tx:", "/signer/signature:", "/healthz:", "/metrics:", "/openapi.yaml:"] {
                #expect(served.contains(route))
            }
        }
        await cluster.stopAll()
    }

    /// The embedded document is docs/openapi.yaml (scripts/embed-openapi.sh regenerates it).
    @Test func theEmbeddedOpenAPIDocumentIsTheFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(OpenAPIDocument.yaml + "\n" == file)
    }

    @Test func aStoppedNodeRefusesWork() async throws {
        let cluster = try await NodeCluster()
        await cluster.nodes[0].stop()
        try await cluster.withClients { clients in
            let job = "{\"dkg\":{\"user\":\"\(hexOf(apiUser.partyID.rawRepresentation))\",\"block_number\":1}}"
            let refused = try await post(clients[0], "/user/new", job)
            #expect(refused.status == .serviceUnavailable)
            let health = try await clients[0].execute(uri: "/healthz", method: .get)
            #expect(health.status == .serviceUnavailable)
        }
        await cluster.stopAll()
    }
}
