import Foundation

/// A process-local backend for tests and ephemeral stores. Thread-safe: one lock guards all state,
/// which makes `takeOldest` trivially atomic.
public final class InMemoryRecordBackend: RecordBackend, @unchecked Sendable {
    private struct State {
        var header: StoreHeader?
        var records: [RecordKey: (sequence: UInt64, record: SealedRecord)] = [:]
        var nextSequence: UInt64 = 0
        var usedPresignatures: Set<RecordKey> = []
    }

    private let lock = NSLock()
    private var state = State()

    /// An empty backend, without a header.
    public init() {}

    private func withState<R>(_ body: (inout State) throws(StoreError) -> R) throws(StoreError) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// The header, or nil before ``initialize(header:)``. Never fails.
    public func loadHeader() throws(StoreError) -> StoreHeader? {
        try withState { state throws(StoreError) in state.header }
    }

    /// Stores the header.
    /// - Throws: ``StoreError/storeAlreadyExists`` when one exists.
    public func initialize(header: StoreHeader) throws(StoreError) {
        try withState { state throws(StoreError) in
            guard state.header == nil else { throw .storeAlreadyExists }
            state.header = header
        }
    }

    /// The record under `key`, or nil. Never fails.
    public func load(_ key: RecordKey) throws(StoreError) -> SealedRecord? {
        try withState { state throws(StoreError) in state.records[key]?.record }
    }

    /// Stores a new record.
    /// - Throws: ``StoreError/recordExists(_:)``, ``StoreError/presignatureAlreadyUsed(_:)``.
    public func insert(_ record: SealedRecord) throws(StoreError) {
        try withState { state throws(StoreError) in
            guard state.records[record.key] == nil else { throw .recordExists(record.key) }
            guard !state.usedPresignatures.contains(record.key) else { throw .presignatureAlreadyUsed(record.key) }
            state.records[record.key] = (state.nextSequence, record)
            state.nextSequence += 1
        }
    }

    /// Stores or replaces a record.
    /// - Throws: ``StoreError/presignatureAlreadyUsed(_:)`` for a new presignature key used before.
    public func upsert(_ record: SealedRecord) throws(StoreError) {
        try withState { state throws(StoreError) in
            if let existing = state.records[record.key] {
                state.records[record.key] = (existing.sequence, record)
            } else {
                guard !state.usedPresignatures.contains(record.key) else { throw .presignatureAlreadyUsed(record.key) }
                state.records[record.key] = (state.nextSequence, record)
                state.nextSequence += 1
            }
        }
    }

    /// Deletes the record under `key` (remembering a presignature's key); whether there was one.
    public func delete(_ key: RecordKey) throws(StoreError) -> Bool {
        try withState { state throws(StoreError) in
            if key.kind == .presignature { state.usedPresignatures.insert(key) }
            return state.records.removeValue(forKey: key) != nil
        }
    }

    /// Deletes every record of `keyID` (remembering presignature keys); how many there were.
    public func deleteAll(keyID: String) throws(StoreError) -> Int {
        try withState { state throws(StoreError) in
            let doomed = state.records.keys.filter { $0.keyID == keyID }
            for key in doomed {
                if key.kind == .presignature { state.usedPresignatures.insert(key) }
                state.records.removeValue(forKey: key)
            }
            return doomed.count
        }
    }

    /// Keys in insertion order, optionally filtered.
    public func keys(kind: RecordKind?, keyID: String?) throws(StoreError) -> [RecordKey] {
        try withState { state throws(StoreError) in
            state.records
                .filter { (kind == nil || $0.key.kind == kind) && (keyID == nil || $0.key.keyID == keyID) }
                .sorted { $0.value.sequence < $1.value.sequence }
                .map(\.key)
        }
    }

    /// The number of records of `kind` under `keyID`.
    public func count(kind: RecordKind, keyID: String) throws(StoreError) -> Int {
        try withState { state throws(StoreError) in
            state.records.keys.count { $0.kind == kind && $0.keyID == keyID }
        }
    }

    /// Atomically opens and removes the oldest record of `kind` under `keyID` (see
    /// ``RecordBackend/takeOldest(kind:keyID:open:)``); rethrows `open`'s error, keeping the record.
    public func takeOldest<T>(
        kind: RecordKind, keyID: String, open: (SealedRecord) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        try withState { state throws(StoreError) in
            guard let oldest = state.records
                .filter({ $0.key.kind == kind && $0.key.keyID == keyID })
                .min(by: { $0.value.sequence < $1.value.sequence }) else { return nil }
            let opened = try open(oldest.value.record)
            state.records.removeValue(forKey: oldest.key)
            if kind == .presignature { state.usedPresignatures.insert(oldest.key) }
            return opened
        }
    }

    /// Atomically opens and removes the record under `key`; rethrows `open`'s error, keeping the record.
    public func take<T>(_ key: RecordKey, open: (SealedRecord) throws(StoreError) -> T) throws(StoreError) -> T? {
        try withState { state throws(StoreError) in
            guard let entry = state.records[key] else { return nil }
            let opened = try open(entry.record)
            state.records.removeValue(forKey: key)
            if key.kind == .presignature { state.usedPresignatures.insert(key) }
            return opened
        }
    }

    /// Test hook: replaces the header as an attacker editing storage could.
    func replaceRawHeader(_ header: StoreHeader?) {
        lock.lock()
        defer { lock.unlock() }
        state.header = header
    }
}
