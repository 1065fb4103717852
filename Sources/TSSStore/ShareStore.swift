import Bytes

/// The encrypted share store: key shares, aux info and presignatures sealed per record with
/// XChaCha20-Poly1305 under a key derived from the master key (random, or Argon2id of a password).
///
/// Payloads are opaque bytes: the protocol layer serialises its own types and names their format
/// with `version`. Every record's associated data binds store ID, kind, key ID, item ID and
/// version, so a ciphertext cannot be moved to another key, store or version undetected.
/// See docs/store.md for the format and threat model.
///
/// Sealing takes the random generator as a parameter; outside tests pass
/// `SystemRandomNumberGenerator`: nonces are random, and a seeded generator replayed against the
/// same store would repeat nonces.
public struct ShareStore: Sendable, CustomStringConvertible {
    /// Where the sealed records and the header are kept.
    public let backend: any RecordBackend
    /// The verified header (store ID, key derivation, check tag).
    public let header: StoreHeader
    private let keys: StoreKeys

    // MARK: Creating and opening

    /// Creates a password-protected store in an empty backend. The salt, limits and check tag go
    /// into the header so ``open(backend:password:)`` needs only the password.
    /// - Parameters:
    ///   - backend: an empty backend.
    ///   - password: a non-empty password.
    ///   - limits: the Argon2id costs (``PasswordHashingLimits/moderate`` by default).
    ///   - rng: draws the salt and store ID; `SystemRandomNumberGenerator` outside tests.
    /// - Throws: ``StoreError/emptyPassword``, ``StoreError/keyDerivationFailed`` (not enough memory
    ///   for the limits), ``StoreError/storeAlreadyExists`` for a backend with a header, or the
    ///   backend's error.
    public static func create(
        backend: some RecordBackend, password: String, limits: PasswordHashingLimits = .moderate,
        using rng: inout some RandomNumberGenerator
    ) throws(StoreError) -> ShareStore {
        guard !password.isEmpty else { throw .emptyPassword }
        let salt = randomBytes(StoreKeyDerivation.saltByteCount, using: &rng)
        let master = try StoreKeys.masterKey(password: password, salt: salt, limits: limits)
        return try create(backend: backend, master: master, derivation: .argon2id(limits, salt: salt), using: &rng)
    }

    /// Creates a store protected by a caller-held 32-byte master key.
    /// - Throws: ``StoreError/storeAlreadyExists`` for a backend with a header, or the backend's error.
    public static func create(
        backend: some RecordBackend, masterKey: MasterKey, using rng: inout some RandomNumberGenerator
    ) throws(StoreError) -> ShareStore {
        try create(backend: backend, master: masterKey.secret, derivation: .masterKey, using: &rng)
    }

    private static func create(
        backend: some RecordBackend, master: SecretBytes, derivation: StoreKeyDerivation,
        using rng: inout some RandomNumberGenerator
    ) throws(StoreError) -> ShareStore {
        if try backend.loadHeader() != nil { throw .storeAlreadyExists }
        let keys = StoreKeys(master: master)
        var header = StoreHeader(
            formatVersion: StoreHeader.currentFormatVersion,
            storeID: randomBytes(StoreHeader.storeIDByteCount, using: &rng),
            keyDerivation: derivation, checkTag: [])
        header.checkTag = keys.checkTag(for: header)
        try backend.initialize(header: header)
        return ShareStore(backend: backend, header: header, keys: keys)
    }

    /// Opens a password-protected store; nothing is written.
    /// - Throws: ``StoreError/storeNotFound`` (no header), ``StoreError/unsupportedFormatVersion(_:)``,
    ///   ``StoreError/invalidHeader(reason:)`` (checked before Argon2id runs on the header's limits),
    ///   ``StoreError/credentialKindMismatch(storeUses:)`` for a master-key store,
    ///   ``StoreError/emptyPassword``, ``StoreError/keyDerivationFailed``,
    ///   ``StoreError/wrongPassword``, or the backend's error.
    public static func open(backend: some RecordBackend, password: String) throws(StoreError) -> ShareStore {
        let header = try loadVerifiableHeader(backend)
        guard case .argon2id(let limits, let salt) = header.keyDerivation else {
            throw .credentialKindMismatch(storeUses: header.keyDerivation.kind)
        }
        guard !password.isEmpty else { throw .emptyPassword }
        let keys = try StoreKeys(master: StoreKeys.masterKey(password: password, salt: salt, limits: limits))
        guard keys.matches(header) else { throw .wrongPassword }
        return ShareStore(backend: backend, header: header, keys: keys)
    }

