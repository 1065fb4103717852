import Bytes
import CSodium

/// Argon2id cost parameters (libsodium `crypto_pwhash`, `ALG_ARGON2ID13`).
public struct PasswordHashingLimits: Sendable, Equatable, CustomStringConvertible {
    /// Passes over memory (`opslimit`).
    public let operations: UInt64
    /// Memory in bytes (`memlimit`).
    public let memoryBytes: UInt64

    /// Custom limits.
    /// - Throws: ``StoreError/unacceptableKDFLimits(operations:memoryBytes:)`` outside libsodium's
    ///   minimum … 64 passes and 4 GiB (the range a store file may ask for).
    public init(operations: UInt64, memoryBytes: UInt64) throws(StoreError) {
        guard Self.acceptedOperations.contains(operations), Self.acceptedMemoryBytes.contains(memoryBytes) else {
            throw .unacceptableKDFLimits(operations: operations, memoryBytes: memoryBytes)
        }
        self.operations = operations
        self.memoryBytes = memoryBytes
    }

    /// For values read from a file: `StoreHeader.validate()` range-checks them before use.
    init(uncheckedOperations operations: UInt64, memoryBytes: UInt64) {
        self.operations = operations
        self.memoryBytes = memoryBytes
    }

    private init(unchecked operations: Int, _ memoryBytes: Int) {
        self.init(uncheckedOperations: UInt64(operations), memoryBytes: UInt64(memoryBytes))
    }

    /// libsodium's MODERATE: 3 passes, 256 MiB (about one second per open; see docs/store.md). The default.
    public static let moderate = PasswordHashingLimits(
        unchecked: crypto_pwhash_argon2id_opslimit_moderate(), crypto_pwhash_argon2id_memlimit_moderate())
    /// libsodium's SENSITIVE: 4 passes, 1 GiB (several seconds).
    public static let sensitive = PasswordHashingLimits(
        unchecked: crypto_pwhash_argon2id_opslimit_sensitive(), crypto_pwhash_argon2id_memlimit_sensitive())
    /// libsodium's MIN: 1 pass, 8 KiB. Offers almost no resistance to guessing; for tests only.
    public static let insecureMinimumForTestsOnly = PasswordHashingLimits(
        unchecked: crypto_pwhash_argon2id_opslimit_min(), crypto_pwhash_argon2id_memlimit_min())

    /// Limits read from a file are attacker-controllable; anything beyond these is refused rather
    /// than run (a header asking for 1 TiB of memory is an attack or corruption, not a store).
    static let acceptedOperations: ClosedRange<UInt64> = UInt64(crypto_pwhash_argon2id_opslimit_min())...64
    static let acceptedMemoryBytes: ClosedRange<UInt64> = UInt64(crypto_pwhash_argon2id_memlimit_min())...(4 << 30)

    /// The limits, which are not secret.
    public var description: String { "Argon2id(ops: \(operations), mem: \(memoryBytes) bytes)" }
}

/// How the store's master key is obtained.
public enum StoreKeyDerivation: Sendable, Equatable {
    /// The caller supplies the 32-byte master key itself.
    case masterKey
    /// Master key = Argon2id(password, salt) with these limits.
    case argon2id(PasswordHashingLimits, salt: [UInt8])

    /// The derivation without its parameters, as the header's `kdf` column names it.
    public enum Kind: String, Sendable, Equatable {
        /// A caller-held master key.
        case masterKey = "none"
        /// Argon2id, libsodium's `ALG_ARGON2ID13`.
        case argon2id13 = "argon2id13"
    }

    /// This derivation's kind.
    public var kind: Kind {
        switch self {
        case .masterKey: .masterKey
        case .argon2id: .argon2id13
        }
    }

    static let saltByteCount = Int(crypto_pwhash_argon2id_saltbytes())
}

/// The single header row: format, store identity, KDF parameters and the password check value.
public struct StoreHeader: Sendable, Equatable {
    /// The format version this code writes and reads.
    public static let currentFormatVersion: UInt32 = 1
    /// The length of a store ID.
    public static let storeIDByteCount = 16
    /// The length of the check tag.
    public static let checkTagByteCount = 32

    /// The store's format version.
    public var formatVersion: UInt32
    /// Random per store; bound into every record's associated data and the check tag, so records
    /// cannot be transplanted between stores that share a master key.
    public var storeID: [UInt8]
    /// How the master key is obtained, with the Argon2id limits and salt.
    public var keyDerivation: StoreKeyDerivation
    /// Keyed BLAKE2b-256 over the other header fields under a key derived from the master key.
    public var checkTag: [UInt8]

    /// A header as a backend read it; not checked here (``ShareStore`` validates it before use).
    public init(formatVersion: UInt32, storeID: [UInt8], keyDerivation: StoreKeyDerivation, checkTag: [UInt8]) {
        self.formatVersion = formatVersion
        self.storeID = storeID
        self.keyDerivation = keyDerivation
        self.checkTag = checkTag
    }

    /// Structural checks before any key derivation runs on the header's parameters.
    func validate() throws(StoreError) {
        guard formatVersion == Self.currentFormatVersion else { throw .unsupportedFormatVersion(formatVersion) }
        guard storeID.count == Self.storeIDByteCount else {
            throw .invalidHeader(reason: "store ID is \(storeID.count) bytes, expected \(Self.storeIDByteCount)")
        }
        guard checkTag.count == Self.checkTagByteCount else {
            throw .invalidHeader(reason: "check tag is \(checkTag.count) bytes, expected \(Self.checkTagByteCount)")
        }
        if case .argon2id(let limits, let salt) = keyDerivation {
            guard salt.count == StoreKeyDerivation.saltByteCount else {
                throw .invalidHeader(reason: "salt is \(salt.count) bytes, expected \(StoreKeyDerivation.saltByteCount)")
            }
            guard PasswordHashingLimits.acceptedOperations.contains(limits.operations),
                  PasswordHashingLimits.acceptedMemoryBytes.contains(limits.memoryBytes) else {
                throw .invalidHeader(reason: "KDF limits out of the accepted range")
            }
        }
    }

    /// The bytes the check tag authenticates: every header field except the tag, length-framed.
    /// `"swift-tss/store/header/v1" ‖ u32be format ‖ storeID(16) ‖ 0` for a master-key store, or
    /// `… ‖ 1 ‖ u64be ops ‖ u64be mem ‖ salt(16)` for Argon2id (every field fixed-width).
    var authenticatedBytes: [UInt8] {
        var writer = ByteWriter()
        writer.append(fixed: Array(DomainSeparation.storeHeader.utf8))
        writer.appendUInt32(formatVersion)
        writer.append(fixed: storeID)
        switch keyDerivation {
        case .masterKey:
            writer.append(0)
        case .argon2id(let limits, let salt):
            writer.append(1)
            writer.appendUInt64(limits.operations)
            writer.appendUInt64(limits.memoryBytes)
            writer.append(fixed: salt)
        }
        return writer.bytes
    }
}
