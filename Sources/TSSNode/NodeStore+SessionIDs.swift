import TSS
import TSSStore

extension NodeStore: SessionIDRegistry {
    /// Records `id` as run by this server: an insert-only tombstone in the store
    /// (`ShareStore.markSessionIDUsed`), atomic across processes sharing the file and kept across
    /// restarts.
    /// - Throws: `FlowError.sessionIDReused` when `id` was claimed before;
    ///   `FlowError.sessionIDRegistry` with a ``NodeStoreError`` when the store fails.
    public func claim(_ id: SessionID) throws(FlowError) {
        do {
            try nonces.withGenerator { generator throws(StoreError) in
                try store.markSessionIDUsed(id.rawRepresentation, using: &generator)
            }
        } catch .sessionIDAlreadyUsed {
            throw .sessionIDReused(id)
        } catch {
            throw .sessionIDRegistry(NodeStoreError.store(error))
        }
    }

    /// Whether ``claim(_:)`` recorded `id` before.
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func isSessionIDUsed(_ id: SessionID) throws(NodeStoreError) -> Bool {
        try record { () throws(StoreError) in try store.isSessionIDUsed(id.rawRepresentation) }
    }
}