    /// Opens a master-key store; nothing is written.
    /// - Throws: ``StoreError/storeNotFound``, ``StoreError/unsupportedFormatVersion(_:)``,
    ///   ``StoreError/invalidHeader(reason:)``, ``StoreError/credentialKindMismatch(storeUses:)`` for
    ///   a password store, ``StoreError/wrongMasterKey``, or the backend's error.
    public static func open(backend: some RecordBackend, masterKey: MasterKey) throws(StoreError) -> ShareStore {
        let header = try loadVerifiableHeader(backend)
        guard case .masterKey = header.keyDerivation else {
            throw .credentialKindMismatch(storeUses: header.keyDerivation.kind)
        }
        let keys = StoreKeys(master: masterKey.secret)
        guard keys.matches(header) else { throw .wrongMasterKey }
        return ShareStore(backend: backend, header: header, keys: keys)
    }

    private static func loadVerifiableHeader(_ backend: some RecordBackend) throws(StoreError) -> StoreHeader {
        guard let header = try backend.loadHeader() else { throw .storeNotFound }
        try header.validate()
        return header
    }

    private init(backend: any RecordBackend, header: StoreHeader, keys: StoreKeys) {
        self.backend = backend
        self.header = header
        self.keys = keys
    }

    // MARK: Generic records

    /// Seals and stores `record` under `key`, replacing any earlier record there. Presignatures
    /// are insert-only: use ``addPresignature(_:version:keyID:presignatureID:using:)`` (or
    /// ``add(_:at:using:)`` for any record that must not replace one).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a presignature or used-session-id key,
    ///   or the backend's error.
    public func put(_ record: StoredRecord, at key: RecordKey, using rng: inout some RandomNumberGenerator) throws(StoreError) {
        guard key.kind != .presignature else {
            throw .invalidRecordKey(reason: "presignatures are insert-only; use addPresignature")
        }
        guard key.kind != .usedSessionID else {
            throw .invalidRecordKey(reason: "used session ids are insert-only; use markSessionIDUsed")
        }
        try backend.upsert(seal(record, at: key, using: &rng))
    }

    /// Seals and stores `record` under `key` only if nothing is there: insert-only, atomic against
    /// concurrent writers (threads, connections, processes on the same file). For records that must
    /// never be replaced by mistake, such as a server's identity seed.
    /// - Throws: ``StoreError/recordExists(_:)`` when a record is there,
    ///   ``StoreError/presignatureAlreadyUsed(_:)`` for a presignature key taken or deleted before,
    ///   ``StoreError/invalidRecordKey(reason:)`` for a used-session-id key (use
    ///   ``markSessionIDUsed(_:using:)``), or the backend's error.
    public func add(_ record: StoredRecord, at key: RecordKey, using rng: inout some RandomNumberGenerator) throws(StoreError) {
        guard key.kind != .usedSessionID else {
            throw .invalidRecordKey(reason: "used session ids are recorded with markSessionIDUsed")
        }
        try backend.insert(seal(record, at: key, using: &rng))
    }

    /// The record under `key`, decrypted and authenticated, or nil when there is none.
    /// - Throws: ``StoreError/recordAuthenticationFailed(_:)`` for a modified or moved record,
    ///   ``StoreError/malformedRecord(_:reason:)``, or the backend's error.
    public func get(_ key: RecordKey) throws(StoreError) -> StoredRecord? {
        guard let sealed = try backend.load(key) else { return nil }
        guard sealed.key == key else {
            throw .malformedRecord(key, reason: "backend returned a record for another key")
        }
        return try open(sealed)
    }

    /// Removes the record under `key`; returns whether one was there. Used-session-id tombstones
    /// cannot be removed.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a used-session-id key, or the
    ///   backend's error.
    @discardableResult
    public func delete(_ key: RecordKey) throws(StoreError) -> Bool {
        guard key.kind != .usedSessionID else { throw .invalidRecordKey(reason: "used session ids are never deleted") }
        return try backend.delete(key)
    }

