/// What a record holds. The raw value is the on-disk code and the byte bound into associated data.
public enum RecordKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A key share (no item ID).
    case keyShare = 1
    /// Aux info (no item ID).
    case auxInfo = 2
    /// A presignature (item ID: the caller's presignature id); insert-only, taken at most once.
    case presignature = 3
    /// A session journal (item ID: the caller's journal id, e.g. protocol tag and session id);
    /// restored only by `takeJournal`, which removes it.
    case journal = 4
    /// A tombstone for a session id this party ran (key ID `RecordKey.usedSessionIDsKeyID`, item
    /// ID the id in hex); insert-only, never deleted.
    case usedSessionID = 5
    /// The public side of a registered key (a `ThresholdPublicKey`; no item ID). Public, but
    /// sealed like every record.
    case publicKey = 6
    /// A server's Ed25519 identity seed (no item ID); secret.
    case identitySeed = 7
    /// A server's X25519 static key for Noise peer channels (no item ID); secret.
    case channelKey = 8

    /// The case name.
    public var description: String {
        switch self {
        case .keyShare: "keyShare"
        case .auxInfo: "auxInfo"
        case .presignature: "presignature"
        case .journal: "journal"
        case .usedSessionID: "usedSessionID"
        case .publicKey: "publicKey"
        case .identitySeed: "identitySeed"
        case .channelKey: "channelKey"
        }
    }
}

/// Where a record lives: its kind, the key it belongs to, and (for presignatures) which one.
///
/// Key IDs and item IDs are stored in clear (they index the table); they must not be secret.
/// Both are UTF-8, at most `maximumIDByteCount` bytes, without NUL; key IDs are non-empty;
/// presignatures, journals and used session ids need a non-empty item ID and the other kinds have
/// none.
public struct RecordKey: Hashable, Sendable, CustomStringConvertible {
    /// The longest key ID or item ID, in UTF-8 bytes.
    public static let maximumIDByteCount = 255

    /// What the record holds.
    public let kind: RecordKind
    /// The key the record belongs to (for example a hex public key); stored in clear.
    public let keyID: String
    /// Which presignature, journal or session id; empty for the other kinds. Stored in clear.
    public let itemID: String

    /// A key, checked for its kind.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for an empty, over-long or NUL-containing
    ///   ID, a missing item ID (presignatures, journals, session ids) or an item ID where the kind
    ///   has none.
    public init(kind: RecordKind, keyID: String, itemID: String = "") throws(StoreError) {
        try Self.validate(keyID, name: "key ID", allowEmpty: false)
        switch kind {
        case .presignature, .journal, .usedSessionID:
            try Self.validate(itemID, name: "\(kind) ID", allowEmpty: false)
        case .keyShare, .auxInfo, .publicKey, .identitySeed, .channelKey:
            guard itemID.isEmpty else {
                throw .invalidRecordKey(reason: "\(kind) records have no item ID")
            }
        }
        self.kind = kind
        self.keyID = keyID
        self.itemID = itemID
    }

    /// The key of `keyID`'s key share.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public static func keyShare(keyID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .keyShare, keyID: keyID)
    }

    /// The key of `keyID`'s aux info.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public static func auxInfo(keyID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .auxInfo, keyID: keyID)
    }

    /// The key of `keyID`'s public key record (a registered key's `ThresholdPublicKey`).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public static func publicKey(keyID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .publicKey, keyID: keyID)
    }

    /// The key of `keyID`'s identity seed (a server's Ed25519 seed).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public static func identitySeed(keyID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .identitySeed, keyID: keyID)
    }

    /// The key of `keyID`'s channel key (a server's X25519 static key for Noise peer channels).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID.
    public static func channelKey(keyID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .channelKey, keyID: keyID)
    }

    /// The key of one presignature of `keyID`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID or an empty or bad
    ///   presignature ID.
    public static func presignature(keyID: String, presignatureID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .presignature, keyID: keyID, itemID: presignatureID)
    }

    /// The key of one session journal of `keyID`.
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` for a bad key ID or journal ID.
    public static func journal(keyID: String, journalID: String) throws(StoreError) -> RecordKey {
        try RecordKey(kind: .journal, keyID: keyID, itemID: journalID)
    }

    /// The key ID under which used session ids are recorded (reserved: `deleteAll` refuses it).
    public static let usedSessionIDsKeyID = "#used-session-ids"

    /// The key of the tombstone for `sessionID` (item ID: the id in lowercase hex).
    /// - Throws: ``StoreError/invalidRecordKey(reason:)`` unless the id is 1 to 64 bytes.
    public static func usedSessionID(_ sessionID: [UInt8]) throws(StoreError) -> RecordKey {
        guard !sessionID.isEmpty, sessionID.count <= 64 else {
            throw .invalidRecordKey(reason: "a session id must be 1 to 64 bytes")
        }
        let hex = sessionID.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return try RecordKey(kind: .usedSessionID, keyID: usedSessionIDsKeyID, itemID: hex)
    }

    static func validate(_ id: String, name: String, allowEmpty: Bool) throws(StoreError) {
        let count = id.utf8.count
        if count == 0 && !allowEmpty { throw .invalidRecordKey(reason: "\(name) is empty") }
        guard count <= maximumIDByteCount else {
            throw .invalidRecordKey(reason: "\(name) is \(count) bytes; at most \(maximumIDByteCount)")
        }
        guard !id.utf8.contains(0) else { throw .invalidRecordKey(reason: "\(name) contains NUL") }
    }

    /// `kind(keyID)` or `kind(keyID/itemID)`; IDs are not secret.
    public var description: String {
        itemID.isEmpty ? "\(kind)(\(keyID))" : "\(kind)(\(keyID)/\(itemID))"
    }
}

/// A decrypted record: the caller's payload and the caller's format version for it.
/// The payload is secret (a key share, aux info or presignature), so it is never printed.
public struct StoredRecord: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The protocol layer's serialisation version for `payload`; authenticated with the record.
    public var version: UInt32
    /// The caller's serialised value; secret.
    public var payload: [UInt8]

    /// A record to store.
    public init(version: UInt32, payload: [UInt8]) {
        self.version = version
        self.payload = payload
    }

    /// The version and the payload's length, never its bytes.
    public var description: String { "StoredRecord(version: \(version), \(payload.count) bytes)" }
    /// The same as ``description``.
    public var debugDescription: String { description }
}

/// A presignature handed out by `take`: it is gone from the store and must be used at most once.
public struct TakenPresignature: Sendable, CustomStringConvertible {
    /// Where it was stored.
    public let key: RecordKey
    /// The decrypted, authenticated record.
    public let record: StoredRecord

    /// The key only.
    public var description: String { "TakenPresignature(\(key))" }
}

/// A record as backends hold it: clear key and version, random nonce, AEAD ciphertext ‖ tag.
public struct SealedRecord: Sendable, Equatable {
    /// Where the record lives; bound into the associated data.
    public var key: RecordKey
    /// The caller's format version; bound into the associated data.
    public var version: UInt32
    /// The 24-byte XChaCha20-Poly1305 nonce.
    public var nonce: [UInt8]
    /// The encrypted payload followed by the 16-byte tag.
    public var ciphertext: [UInt8]

    /// A sealed record as a backend read it; ``ShareStore`` checks its shape and authenticity when
    /// opening it (``StoreError/malformedRecord(_:reason:)``, ``StoreError/recordAuthenticationFailed(_:)``).
    public init(key: RecordKey, version: UInt32, nonce: [UInt8], ciphertext: [UInt8]) {
        self.key = key
        self.version = version
        self.nonce = nonce
        self.ciphertext = ciphertext
    }
}
