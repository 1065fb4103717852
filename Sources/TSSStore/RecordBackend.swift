/// Storage for sealed records and the header. Backends see only ciphertexts and clear metadata;
/// all cryptography happens in `ShareStore`.
///
/// Contract (every implementation must keep it; the shared test suite checks it):
/// - `initialize` writes the header only when none exists, else throws `.storeAlreadyExists`.
/// - `insert` never overwrites: an existing key throws `.recordExists`; a presignature key that
///   was ever deleted or taken throws `.presignatureAlreadyUsed`.
/// - Deleting a presignature (`delete`, `deleteAll`, `takeOldest`) remembers its key for ever.
/// - `takeOldest` is atomic across all concurrent callers (threads, and for a file backend other
///   connections and processes): the oldest matching record is passed to `open`; only if `open`
///   returns is the record deleted, in the same transaction. No record is handed out twice.
/// - `take` is the same for the one record under `key` (session journals).
public protocol RecordBackend: Sendable {
    /// The store header, or nil for a backend without one (a new or foreign file).
    /// - Throws: ``StoreError/notAStore``, ``StoreError/corruptFile(reason:)``,
    ///   ``StoreError/backend(code:message:)`` when the storage cannot be read.
    func loadHeader() throws(StoreError) -> StoreHeader?
    /// Writes the header of a new store.
    /// - Throws: ``StoreError/storeAlreadyExists`` when a header exists.
    func initialize(header: StoreHeader) throws(StoreError)

    /// The sealed record under `key`, or nil when there is none.
    /// - Throws: ``StoreError/malformedRecord(_:reason:)`` for a stored row of the wrong shape,
    ///   or a storage error.
    func load(_ key: RecordKey) throws(StoreError) -> SealedRecord?
    /// Stores a new record; never overwrites.
    /// - Throws: ``StoreError/recordExists(_:)`` for an existing key,
    ///   ``StoreError/presignatureAlreadyUsed(_:)`` for a presignature key ever deleted or taken.
    func insert(_ record: SealedRecord) throws(StoreError)
    /// Stores a record, replacing any under its key (keeping its place in insertion order).
    /// - Throws: ``StoreError/presignatureAlreadyUsed(_:)`` for a new presignature key ever
    ///   deleted or taken, or a storage error.
    func upsert(_ record: SealedRecord) throws(StoreError)
    /// Returns whether a record was deleted.
    func delete(_ key: RecordKey) throws(StoreError) -> Bool
    /// Deletes every record of `keyID`; returns how many.
    func deleteAll(keyID: String) throws(StoreError) -> Int

    /// Keys in insertion order, optionally filtered.
    func keys(kind: RecordKind?, keyID: String?) throws(StoreError) -> [RecordKey]
    /// The number of records of `kind` under `keyID`.
    func count(kind: RecordKind, keyID: String) throws(StoreError) -> Int

    /// Atomically passes the oldest record of `kind` under `keyID` to `open` and, if `open`
    /// returns, deletes it (remembering a presignature's key); nil when there is none. When `open`
    /// throws, the record stays and the error is rethrown.
    func takeOldest<T>(
        kind: RecordKind, keyID: String, open: (SealedRecord) throws(StoreError) -> T
    ) throws(StoreError) -> T?

    /// Atomically passes the record under `key` to `open` and, if `open` returns, deletes it.
    func take<T>(_ key: RecordKey, open: (SealedRecord) throws(StoreError) -> T) throws(StoreError) -> T?
}
