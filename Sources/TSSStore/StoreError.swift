/// Everything the share store can report. Cases carry record keys and reasons, never secrets.
public enum StoreError: Error, Equatable, Sendable {
    // Opening and creating
    /// `open` found no file (or a backend without a header) to open.
    case storeNotFound
    /// `create` found an existing store (or a non-empty file) and left it alone.
    case storeAlreadyExists
    /// The file is an SQLite database but has no share-store header.
    case notAStore
    /// The header names a format this code does not read.
    case unsupportedFormatVersion(UInt32)
    /// The header row is present but unusable (bad lengths, out-of-range KDF limits, …).
    case invalidHeader(reason: String)
    /// The file is damaged: not a database, truncated, or malformed pages.
    case corruptFile(reason: String)
    /// The password does not match the store's check value.
    case wrongPassword
    /// The master key does not match the store's check value.
    case wrongMasterKey
    /// Opened with a password but the store uses a raw master key, or the other way round.
    case credentialKindMismatch(storeUses: StoreKeyDerivation.Kind)

    // Credentials
    /// Passwords must not be empty.
    case emptyPassword
    /// A master key must be exactly 32 bytes.
    case invalidMasterKeyLength(Int)
    /// Argon2id limits outside what this store accepts (see `PasswordHashingLimits`).
    case unacceptableKDFLimits(operations: UInt64, memoryBytes: UInt64)
    /// libsodium could not run Argon2id (in practice: not enough memory for the limits).
    case keyDerivationFailed

    // Records
    /// A key ID or item ID is empty, too long, or the wrong shape for its kind.
    case invalidRecordKey(reason: String)
    /// The record failed authentication: modified, moved to another key, or given another version.
    case recordAuthenticationFailed(RecordKey)
    /// The stored row cannot be a sealed record (wrong nonce length, short ciphertext, bad column types).
    case malformedRecord(RecordKey?, reason: String)
    /// An insert-only record (a presignature) already exists under this key.
    case recordExists(RecordKey)
    /// This presignature ID was taken or deleted before; presignatures are single-use.
    case presignatureAlreadyUsed(RecordKey)
    /// This session id was recorded as used before (`markSessionIDUsed`); a party never runs one twice.
    case sessionIDAlreadyUsed(RecordKey)

    /// A record read as `type` was stored under another encoding version than the one this
    /// library writes for that type (``StoredRecord/payload(as:)``).
    case encodingVersionMismatch(type: String, stored: UInt32, expected: UInt8)

    /// Any other database failure (SQLite result code and message; no SQL arguments).
    case backend(code: Int32, message: String)
}
