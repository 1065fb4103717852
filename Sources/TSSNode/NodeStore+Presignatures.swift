import CGGMP
import TSS
import TSSStore

/// A presignature taken from a pool: gone from the store, to be spent by one signing.
public struct PooledPresignature: Sendable, CustomStringConvertible {
    /// The pool it was in (`PresignaturePool.keyID(publicKey:epoch:signers:)` of its key, epoch and signers).
    public let pool: String
    /// Its id in the pool (the id every signer stored it under).
    public let id: String
    /// The presignature, for `SigningFlow(presignature:)`; taken from the slot once.
    public let slot: PresignatureSlot

    /// The pool and the id; no secret.
    public var description: String { "PooledPresignature(\(pool)/\(id))" }
}

extension NodeStore {
    /// The id under which the signers of one presigning store its presignature: the lowercase hex
    /// of the presigning session id (`PresignFlow.sessionID`), the same for every signer. Public.
    /// Never fails.
    public static func presignatureID(sessionID: SessionID) -> String {
        hex(sessionID.rawRepresentation)
    }

    /// Adds `presignature` to its pool — `PresignaturePool.keyID(publicKey:epoch:signers:)` of its
    /// own public key, epoch and signer set, so a presignature can only land in the pool it can
    /// sign for — under `id`, consuming it: it is stored, or lost if the store refuses it, but
    /// never left usable beside the stored copy.
    /// - Parameters:
    ///   - presignature: a finished presignature (`PresignFlow.output`, taken from its slot).
    ///   - id: the id every signer uses for this presignature (``presignatureID(sessionID:)``);
    ///     stored in clear, so never a secret.
    /// - Returns: the pool's key id.
    /// - Throws: ``NodeStoreError/store(_:)`` with `StoreError.recordExists` or
    ///   `.presignatureAlreadyUsed` for an id present or ever taken in the pool, or
    ///   `.invalidRecordKey` for a bad id (checked before the presignature is consumed).
    @discardableResult
    public func addPresignature(_ presignature: consuming Presignature, id: String) throws(NodeStoreError) -> String {
        let pool = PresignaturePool.keyID(publicKey: presignature.publicKey, epoch: presignature.epoch,
                                          signers: presignature.signers)
        _ = try record { () throws(StoreError) in try RecordKey.presignature(keyID: pool, presignatureID: id) }
        let encoded = presignature.encoded
        try writing { generator throws(StoreError) in
            try store.addPresignature(encoded, version: UInt32(Presignature.encodingVersion), keyID: pool,
                                      presignatureID: id, using: &generator)
        }
        return pool
    }

    /// Takes the presignature out of `slot` and adds it as the overload that takes a
    /// `Presignature` does; the slot is empty afterwards.
    /// - Throws: ``NodeStoreError/presignatureAlreadyTaken`` for an empty slot; a bad `id` before
    ///   the slot is emptied; otherwise as the other overload.
    @discardableResult
    public func addPresignature(_ slot: PresignatureSlot, id: String) throws(NodeStoreError) -> String {
        // Checks the id before emptying the slot (an id's validity does not depend on the pool).
        let anyPool = PresignaturePool.keyID(publicKey: slot.publicKey, epoch: slot.epoch, signers: [])
        _ = try record { () throws(StoreError) in try RecordKey.presignature(keyID: anyPool, presignatureID: id) }
        guard let presignature = slot.take() else { throw .presignatureAlreadyTaken }
        return try addPresignature(presignature, id: id)
    }

    /// Takes the presignature `id` from `pool`, or nil when it is not there (never added, or
    /// already taken — by this or any other process on the same store). Atomic and once only:
    /// the record is removed and its id can never be added again. It is decoded (under
    /// ``parameters``) and checked to belong to `pool` inside the same step; one that does not
    /// decode stays in the store and the error is thrown.
    /// - Throws: ``NodeStoreError/presignature(_:_:)``, ``NodeStoreError/inconsistentRecord(_:reason:)``,
    ///   ``NodeStoreError/store(_:)`` (another encoding version, authentication, a bad id).
    public func takePresignature(pool: String, id: String) throws(NodeStoreError) -> PooledPresignature? {
        try take(pool: pool, id: id)
    }

    /// Takes the oldest presignature of `pool`, as ``takePresignature(pool:id:)``; nil when the
    /// pool is empty. Signers that take this way must agree on which one was taken
    /// (``PooledPresignature/id``).
    /// - Throws: as ``takePresignature(pool:id:)``.
    public func takeOldestPresignature(pool: String) throws(NodeStoreError) -> PooledPresignature? {
        try take(pool: pool, id: nil)
    }

    /// How many presignatures are left in `pool`.
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func presignatureCount(pool: String) throws(NodeStoreError) -> Int {
        try record { () throws(StoreError) in try store.presignatureCount(keyID: pool) }
    }

    /// The ids of the presignatures left in `pool`, oldest first (metadata only).
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func presignatureIDs(pool: String) throws(NodeStoreError) -> [String] {
        try record { () throws(StoreError) in try store.keys(kind: .presignature, keyID: pool) }.map(\.itemID)
    }

    private func take(pool: String, id: String?) throws(NodeStoreError) -> PooledPresignature? {
        var refusal: NodeStoreError?
        do {
            return try store.takePresignature(keyID: pool, presignatureID: id) { taken throws(StoreError) in
                do throws(NodeStoreError) {
                    return try decode(taken, pool: pool)
                } catch {
                    refusal = error
                    throw .malformedRecord(taken.key, reason: "refused by the node store")
                }
            }
        } catch {
            throw refusal ?? .store(error)
        }
    }

    private func decode(_ taken: TakenPresignature, pool: String) throws(NodeStoreError) -> PooledPresignature {
        let bytes = try payload(taken.record, as: Presignature.self)
        let presignature: Presignature
        do throws(PresignatureDecodingError) {
            presignature = try Presignature(encoded: bytes, parameters: parameters)
        } catch {
            throw .presignature(taken.key, error)
        }
        guard PresignaturePool.keyID(publicKey: presignature.publicKey, epoch: presignature.epoch,
                                     signers: presignature.signers) == pool else {
            throw .inconsistentRecord(taken.key, reason: "the presignature belongs to another pool")
        }
        return PooledPresignature(pool: pool, id: taken.key.itemID, slot: PresignatureSlot(presignature))
    }
}
