import Foundation
import Testing
import TestSupport
@testable import TSSStore

/// The behaviour every backend must show; each test runs against memory and SQLite.
@Suite struct ShareStoreSuiteTests {
    static let keyID = "02a1b2c3"

    @Test(arguments: BackendKind.allCases)
    func persistsAcrossReopen(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 10)
        let share = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let aux = Array("aux info bytes".utf8)
        do {
            let store = try fixture.createPasswordStore()
            try store.saveKeyShare(share, version: 3, keyID: Self.keyID, using: &rng)
            try store.saveAuxInfo(aux, version: 1, keyID: Self.keyID, using: &rng)
            for i in 0..<3 {
                try store.addPresignature([UInt8(i)], version: 2, keyID: Self.keyID, presignatureID: "p\(i)", using: &rng)
            }
            try store.saveKeyShare([], version: 9, keyID: "other", using: &rng)
        }
        let reopened = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(try reopened.keyShare(keyID: Self.keyID) == StoredRecord(version: 3, payload: share))
        #expect(try reopened.auxInfo(keyID: Self.keyID) == StoredRecord(version: 1, payload: aux))
        #expect(try reopened.keyShare(keyID: "other") == StoredRecord(version: 9, payload: []))
        #expect(try reopened.keyShare(keyID: "missing") == nil)
        #expect(try reopened.presignatureCount(keyID: Self.keyID) == 3)
        #expect(try reopened.keys(kind: .presignature).map(\.itemID) == ["p0", "p1", "p2"])
        #expect(try reopened.keys(keyID: Self.keyID).count == 5)

        // Replacing a key share (e.g. after refresh) overwrites it.
        try reopened.saveKeyShare([1, 2, 3], version: 4, keyID: Self.keyID, using: &rng)
        #expect(try reopened.keyShare(keyID: Self.keyID) == StoredRecord(version: 4, payload: [1, 2, 3]))

