import BigNum
import Crypto
import Foundation
import Secp256k1
import Testing
import TestSupport
import TSSStore
@testable import CGGMP
@testable import TSS

private func prehash(_ text: String) throws -> Prehash {
    try Prehash(rawRepresentation: Array(Crypto.SHA256.hash(data: Data(text.utf8))))
}

/// A `SessionIDRegistry` over TSSStore's persistent tombstones (the adapter a server writes where
/// both modules are linked).
struct StoreSessionIDRegistry: SessionIDRegistry {
    let store: ShareStore

    func claim(_ id: SessionID) throws(FlowError) {
        var random = SystemRandomNumberGenerator()
        do {
            try store.markSessionIDUsed(id.rawRepresentation, using: &random)
        } catch .sessionIDAlreadyUsed {
            throw .sessionIDReused(id)
        } catch {
            throw .sessionIDRegistry(error)
        }
    }
}

/// A `SessionJournalStore` over TSSStore's encrypted journal records.
struct StoreJournalStore: SessionJournalStore {
    let store: ShareStore
    let keyID: String

    static func journalID(protocolTag: String, sessionID: [UInt8]) -> String {
        hexString(Array(Crypto.SHA256.hash(data: Data(protocolTag.utf8)))) + "/" + hexString(sessionID)
    }

    func saveJournal(_ encoded: [UInt8], protocolTag: String, sessionID: [UInt8]) throws {
        var random = SystemRandomNumberGenerator()
        try store.saveJournal(encoded, version: UInt32(SessionJournal.encodingVersion), keyID: keyID,
                              journalID: Self.journalID(protocolTag: protocolTag, sessionID: sessionID), using: &random)
    }

    func takeJournal(protocolTag: String, sessionID: [UInt8]) throws -> [UInt8]? {
        try store.takeJournal(keyID: keyID, journalID: Self.journalID(protocolTag: protocolTag, sessionID: sessionID))?.payload
    }
}

/// Finding "signing session ids collide": the signing id binds the derivation path and an attempt
/// counter, presign-only sessions have their own kind, and a party never runs an id twice.
@Suite struct SessionReuseTests {
    let parties = [party(3), party(1), party(2)]
    let user = Array("user account".utf8)
    let hash = [UInt8](repeating: 0xab, count: 32)

    func signingID(path: String, attempt: UInt64) throws -> SessionID {
        try SessionID(kind: .signing(messageHash: hash, derivationPath: path, attempt: attempt), participants: parties,
                      user: user, blockNumber: 7)
    }

    @Test func testSigningSessionIDBindsDerivationPathAndAttempt() throws {
        // The same message hash, signers, user and block: two derived keys, and a retry.
        let ids = try [signingID(path: "m", attempt: 0), signingID(path: "m/0", attempt: 0),
                       signingID(path: "m/1", attempt: 0), signingID(path: "m/0", attempt: 1)]
        #expect(Set(ids).count == ids.count)
        // Through the request as the flow builds it.
        let a = try SigningRequest(user: user, blockNumber: 7, prehash: Prehash(rawRepresentation: hash), derivationPath: "m/0",
                                   signers: parties)
        let b = try SigningRequest(user: user, blockNumber: 7, prehash: Prehash(rawRepresentation: hash), derivationPath: "m/1",
                                   signers: parties)
        let retry = try SigningRequest(user: user, blockNumber: 7, prehash: Prehash(rawRepresentation: hash), derivationPath: "m/0",
                                       signers: parties, attempt: 1)
        #expect(Set([a.sessionID, b.sessionID, retry.sessionID]).count == 3)
    }

    @Test func testPresigningSessionIDBindsKeyEpochAndPoolIndex() throws {
        let epoch = try KeyEpoch(rawRepresentation: [UInt8](repeating: 1, count: 32))
        let otherEpoch = try KeyEpoch(rawRepresentation: [UInt8](repeating: 2, count: 32))
        func id(_ key: Point, _ epoch: KeyEpoch, _ index: UInt64) throws -> SessionID {
            try SessionID(kind: .presigning(publicKey: key, epoch: epoch, poolIndex: index), participants: parties,
                          user: user, blockNumber: 7)
        }
        let ids = try [id(.generator, epoch, 0), id(.generator, epoch, 1), id(.generator, otherEpoch, 0),
                       id(.generatorMultiple(Scalar(2)), epoch, 0),
                       SessionID(kind: .signing(messageHash: hash, derivationPath: "m", attempt: 0), participants: parties,
                                 user: user, blockNumber: 7)]
        #expect(Set(ids).count == ids.count)
    }

