import Foundation
import GRDB

/// The embedded default backend: one SQLite file through GRDB, in SQLite's default rollback-journal
/// mode (so at rest the store is a single file; the `-journal` exists only during a write).
///
/// Every write runs in an IMMEDIATE transaction, so concurrent connections to the same file — other
/// threads holding their own backend, or other processes — serialise on SQLite's file lock, and
/// `takeOldest` is atomic across all of them. `secure_delete` is on, so deleted ciphertexts are
/// zeroed in the file rather than left in free pages.
public final class SQLiteRecordBackend: RecordBackend, Sendable {
    private let queue: DatabaseQueue
    /// The database file.
    public let path: String

    /// Opens an existing store file. Nothing is written until the header has been verified by
    /// ``ShareStore/open(backend:password:)`` or ``ShareStore/open(backend:masterKey:)``; a missing
    /// file is reported, not created.
    /// - Parameters:
    ///   - path: the store file.
    ///   - busyTimeout: how long a call waits for another connection's write lock, in seconds.
    /// - Throws: ``StoreError/storeNotFound`` when there is no file, ``StoreError/corruptFile(reason:)``
    ///   or ``StoreError/backend(code:message:)`` when SQLite cannot open it.
    public static func open(path: String, busyTimeout: TimeInterval = 10) throws(StoreError) -> SQLiteRecordBackend {
        guard FileManager.default.fileExists(atPath: path) else { throw .storeNotFound }
        return try SQLiteRecordBackend(path: path, busyTimeout: busyTimeout)
    }

    /// Creates a new, empty database file for ``ShareStore/create(backend:password:limits:using:)``
    /// or ``ShareStore/create(backend:masterKey:using:)``. Refuses to touch a file that already has
    /// content.
    /// - Parameters:
    ///   - path: where to create the file.
    ///   - busyTimeout: how long a call waits for another connection's write lock, in seconds.
    /// - Throws: ``StoreError/storeAlreadyExists`` for a non-empty file, or a storage error.
    public static func create(path: String, busyTimeout: TimeInterval = 10) throws(StoreError) -> SQLiteRecordBackend {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > 0 {
            throw .storeAlreadyExists
        }
        return try SQLiteRecordBackend(path: path, busyTimeout: busyTimeout)
    }

    private init(path: String, busyTimeout: TimeInterval) throws(StoreError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        self.path = path
        queue = try Self.run { try DatabaseQueue(path: path, configuration: configuration) }
    }

    // MARK: Header

    /// The header row, or nil for a new file.
    /// - Throws: ``StoreError/notAStore`` for a database without the store's tables,
    ///   ``StoreError/corruptFile(reason:)``, ``StoreError/invalidHeader(reason:)`` for a header row
    ///   of the wrong shape, ``StoreError/backend(code:message:)``.
    public func loadHeader() throws(StoreError) -> StoreHeader? {
        try Self.run {
            try queue.read { db -> StoreHeader? in
                guard try db.tableExists("store_header") else {
                    // An empty database is a store not yet created; any other schema is someone else's file.
                    let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                    if tables == 0 { return nil }
                    throw StoreError.notAStore
                }
                let rows = try Row.fetchAll(db, sql: """
                    SELECT format_version, store_id, kdf, kdf_opslimit, kdf_memlimit, kdf_salt, check_tag
                    FROM store_header
                    """)
                guard rows.count == 1 else { throw StoreError.invalidHeader(reason: "\(rows.count) header rows") }
                return try Self.decodeHeader(rows[0])
            }
        }
    }