        // Presignatures come out oldest first and then are gone.
        #expect(try reopened.takePresignature(keyID: Self.keyID)?.record == StoredRecord(version: 2, payload: [0]))
        let again = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(try again.takePresignature(keyID: Self.keyID)?.key.itemID == "p1")
        #expect(try again.takePresignature(keyID: Self.keyID)?.key.itemID == "p2")
        #expect(try again.takePresignature(keyID: Self.keyID) == nil)
        #expect(try again.deleteAll(keyID: Self.keyID) == 2)
        #expect(try again.keys().map(\.keyID) == ["other"])
    }

    @Test(arguments: BackendKind.allCases)
    func masterKeyStore(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 11)
        let master = MasterKey.random(using: &rng)
        let store = try ShareStore.create(backend: fixture.newBackend(), masterKey: master, using: &rng)
        try store.saveKeyShare([42], version: 1, keyID: Self.keyID, using: &rng)

        let reopened = try ShareStore.open(backend: fixture.reopenBackend(), masterKey: master)
        #expect(try reopened.keyShare(keyID: Self.keyID)?.payload == [42])
        #expect(throws: StoreError.wrongMasterKey) {
            try ShareStore.open(backend: fixture.reopenBackend(), masterKey: MasterKey.random(using: &rng))
        }
        #expect(throws: StoreError.credentialKindMismatch(storeUses: .masterKey)) {
            try ShareStore.open(backend: fixture.reopenBackend(), password: "anything")
        }
        #expect(throws: StoreError.invalidMasterKeyLength(31)) { try MasterKey(rawRepresentation: [UInt8](repeating: 0, count: 31)) }
    }

    @Test(arguments: BackendKind.allCases)
    func wrongPasswordIsReportedAsSuch(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 12)
        try fixture.createPasswordStore().saveKeyShare([5, 6], version: 1, keyID: Self.keyID, using: &rng)

        #expect(throws: StoreError.wrongPassword) {
            try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horsE")
        }
        #expect(throws: StoreError.emptyPassword) { try ShareStore.open(backend: fixture.reopenBackend(), password: "") }
        #expect(throws: StoreError.credentialKindMismatch(storeUses: .argon2id13)) {
            try ShareStore.open(backend: fixture.reopenBackend(), masterKey: MasterKey.random(using: &rng))
        }
        // The failed attempts changed nothing.
        let store = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(try store.keyShare(keyID: Self.keyID)?.payload == [5, 6])
    }

    @Test(arguments: BackendKind.allCases)
    func tamperedHeaderIsDetected(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        _ = try fixture.createPasswordStore()
        let original = try #require(try fixture.reopenBackend().loadHeader())

        func opened(_ header: StoreHeader) throws {
            try fixture.overwriteHeader(header)
            _ = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        }
        // Weakened KDF limits derive another key: the check tag no longer matches.
        var weakened = original
        weakened.keyDerivation = .argon2id(
            PasswordHashingLimits(uncheckedOperations: 2, memoryBytes: 8192), salt: [UInt8](repeating: 0, count: 16))
        #expect(throws: StoreError.wrongPassword) { try opened(weakened) }

        // Limits nobody should run are refused before Argon2id starts.
        var huge = original
        huge.keyDerivation = .argon2id(
            PasswordHashingLimits(uncheckedOperations: 3, memoryBytes: 1 << 40), salt: [UInt8](repeating: 0, count: 16))
        #expect(throws: StoreError.invalidHeader(reason: "KDF limits out of the accepted range")) { try opened(huge) }

        // Another store ID (records would re-bind) is caught by the check tag too.
        var otherID = original
        otherID.storeID[0] ^= 1
        #expect(throws: StoreError.wrongPassword) { try opened(otherID) }

        var shortTag = original
        shortTag.checkTag.removeLast()
        #expect(throws: StoreError.invalidHeader(reason: "check tag is 31 bytes, expected 32")) { try opened(shortTag) }

        var future = original
        future.formatVersion = 2
        #expect(throws: StoreError.unsupportedFormatVersion(2)) { try opened(future) }

        #expect(throws: Never.self) { try opened(original) }
    }

    @Test(arguments: BackendKind.allCases)
    func tamperedRecordsFailAuthentication(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 13)
        let store = try fixture.createPasswordStore()
        try store.saveKeyShare(Array(repeating: 0xAB, count: 64), version: 1, keyID: Self.keyID, using: &rng)
        let key = try RecordKey.keyShare(keyID: Self.keyID)
        let backend = try fixture.reopenBackend()
        let original = try #require(try backend.load(key))

        var flippedCiphertext = original
        flippedCiphertext.ciphertext[10] ^= 0x01
        var flippedTag = original
        flippedTag.ciphertext[flippedTag.ciphertext.count - 1] ^= 0x80
        var flippedNonce = original
        flippedNonce.nonce[0] ^= 0x01
        var otherVersion = original
        otherVersion.version = 2
        for tampered in [flippedCiphertext, flippedTag, flippedNonce, otherVersion] {
            try backend.upsert(tampered)
            #expect(throws: StoreError.recordAuthenticationFailed(key)) { try store.keyShare(keyID: Self.keyID) }
        }

        var truncated = original
        truncated.ciphertext = Array(original.ciphertext.prefix(15))
        try backend.upsert(truncated)
        #expect(throws: StoreError.malformedRecord(key, reason: "ciphertext shorter than the 16-byte tag")) {
            try store.keyShare(keyID: Self.keyID)
        }
        var shortNonce = original
        shortNonce.nonce.removeLast()
        try backend.upsert(shortNonce)
        #expect(throws: StoreError.self) { try store.keyShare(keyID: Self.keyID) }

        try backend.upsert(original)
        #expect(try store.keyShare(keyID: Self.keyID)?.payload == Array(repeating: 0xAB, count: 64))
    }

    @Test(arguments: BackendKind.allCases)
    func swappedRecordsFailAuthentication(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 14)
        let store = try fixture.createPasswordStore()
        try store.saveKeyShare([1], version: 1, keyID: "alice", using: &rng)
        try store.saveKeyShare([2], version: 1, keyID: "bob", using: &rng)
        try store.saveAuxInfo([3], version: 1, keyID: "alice", using: &rng)
        let backend = try fixture.reopenBackend()
        let alice = try RecordKey.keyShare(keyID: "alice"), bob = try RecordKey.keyShare(keyID: "bob")
        let aliceAux = try RecordKey.auxInfo(keyID: "alice")
        let a = try #require(try backend.load(alice)), b = try #require(try backend.load(bob))
        let x = try #require(try backend.load(aliceAux))

        // Same kind, different key IDs.
        try backend.upsert(SealedRecord(key: alice, version: b.version, nonce: b.nonce, ciphertext: b.ciphertext))
        try backend.upsert(SealedRecord(key: bob, version: a.version, nonce: a.nonce, ciphertext: a.ciphertext))
        #expect(throws: StoreError.recordAuthenticationFailed(alice)) { try store.keyShare(keyID: "alice") }
        #expect(throws: StoreError.recordAuthenticationFailed(bob)) { try store.keyShare(keyID: "bob") }

        // Same key ID, different kinds.
        try backend.upsert(SealedRecord(key: alice, version: x.version, nonce: x.nonce, ciphertext: x.ciphertext))
        #expect(throws: StoreError.recordAuthenticationFailed(alice)) { try store.keyShare(keyID: "alice") }

        // A record from another store under the same master key does not open here either.
        var otherRng = SplitMix64(seed: 15)
        let master = MasterKey.random(using: &otherRng)
        let first = InMemoryRecordBackend(), second = InMemoryRecordBackend()
        let store1 = try ShareStore.create(backend: first, masterKey: master, using: &otherRng)
        let store2 = try ShareStore.create(backend: second, masterKey: master, using: &otherRng)
        try store1.saveKeyShare([7], version: 1, keyID: "alice", using: &otherRng)
        try second.upsert(try #require(try first.load(alice)))
        #expect(throws: StoreError.recordAuthenticationFailed(alice)) { try store2.keyShare(keyID: "alice") }
    }

    @Test(arguments: BackendKind.allCases)
    func presignaturesAreSingleUse(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 16)
        let store = try fixture.createPasswordStore()
        try store.addPresignature([1], version: 1, keyID: Self.keyID, presignatureID: "a", using: &rng)
        let a = try RecordKey.presignature(keyID: Self.keyID, presignatureID: "a")
        #expect(throws: StoreError.recordExists(a)) {
            try store.addPresignature([2], version: 1, keyID: Self.keyID, presignatureID: "a", using: &rng)
        }
        #expect(throws: StoreError.invalidRecordKey(reason: "presignatures are insert-only; use addPresignature")) {
            try store.put(StoredRecord(version: 1, payload: [2]), at: a, using: &rng)
        }
        #expect(try store.takePresignature(keyID: Self.keyID)?.key == a)
        #expect(throws: StoreError.presignatureAlreadyUsed(a)) {
            try store.addPresignature([1], version: 1, keyID: Self.keyID, presignatureID: "a", using: &rng)
        }
        // Deleting counts as use too.
        try store.addPresignature([3], version: 1, keyID: Self.keyID, presignatureID: "b", using: &rng)
        #expect(try store.delete(.presignature(keyID: Self.keyID, presignatureID: "b")))
        #expect(throws: StoreError.presignatureAlreadyUsed(try .presignature(keyID: Self.keyID, presignatureID: "b"))) {
            try store.addPresignature([3], version: 1, keyID: Self.keyID, presignatureID: "b", using: &rng)
        }
        // The memory persists across reopen.
        let reopened = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(throws: StoreError.presignatureAlreadyUsed(a)) {
            try reopened.addPresignature([1], version: 1, keyID: Self.keyID, presignatureID: "a", using: &rng)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func tamperedPresignatureIsNotConsumed(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 17)
        let store = try fixture.createPasswordStore()
        try store.addPresignature([1, 2, 3], version: 1, keyID: Self.keyID, presignatureID: "p", using: &rng)
        let key = try RecordKey.presignature(keyID: Self.keyID, presignatureID: "p")
        let backend = try fixture.reopenBackend()
        var sealed = try #require(try backend.load(key))
        sealed.ciphertext[0] ^= 1
        try backend.upsert(sealed)
        #expect(throws: StoreError.recordAuthenticationFailed(key)) { try store.takePresignature(keyID: Self.keyID) }
        #expect(try store.presignatureCount(keyID: Self.keyID) == 1)
    }

    /// 8 takers race for 5 presignatures: exactly 5 distinct successes. For SQLite, half the takers
    /// share one connection and the other half each open their own, as separate processes would.
    @Test(arguments: BackendKind.allCases)
    func concurrentTakersNeverShareAPresignature(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 18)
        let store = try fixture.createPasswordStore()
        for i in 0..<5 {
            try store.addPresignature([UInt8(i)], version: 1, keyID: Self.keyID, presignatureID: "p\(i)", using: &rng)
        }
        let takers = try (0..<8).map { i in
            i.isMultiple(of: 2) ? store : try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        }

        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var results: [Result<TakenPresignature?, StoreError>] = []
            func append(_ result: Result<TakenPresignature?, StoreError>) { lock.withLock { results.append(result) } }
        }
        let box = Outcomes()
        let start = DispatchSemaphore(value: 0), done = DispatchGroup()
        for taker in takers {
            done.enter()
            Thread.detachNewThread {
                start.wait()
                let outcome = Result { () throws(StoreError) in try taker.takePresignature(keyID: Self.keyID) }
                box.append(outcome)
                done.leave()
            }
        }
        for _ in takers { start.signal() }
        done.wait()
        let outcomes = box.lock.withLock { box.results }

        let taken = try outcomes.compactMap { try $0.get() }
        #expect(outcomes.count == 8)
        #expect(taken.count == 5)
        #expect(Set(taken.map(\.key.itemID)) == ["p0", "p1", "p2", "p3", "p4"])
        #expect(Set(taken.map(\.record.payload)) == [[0], [1], [2], [3], [4]])
        #expect(try store.presignatureCount(keyID: Self.keyID) == 0)
    }

    @Test(arguments: BackendKind.allCases)
    func createAndOpenGuardExistingState(kind: BackendKind) throws {
        let fixture = StoreFixture(kind)
        var rng = SplitMix64(seed: 19)
        #expect(throws: StoreError.self) { try ShareStore.open(backend: fixture.reopenBackend(), password: "pw") }
        let store = try fixture.createPasswordStore()
        try store.saveKeyShare([1], version: 1, keyID: Self.keyID, using: &rng)
        if kind == .inMemory {
            #expect(throws: StoreError.storeAlreadyExists) {
                try ShareStore.create(backend: fixture.memory, password: "x", limits: .insecureMinimumForTestsOnly, using: &rng)
            }
        } else {
            #expect(throws: StoreError.storeAlreadyExists) {
                try ShareStore.create(path: fixture.path, password: "x", limits: .insecureMinimumForTestsOnly, using: &rng)
            }
        }
        let reopened = try ShareStore.open(backend: fixture.reopenBackend(), password: "correct horse")
        #expect(try reopened.keyShare(keyID: Self.keyID)?.payload == [1])
    }
}

