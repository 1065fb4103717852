import Bytes
import CGGMP
import Noise
import TSS
import TSSStore

extension NodeStore {
    /// The key id of the server's own keys (identity seed, channel key).
    public static let nodeKeyID = "#node"
    /// The record version of raw 32-byte keys (identity seed, channel key), which have no
    /// versioned encoding of their own: the bytes as they are.
    public static let rawKeyVersion: UInt8 = 1

    /// Stores the server's Ed25519 identity seed. Insert-only: an identity is never replaced by
    /// mistake (remove it through ``store`` first to rotate it).
    /// - Throws: ``NodeStoreError/identitySeed(_:_:)`` unless `seed` has 32 bytes;
    ///   ``NodeStoreError/store(_:)`` with `StoreError.recordExists` when a seed is stored.
    public func saveIdentitySeed(_ seed: SecretBytes) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in try RecordKey.identitySeed(keyID: Self.nodeKeyID) }
        do throws(IdentityKeyError) { _ = try Ed25519Signer(seed: seed.unprotectedCopy) } catch { throw .identitySeed(key, error) }
        try add(seed.unprotectedCopy, at: key)
    }

    /// The server's identity seed, or nil when none is stored.
    /// - Throws: ``NodeStoreError/store(_:)`` (another version, authentication);
    ///   ``NodeStoreError/identitySeed(_:_:)`` for a stored value that is not 32 bytes.
    public func loadIdentitySeed() throws(NodeStoreError) -> SecretBytes? {
        let key = try record { () throws(StoreError) in try RecordKey.identitySeed(keyID: Self.nodeKeyID) }
        guard let bytes = try loadRawKey(key, name: "identity seed") else { return nil }
        guard bytes.count == 32 else { throw .identitySeed(key, .wrongSeedLength(bytes.count)) }
        return SecretBytes(bytes)
    }

    /// The server's identity signer (from the stored seed), or nil when none is stored.
    /// - Throws: as ``loadIdentitySeed()``.
    public func loadIdentitySigner() throws(NodeStoreError) -> Ed25519Signer? {
        let key = try record { () throws(StoreError) in try RecordKey.identitySeed(keyID: Self.nodeKeyID) }
        guard let seed = try loadIdentitySeed() else { return nil }
        do throws(IdentityKeyError) { return try Ed25519Signer(seed: seed.unprotectedCopy) } catch { throw .identitySeed(key, error) }
    }

    /// Stores the server's X25519 static key for Noise peer channels (its raw 32 bytes).
    /// Insert-only, like the identity seed.
    /// - Throws: ``NodeStoreError/store(_:)`` with `StoreError.recordExists` when one is stored.
    public func saveChannelKey(_ channelKey: X25519PrivateKey) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in try RecordKey.channelKey(keyID: Self.nodeKeyID) }
        try add(channelKey.rawRepresentation, at: key)
    }

    /// The server's channel key, or nil when none is stored.
    /// - Throws: ``NodeStoreError/store(_:)`` (another version, authentication);
    ///   ``NodeStoreError/channelKey(_:_:)`` for stored bytes that are not an X25519 private key.
    public func loadChannelKey() throws(NodeStoreError) -> X25519PrivateKey? {
        let key = try record { () throws(StoreError) in try RecordKey.channelKey(keyID: Self.nodeKeyID) }
        guard let bytes = try loadRawKey(key, name: "channel key") else { return nil }
        do throws(NoiseError) { return try X25519PrivateKey(rawRepresentation: bytes) } catch { throw .channelKey(key, error) }
    }

    private func add(_ bytes: [UInt8], at key: RecordKey) throws(NodeStoreError) {
        let stored = StoredRecord(version: UInt32(Self.rawKeyVersion), payload: bytes)
        try writing { generator throws(StoreError) in try store.add(stored, at: key, using: &generator) }
    }

    private func loadRawKey(_ key: RecordKey, name: String) throws(NodeStoreError) -> [UInt8]? {
        guard let stored = try get(key) else { return nil }
        guard stored.version == UInt32(Self.rawKeyVersion) else {
            throw .store(.encodingVersionMismatch(type: name, stored: stored.version, expected: Self.rawKeyVersion))
        }
        return stored.payload
    }
}
