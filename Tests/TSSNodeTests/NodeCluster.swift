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

// Three in-process ThresholdNodes over an InMemoryPeerNetwork, with the testing parameter set and
// committed AuxGen primes (NodeFixture.swift), and their HTTP APIs on Hummingbird's router test
// framework (no sockets).

/// The nodes' X25519 channel keys (fixed bytes), in the order of `nodeServers`.
let nodeChannelKeys: [X25519PrivateKey] = (0..<3).map { try! X25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x41 + UInt8($0), count: 32)) }

/// A user's identity key (the user signs its requests; its public key is its account).
let apiUser = try! Ed25519Signer(seed: [UInt8](repeating: 0x77, count: 32))
let otherUser = try! Ed25519Signer(seed: [UInt8](repeating: 0x78, count: 32))

func hexOf(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// The directory of the three servers: 2-of-3, groups [[server 0], [server 1, server 2]].
let clusterDirectory: NetworkDirectory = try! NetworkDirectory(
    parameters: .testing, threshold: 2,
    members: nodeServers.enumerated().map { index, server in
        DirectoryMember(id: server.partyID, channelKey: nodeChannelKeys[index].publicKey,
                        httpEndpoint: "http://127.0.0.1:\(8001 + index)", peerHost: "127.0.0.1", peerPort: 9001 + index)
    },
    signingGroups: [[nodeServers[0].partyID], [nodeServers[1].partyID, nodeServers[2].partyID]])

/// Three nodes, each with its own SQLite store, on one in-memory network.
final class NodeCluster: @unchecked Sendable {
    let network = InMemoryPeerNetwork()
    let places: [StorePlace]
    var nodes: [ThresholdNode]
    let timeout: Duration
    /// Fault drills: the outgoing rewrite of the nodes that cheat, by index.
    let tampers: [Int: ThresholdNode.Configuration.OutgoingTamper]

    let poolTarget: Int

    init(flowTimeout: Duration = .seconds(120), seedRegistrations: Bool = false,
         tampers: [Int: ThresholdNode.Configuration.OutgoingTamper] = [:], poolTarget: Int = 0) async throws {
        timeout = flowTimeout
        self.tampers = tampers
        self.poolTarget = poolTarget
        places = (0..<3).map { _ in StorePlace(.sqlite) }
        nodes = []
        for index in 0..<3 {
            let store = try places[index].create()
            if seedRegistrations {
                // The fixture's 2-of-3 registration, recorded as `apiUser`'s key.
                let output = Fixture.registrations[nodeServers[index].partyID]!
                try store.save(output)
                try store.saveUserRegistration(UserRegistration(
                    user: hexOf(apiUser.partyID.rawRepresentation),
                    publicKey: hexOf(output.keyShare.publicKey.compressedRepresentation),
                    epoch: hexOf(output.keyShare.epoch.rawRepresentation), blockNumber: 7))
            }
            nodes.append(try makeNode(index, store: store))
        }
        for node in nodes { try await node.start() }
    }

    func makeNode(_ index: Int, store: NodeStore) throws -> ThresholdNode {
        try ThresholdNode(identity: nodeServers[index], channelKey: nodeChannelKeys[index], store: store,
                          directory: clusterDirectory, transport: network.endpoint(for: nodeServers[index].partyID),
                          primes: { _ in committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits) },
                          configuration: .init(flowTimeout: timeout, retryInterval: .milliseconds(50),
                                               presignaturePoolTarget: poolTarget, poolCheckInterval: .milliseconds(200),
                                               outgoingTamper: tampers[index]))
    }

    /// Stops node `index` as a crash would (its memory and its network endpoint are gone), then
    /// starts a new node on the same store file with a new endpoint.
    func restart(_ index: Int) async throws {
        await nodes[index].stop()
        network.disconnect(nodeServers[index].partyID)
        let node = try makeNode(index, store: try places[index].reopen())
        nodes[index] = node
        try await node.start()
    }

    func stopAll() async {
        for node in nodes { await node.stop() }
    }

    /// Runs `body` with an HTTP test client for every node.
    func withClients<T>(_ body: @Sendable ([any TestClientProtocol]) async throws -> T) async throws -> T {
        let apps = nodes.map { Application(router: NodeAPI.router(node: $0)) }
        return try await apps[0].test(.router) { c0 in
            try await apps[1].test(.router) { c1 in
                try await apps[2].test(.router) { c2 in try await body([c0, c1, c2]) }
            }
        }
    }

    /// The index of a node.
    func index(of party: PartyID) -> Int { nodeServers.firstIndex { $0.partyID == party }! }
}

/// Waits until `condition` holds, checking every 50 ms, for at most `limit`.
func eventually(_ limit: Duration = .seconds(120), _ what: String,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

/// A JSON body.
func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// The response's body as a JSON object.
func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(response.body.readableBytesView)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// POSTs `text` to `uri`.
func post(_ client: any TestClientProtocol, _ uri: String, _ text: String) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: jsonBody(text))
}

/// An envelope as the API's JSON member.
func envelopeJSON(_ envelope: Envelope) -> String { String(decoding: envelope.encoded, as: UTF8.self) }

/// A sealed signing request of `user` to node `index`.
func sealedRequest(_ request: SignatureRequest, by user: Ed25519Signer = apiUser, to index: Int) throws -> String {
    let envelope = try Envelope.seal(request.encoded, signer: user, to: nodeChannelKeys[index].publicKey)
    return "{\"envelope\":\(envelopeJSON(envelope))}"
}

/// The committee a message selects in the cluster's directory.
func committee(for request: SignatureRequest) throws -> [PartyID] {
    try SigningCommittee.select(fromGroups: clusterDirectory.signingGroups, messageHash: request.prehash().rawRepresentation)
}

/// Polls `/signer/signature` for `requestID` until it is no longer pending.
func pollSignature(_ client: any TestClientProtocol, requestID: String) async throws -> [String: Any] {
    let deadline = ContinuousClock.now + .seconds(150)
    while ContinuousClock.now < deadline {
        let response = try await post(client, "/signer/signature", "{\"request_id\":\"\(requestID)\"}")
        if response.status == .ok {
            let object = try jsonObject(response)
            if object["status"] as? String != "pending" { return object }
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting for the signature of \(requestID.prefix(8))")
    throw CancellationError()
}

/// Checks a 65-byte r‖s‖v signature over `prehash` under `publicKey`, and that the key recovers.
func expectValidSignature(_ hex: String?, prehash: Prehash, publicKey: Point) throws {
    let bytes = try #require(hex.flatMap(decodeHex))
    #expect(bytes.count == 65)
    let signature = try RecoverableSignature(rawRepresentation: bytes)
    #expect(signature.signature.isValid(for: prehash, publicKey: publicKey))
    #expect(try signature.recoverPublicKey(from: prehash) == publicKey)
}