@Test func seededRunsAreReproducible() throws {
    func sealedShare() throws -> SealedRecord {
        var rng = SplitMix64(seed: 99)
        let backend = InMemoryRecordBackend()
        let store = try ShareStore.create(backend: backend, password: "pw", limits: .insecureMinimumForTestsOnly, using: &rng)
        try store.saveKeyShare([1, 2, 3], version: 1, keyID: "k", using: &rng)
        return try #require(try backend.load(.keyShare(keyID: "k")))
    }
    let first = try sealedShare(), second = try sealedShare()
    #expect(first == second)
    #expect(first.ciphertext.count == 3 + 16)
}

@Test func recordKeysAreValidated() {
    #expect(throws: StoreError.self) { try RecordKey.keyShare(keyID: "") }
    #expect(throws: StoreError.self) { try RecordKey.keyShare(keyID: String(repeating: "x", count: 256)) }
    #expect(throws: StoreError.self) { try RecordKey.keyShare(keyID: "a\u{0}b") }
    #expect(throws: StoreError.self) { try RecordKey.presignature(keyID: "k", presignatureID: "") }
    #expect(throws: StoreError.self) { try RecordKey(kind: .auxInfo, keyID: "k", itemID: "x") }
    #expect(throws: Never.self) { try RecordKey.keyShare(keyID: String(repeating: "x", count: 255)) }
    #expect(throws: StoreError.unacceptableKDFLimits(operations: 0, memoryBytes: 8192)) {
        try PasswordHashingLimits(operations: 0, memoryBytes: 8192)
    }
}

@Test func secretsAreNotPrinted() throws {
    var rng = SplitMix64(seed: 5)
    let master = try MasterKey(rawRepresentation: [UInt8](repeating: 0x5A, count: 32))
    #expect(String(describing: master) == "MasterKey")
    #expect(String(reflecting: master) == "MasterKey")
    let record = StoredRecord(version: 1, payload: [0xDE, 0xAD, 0xBE, 0xEF])
    #expect(!String(describing: record).lowercased().contains("de"))
    #expect(!String(reflecting: record).contains("222"))  // 0xDE as a decimal element
    let store = try ShareStore.create(backend: InMemoryRecordBackend(), password: "hunter2",
                                      limits: .insecureMinimumForTestsOnly, using: &rng)
    #expect(!String(reflecting: store).contains("hunter2"))
    #expect(!String(reflecting: store).contains("5a5a"))
}