    /// Removes every record (share, aux info, presignatures, journals) of `keyID`; returns how many.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID or the reserved
    ///   ``RecordKey/usedSessionIDsKeyID``, or the backend's error.
    @discardableResult
    public func deleteAll(keyID: String) throws(StoreError) -> Int {
        try RecordKey.validate(keyID, name: "key ID", allowEmpty: false)
        guard keyID != RecordKey.usedSessionIDsKeyID else {
            throw .invalidRecordKey(reason: "used session ids are never deleted")
        }
        return try backend.deleteAll(keyID: keyID)
    }

    /// Record keys, in insertion order, optionally filtered by kind and key ID. Metadata only.
    /// - Throws: the backend's error.
    public func keys(kind: RecordKind? = nil, keyID: String? = nil) throws(StoreError) -> [RecordKey] {
        try backend.keys(kind: kind, keyID: keyID)
    }

    // MARK: Typed records

    /// Seals and stores (replacing) `keyID`'s key share.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID, or the backend's error.
    public func saveKeyShare(_ payload: [UInt8], version: UInt32, keyID: String,
                             using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try put(StoredRecord(version: version, payload: payload), at: .keyShare(keyID: keyID), using: &rng)
    }

    /// `keyID`'s key share, or nil.
    /// - Throws: as ``get(_:)``, and ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public func keyShare(keyID: String) throws(StoreError) -> StoredRecord? {
        try get(.keyShare(keyID: keyID))
    }

    /// Seals and stores (replacing) `keyID`'s aux info.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID, or the backend's error.
    public func saveAuxInfo(_ payload: [UInt8], version: UInt32, keyID: String,
                            using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try put(StoredRecord(version: version, payload: payload), at: .auxInfo(keyID: keyID), using: &rng)
    }

    /// `keyID`'s aux info, or nil.
    /// - Throws: as ``get(_:)``, and ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public func auxInfo(keyID: String) throws(StoreError) -> StoredRecord? {
        try get(.auxInfo(keyID: keyID))
    }

    /// Adds a presignature. An ID is never reusable.
    /// - Throws: ``StoreError/recordExists(_:)`` if the ID is present,
    ///   ``StoreError/presignatureAlreadyUsed(_:)`` if it was ever taken or deleted,
    ///   ``StoreError/invalidRecordKey(reason:)`` for a bad ID, or the backend's error.
    public func addPresignature(_ payload: [UInt8], version: UInt32, keyID: String, presignatureID: String,
                                using rng: inout some RandomNumberGenerator) throws(StoreError) {
        let key = try RecordKey.presignature(keyID: keyID, presignatureID: presignatureID)
        try backend.insert(seal(StoredRecord(version: version, payload: payload), at: key, using: &rng))
    }

    /// Removes and returns the oldest presignature of `keyID`, or nil when none is left. Atomic:
    /// concurrent takers (threads, connections, processes on the same file) never receive the same
    /// one. A presignature that fails authentication is reported and left in place.
    /// - Throws: ``StoreError/recordAuthenticationFailed(_:)``, ``StoreError/malformedRecord(_:reason:)``,
    ///   ``StoreError/invalidRecordKey(reason:)`` for a bad key ID, or the backend's error.
    public func takePresignature(keyID: String) throws(StoreError) -> TakenPresignature? {
        try takePresignature(keyID: keyID, presignatureID: nil) { taken throws(StoreError) in taken }
    }

    /// Removes and returns the presignature `presignatureID` of `keyID`, or nil when it is not
    /// there (never added, or already taken). Atomic like ``takePresignature(keyID:)``: of
    /// concurrent takers at most one receives it, and the ID can never be added again.
    /// - Throws: as ``takePresignature(keyID:)``, and ``StoreError/invalidRecordKey(reason:)`` for
    ///   a bad presignature ID.
    public func takePresignature(keyID: String, presignatureID: String) throws(StoreError) -> TakenPresignature? {
        try takePresignature(keyID: keyID, presignatureID: presignatureID) { taken throws(StoreError) in taken }
    }

    /// Takes a presignature of `keyID` — the one named `presignatureID`, or the oldest when it is
    /// nil — and passes it to `decode` inside the same atomic step: only if `decode` returns is the
    /// presignature removed (and its ID remembered as used). A presignature that fails
    /// authentication, or that `decode` refuses (an unknown version, another parameter set), stays
    /// in place and the error is rethrown.
    /// - Throws: ``StoreError/recordAuthenticationFailed(_:)``, ``StoreError/malformedRecord(_:reason:)``,
    ///   ``StoreError/invalidRecordKey(reason:)`` for a bad key ID or presignature ID, `decode`'s
    ///   error, or the backend's error.
    public func takePresignature<T>(keyID: String, presignatureID: String? = nil,
                                    decode: (TakenPresignature) throws(StoreError) -> T) throws(StoreError) -> T? {
        try RecordKey.validate(keyID, name: "key ID", allowEmpty: false)
        let open = { (sealed: SealedRecord) throws(StoreError) -> T in
            try decode(TakenPresignature(key: sealed.key, record: try self.open(sealed)))
        }
        if let presignatureID {
            return try backend.take(.presignature(keyID: keyID, presignatureID: presignatureID), open: open)
        }
        return try backend.takeOldest(kind: .presignature, keyID: keyID, open: open)
    }

    /// How many presignatures of `keyID` are left.
    /// - Throws: the backend's error.
    public func presignatureCount(keyID: String) throws(StoreError) -> Int {
        try backend.count(kind: .presignature, keyID: keyID)
    }

    /// Stores (replacing) a session journal, e.g. `SessionJournal.encoded` after each round.
    /// `journalID` names the session (for instance the hex of its session id and protocol tag).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad ID, or the backend's error.
    public func saveJournal(_ payload: [UInt8], version: UInt32, keyID: String, journalID: String,
                            using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try put(StoredRecord(version: version, payload: payload), at: .journal(keyID: keyID, journalID: journalID), using: &rng)
    }

    /// Removes and returns a session journal, or nil when there is none. Atomic like
    /// `takePresignature`: of concurrent takers (a crash loop, a failover replica) at most one
    /// receives it, so a journal is restored at most once. There is no read-only accessor for
    /// journal payloads besides ``get(_:)``; restore code must use this.
    /// - Throws: ``StoreError/recordAuthenticationFailed(_:)`` (the journal stays),
    ///   ``StoreError/invalidRecordKey(reason:)``, or the backend's error.
    public func takeJournal(keyID: String, journalID: String) throws(StoreError) -> StoredRecord? {
        try takeJournal(keyID: keyID, journalID: journalID) { record throws(StoreError) in record }
    }

    /// Takes a session journal as ``takeJournal(keyID:journalID:)`` does, passing it to `decode`
    /// inside the same atomic step: only if `decode` returns is the journal removed. A journal that
    /// fails authentication or that `decode` refuses (for instance another encoding version) stays.
    /// - Throws: ``StoreError/recordAuthenticationFailed(_:)``, ``StoreError/invalidRecordKey(reason:)``,
    ///   `decode`'s error, or the backend's error.
    public func takeJournal<T>(keyID: String, journalID: String,
                               decode: (StoredRecord) throws(StoreError) -> T) throws(StoreError) -> T? {
        try backend.take(.journal(keyID: keyID, journalID: journalID)) { sealed throws(StoreError) in
            try decode(try open(sealed))
        }
    }

    /// Records that this party ran (or started) the session `sessionID`. Insert-only and never
    /// deleted, across restarts and across processes sharing the file.
    /// - Throws: ``StoreError/sessionIDAlreadyUsed(_:)`` on a second call for the same id,
    ///   ``StoreError/invalidRecordKey(reason:)`` unless the id is 1 to 64 bytes, or the backend's
    ///   error.
    public func markSessionIDUsed(_ sessionID: [UInt8], using rng: inout some RandomNumberGenerator) throws(StoreError) {
        let key = try RecordKey.usedSessionID(sessionID)
        do {
            try backend.insert(seal(StoredRecord(version: 1, payload: []), at: key, using: &rng))
        } catch .recordExists {
            throw .sessionIDAlreadyUsed(key)
        }
    }

    /// Whether ``markSessionIDUsed(_:using:)`` was called before for `sessionID`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` unless the id is 1 to 64 bytes, or the
    ///   backend's error.
    public func isSessionIDUsed(_ sessionID: [UInt8]) throws(StoreError) -> Bool {
        try backend.load(try RecordKey.usedSessionID(sessionID)) != nil
    }

    // MARK: Sealing

    private func seal(_ record: StoredRecord, at key: RecordKey, using rng: inout some RandomNumberGenerator) throws(StoreError) -> SealedRecord {
        let nonce = Self.randomBytes(XChaCha20Poly1305.nonceByteCount, using: &rng)
        let ad = StoreKeys.associatedData(storeID: header.storeID, key: key, version: record.version)
        let ciphertext = keys.recordKey.withUnsafeBytes { key in
            // Sizes are fixed by construction, so the AEAD cannot reject them.
            try! XChaCha20Poly1305.seal(record.payload, associatedData: ad, nonce: nonce, key: key)
        }
        return SealedRecord(key: key, version: record.version, nonce: nonce, ciphertext: ciphertext)
    }

    private func open(_ sealed: SealedRecord) throws(StoreError) -> StoredRecord {
        guard sealed.nonce.count == XChaCha20Poly1305.nonceByteCount else {
            throw .malformedRecord(sealed.key, reason: "nonce is \(sealed.nonce.count) bytes, expected 24")
        }
        guard sealed.ciphertext.count >= XChaCha20Poly1305.tagByteCount else {
            throw .malformedRecord(sealed.key, reason: "ciphertext shorter than the 16-byte tag")
        }
        let ad = StoreKeys.associatedData(storeID: header.storeID, key: sealed.key, version: sealed.version)
        do {
            let payload = try keys.recordKey.withUnsafeBytes { key throws(XChaCha20Poly1305.Failure) in
                try XChaCha20Poly1305.open(sealed.ciphertext, associatedData: ad, nonce: sealed.nonce, key: key)
            }
            return StoredRecord(version: sealed.version, payload: payload)
        } catch {
            throw .recordAuthenticationFailed(sealed.key)
        }
    }

    static func randomBytes(_ count: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: rng.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// The key-derivation kind only.
    public var description: String { "ShareStore(\(header.keyDerivation.kind.rawValue))" }
}