    /// Creates the tables and writes the header, in one transaction.
    /// - Throws: ``StoreError/storeAlreadyExists`` when a header exists, ``StoreError/notAStore``
    ///   for a database with other tables, or a storage error.
    public func initialize(header: StoreHeader) throws(StoreError) {
        try Self.run {
            try queue.write { db in
                let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                guard tables == 0 else {
                    throw try db.tableExists("store_header") ? StoreError.storeAlreadyExists : StoreError.notAStore
                }
                try db.execute(sql: Self.schema)
                let kdfArguments: [(any DatabaseValueConvertible)?]
                switch header.keyDerivation {
                case .masterKey:
                    kdfArguments = [nil, nil, nil]
                case .argon2id(let limits, let salt):
                    kdfArguments = [Int64(limits.operations), Int64(limits.memoryBytes), Data(salt)]
                }
                try db.execute(
                    sql: """
                        INSERT INTO store_header
                          (singleton, format_version, store_id, kdf, kdf_opslimit, kdf_memlimit, kdf_salt, check_tag)
                        VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: StatementArguments(
                        [Int64(header.formatVersion), Data(header.storeID), header.keyDerivation.kind.rawValue]
                            + kdfArguments + [Data(header.checkTag)]))
            }
        }
    }

    static let schema = """
        CREATE TABLE store_header (
          singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
          format_version INTEGER NOT NULL,
          store_id       BLOB    NOT NULL,
          kdf            TEXT    NOT NULL,
          kdf_opslimit   INTEGER,
          kdf_memlimit   INTEGER,
          kdf_salt       BLOB,
          check_tag      BLOB    NOT NULL
        );
        CREATE TABLE records (
          kind       INTEGER NOT NULL,
          key_id     TEXT    NOT NULL,
          item_id    TEXT    NOT NULL,
          version    INTEGER NOT NULL,
          nonce      BLOB    NOT NULL,
          ciphertext BLOB    NOT NULL,
          PRIMARY KEY (kind, key_id, item_id)
        );
        CREATE TABLE used_presignatures (
          key_id  TEXT NOT NULL,
          item_id TEXT NOT NULL,
          PRIMARY KEY (key_id, item_id)
        );
        """

    // MARK: Records

    /// The record under `key`, or nil.
    /// - Throws: ``StoreError/malformedRecord(_:reason:)`` for a row of the wrong shape, or a storage error.
    public func load(_ key: RecordKey) throws(StoreError) -> SealedRecord? {
        try Self.run {
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Self.recordColumns) FROM records WHERE kind = ? AND key_id = ? AND item_id = ?",
                                 arguments: Self.keyArguments(key)).map(Self.decodeRecord)
            }
        }
    }

    /// Stores a new record.
    /// - Throws: ``StoreError/recordExists(_:)``, ``StoreError/presignatureAlreadyUsed(_:)``, or a
    ///   storage error.
    public func insert(_ record: SealedRecord) throws(StoreError) {
        try Self.run {
            try queue.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM records WHERE kind = ? AND key_id = ? AND item_id = ?",
                                    arguments: Self.keyArguments(record.key)) != nil {
                    throw StoreError.recordExists(record.key)
                }
                try Self.rejectUsedPresignature(db, record.key)
                try db.execute(sql: "INSERT INTO records (kind, key_id, item_id, version, nonce, ciphertext) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: Self.recordArguments(record))
            }
        }
    }

    /// Stores or replaces a record.
    /// - Throws: ``StoreError/presignatureAlreadyUsed(_:)`` for a new presignature key used before,
    ///   or a storage error.
    public func upsert(_ record: SealedRecord) throws(StoreError) {
        try Self.run {
            try queue.write { db in
                try Self.rejectUsedPresignature(db, record.key)
                // ON CONFLICT … DO UPDATE keeps the rowid, so a replaced record keeps its place in line.
                try db.execute(sql: """
                    INSERT INTO records (kind, key_id, item_id, version, nonce, ciphertext) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, key_id, item_id) DO UPDATE
                    SET version = excluded.version, nonce = excluded.nonce, ciphertext = excluded.ciphertext
                    """, arguments: Self.recordArguments(record))
            }
        }
    }

    /// Deletes the record under `key` (remembering a presignature's key); whether there was one.
    /// - Throws: a storage error.
    public func delete(_ key: RecordKey) throws(StoreError) -> Bool {
        try Self.run {
            try queue.write { db in
                if key.kind == .presignature { try Self.markUsed(db, keyID: key.keyID, itemID: key.itemID) }
                try db.execute(sql: "DELETE FROM records WHERE kind = ? AND key_id = ? AND item_id = ?",
                               arguments: Self.keyArguments(key))
                return db.changesCount > 0
            }
        }
    }

    /// Deletes every record of `keyID` (remembering presignature keys); how many there were.
    /// - Throws: a storage error.
    public func deleteAll(keyID: String) throws(StoreError) -> Int {
        try Self.run {
            try queue.write { db in
                try db.execute(sql: """
                    INSERT OR IGNORE INTO used_presignatures (key_id, item_id)
                    SELECT key_id, item_id FROM records WHERE kind = ? AND key_id = ?
                    """, arguments: [Int64(RecordKind.presignature.rawValue), keyID])
                try db.execute(sql: "DELETE FROM records WHERE key_id = ?", arguments: [keyID])
                return db.changesCount
            }
        }
    }

    /// Keys in insertion order, optionally filtered.
    /// - Throws: a storage error.
    public func keys(kind: RecordKind?, keyID: String?) throws(StoreError) -> [RecordKey] {
        try Self.run {
            try queue.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT kind, key_id, item_id FROM records
                    WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR key_id = ?2)
                    ORDER BY rowid
                    """, arguments: [kind.map { Int64($0.rawValue) }, keyID])
                return try rows.map(Self.decodeKey)
            }
        }
    }

    /// The number of records of `kind` under `keyID`.
    /// - Throws: a storage error.
    public func count(kind: RecordKind, keyID: String) throws(StoreError) -> Int {
        try Self.run {
            try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE kind = ? AND key_id = ?",
                                 arguments: [Int64(kind.rawValue), keyID]) ?? 0
            }
        }
    }

    /// Atomically opens and removes the oldest record of `kind` under `keyID` (see
    /// ``RecordBackend/takeOldest(kind:keyID:open:)``); rethrows `open`'s error, keeping the record.
    public func takeOldest<T>(
        kind: RecordKind, keyID: String, open: (SealedRecord) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        var taken: T?
        try Self.run {
            // One IMMEDIATE transaction: the write lock is held from the SELECT to the DELETE, so no
            // other connection can read-then-take the same row. If `open` throws, nothing is deleted.
            try queue.inTransaction(.immediate) { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT rowid, \(Self.recordColumns) FROM records
                    WHERE kind = ? AND key_id = ? ORDER BY rowid LIMIT 1
                    """, arguments: [Int64(kind.rawValue), keyID]) else { return .commit }
                let record = try Self.decodeRecord(row)
                let opened = try open(record)
                try db.execute(sql: "DELETE FROM records WHERE rowid = ?", arguments: [row["rowid"] as DatabaseValue])
                guard db.changesCount == 1 else {
                    throw StoreError.backend(code: -1, message: "taken row vanished inside its transaction")
                }
                if kind == .presignature { try Self.markUsed(db, keyID: keyID, itemID: record.key.itemID) }
                taken = opened
                return .commit
            }
        }
        return taken
    }

    /// Atomically opens and removes the record under `key`; rethrows `open`'s error, keeping the record.
    public func take<T>(_ key: RecordKey, open: (SealedRecord) throws(StoreError) -> T) throws(StoreError) -> T? {
        var taken: T?
        try Self.run {
            // As in `takeOldest`: one IMMEDIATE transaction from the SELECT to the DELETE.
            try queue.inTransaction(.immediate) { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT rowid, \(Self.recordColumns) FROM records WHERE kind = ? AND key_id = ? AND item_id = ?
                    """, arguments: Self.keyArguments(key)) else { return .commit }
                let opened = try open(try Self.decodeRecord(row))
                try db.execute(sql: "DELETE FROM records WHERE rowid = ?", arguments: [row["rowid"] as DatabaseValue])
                guard db.changesCount == 1 else {
                    throw StoreError.backend(code: -1, message: "taken row vanished inside its transaction")
                }
                if key.kind == .presignature { try Self.markUsed(db, keyID: key.keyID, itemID: key.itemID) }
                taken = opened
                return .commit
            }
        }
        return taken
    }

    // MARK: Helpers

    private static let recordColumns = "kind, key_id, item_id, version, nonce, ciphertext"

    private static func keyArguments(_ key: RecordKey) -> StatementArguments {
        [Int64(key.kind.rawValue), key.keyID, key.itemID]
    }

    private static func recordArguments(_ record: SealedRecord) -> StatementArguments {
        [Int64(record.key.kind.rawValue), record.key.keyID, record.key.itemID,
         Int64(record.version), Data(record.nonce), Data(record.ciphertext)]
    }

    private static func rejectUsedPresignature(_ db: Database, _ key: RecordKey) throws {
        guard key.kind == .presignature else { return }
        if try Row.fetchOne(db, sql: "SELECT 1 FROM used_presignatures WHERE key_id = ? AND item_id = ?",
                            arguments: [key.keyID, key.itemID]) != nil {
            throw StoreError.presignatureAlreadyUsed(key)
        }
    }

    private static func markUsed(_ db: Database, keyID: String, itemID: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO used_presignatures (key_id, item_id) VALUES (?, ?)",
                       arguments: [keyID, itemID])
    }

    /// Column readers that report wrong types instead of trapping (GRDB's typed subscripts trap).
    private enum Column {
        static func integer(_ row: Row, _ name: String) -> Int64? {
            if case .int64(let value) = (row[name] as DatabaseValue).storage { return value }
            return nil
        }
        static func text(_ row: Row, _ name: String) -> String? {
            if case .string(let value) = (row[name] as DatabaseValue).storage { return value }
            return nil
        }
        static func blob(_ row: Row, _ name: String) -> [UInt8]? {
            if case .blob(let value) = (row[name] as DatabaseValue).storage { return Array(value) }
            return nil
        }
        static func isNull(_ row: Row, _ name: String) -> Bool { (row[name] as DatabaseValue).isNull }
    }

    private static func decodeKey(_ row: Row) throws -> RecordKey {
        guard let rawKind = Column.integer(row, "kind"), let kind = UInt8(exactly: rawKind).flatMap(RecordKind.init),
              let keyID = Column.text(row, "key_id"), let itemID = Column.text(row, "item_id") else {
            throw StoreError.malformedRecord(nil, reason: "record key columns have wrong types or values")
        }
        do {
            return try RecordKey(kind: kind, keyID: keyID, itemID: itemID)
        } catch {
            throw StoreError.malformedRecord(nil, reason: "stored record key is invalid")
        }
    }

    private static func decodeRecord(_ row: Row) throws -> SealedRecord {
        let key = try decodeKey(row)
        guard let rawVersion = Column.integer(row, "version"), let version = UInt32(exactly: rawVersion) else {
            throw StoreError.malformedRecord(key, reason: "version is not a 32-bit unsigned integer")
        }
        guard let nonce = Column.blob(row, "nonce"), let ciphertext = Column.blob(row, "ciphertext") else {
            throw StoreError.malformedRecord(key, reason: "nonce or ciphertext is not a blob")
        }
        return SealedRecord(key: key, version: version, nonce: nonce, ciphertext: ciphertext)
    }

    private static func decodeHeader(_ row: Row) throws -> StoreHeader {
        guard let rawFormat = Column.integer(row, "format_version"), let format = UInt32(exactly: rawFormat) else {
            throw StoreError.invalidHeader(reason: "format_version is not a 32-bit unsigned integer")
        }
        guard format == StoreHeader.currentFormatVersion else { throw StoreError.unsupportedFormatVersion(format) }
        guard let storeID = Column.blob(row, "store_id"), let checkTag = Column.blob(row, "check_tag"),
              let kdfName = Column.text(row, "kdf") else {
            throw StoreError.invalidHeader(reason: "store_id, check_tag or kdf has the wrong type")
        }
        let keyDerivation: StoreKeyDerivation
        switch StoreKeyDerivation.Kind(rawValue: kdfName) {
        case .masterKey:
            guard Column.isNull(row, "kdf_opslimit"), Column.isNull(row, "kdf_memlimit"), Column.isNull(row, "kdf_salt") else {
                throw StoreError.invalidHeader(reason: "KDF parameters present for a master-key store")
            }
            keyDerivation = .masterKey
        case .argon2id13:
            guard let ops = Column.integer(row, "kdf_opslimit"), let mem = Column.integer(row, "kdf_memlimit"),
                  let salt = Column.blob(row, "kdf_salt"), ops > 0, mem > 0 else {
                throw StoreError.invalidHeader(reason: "Argon2id parameters missing or of the wrong type")
            }
            keyDerivation = .argon2id(
                PasswordHashingLimits(uncheckedOperations: UInt64(ops), memoryBytes: UInt64(mem)), salt: salt)
        case nil:
            throw StoreError.invalidHeader(reason: "unknown KDF \"\(kdfName.prefix(32))\"")
        }
        let header = StoreHeader(formatVersion: format, storeID: storeID, keyDerivation: keyDerivation, checkTag: checkTag)
        try header.validate()
        return header
    }

    /// Runs GRDB work and maps its errors: our own `StoreError`s pass through, damaged-file codes
    /// become `.corruptFile`, anything else `.backend` with SQLite's message (never the SQL arguments).
    private static func run<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT:
                throw .corruptFile(reason: error.message ?? "SQLite result code \(error.resultCode.rawValue)")
            case .SQLITE_IOERR where error.extendedResultCode == .SQLITE_IOERR_SHORT_READ:
                throw .corruptFile(reason: error.message ?? "short read")
            default:
                throw .backend(code: error.resultCode.rawValue, message: error.message ?? "")
            }
        } catch {
            throw .backend(code: -1, message: String(describing: type(of: error)))
        }
    }
}
