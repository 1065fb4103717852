// A whole three-server registration, presigning, signing and restart, written only against the
// library's public API (no `@testable`), the way a threshold server drives it: every server has a
// `PartyDriver`, pushes in the bytes its peers send, persists each journal before sending, and
// after a crash restores its flows from what it persisted.

import BigNum
import Bytes
import CGGMP
import Crypto
import Foundation
import Secp256k1
import Synchronization
import Testing
import TestSupport
import TSS
import TSSNode
import TSSStore

/// One server: its identity, its driver, its encrypted store (key shares, aux info, presignature
/// pool, journals) and what it has finished.
final class ExampleServer: @unchecked Sendable {
    let index: Int
    let identity: Ed25519Signer
    let store: NodeStore
    var driver: PartyDriver
    var failures: [String: FlowError] = [:]

    init(index: Int, identity: Ed25519Signer, store: NodeStore) {
        self.index = index
        self.identity = identity
        self.store = store
        self.driver = PartyDriver(me: identity.partyID)
    }

    var party: PartyID { identity.partyID }
}

/// The loopback network: messages in flight, delivered in order.
struct ExampleNetwork {
    var servers: [PartyID: ExampleServer]
    var inFlight: [(recipient: PartyID, bytes: [UInt8], sender: PartyID)] = []

    /// Carries out a server's actions: persist journals, queue messages, note failures.
    mutating func perform(_ actions: [PartyDriver.Action], by server: ExampleServer) throws {
        for action in actions {
            switch action {
            case .persist(let journal):
                try server.store.saveFlowJournal(journal)
            case .send(let outgoing):
                for recipient in outgoing.recipients {
                    inFlight.append((recipient, outgoing.message.encoded, server.party))
                }
            case .finished:
                break
            case .failed(let id, let error):
                server.failures[id] = error
            case .dropped(_, let reason):
                Issue.record("dropped: \(reason)")
            }
        }
    }

    /// Delivers until nothing is in flight. After `crashAfter` deliveries the `crashing` server
    /// loses its memory: `restart` gives it a new driver with its flows restored from its store,
    /// and returns the actions of restarting them.
    mutating func deliverAll(crashAfter: Int? = nil, crashing: PartyID? = nil,
                             restart: (ExampleServer) throws -> [PartyDriver.Action] = { _ in [] }) throws {
        var delivered = 0
        while !inFlight.isEmpty {
            let next = inFlight.removeFirst()
            let server = servers[next.recipient]!
            try perform(server.driver.receive(bytes: next.bytes, from: next.sender), by: server)
            delivered += 1
            if delivered == crashAfter, let crashing {
                let server = servers[crashing]!
                try perform(restart(server), by: server)
            }
        }
    }
}

@Suite struct ThreeServerExample {
    static let parameters = SchemeParameters.named("testing")!  // parameter sets by name

    static func primes(_ index: Int) throws -> AuxGenPrimes {
        let blum = try CommittedPrimes.hex(kind: "blum", bits: parameters.paillierPrimeBits).map { try BigInt(hex: $0) }
        let safe = try CommittedPrimes.hex(kind: "safe", bits: parameters.paillierPrimeBits).map { try BigInt(hex: $0) }
        return AuxGenPrimes(paillierP: blum[2 * index], paillierQ: blum[2 * index + 1],
                            ringPedersenP: safe[2 * index], ringPedersenQ: safe[2 * index + 1])
    }

    static func seed(_ label: String, _ server: ExampleServer) -> SecretBytes {
        // A real server draws 32 bytes from the system generator; fixed here for a reproducible run.
        SecretBytes(Array(SHA256.hash(data: Data("\(label)/\(server.index)".utf8))))
    }

