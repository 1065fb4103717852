import Bytes
import Foundation
import Noise
import Secp256k1
import Testing
import TestSupport
import TSS
import TSSStore
@testable import CGGMP
@testable import TSSNode

private func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

@Suite struct NodeStoreTests {
    let me = nodeServers[0]
    var output: RegistrationOutput { Fixture.registrations[me.partyID]! }

    // MARK: Registrations

    @Test(arguments: BackendKind.allCases)
    func aRegistrationRoundTrips(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        #expect(try node.loadRegistration(publicKey: Fixture.publicKey) == nil)
        #expect(try node.registeredKeys().isEmpty)

        let keyID = try node.save(output)
        let share = output.keyShare
        #expect(keyID == NodeStore.registrationKeyID(publicKey: share.publicKey, epoch: share.epoch))
        #expect(keyID.utf8.count <= RecordKey.maximumIDByteCount)
        #expect(try node.store.keys(keyID: keyID).map(\.kind) == [.keyShare, .auxInfo, .publicKey])
        for reader in [node, try place.reopen()] {
            let loaded = try #require(try reader.loadRegistration(publicKey: share.publicKey))
            #expect(loaded.keyShare.encoded == share.encoded)
            #expect(loaded.auxInfo.encoded == output.auxInfo.encoded)
            let atEpoch = try #require(try reader.loadRegistration(publicKey: share.publicKey, epoch: share.epoch))
            #expect(atEpoch.keyShare.encoded == share.encoded)
            #expect(try reader.registeredKeys() == [share.publicPart])
        }
        // Another key or another epoch: nothing.
        #expect(try node.loadRegistration(publicKey: Point.generator) == nil)
        let otherEpoch = try KeyEpoch(rawRepresentation: [UInt8](repeating: 9, count: KeyEpoch.byteCount))
        #expect(try node.loadRegistration(publicKey: share.publicKey, epoch: otherEpoch) == nil)
        // Saving again replaces in place.
        #expect(try node.save(output) == keyID)
        #expect(try node.registeredKeys().count == 1)
        #expect(try node.deleteRegistration(publicKey: share.publicKey, epoch: share.epoch))
        #expect(try node.loadRegistration(publicKey: share.publicKey) == nil)
        #expect(try !node.deleteRegistration(publicKey: share.publicKey, epoch: share.epoch))
    }