extension ShareStore {
    /// Creates a password-protected store in a new SQLite file at `path` (refuses an existing
    /// non-empty file).
    /// - Throws: as ``SQLiteRecordBackend/create(path:busyTimeout:)`` and
    ///   ``create(backend:password:limits:using:)``.
    public static func create(
        path: String, password: String, limits: PasswordHashingLimits = .moderate,
        using rng: inout some RandomNumberGenerator
    ) throws(StoreError) -> ShareStore {
        try create(backend: SQLiteRecordBackend.create(path: path), password: password, limits: limits, using: &rng)
    }

    /// Creates a master-key store in a new SQLite file at `path` (refuses an existing non-empty file).
    /// - Throws: as ``SQLiteRecordBackend/create(path:busyTimeout:)`` and
    ///   ``create(backend:masterKey:using:)``.
    public static func create(path: String, masterKey: MasterKey,
                              using rng: inout some RandomNumberGenerator) throws(StoreError) -> ShareStore {
        try create(backend: SQLiteRecordBackend.create(path: path), masterKey: masterKey, using: &rng)
    }

    /// Opens the password-protected store file at `path`.
    /// - Throws: as ``SQLiteRecordBackend/open(path:busyTimeout:)`` and ``open(backend:password:)``.
    public static func open(path: String, password: String) throws(StoreError) -> ShareStore {
        try open(backend: SQLiteRecordBackend.open(path: path), password: password)
    }

    /// Opens the master-key store file at `path`.
    /// - Throws: as ``SQLiteRecordBackend/open(path:busyTimeout:)`` and ``open(backend:masterKey:)``.
    public static func open(path: String, masterKey: MasterKey) throws(StoreError) -> ShareStore {
        try open(backend: SQLiteRecordBackend.open(path: path), masterKey: masterKey)
    }
}
