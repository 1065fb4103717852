import Foundation
import GRDB
import Testing
import TestSupport
@testable import TSSStore


/// The two backends every suite test runs against.
enum BackendKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory, sqlite
    var testDescription: String { rawValue }
}

/// A place to create a store and reopen it: the same object for memory, the same file for SQLite.
final class StoreFixture {
    let kind: BackendKind
    let directory: URL
    let memory = InMemoryRecordBackend()
    var path: String { directory.appendingPathComponent("store.sqlite").path }

    init(_ kind: BackendKind) {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tssstore-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func newBackend() throws -> any RecordBackend {
        switch kind {
        case .inMemory: memory
        case .sqlite: try SQLiteRecordBackend.create(path: path)
        }
    }

    /// A fresh handle on the stored data (a new SQLite connection for files).
    func reopenBackend() throws -> any RecordBackend {
        switch kind {
        case .inMemory: memory
        case .sqlite: try SQLiteRecordBackend.open(path: path)
        }
    }

    func createPasswordStore(_ password: String = "correct horse", seed: UInt64 = 1) throws -> ShareStore {
        var rng = SplitMix64(seed: seed)
        return try ShareStore.create(backend: newBackend(), password: password,
                                     limits: .insecureMinimumForTestsOnly, using: &rng)
    }

    /// Rewrites the header as someone with write access to the storage could.
    func overwriteHeader(_ header: StoreHeader) throws {
        switch kind {
        case .inMemory:
            memory.replaceRawHeader(header)
        case .sqlite:
            var ops: Int64?, mem: Int64?, salt: Data?
            if case .argon2id(let limits, let s) = header.keyDerivation {
                ops = Int64(limits.operations); mem = Int64(limits.memoryBytes); salt = Data(s)
            }
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: """
                    UPDATE store_header SET format_version = ?, store_id = ?, kdf = ?, kdf_opslimit = ?,
                      kdf_memlimit = ?, kdf_salt = ?, check_tag = ?
                    """, arguments: [Int64(header.formatVersion), Data(header.storeID),
                                     header.keyDerivation.kind.rawValue, ops, mem, salt, Data(header.checkTag)])
            }
        }
    }
}