    /// The public key record is written last: without it the registration is invisible; with it but
    /// without the share the registration is reported incomplete.
    @Test func thePublicKeyRecordMarksARegistrationComplete() throws {
        let place = StorePlace(.inMemory)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let keyID = try node.save(output)
        #expect(try node.store.delete(try RecordKey.publicKey(keyID: keyID)))
        #expect(try node.loadRegistration(publicKey: Fixture.publicKey) == nil)
        #expect(try node.registeredKeys().isEmpty)
        try node.save(output)
        #expect(try node.store.delete(try RecordKey.keyShare(keyID: keyID)))
        #expect(throws: NodeStoreError.incompleteRegistration(keyID: keyID)) {
            try node.loadRegistration(publicKey: Fixture.publicKey)
        }
    }

    @Test func aRegistrationWithAnotherPartysAuxInfoIsRefused() throws {
        let place = StorePlace(.inMemory)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let mixed = RegistrationOutput(keyShare: output.keyShare, auxInfo: Fixture.registrations[nodeServers[1].partyID]!.auxInfo)
        let keyID = NodeStore.registrationKeyID(publicKey: Fixture.publicKey, epoch: output.keyShare.epoch)
        #expect(throws: NodeStoreError.inconsistentRecord(try RecordKey.auxInfo(keyID: keyID),
                                                          reason: "the aux info belongs to another party than the key share")) {
            try node.save(mixed)
        }
        #expect(try node.store.keys().isEmpty)
    }

    /// A record stored under another version than its type's is refused with a typed error, not
    /// decoded; so is one that does not decode, naming the record.
    @Test(arguments: BackendKind.allCases)
    func anotherVersionIsRefused(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let keyID = try node.save(output)
        var random = SystemRandomNumberGenerator()
        let shareKey = try RecordKey.keyShare(keyID: keyID)
        try node.store.put(StoredRecord(version: 99, payload: output.keyShare.encoded), at: shareKey, using: &random)
        #expect(throws: NodeStoreError.store(.encodingVersionMismatch(type: ThresholdKeyShare.encodingHeader.name, stored: 99,
                                                                      expected: ThresholdKeyShare.encodingVersion))) {
            try node.loadRegistration(publicKey: Fixture.publicKey)
        }
        // The right version, bytes that do not decode: the key share error names the record.
        try node.store.put(StoredRecord(version: UInt32(ThresholdKeyShare.encodingVersion), payload: [1, 2, 3]), at: shareKey,
                           using: &random)
        do {
            _ = try node.loadRegistration(publicKey: Fixture.publicKey)
            Issue.record("an undecodable share was loaded")
        } catch {
            guard case .keyShare(let key, .malformedEncoding) = error else { Issue.record("\(error)"); return }
            #expect(key == shareKey)
        }
        // Aux info under other parameters.
        try node.save(output)
        let production = NodeStore(store: node.store, parameters: .production112, generator: SystemRandomNumberGenerator())
        do {
            _ = try production.loadRegistration(publicKey: Fixture.publicKey)
            Issue.record("aux info of another parameter set was loaded")
        } catch {
            guard case .auxInfo(_, .parameterSetMismatch) = error else { Issue.record("\(error)"); return }
        }
        // Raw keys: another version.
        try node.store.put(StoredRecord(version: 2, payload: [UInt8](repeating: 1, count: 32)),
                           at: try RecordKey.identitySeed(keyID: NodeStore.nodeKeyID), using: &random)
        #expect(throws: NodeStoreError.store(.encodingVersionMismatch(type: "identity seed", stored: 2, expected: 1))) {
            try node.loadIdentitySigner()
        }
    }

    // MARK: Presignatures

    /// Pools are per (child key, epoch, signer set); a presignature is taken once, by id or oldest
    /// first, and its id can never be added again.
    @Test(arguments: BackendKind.allCases)
    func presignaturesAreTakenOnceFromTheirOwnPool(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let pairA = [nodeServers[0], nodeServers[1]], pairB = [nodeServers[0], nodeServers[2]]
        let first = try Fixture.presign(signers: pairA, poolIndex: 0, seed: 1)
        let second = try Fixture.presign(signers: pairA, poolIndex: 1, seed: 2)
        let otherSigners = try Fixture.presign(signers: pairB, poolIndex: 0, seed: 3)
        let otherKey = try Fixture.presign(signers: pairA, path: "m/1", poolIndex: 0, seed: 4)

        var pools: [String] = []
        for run in [first, second, otherSigners, otherKey] {
            let id = NodeStore.presignatureID(sessionID: run.sessionID)
            let pool = try node.addPresignature(run.slots[me.partyID]!, id: id)
            #expect(pool == run.pool)
            #expect(run.slots[me.partyID]!.isTaken)
            pools.append(pool)
        }
        #expect(pools[0] == pools[1])
        #expect(Set([pools[0], pools[2], pools[3]]).count == 3)
        #expect(try node.presignatureCount(pool: pools[0]) == 2)
        #expect(try node.presignatureCount(pool: pools[2]) == 1)
        #expect(try node.presignatureCount(pool: pools[3]) == 1)
        let firstID = NodeStore.presignatureID(sessionID: first.sessionID)
        let secondID = NodeStore.presignatureID(sessionID: second.sessionID)
        #expect(try node.presignatureIDs(pool: pools[0]) == [firstID, secondID])
        // Another epoch of the same key and signers is another (empty) pool.
        let otherEpoch = PresignaturePool.keyID(publicKey: Fixture.publicKey,
                                                epoch: try KeyEpoch(rawRepresentation: [UInt8](repeating: 5, count: 32)),
                                                signers: pairA.map(\.partyID))
        #expect(otherEpoch != pools[0])
        #expect(try node.takePresignature(pool: otherEpoch, id: secondID) == nil)
        #expect(try node.takeOldestPresignature(pool: otherEpoch) == nil)
        // The right id in another pool is not there either.
        #expect(try node.takePresignature(pool: pools[2], id: secondID) == nil)

        // By id: the second one, once.
        let taken = try #require(try node.takePresignature(pool: pools[0], id: secondID))
        #expect(taken.id == secondID && taken.pool == pools[0])
        #expect(!taken.slot.isTaken)
        #expect(taken.slot.commitments == second.slots[nodeServers[1].partyID]!.commitments)
        #expect(try node.takePresignature(pool: pools[0], id: secondID) == nil)
        // Oldest first: the first one, then nothing.
        let oldest = try #require(try node.takeOldestPresignature(pool: pools[0]))
        #expect(oldest.id == firstID)
        #expect(try node.takeOldestPresignature(pool: pools[0]) == nil)
        #expect(try node.presignatureCount(pool: pools[0]) == 0)
        // A taken id is never added again; an emptied slot is refused.
        let again = try Fixture.presign(signers: pairA, poolIndex: 0, seed: 5)
        #expect(throws: NodeStoreError.store(.presignatureAlreadyUsed(try RecordKey.presignature(keyID: pools[0], presignatureID: secondID)))) {
            try node.addPresignature(again.slots[me.partyID]!, id: secondID)
        }
        #expect(throws: NodeStoreError.presignatureAlreadyTaken) { try node.addPresignature(again.slots[me.partyID]!, id: "fresh") }
        // A bad id is refused before the slot is emptied.
        let slot = again.slots[nodeServers[1].partyID]!
        #expect(throws: NodeStoreError.self) { try node.addPresignature(slot, id: "") }
        #expect(!slot.isTaken)
    }

    /// A presignature that does not decode (here: another parameter set) is refused and stays.
    @Test func anUndecodablePresignatureStays() throws {
        let place = StorePlace(.inMemory)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let run = try Fixture.presign(signers: [nodeServers[0], nodeServers[1]], poolIndex: 0, seed: 6)
        let id = NodeStore.presignatureID(sessionID: run.sessionID)
        let pool = try node.addPresignature(run.slots[me.partyID]!, id: id)
        let production = try place.reopen(parameters: .production112)
        do {
            _ = try production.takePresignature(pool: pool, id: id)
            Issue.record("a presignature of another parameter set was taken")
        } catch {
            guard case .presignature(let key, .parameterSetMismatch) = error else { Issue.record("\(error)"); return }
            #expect(key.itemID == id)
        }
        #expect(throws: NodeStoreError.self) { try production.takeOldestPresignature(pool: pool) }
        #expect(try node.presignatureCount(pool: pool) == 1)
        #expect(try node.takePresignature(pool: pool, id: id)?.id == id)
    }

    // MARK: The second process

    /// A second `NodeStore` on the same SQLite file, with its own connection, sees everything the
    /// first saved, signs with the registration and a pooled presignature it takes, and shares the
    /// first's session-id tombstones and takes.
    @Test func aSecondProcessLoadsWhatTheFirstSaved() throws {
        let signers = [nodeServers[0], nodeServers[1]]
        let places = Dictionary(uniqueKeysWithValues: signers.map { ($0.partyID, StorePlace(.sqlite)) })
        defer { withExtendedLifetime(places) {} }
        let presigned = try Fixture.presign(signers: signers, poolIndex: 0, seed: 7)
        let id = NodeStore.presignatureID(sessionID: presigned.sessionID)
        var channelKeys: [PartyID: X25519PrivateKey] = [:]
        var random = SystemRandomNumberGenerator()
        for server in signers {
            let first = try places[server.partyID]!.create()
            try first.save(Fixture.registrations[server.partyID]!)
            try first.addPresignature(presigned.slots[server.partyID]!, id: id)
            try first.saveIdentitySeed(SecretBytes(nodeSeeds[nodeServers.firstIndex { $0.partyID == server.partyID }!]))
            let channelKey = X25519PrivateKey.generate(using: &random)
            try first.saveChannelKey(channelKey)
            channelKeys[server.partyID] = channelKey
            try first.saveJournal(try SessionJournal(encoded: journal(tag: "CGGMP24/Presign/v2").encoded), id: "j")
        }

        let request = try SigningRequest(user: nodeUser, blockNumber: 9,
                                         prehash: try Prehash(rawRepresentation: [UInt8](repeating: 0x3c, count: 32)),
                                         derivationPath: "m", signers: signers.map(\.partyID))
        var flows: [SigningFlow] = []
        var seconds: [PartyID: NodeStore] = [:]
        for server in signers {
            let second = try places[server.partyID]!.reopen()
            seconds[server.partyID] = second
            let signer = try #require(try second.loadIdentitySigner())
            #expect(signer.partyID == server.partyID)
            #expect(try second.loadChannelKey()?.publicKey == channelKeys[server.partyID]!.publicKey)
            #expect(try second.journalIDs() == ["j"])
            #expect(try second.takeJournal(id: "j") != nil)
            let registration = try #require(try second.loadRegistration(publicKey: Fixture.publicKey))
            let pooled = try #require(try second.takePresignature(pool: presigned.pool, id: id))
            flows.append(try SigningFlow(request: request, keyShare: registration.keyShare, auxInfo: registration.auxInfo,
                                         presignature: pooled.slot, usedSessionIDs: second, signer: signer, parameters: .testing))
        }
        var runner = FlowRunner(machines: flows, generators: generators(signers, seed: 8))
        guard case .finished(let results) = runner.run() else { Issue.record("signing failed"); return }
        let signature = try RecoverableSignature(rawRepresentation: results[signers[0].partyID]!.signature)
        #expect(signature.signature.isValid(for: request.prehash, publicKey: Fixture.publicKey))

        for server in signers {
            // What the second took and claimed is gone and used for the first too.
            let first = try places[server.partyID]!.reopen()
            #expect(try first.takePresignature(pool: presigned.pool, id: id) == nil)
            #expect(try first.takeJournal(id: "j") == nil)
            #expect(try first.isSessionIDUsed(request.sessionID))
            #expect(throws: FlowError.self) {
                try SigningFlow(request: request, keyShare: output.keyShare, auxInfo: output.auxInfo,
                                usedSessionIDs: first, signer: server, parameters: .testing)
            }
        }
    }

    // MARK: Journals

    private func journal(tag: String) -> SessionJournal {
        SessionJournal(protocolTag: tag, sessionID: [UInt8](repeating: 0xa5, count: 32), seed: [UInt8](repeating: 0x77, count: 32))
    }

    @Test(arguments: BackendKind.allCases)
    func aJournalIsTakenOnce(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let presign = journal(tag: "CGGMP24/Presign/v2"), keyInit = journal(tag: "CGGMP24/KeyInit/v1")
        // Through the SessionJournalStore conformance (what JournaledSession.save(to:) calls).
        try node.saveJournal(presign.encoded, protocolTag: presign.protocolTag, sessionID: presign.sessionID)
        // Through the typed call, under the same id rule.
        let keyInitID = NodeStore.journalID(protocolTag: keyInit.protocolTag, sessionID: keyInit.sessionID)
        try node.saveJournal(keyInit, id: keyInitID)
        #expect(try node.journalIDs() == [NodeStore.journalID(protocolTag: presign.protocolTag, sessionID: presign.sessionID),
                                          keyInitID])
        #expect(keyInitID == "CGGMP24/KeyInit/v1@" + hexString(keyInit.sessionID))

        let bytes = try #require(try node.takeJournal(protocolTag: presign.protocolTag, sessionID: presign.sessionID))
        #expect(try SessionJournal(encoded: bytes) == presign)
        #expect(try node.takeJournal(protocolTag: presign.protocolTag, sessionID: presign.sessionID) == nil)
        let record = try #require(try node.takeJournal(id: keyInitID))
        #expect(try SessionJournal(encoded: record.payload(as: SessionJournal.self)) == keyInit)
        #expect(try node.takeJournal(id: keyInitID) == nil)
        #expect(try node.journalIDs().isEmpty)

        // A journal of another version is refused by the typed take and stays.
        var random = SystemRandomNumberGenerator()
        try node.store.put(StoredRecord(version: 99, payload: presign.encoded),
                           at: try RecordKey.journal(keyID: NodeStore.journalKeyID, journalID: keyInitID), using: &random)
        #expect(throws: NodeStoreError.store(.encodingVersionMismatch(type: SessionJournal.encodingHeader.name, stored: 99,
                                                                      expected: SessionJournal.encodingVersion))) {
            try node.takeJournal(protocolTag: keyInit.protocolTag, sessionID: keyInit.sessionID)
        }
        #expect(try node.journalIDs() == [keyInitID])
    }

    // MARK: Identity, channel key, session ids

    @Test(arguments: BackendKind.allCases)
    func identityAndChannelKeyAreKeptOnce(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        #expect(try node.loadIdentitySeed() == nil)
        #expect(try node.loadIdentitySigner() == nil)
        #expect(try node.loadChannelKey() == nil)
        let seedKey = try RecordKey.identitySeed(keyID: NodeStore.nodeKeyID)
        #expect(throws: NodeStoreError.identitySeed(seedKey, .wrongSeedLength(31))) {
            try node.saveIdentitySeed(SecretBytes([UInt8](repeating: 1, count: 31)))
        }
        let seed = SecretBytes([UInt8](repeating: 0x51, count: 32))
        try node.saveIdentitySeed(seed)
        #expect(try node.loadIdentitySeed() == seed)
        #expect(try node.loadIdentitySigner()?.partyID == (try Ed25519Signer(seed: seed.unprotectedCopy)).partyID)
        #expect(throws: NodeStoreError.store(.recordExists(seedKey))) {
            try node.saveIdentitySeed(SecretBytes([UInt8](repeating: 2, count: 32)))
        }
        var random = SystemRandomNumberGenerator()
        let channelKey = X25519PrivateKey.generate(using: &random)
        try node.saveChannelKey(channelKey)
        #expect(try node.loadChannelKey()?.rawRepresentation == channelKey.rawRepresentation)
        #expect(throws: NodeStoreError.store(.recordExists(try RecordKey.channelKey(keyID: NodeStore.nodeKeyID)))) {
            try node.saveChannelKey(X25519PrivateKey.generate(using: &random))
        }
    }

    @Test(arguments: BackendKind.allCases)
    func sessionIDsAreClaimedOnce(kind: BackendKind) throws {
        let place = StorePlace(kind)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        let id = try SessionID(rawRepresentation: [UInt8](repeating: 0x42, count: 32))
        #expect(try !node.isSessionIDUsed(id))
        try node.claim(id)
        #expect(try node.isSessionIDUsed(id))
        for registry in [node, try place.reopen()] {
            do {
                try registry.claim(id)
                Issue.record("a session id was claimed twice")
            } catch {
                guard case .sessionIDReused(let reused) = error else { Issue.record("\(error)"); return }
                #expect(reused == id)
            }
        }
    }

    // MARK: Redaction

    @Test func nothingSecretIsPrinted() throws {
        let place = StorePlace(.sqlite)
        defer { withExtendedLifetime(place) {} }
        let node = try place.create()
        try node.save(output)
        let seedBytes = [UInt8](repeating: 0x6b, count: 32)
        try node.saveIdentitySeed(SecretBytes(seedBytes))
        var random = SystemRandomNumberGenerator()
        let channelKey = X25519PrivateKey.generate(using: &random)
        try node.saveChannelKey(channelKey)
        let run = try Fixture.presign(signers: [nodeServers[0], nodeServers[1]], poolIndex: 0, seed: 10)
        let pool = try node.addPresignature(run.slots[me.partyID]!, id: "p")
        let pooled = try #require(try node.takePresignature(pool: pool, id: "p"))
        let seed = try #require(try node.loadIdentitySeed())
        let loaded = try #require(try node.loadRegistration(publicKey: Fixture.publicKey))

        let secrets = [hexString(seedBytes), hexString(channelKey.rawRepresentation), hexString(output.keyShare.secretShare.rawRepresentation)]
        var printed: [String] = []
        func capture(_ value: Any) {
            printed.append(String(describing: value))
            printed.append(String(reflecting: value))
            var dumped = ""
            dump(value, to: &dumped)
            printed.append(dumped)
        }
        capture(node)
        capture(pooled)
        capture(seed)
        capture(loaded)
        capture(NodeStoreError.store(.recordExists(try RecordKey.identitySeed(keyID: NodeStore.nodeKeyID))))
        #expect(String(describing: pooled) == "PooledPresignature(\(pool)/p)")
        for text in printed {
            let lowered = text.lowercased()
            // Hex of the secrets (and of every 8-byte window of them) never appears.
            for secret in secrets {
                for start in stride(from: 0, to: secret.count - 16, by: 16) {
                    let window = secret.dropFirst(start).prefix(16)
                    #expect(!lowered.contains(window), "\(text.prefix(80))")
                }
            }
            #expect(!text.contains("107, 107, 107"))
        }
    }
}
