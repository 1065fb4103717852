import Bytes
import CGGMP
import Secp256k1
import Synchronization
import TSS
import TSSStore

/// A server's typed store: what a threshold server keeps between requests and across restarts —
/// registrations (key share, aux info, public key), presignature pools, session journals, used
/// session ids, and its own identity seed and channel key — over an encrypted `ShareStore`.
///
/// Every value goes in as its `VersionedEncoding.encoded` bytes under its type's
/// `encodingVersion` (raw 32-byte keys under ``rawKeyVersion``) and comes back decoded and
/// re-checked; a record of another version, a record that does not decode and a record that does
/// not belong under its key are refused with a ``NodeStoreError``, never a trap. docs/store.md
/// lists what is stored under which kind, key id and item id.
///
/// Two `NodeStore`s over the same SQLite file (two processes, or two connections in one) see the
/// same records; takes (presignatures, journals) and session-id claims are atomic across them.
///
/// It is also the server's `SessionIDRegistry` (tombstones in the store) and `SessionJournalStore`
/// (encrypted journals, taken once).
///
/// - Important: records are sealed with fresh random nonces drawn from the generator given at
///   initialisation; pass `SystemRandomNumberGenerator` outside tests. A seeded generator replayed
///   against the same store repeats nonces.
public struct NodeStore: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The encrypted store underneath (for what this type does not wrap: deleting, listing keys).
    public let store: ShareStore
    /// The scheme parameters stored aux info and presignatures must have been made under.
    public let parameters: SchemeParameters
    let nonces: NonceSource

    /// A typed store over `store`.
    /// - Parameters:
    ///   - store: an open `ShareStore` (SQLite or in memory).
    ///   - parameters: the parameter set this server runs; aux info and presignatures made under
    ///     another set are refused when loaded.
    ///   - generator: draws the nonce of every record written; `SystemRandomNumberGenerator`
    ///     outside tests.
    public init(store: ShareStore, parameters: SchemeParameters, generator: some RandomNumberGenerator & Sendable) {
        self.store = store
        self.parameters = parameters
        self.nonces = NonceSource(generator)
    }

    /// The store's description and the parameter set's name.
    public var description: String { "NodeStore(\(store), parameters: \(parameters.name))" }
    /// The same as ``description``.
    public var debugDescription: String { description }
    /// An empty mirror: `dump` shows no key material.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    // MARK: Registrations

    /// The store key id of a registration: "key-", the hex of the compressed public key, "-", the
    /// hex of the key epoch (138 ASCII bytes). One key has one registration per epoch (a
    /// KeyRefresh or KeyResharing gives a new one). Public values only. Never fails.
    public static func registrationKeyID(publicKey: Point, epoch: KeyEpoch) -> String {
        registrationKeyIDPrefix(publicKey: publicKey) + hex(epoch.rawRepresentation)
    }

    static func registrationKeyIDPrefix(publicKey: Point) -> String {
        "key-" + hex(publicKey.compressedRepresentation) + "-"
    }

    /// Stores a registration's key share and aux info, and then its public key (the
    /// `ThresholdPublicKey`), under ``registrationKeyID(publicKey:epoch:)`` of the share. The
    /// public key record is written last and marks the registration complete: a crash before it
    /// leaves nothing that ``loadRegistration(publicKey:epoch:)`` or ``registeredKeys()`` shows,
    /// and saving again replaces the parts.
    /// - Returns: the registration's key id.
    /// - Throws: ``NodeStoreError/inconsistentRecord(_:reason:)`` when the aux info belongs to
    ///   another party than the key share; ``NodeStoreError/store(_:)`` with the store's error.
    @discardableResult
    public func save(_ output: RegistrationOutput) throws(NodeStoreError) -> String {
        let share = output.keyShare
        let keyID = Self.registrationKeyID(publicKey: share.publicKey, epoch: share.epoch)
        let auxKey = try record { () throws(StoreError) in try RecordKey.auxInfo(keyID: keyID) }
        guard output.auxInfo.owner == share.owner else {
            throw .inconsistentRecord(auxKey, reason: "the aux info belongs to another party than the key share")
        }
        try put(share, at: record { () throws(StoreError) in try RecordKey.keyShare(keyID: keyID) })
        try put(output.auxInfo, at: auxKey)
        try put(share.publicPart, at: record { () throws(StoreError) in try RecordKey.publicKey(keyID: keyID) })
        return keyID
    }

    /// The registration of `publicKey` — the key share and aux info `SigningFlow` and `PresignFlow`
    /// take — at `epoch`, or, with `epoch` nil, at the epoch registered last (first saved last).
    /// Nil when there is none. Everything is decoded and re-checked: the share and the public key
    /// must be the registration's, the aux info the share owner's and of ``parameters``.
    /// - Throws: ``NodeStoreError/incompleteRegistration(keyID:)`` when the public key record is
    ///   there but the share or aux info is not; ``NodeStoreError/keyShare(_:_:)`` and
    ///   ``NodeStoreError/auxInfo(_:_:)`` for records that do not decode (another parameter set
    ///   included); ``NodeStoreError/inconsistentRecord(_:reason:)``; ``NodeStoreError/store(_:)``
    ///   (another encoding version: `StoreError.encodingVersionMismatch`; a record that fails
    ///   authentication).
    public func loadRegistration(publicKey: Point, epoch: KeyEpoch? = nil) throws(NodeStoreError) -> RegistrationOutput? {
        let keyID: String
        if let epoch {
            keyID = Self.registrationKeyID(publicKey: publicKey, epoch: epoch)
        } else {
            let prefix = Self.registrationKeyIDPrefix(publicKey: publicKey)
            let keys = try record { () throws(StoreError) in try store.keys(kind: .publicKey) }
            guard let newest = keys.last(where: { $0.keyID.hasPrefix(prefix) }) else { return nil }
            keyID = newest.keyID
        }
        guard let publicPart = try loadPublicKey(keyID: keyID) else { return nil }
        let shareKey = try record { () throws(StoreError) in try RecordKey.keyShare(keyID: keyID) }
        let auxKey = try record { () throws(StoreError) in try RecordKey.auxInfo(keyID: keyID) }
        guard let shareRecord = try get(shareKey), let auxRecord = try get(auxKey) else {
            throw .incompleteRegistration(keyID: keyID)
        }
        let shareBytes = try payload(shareRecord, as: ThresholdKeyShare.self)
        let share: ThresholdKeyShare
        do throws(KeyShareError) { share = try ThresholdKeyShare(encoded: shareBytes) } catch { throw .keyShare(shareKey, error) }
        guard share.publicPart == publicPart else {
            throw .inconsistentRecord(shareKey, reason: "the key share is of another key or epoch than its registration")
        }
        let auxBytes = try payload(auxRecord, as: AuxInfo.self)
        let auxInfo: AuxInfo
        do throws(AuxInfoError) { auxInfo = try AuxInfo(encoded: auxBytes, parameters: parameters) } catch { throw .auxInfo(auxKey, error) }
        guard auxInfo.owner == share.owner else {
            throw .inconsistentRecord(auxKey, reason: "the aux info belongs to another party than the key share")
        }
        return RegistrationOutput(keyShare: share, auxInfo: auxInfo)
    }

    /// The public keys of every complete registration, in the order they were first saved (one
    /// entry per key and epoch; `ThresholdPublicKey.epoch` tells them apart). Decoded and checked
    /// against their key ids.
    /// - Throws: ``NodeStoreError/keyShare(_:_:)`` for a public key record that does not decode,
    ///   ``NodeStoreError/inconsistentRecord(_:reason:)``, ``NodeStoreError/store(_:)``.
    public func registeredKeys() throws(NodeStoreError) -> [ThresholdPublicKey] {
        let keys = try record { () throws(StoreError) in try store.keys(kind: .publicKey) }
        var result: [ThresholdPublicKey] = []
        for key in keys where key.keyID.hasPrefix("key-") {
            if let publicKey = try loadPublicKey(keyID: key.keyID) { result.append(publicKey) }
        }
        return result
    }

    /// Removes the registration of `publicKey` at `epoch` (public key, key share and aux info, in
    /// one step of the store); returns whether there was one. Presignature pools are separate:
    /// those of the retired epoch can no longer sign (signing refuses another epoch's presignature)
    /// and are removed with `ShareStore.deleteAll(keyID:)` on their pool id.
    /// - Throws: ``NodeStoreError/store(_:)``.
    @discardableResult
    public func deleteRegistration(publicKey: Point, epoch: KeyEpoch) throws(NodeStoreError) -> Bool {
        let keyID = Self.registrationKeyID(publicKey: publicKey, epoch: epoch)
        return try record { () throws(StoreError) in try store.deleteAll(keyID: keyID) } > 0
    }

    private func loadPublicKey(keyID: String) throws(NodeStoreError) -> ThresholdPublicKey? {
        let key = try record { () throws(StoreError) in try RecordKey.publicKey(keyID: keyID) }
        guard let stored = try get(key) else { return nil }
        let bytes = try payload(stored, as: ThresholdPublicKey.self)
        let publicKey: ThresholdPublicKey
        do throws(KeyShareError) { publicKey = try ThresholdPublicKey(encoded: bytes) } catch { throw .keyShare(key, error) }
        guard Self.registrationKeyID(publicKey: publicKey.publicKey, epoch: publicKey.epoch) == keyID else {
            throw .inconsistentRecord(key, reason: "the public key is of another key or epoch than its key id")
        }
        return publicKey
    }

    // MARK: Helpers

    /// Runs a store call, wrapping its error.
    func record<T>(_ body: () throws(StoreError) -> T) throws(NodeStoreError) -> T {
        do { return try body() } catch { throw .store(error) }
    }

    /// Runs a store call that writes, with the nonce generator.
    func writing<T: Sendable>(_ body: (inout any RandomNumberGenerator & Sendable) throws(StoreError) -> T) throws(NodeStoreError) -> T {
        do { return try nonces.withGenerator(body) } catch { throw .store(error) }
    }

    func put<Value: VersionedEncoding>(_ value: Value, at key: RecordKey) throws(NodeStoreError) {
        let stored = StoredRecord(version: UInt32(Value.encodingVersion), payload: value.encoded)
        try writing { generator throws(StoreError) in try store.put(stored, at: key, using: &generator) }
    }

    func get(_ key: RecordKey) throws(NodeStoreError) -> StoredRecord? {
        try record { () throws(StoreError) in try store.get(key) }
    }

    /// The payload after the version check, as a `NodeStoreError`.
    func payload<Value: VersionedEncoding & ~Copyable>(_ stored: StoredRecord, as type: Value.Type) throws(NodeStoreError) -> [UInt8] {
        try record { () throws(StoreError) in try stored.payload(as: type) }
    }
}

/// The generator that draws record nonces, shared by every copy of a `NodeStore` behind one lock.
final class NonceSource: Sendable {
    private let generator: Mutex<any RandomNumberGenerator & Sendable>

    init(_ generator: some RandomNumberGenerator & Sendable) {
        self.generator = Mutex(generator)
    }

    func withGenerator<T: Sendable, E: Error>(_ body: (inout any RandomNumberGenerator & Sendable) throws(E) -> T) throws(E) -> T {
        try generator.withLock { generator throws(E) -> T in try body(&generator) }
    }
}

/// Lowercase hex.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