    @Test func testReusedSessionIDIsRefused() throws {
        let registry = UsedSessionIDs()
        let id = try signingID(path: "m", attempt: 0)
        try registry.claim(id)
        #expect(throws: FlowError.self) { try registry.claim(id) }
        do { try registry.claim(id) } catch {
            guard case .sessionIDReused(let reused) = error else { Issue.record("\(error)"); return }
            #expect(reused == id)
        }
        try registry.claim(try signingID(path: "m", attempt: 1))

        // Registration: a second flow for the same plan on the same server is refused.
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 77)
        let primes = committedPrimes(index: 0, bits: SchemeParameters.testing.paillierPrimeBits)
        let used = UsedSessionIDs()
        _ = try RegistrationFlow(plan: plan, signer: servers[0], parameters: .testing, primes: primes, usedSessionIDs: used)
        #expect(used.contains(plan.reshareID) && used.contains(plan.auxiliaryInfoID))
        do {
            _ = try RegistrationFlow(plan: plan, signer: servers[0], parameters: .testing, primes: primes, usedSessionIDs: used)
            Issue.record("a registration ran twice")
        } catch {
            guard case .sessionIDReused = error else { Issue.record("expected .sessionIDReused, got \(error)"); return }
        }

        // Signing: the same request twice on one server is refused before any session starts,
        // and the refusal survives a restart when the registry is the store.
        var registration = try registrationRunner(servers, seed: 91)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let request = try SigningRequest(user: flowUser, blockNumber: 78, prehash: try prehash("once"), derivationPath: "m/2",
                                         signers: [servers[0].partyID, servers[1].partyID])
        var random = ChaChaRandom(testSeed: 92)
        let backend = InMemoryRecordBackend()
        let masterKey = MasterKey.random(using: &random)
        let store = try ShareStore.create(backend: backend, masterKey: masterKey, using: &random)
        func signingFlow(_ registry: some SessionIDRegistry) throws(FlowError) -> SigningFlow {
            try SigningFlow(request: request, keyShare: outputs[servers[0].partyID]!.keyShare,
                            auxInfo: outputs[servers[0].partyID]!.auxInfo, usedSessionIDs: registry, signer: servers[0],
                            parameters: .testing)
        }
        _ = try signingFlow(StoreSessionIDRegistry(store: store))
        let reopened = try ShareStore.open(backend: backend, masterKey: masterKey)
        #expect(try reopened.isSessionIDUsed(request.sessionID.rawRepresentation))
        do {
            _ = try signingFlow(StoreSessionIDRegistry(store: reopened))
            Issue.record("a signing session id ran twice")
        } catch {
            guard case .sessionIDReused(let reused) = error else { Issue.record("expected .sessionIDReused, got \(error)"); return }
            #expect(reused == request.sessionID)
        }
        // Tombstones cannot be deleted.
        #expect(throws: StoreError.self) { try reopened.delete(try RecordKey.usedSessionID(request.sessionID.rawRepresentation)) }
        #expect(throws: StoreError.self) { try reopened.deleteAll(keyID: RecordKey.usedSessionIDsKeyID) }
        #expect(try reopened.isSessionIDUsed(request.sessionID.rawRepresentation))
    }

    /// Journals kept in TSSStore are restored by taking them: the second take finds nothing.
    @Test func testStoredJournalIsTakenOnce() throws {
        var random = ChaChaRandom(testSeed: 93)
        for backend in [InMemoryRecordBackend() as any RecordBackend,
                        try SQLiteRecordBackend.create(path: NSTemporaryDirectory() + "journal-\(UUID().uuidString).sqlite")] {
            let store = try ShareStore.create(backend: backend, masterKey: MasterKey.random(using: &random), using: &random)
            try store.saveJournal([1, 2, 3], version: 2, keyID: "k", journalID: "j", using: &random)
            try store.saveJournal([4, 5], version: 2, keyID: "k", journalID: "j", using: &random)  // replaced after a round
            #expect(try store.takeJournal(keyID: "k", journalID: "j")?.payload == [4, 5])
            #expect(try store.takeJournal(keyID: "k", journalID: "j") == nil)
            #expect(try store.takeJournal(keyID: "k", journalID: "other") == nil)
            // A CGGMP restore through the adapter: the journal is gone from the store afterwards.
            let signers = flowServers(2)
            func make() throws -> Session<AdditiveKeyShare> {
                try KeyInit.makeSession(sessionID: Array("stored journal".utf8), committee: signers.map(\.partyID),
                                        signer: signers[0], parameters: .testing)
            }
            var journaled = try JournaledSession(session: make(), seed: [UInt8](repeating: 9, count: 32))
            _ = try journaled.makeMessages()
            let adapter = StoreJournalStore(store: store, keyID: "k")
            try journaled.save(to: adapter)
            let restored = try JournaledSession.restore(takingFrom: adapter, makeSession: make)
            #expect(restored.journal == journaled.journal)
            #expect(throws: SessionJournalReplayError.self) { try JournaledSession.restore(takingFrom: adapter, makeSession: make) }
            #expect(try store.keys(kind: .journal).isEmpty)
        }
    }
}
