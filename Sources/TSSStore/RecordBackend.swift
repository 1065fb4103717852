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
    func loadHeader() throws(StoreError) -> StoreHeader?
    func initialize(header: StoreHeader) throws(StoreError)

    func load(_ key: RecordKey) throws(StoreError) -> SealedRecord?
    func insert(_ record: SealedRecord) throws(StoreError)
    func upsert(_ record: SealedRecord) throws(StoreError)
    /// Returns whether a record was deleted.
    func delete(_ key: RecordKey) throws(StoreError) -> Bool
    /// Deletes every record of `keyID`; returns how many.
    func deleteAll(keyID: String) throws(StoreError) -> Int

    /// Keys in insertion order, optionally filtered.
    func keys(kind: RecordKind?, keyID: String?) throws(StoreError) -> [RecordKey]
    func count(kind: RecordKind, keyID: String) throws(StoreError) -> Int

    func takeOldest<T>(
        kind: RecordKind, keyID: String, open: (SealedRecord) throws(StoreError) -> T
    ) throws(StoreError) -> T?

    /// Atomically passes the record under `key` to `open` and, if `open` returns, deletes it.
    func take<T>(_ key: RecordKey, open: (SealedRecord) throws(StoreError) -> T) throws(StoreError) -> T?
}
