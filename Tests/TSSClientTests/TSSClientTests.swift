import CGGMP
import Foundation
import Testing
import Secp256k1
import TSS
@testable import TSSClient
import TSSNode

/// The client against a fake transport: the committee it selects is the node's, and the nodes'
/// HTTP errors and fault reports come back as typed ``ClientError``s naming the node.
@Suite struct TSSClientTests {
    /// Answers every POST from a table of (path → answer); records the bodies it was sent.
    final class FakeTransport: ClientTransport, @unchecked Sendable {
        let lock = NSLock()
        var answers: [String: HTTPAnswer]
        var posted: [(URL, [UInt8])] = []
        init(_ answers: [String: HTTPAnswer]) { self.answers = answers }

        func post(_ url: URL, body: [UInt8]) async throws -> HTTPAnswer {
            lock.withLock {
                posted.append((url, body))
                return answers[url.path] ?? HTTPAnswer(status: 404, body: [])
            }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// A network.json with `count` members (ports on 127.0.0.1) and `groups` as member indices.
    static func networkJSON(count: Int, groups: [[Int]], threshold: Int) throws -> (json: [UInt8], ids: [PartyID]) {
        var rng = SystemRandomNumberGenerator()
        var ids: [PartyID] = [], members: [[String: Any]] = []
        for index in 0..<count {
            let id = Ed25519Signer(using: &rng).partyID
            ids.append(id)
            members.append(["id": hex(id.rawRepresentation),
                            "channel_key": hex(X25519PrivateKey.generate(using: &rng).publicKey.rawRepresentation),
                            "http_endpoint": "http://127.0.0.1:\(8000 + index)", "peer_host": "127.0.0.1", "peer_port": 9000 + index])
        }
        let file: [String: Any] = ["parameter_set": "testing", "threshold": threshold, "members": members,
                                   "signing_groups": groups.map { $0.map { hex(ids[$0].rawRepresentation) } }]
        return (Array(try JSONSerialization.data(withJSONObject: file)), ids)
    }

    static func client(_ json: [UInt8], _ transport: FakeTransport) throws -> ThresholdClient {
        var rng = SystemRandomNumberGenerator()
        var policy = PollingPolicy(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5))
        policy.deadline = .seconds(2)
        return ThresholdClient(directory: try ClientDirectory(json: json), identity: Ed25519Signer(using: &rng),
                         transport: transport, polling: policy)
    }

    @Test func committeeSelectionMatchesTheNodes() throws {
        let (json, _) = try Self.networkJSON(count: 6, groups: [[4, 0], [2], [5, 1, 3]], threshold: 3)
        let node = try NetworkDirectory(json: json)
        let client = try Self.client(json, FakeTransport([:]))
        #expect(client.directory.memberIDs == node.memberIDs)
        var rng = SystemRandomNumberGenerator()
        var seen = Set<[PartyID]>()
        for _ in 0..<200 {
            let hash = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let chosen = try client.committee(forMessageHash: hash)
            #expect(chosen == (try SigningCommittee.select(fromGroups: node.signingGroups, messageHash: hash)))
            seen.insert(chosen)
        }
        #expect(seen.count > 1, "different hashes pick different committees")
        #expect(throws: ClientError.committee(.wrongMessageHashLength(3))) { try client.committee(forMessageHash: [1, 2, 3]) }
    }

    @Test func directoryErrorsNameTheField() throws {
        let (json, _) = try Self.networkJSON(count: 3, groups: [[0], [1]], threshold: 2)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        object["threshold"] = 3
        let bad = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: ClientError.self) { try ClientDirectory(json: bad) }
        do { _ = try ClientDirectory(json: bad) } catch { #expect(error == .directory(field: "signing_groups", reason: "2 groups for threshold 3")) }
        do { _ = try ClientDirectory(json: Array("{}".utf8)) } catch {
            guard case .directory(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("threshold"))
        }
    }

