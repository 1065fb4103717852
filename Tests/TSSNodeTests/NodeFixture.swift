import BigNum
import CGGMP
import Foundation
import Secp256k1
import TestSupport
import TSS
import TSSStore
@testable import TSSNode

// A minimal copy of Tests/TSSTests/FlowTestSupport.swift (it needs CGGMP and TSS, so it cannot move
// to TestSupport): three servers, committed AuxGen primes, the `testing` parameter set.

/// Three servers' identity seeds (0x51…, 0x52…, 0x53…), in the order of `nodeServers`.
let nodeSeeds: [[UInt8]] = (0..<3).map { [UInt8](repeating: 0x51 + UInt8($0), count: 32) }
    .sorted { try! Ed25519Signer(seed: $0).partyID < Ed25519Signer(seed: $1).partyID }
/// Three servers with deterministic identities, sorted by identity.
let nodeServers: [Ed25519Signer] = nodeSeeds.map { try! Ed25519Signer(seed: $0) }

let nodeUser = Array("node-store-user".utf8)

func committedPrimes(index: Int, bits: Int) -> AuxGenPrimes {
    let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
    let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
    return AuxGenPrimes(paillierP: blum[2 * index], paillierQ: blum[2 * index + 1],
                        ringPedersenP: safe[2 * index], ringPedersenQ: safe[2 * index + 1])
}

func generators(_ servers: [Ed25519Signer], seed: UInt64) -> [PartyID: ChaChaRandom] {
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, server) in servers.enumerated() {
        generators[server.partyID] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
    }
    return generators
}

enum Fixture {
    /// One 2-of-3 registration (distributed design), run once for every test.
    static let registrations: [PartyID: RegistrationOutput] = {
        let plan = try! RegistrationPlan(committee: nodeServers.map(\.partyID), threshold: 2, user: nodeUser, blockNumber: 7)
        let flows = nodeServers.enumerated().map { index, server in
            try! RegistrationFlow(plan: plan, signer: server, parameters: .testing,
                                  primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                                  usedSessionIDs: UsedSessionIDs())
        }
        var runner = FlowRunner(machines: flows, generators: generators(nodeServers, seed: 91))
        guard case .finished(let outputs) = runner.run() else { preconditionFailure("registration failed") }
        return outputs
    }()

    /// The registered public key.
    static var publicKey: Point { registrations[nodeServers[0].partyID]!.keyShare.publicKey }

    /// Runs presigning among `signers` for the child key at `path`, pool index `poolIndex`; every
    /// signer's presignature slot, the flows' pool key id and session id.
    static func presign(signers: [Ed25519Signer], path: String = "m", poolIndex: UInt64, seed: UInt64) throws
        -> (slots: [PartyID: PresignatureSlot], pool: String, sessionID: SessionID) {
        let ids = signers.map(\.partyID)
        let flows = try signers.map { server in
            try PresignFlow(user: nodeUser, blockNumber: 8, derivationPath: path, signers: ids, poolIndex: poolIndex,
                            keyShare: registrations[server.partyID]!.keyShare, auxInfo: registrations[server.partyID]!.auxInfo,
                            usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing)
        }
        var runner = FlowRunner(machines: flows, generators: generators(signers, seed: seed))
        guard case .finished(let slots) = runner.run() else { preconditionFailure("presigning failed") }
        return (slots, flows[0].poolKeyID, flows[0].sessionID)
    }
}

/// The two backends every store test runs against.
enum BackendKind: String, CaseIterable, Sendable {
    case inMemory, sqlite
}

/// Where a test's store lives: one in-memory backend, or a temporary SQLite file that a second
/// `NodeStore` (the "second process") can open on its own connection.
final class StorePlace {
    let kind: BackendKind
    let directory: URL
    let memory = InMemoryRecordBackend()
    let masterKey: MasterKey
    var path: String { directory.appendingPathComponent("node.sqlite").path }

    init(_ kind: BackendKind) {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tssnode-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var random = SystemRandomNumberGenerator()
        masterKey = MasterKey.random(using: &random)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Creates the store.
    func create(parameters: SchemeParameters = .testing) throws -> NodeStore {
        var random = SystemRandomNumberGenerator()
        let backend: any RecordBackend = switch kind {
        case .inMemory: memory
        case .sqlite: try SQLiteRecordBackend.create(path: path)
        }
        let store = try ShareStore.create(backend: backend, masterKey: masterKey, using: &random)
        return NodeStore(store: store, parameters: parameters, generator: SystemRandomNumberGenerator())
    }

    /// Opens it again (a new SQLite connection for files).
    func reopen(parameters: SchemeParameters = .testing) throws -> NodeStore {
        let backend: any RecordBackend = switch kind {
        case .inMemory: memory
        case .sqlite: try SQLiteRecordBackend.open(path: path)
        }
        return NodeStore(store: try ShareStore.open(backend: backend, masterKey: masterKey), parameters: parameters,
                         generator: SystemRandomNumberGenerator())
    }
}
