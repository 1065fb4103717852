import Foundation
import GRDB
import Testing
import TestSupport
@testable import TSSStore

/// Damage to the file itself: every failure is a typed error and the file is left byte-for-byte alone.
@Suite struct SQLiteFileTests {
    /// A store file with a few records, and its pristine bytes.
    static func populatedFile(_ fixture: StoreFixture) throws -> Data {
        var rng = SplitMix64(seed: 30)
        let store = try fixture.createPasswordStore()
        try store.saveKeyShare([UInt8](repeating: 1, count: 2000), version: 1, keyID: "k", using: &rng)
        try store.saveAuxInfo([UInt8](repeating: 2, count: 5000), version: 1, keyID: "k", using: &rng)
        for i in 0..<4 {
            try store.addPresignature([UInt8](repeating: UInt8(i), count: 500), version: 1, keyID: "k",
                                      presignatureID: "p\(i)", using: &rng)
        }
        return try Data(contentsOf: URL(fileURLWithPath: fixture.path))
    }

    /// Opens and reads everything; must throw a `StoreError` (anything else, or success, fails the test).
    static func openAndReadAll(_ path: String) throws(StoreError) {
        let store = try ShareStore.open(path: path, password: "correct horse")
        _ = try store.keyShare(keyID: "k")
        _ = try store.auxInfo(keyID: "k")
        for key in try store.keys(kind: .presignature) { _ = try store.get(key) }
    }

    @Test func truncatedFileIsReportedAndLeftAlone() throws {
        let fixture = StoreFixture(.sqlite)
        let pristine = try Self.populatedFile(fixture)
        #expect(pristine.count >= 4 * 4096)
        let url = URL(fileURLWithPath: fixture.path)
        for length in [16, 100, 1000, 4096, pristine.count / 2, pristine.count - 4096] {
            let truncated = pristine.prefix(length)
            try truncated.write(to: url)
            do {
                try Self.openAndReadAll(fixture.path)
                Issue.record("truncated to \(length) bytes: opened and read without error")
            } catch {
                guard case .corruptFile = error else {
                    Issue.record("truncated to \(length) bytes: expected corruptFile, got \(error)")
                    continue
                }
            }
            #expect(try Data(contentsOf: url) == truncated, "file changed after a failed open (\(length) bytes)")
        }
        // An empty file holds no store.
        try Data().write(to: url)
        #expect(throws: StoreError.storeNotFound) { try ShareStore.open(path: fixture.path, password: "correct horse") }
    }

    @Test func garbageFileIsCorrupt() throws {
        let fixture = StoreFixture(.sqlite)
        var rng = SplitMix64(seed: 31)
        let garbage = Data(ShareStore.randomBytes(8192, using: &rng))
        let url = URL(fileURLWithPath: fixture.path)
        try garbage.write(to: url)
        #expect(throws: StoreError.self) { try ShareStore.open(path: fixture.path, password: "correct horse") }
        do {
            _ = try ShareStore.open(path: fixture.path, password: "correct horse")
        } catch {
            guard case .corruptFile = error else { Issue.record("expected corruptFile, got \(error)"); return }
        }
        #expect(try Data(contentsOf: url) == garbage)
        #expect(throws: StoreError.storeAlreadyExists) {
            try ShareStore.create(path: fixture.path, password: "x", limits: .insecureMinimumForTestsOnly, using: &rng)
        }
        #expect(try Data(contentsOf: url) == garbage)
    }

    /// Overwriting bytes inside pages: whatever SQLite notices is `.corruptFile`, whatever it does not
    /// is caught by record authentication. Never a crash, never silently wrong data.
    @Test func corruptedPagesAreDetected() throws {
        let fixture = StoreFixture(.sqlite)
        let pristine = try Self.populatedFile(fixture)
        let url = URL(fileURLWithPath: fixture.path)
        var failures = 0
        for offset in stride(from: 4096 + 100, to: pristine.count, by: 1531) {
            var damaged = pristine
            for i in offset..<min(offset + 64, damaged.count) { damaged[i] ^= 0xA5 }
            try damaged.write(to: url)
            do {
                let store = try ShareStore.open(path: fixture.path, password: "correct horse")
                // Whatever still opens must be exactly what was written.
                if let share = try store.keyShare(keyID: "k") { #expect(share.payload == [UInt8](repeating: 1, count: 2000)) }
                if let aux = try store.auxInfo(keyID: "k") { #expect(aux.payload == [UInt8](repeating: 2, count: 5000)) }
                for key in try store.keys(kind: .presignature) {
                    let record = try #require(try store.get(key))
                    #expect(Set(record.payload).count == 1 && record.payload.count == 500)
                }
            } catch {
                failures += 1
            }
            #expect(try Data(contentsOf: url) == damaged)
        }
        #expect(failures > 0)
    }

    @Test func wrongPasswordWritesNothing() throws {
        let fixture = StoreFixture(.sqlite)
        let pristine = try Self.populatedFile(fixture)
        #expect(throws: StoreError.wrongPassword) { try ShareStore.open(path: fixture.path, password: "nope") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == pristine)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "-journal"))
    }

    @Test func missingAndForeignFiles() throws {
        let fixture = StoreFixture(.sqlite)
        #expect(throws: StoreError.storeNotFound) { try ShareStore.open(path: fixture.path, password: "pw") }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))

        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE other (x INTEGER)") }
        #expect(throws: StoreError.notAStore) { try ShareStore.open(path: fixture.path, password: "pw") }
        var rng = SplitMix64(seed: 32)
        #expect(throws: StoreError.storeAlreadyExists) {
            try ShareStore.create(path: fixture.path, password: "pw", limits: .insecureMinimumForTestsOnly, using: &rng)
        }
        #expect(throws: StoreError.notAStore) {
            try ShareStore.create(backend: SQLiteRecordBackend.open(path: fixture.path), password: "pw",
                                  limits: .insecureMinimumForTestsOnly, using: &rng)
        }
    }

    /// Columns of the wrong type (as a hostile editor could write) are reported, not trapped on.
    @Test func wrongColumnTypesAreMalformedRecords() throws {
        let fixture = StoreFixture(.sqlite)
        _ = try Self.populatedFile(fixture)
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { db in
            try db.execute(sql: "UPDATE records SET nonce = 'text' WHERE kind = 1")
            try db.execute(sql: "UPDATE records SET version = -1 WHERE kind = 2")
            try db.execute(sql: "UPDATE records SET kind = 9 WHERE item_id = 'p3'")
        }
        let store = try ShareStore.open(path: fixture.path, password: "correct horse")
        let shareKey = try RecordKey.keyShare(keyID: "k"), auxKey = try RecordKey.auxInfo(keyID: "k")
        #expect(throws: StoreError.malformedRecord(shareKey, reason: "nonce or ciphertext is not a blob")) {
            try store.keyShare(keyID: "k")
        }
        #expect(throws: StoreError.malformedRecord(auxKey, reason: "version is not a 32-bit unsigned integer")) {
            try store.auxInfo(keyID: "k")
        }
        #expect(throws: StoreError.self) { try store.keys() }

        try queue.write { db in try db.execute(sql: "UPDATE store_header SET kdf = 'scrypt'") }
        #expect(throws: StoreError.self) { try ShareStore.open(path: fixture.path, password: "correct horse") }
    }
}