    @Test func registerPresignSignAndRestart() throws {
        let identities = (0..<3).map { try! Ed25519Signer(seed: [UInt8](repeating: 0x61 + UInt8($0), count: 32)) }
        var random = SystemRandomNumberGenerator()
        let servers = try identities.enumerated().map { index, identity in
            ExampleServer(index: index, identity: identity,
                          store: NodeStore(store: try ShareStore.create(backend: InMemoryRecordBackend(),
                                                                        masterKey: MasterKey.random(using: &random),
                                                                        using: &random),
                                           parameters: Self.parameters, generator: SystemRandomNumberGenerator()))
        }
        var network = ExampleNetwork(servers: Dictionary(uniqueKeysWithValues: servers.map { ($0.party, $0) }))
        let user = Array("example-user".utf8)

        // 1. Registration (KeyInit → handover → KeyResharing → AuxGen); server 2 crashes midway
        //    and restores its flow from the journal it persisted.
        let plan = try RegistrationPlan(committee: servers.map(\.party), threshold: 2, user: user, blockNumber: 1)
        func registration(_ server: ExampleServer) throws -> JournaledFlow<RegistrationFlow>.MakeFlow {
            let primes = try Self.primes(server.index)
            let identity = server.identity
            return { registry, _ throws(FlowError) in
                try RegistrationFlow(plan: plan, signer: identity, parameters: Self.parameters, primes: primes,
                                     usedSessionIDs: registry)
            }
        }
        for server in servers {
            let flow = try JournaledFlow(id: "registration", seed: Self.seed("registration", server),
                                         usedSessionIDs: server.store, makeFlow: registration(server))
            try network.perform(server.driver.start(flow), by: server)
        }
        try network.deliverAll(crashAfter: 20, crashing: servers[2].party) { crashed in
            crashed.driver = PartyDriver(me: crashed.party)
            let journal = try #require(try crashed.store.takeFlowJournal(id: "registration"))
            let restored = try JournaledFlow<RegistrationFlow>.restore(journal, makeFlow: registration(crashed))
            return try crashed.driver.start(restored)
        }
        var publicKey: Point?
        for server in servers {
            #expect(server.failures.isEmpty)
            let output = try #require(server.driver.output(of: "registration", as: RegistrationFlow.self))
            try server.store.save(output)
            if let publicKey { #expect(output.keyShare.publicKey == publicKey) }
            publicKey = output.keyShare.publicKey
        }
        let key = try #require(publicKey)

        // 2. A new process opens the stores: here, the same stores read back through new drivers.
        for server in servers { server.driver = PartyDriver(me: server.party) }

        // 3. Servers 0 and 1 presign into their pools.
        let signers = [servers[0], servers[1]]
        let signerIDs = signers.map(\.party)
        for server in signers {
            let registered = try #require(try server.store.loadRegistration(publicKey: key))
            let identity = server.identity
            let flow = try JournaledFlow(id: "presign-0", seed: Self.seed("presign", server), usedSessionIDs: server.store) {
                registry, _ throws(FlowError) in
                try PresignFlow(user: user, blockNumber: 2, signers: signerIDs, poolIndex: 0, keyShare: registered.keyShare,
                                auxInfo: registered.auxInfo, usedSessionIDs: registry, signer: identity,
                                parameters: Self.parameters)
            }
            try network.perform(server.driver.start(flow), by: server)
        }
        try network.deliverAll()
        var pool = ""
        for server in signers {
            let slot = try #require(server.driver.output(of: "presign-0", as: PresignFlow.self))
            pool = try server.store.addPresignature(slot, id: "0")
        }

        // 4. Sign from the pool; server 1 crashes mid-signing and resumes from its taken journal.
        let prehash = try Prehash(rawRepresentation: Array(SHA256.hash(data: Data("send 1 token".utf8))))
        let request = try SigningRequest(user: user, blockNumber: 3, prehash: prehash, derivationPath: "m", signers: signerIDs)
        func signing(_ server: ExampleServer) throws -> JournaledFlow<SigningFlow>.MakeFlow {
            let registered = try #require(try server.store.loadRegistration(publicKey: key))
            let identity = server.identity
            return { registry, entry throws(FlowError) in
                guard let entry, let presignature = try? Presignature(encoded: entry.withUnsafeBytes { Array($0) },
                                                                      parameters: Self.parameters) else {
                    throw .presignatureAlreadyUsed
                }
                return try SigningFlow(request: request, keyShare: registered.keyShare, auxInfo: registered.auxInfo,
                                       presignature: PresignatureSlot(presignature), usedSessionIDs: registry,
                                       signer: identity, parameters: Self.parameters)
            }
        }
        for server in signers {
            // Every signer takes the presignature the signers agreed on (here: id "0").
            let pooled = try #require(try server.store.takePresignature(pool: pool, id: "0"))
            guard let presignature = pooled.slot.take() else { throw FlowError.presignatureAlreadyUsed }
            let entry = SecretBytes(presignature.encoded)
            let flow = try JournaledFlow(id: "sign", seed: Self.seed("sign", server), entry: entry,
                                         usedSessionIDs: server.store, makeFlow: signing(server))
            try network.perform(server.driver.start(flow), by: server)
        }
        try network.deliverAll(crashAfter: 2, crashing: servers[1].party) { crashed in
            crashed.driver = PartyDriver(me: crashed.party)
            let restored = try JournaledFlow<SigningFlow>.restore(takingFrom: crashed.store, id: "sign",
                                                                  makeFlow: signing(crashed))
            return try crashed.driver.start(restored)
        }
        for server in signers {
            #expect(server.failures.isEmpty)
            let output = try #require(server.driver.output(of: "sign", as: SigningFlow.self))
            let signature = try RecoverableSignature(rawRepresentation: output.signature)
            #expect(signature.signature.isValid(for: prehash, publicKey: key))
            #expect(try signature.recoverPublicKey(from: prehash) == key)
        }
        // The pool is empty: the presignature was taken once.
        #expect(try servers[0].store.presignatureCount(pool: pool) == 0)
    }
}
