import Testing
import TestSupport
@testable import TSSStore

/// The record kinds a server keeps besides shares (public key, identity seed, channel key), the
/// insert-only `add`, and taking one presignature or journal by id with a decoder that may refuse it.
@Suite struct ServerRecordTests {
    static let keyID = "server"

    /// The on-disk codes are fixed: existing kinds keep theirs, new ones continue after 5.
    @Test func recordKindCodesAreStable() {
        #expect(RecordKind.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(RecordKind.allCases.map(\.description)
                == ["keyShare", "auxInfo", "presignature", "journal", "usedSessionID", "publicKey", "identitySeed", "channelKey"])
    }

    @Test func serverKindsHaveNoItemID() throws {
        #expect(try RecordKey.publicKey(keyID: "k") == RecordKey(kind: .publicKey, keyID: "k"))
        #expect(try RecordKey.identitySeed(keyID: "k").kind == .identitySeed)
        #expect(try RecordKey.channelKey(keyID: "k").description == "channelKey(k)")
        for kind in [RecordKind.publicKey, .identitySeed, .channelKey] {
            #expect(throws: StoreError.invalidRecordKey(reason: "\(kind) records have no item ID")) {
                try RecordKey(kind: kind, keyID: "k", itemID: "x")
            }
            #expect(throws: StoreError.self) { try RecordKey(kind: kind, keyID: "") }
        }
    }

    @Test(arguments: BackendKind.allCases)
    func serverRecordsPersistAndAddIsInsertOnly(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 31)
        let store = try fixture.createPasswordStore()
        let seed = try RecordKey.identitySeed(keyID: Self.keyID)
        let channel = try RecordKey.channelKey(keyID: Self.keyID)
        let publicKey = try RecordKey.publicKey(keyID: Self.keyID)
        try store.add(StoredRecord(version: 1, payload: [7]), at: seed, using: &rng)
        try store.add(StoredRecord(version: 1, payload: [8]), at: channel, using: &rng)
        try store.put(StoredRecord(version: 1, payload: [9]), at: publicKey, using: &rng)
        #expect(throws: StoreError.recordExists(seed)) { try store.add(StoredRecord(version: 1, payload: [0]), at: seed, using: &rng) }
        #expect(throws: StoreError.invalidRecordKey(reason: "used session ids are recorded with markSessionIDUsed")) {
            try store.add(StoredRecord(version: 1, payload: []), at: try RecordKey.usedSessionID([1]), using: &rng)
        }
        let reopened = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(try reopened.get(seed)?.payload == [7])
        #expect(try reopened.get(channel)?.payload == [8])
        #expect(try reopened.get(publicKey)?.payload == [9])
        #expect(try reopened.keys(keyID: Self.keyID) == [seed, channel, publicKey])
        // A record sealed as one kind does not open as another.
        let backend = try fixture.reopenBackend()
        var moved = try #require(try backend.load(seed))
        moved.key = channel
        try backend.upsert(moved)
        #expect(throws: StoreError.recordAuthenticationFailed(channel)) { try reopened.get(channel) }
    }

    @Test(arguments: BackendKind.allCases)
    func aPresignatureIsTakenByIDOnce(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 32)
        let store = try fixture.createPasswordStore()
        for id in ["a", "b", "c"] {
            try store.addPresignature(Array(id.utf8), version: 1, keyID: Self.keyID, presignatureID: id, using: &rng)
        }
        let b = try RecordKey.presignature(keyID: Self.keyID, presignatureID: "b")
        #expect(try store.takePresignature(keyID: Self.keyID, presignatureID: "b")?.key == b)
        #expect(try store.takePresignature(keyID: Self.keyID, presignatureID: "b") == nil)
        #expect(try store.takePresignature(keyID: Self.keyID, presignatureID: "missing") == nil)
        #expect(throws: StoreError.presignatureAlreadyUsed(b)) {
            try store.addPresignature([1], version: 1, keyID: Self.keyID, presignatureID: "b", using: &rng)
        }
        // A decoder that refuses leaves the presignature in place, by id and oldest first.
        let refusal = StoreError.malformedRecord(nil, reason: "refused")
        #expect(throws: refusal) {
            try store.takePresignature(keyID: Self.keyID, presignatureID: "c") { _ throws(StoreError) in throw refusal }
        }
        #expect(throws: refusal) {
            try store.takePresignature(keyID: Self.keyID) { _ throws(StoreError) -> Int in throw refusal }
        }
        #expect(try store.presignatureCount(keyID: Self.keyID) == 2)
        #expect(try store.takePresignature(keyID: Self.keyID) { $0.record.payload } == Array("a".utf8))
        #expect(try store.takePresignature(keyID: Self.keyID, presignatureID: "c")?.record.payload == Array("c".utf8))
        #expect(try store.presignatureCount(keyID: Self.keyID) == 0)
    }

    @Test(arguments: BackendKind.allCases)
    func aRefusedJournalStays(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 33)
        let store = try fixture.createPasswordStore()
        try store.saveJournal([5], version: 3, keyID: Self.keyID, journalID: "j", using: &rng)
        let refusal = StoreError.malformedRecord(nil, reason: "refused")
        #expect(throws: refusal) {
            try store.takeJournal(keyID: Self.keyID, journalID: "j") { _ throws(StoreError) -> Int in throw refusal }
        }
        #expect(try store.takeJournal(keyID: Self.keyID, journalID: "j") { $0.version } == 3)
        #expect(try store.takeJournal(keyID: Self.keyID, journalID: "j") == nil)
    }
}
