import Bytes

// The typed side of the store: a value that conforms to `VersionedEncoding` is stored as its
// `encoded` bytes under its own `encodingVersion` (the version byte in its header), so there is
// one version number, not a second one the caller picks. Reading checks it back.

extension ShareStore {
    /// Seals and stores (replacing) `keyID`'s key share: `share.encoded` under its type's
    /// `encodingVersion`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID, or the backend's error.
    public func saveKeyShare<Share: VersionedEncoding>(_ share: Share, keyID: String,
                                                       using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try saveKeyShare(share.encoded, version: UInt32(Share.encodingVersion), keyID: keyID, using: &rng)
    }

    /// Seals and stores (replacing) `keyID`'s aux info under its type's `encodingVersion`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID, or the backend's error.
    public func saveAuxInfo<Aux: VersionedEncoding>(_ auxInfo: Aux, keyID: String,
                                                    using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try saveAuxInfo(auxInfo.encoded, version: UInt32(Aux.encodingVersion), keyID: keyID, using: &rng)
    }

    /// Adds a presignature under its type's `encodingVersion`, consuming it: the value that was
    /// stored cannot also be used.
    /// - Throws: as ``addPresignature(_:version:keyID:presignatureID:using:)``.
    public func addPresignature<Pre: VersionedEncoding & ~Copyable>(_ presignature: consuming Pre, keyID: String,
                                                                    presignatureID: String,
                                                                    using rng: inout some RandomNumberGenerator) throws(StoreError) {
        let encoded = presignature.encoded
        try addPresignature(encoded, version: UInt32(Pre.encodingVersion), keyID: keyID,
                            presignatureID: presignatureID, using: &rng)
    }

    /// Stores (replacing) a session journal under its type's `encodingVersion`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad ID, or the backend's error.
    public func saveJournal<Journal: VersionedEncoding>(_ journal: Journal, keyID: String, journalID: String,
                                                        using rng: inout some RandomNumberGenerator) throws(StoreError) {
        try saveJournal(journal.encoded, version: UInt32(Journal.encodingVersion), keyID: keyID,
                        journalID: journalID, using: &rng)
    }
}

extension StoredRecord {
    /// The payload, to be decoded with `Value(encoded:…)`, after checking that the record was
    /// stored under `Value`'s current `encodingVersion`.
    /// - Throws: ``StoreError/encodingVersionMismatch(type:stored:expected:)`` otherwise.
    public func payload<Value: VersionedEncoding & ~Copyable>(as type: Value.Type) throws(StoreError) -> [UInt8] {
        guard version == UInt32(Value.encodingVersion) else {
            throw .encodingVersionMismatch(type: Value.encodingHeader.name, stored: version, expected: Value.encodingVersion)
        }
        return payload
    }
}