    @Test func anHTTPErrorBecomesATypedErrorNamingTheNode() async throws {
        let (json, ids) = try Self.networkJSON(count: 3, groups: [[0], [1, 2]], threshold: 2)
        let body = #"{"error":{"code":"registration_rejected","field":"dealer.envelope","message":"rejected"}}"#
        let transport = FakeTransport(["/user/new": HTTPAnswer(status: 422, body: Array(body.utf8))])
        let client = try Self.client(json, transport)
        do {
            _ = try await client.registerDKG(blockNumber: 7)
            Issue.record("no error")
        } catch {
            #expect(error == .http(node: ids.sorted()[0], status: 422, code: "registration_rejected",
                                   message: "rejected", field: "dealer.envelope"))
            #expect(error.node == ids.sorted()[0])
            #expect(error.description.contains("422 registration_rejected"))
        }
        let sent = try #require(transport.posted.first)
        let request = try #require(try JSONSerialization.jsonObject(with: Data(sent.1)) as? [String: [String: Any]])
        #expect(request["dkg"]?["user"] as? String == Self.hex(client.identity.partyID.rawRepresentation))
        #expect(request["dkg"]?["block_number"] as? Int == 7)

        // A body without the API's error shape still gives the status, code "unknown".
        transport.answers["/user/new"] = HTTPAnswer(status: 503, body: Array("oops".utf8))
        await #expect(throws: ClientError.http(node: ids.sorted()[0], status: 503, code: "unknown", message: "no error body", field: nil)) {
            try await client.registerDKG(blockNumber: 7)
        }
    }

    @Test func aFailedSigningCarriesTheFaultReport() async throws {
        let (json, ids) = try Self.networkJSON(count: 3, groups: [[0], [1, 2]], threshold: 2)
        let requestID = String(repeating: "ab", count: 32)
        let hash = Self.hex(try MessageHashing.sha256.prehash(of: Array("pay bob".utf8)).rawRepresentation)
        let culprit = Self.hex(ids[1].rawRepresentation)
        let pending = #"{"request_id":"\#(requestID)","message_hash":"\#(hash)","signers":[],"status":"pending"}"#
        let failed = #"{"request_id":"\#(requestID)","message_hash":"\#(hash)","signers":[],"status":"failed","#
            + #""failure":{"reason":"proven fault","phase":"signing","culprit":"\#(culprit)","fault":"AAEC","unresponsive":[]}}"#
        let transport = FakeTransport(["/user/sign_tx": HTTPAnswer(status: 202, body: Array(pending.utf8)),
                                       "/signer/signature": HTTPAnswer(status: 200, body: Array(failed.utf8))])
        let client = try Self.client(json, transport)
        do {
            _ = try await client.sign(message: Array("pay bob".utf8), blockNumber: 9)
            Issue.record("no error")
        } catch {
            guard case .signingFailed(_, let report) = error else { Issue.record("\(error)"); return }
            #expect(report.culprit == ids[1])
            #expect(report.fault == "AAEC")
            #expect(report.phase == "signing")
        }
        // One envelope to each committee member, then polls.
        let committee = try client.committee(forMessageHash: try #require(Hex.decode(hash)))
        let signTx = transport.posted.filter { $0.0.path == "/user/sign_tx" }
        #expect(signTx.count == committee.count)
        #expect(Set(signTx.map { $0.0.port }) == Set(committee.map { client.directory.member($0)!.httpEndpoint.port }))
    }

    @Test func pendingPastTheDeadlineTimesOut() async throws {
        let (json, _) = try Self.networkJSON(count: 3, groups: [[0], [1, 2]], threshold: 2)
        let hash = Self.hex(try MessageHashing.sha256.prehash(of: [1]).rawRepresentation)
        let pending = #"{"request_id":"\#(String(repeating: "cd", count: 32))","message_hash":"\#(hash)","signers":[],"status":"pending"}"#
        let transport = FakeTransport(["/user/sign_tx": HTTPAnswer(status: 202, body: Array(pending.utf8)),
                                       "/signer/signature": HTTPAnswer(status: 200, body: Array(pending.utf8))])
        var client = try Self.client(json, transport)
        client.polling.deadline = .milliseconds(50)
        do {
            _ = try await client.sign(message: [1], blockNumber: 9)
            Issue.record("no error")
        } catch {
            guard case .timedOut(let stillPending) = error else { Issue.record("\(error)"); return }
            #expect(stillPending.count == 2)
        }
    }
}
