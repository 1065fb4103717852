import Bytes
import CSodium

/// SHA-256 (FIPS 180-4) via libsodium's `crypto_hash_sha256`.
public struct SHA256: IncrementalHash {
    /// The digest, 32 bytes.
    public static let digestByteCount = 32
    /// The compression block, 64 bytes.
    public static let blockByteCount = 64
    // A plain C struct of integers and bytes (8-byte alignment): safe to hold and copy inline.
    private var state = crypto_hash_sha256_state()
    private var isFinalized = false

    /// A fresh hasher. Never fails (libsodium's init cannot fail; a failure would trap).
    public init() {
        Sodium.ensureInitialised()
        let status = crypto_hash_sha256_init(&state)
        precondition(status == 0, "crypto_hash_sha256_init failed")
    }

    /// Absorbs `bytes` (empty input is a no-op).
    /// - Precondition: ``finalize()`` has not been called (a trap).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!isFinalized, "SHA256: update after finalize")
        // Empty input is a no-op; skipping it avoids handing libsodium a null pointer.
        guard !bytes.isEmpty else { return }
        if bytes.withContiguousStorageIfAvailable({ buffer in
            _ = crypto_hash_sha256_update(&state, buffer.baseAddress, UInt64(buffer.count))
        }) == nil {
            let copy = Array(bytes)
            _ = crypto_hash_sha256_update(&state, copy, UInt64(copy.count))
        }
    }

    /// The 32-byte digest; the hasher is spent afterwards.
    /// - Precondition: not already finalized (a trap).
    public mutating func finalize() -> [UInt8] {
        precondition(!isFinalized, "SHA256: finalize called twice")
        isFinalized = true
        return [UInt8](unsafeUninitializedCapacity: Self.digestByteCount) { buffer, initialized in
            _ = crypto_hash_sha256_final(&state, buffer.baseAddress!)
            initialized = Self.digestByteCount
        }
    }
}

/// SHA-512 (FIPS 180-4) via libsodium's `crypto_hash_sha512`.
public struct SHA512: IncrementalHash {
    /// The digest, 64 bytes.
    public static let digestByteCount = 64
    /// The compression block, 128 bytes.
    public static let blockByteCount = 128
    // A plain C struct of integers and bytes (8-byte alignment): safe to hold and copy inline.
    private var state = crypto_hash_sha512_state()
    private var isFinalized = false

    /// A fresh hasher. Never fails (libsodium's init cannot fail; a failure would trap).
    public init() {
        Sodium.ensureInitialised()
        let status = crypto_hash_sha512_init(&state)
        precondition(status == 0, "crypto_hash_sha512_init failed")
    }

    /// Absorbs `bytes` (empty input is a no-op).
    /// - Precondition: ``finalize()`` has not been called (a trap).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!isFinalized, "SHA512: update after finalize")
        // Empty input is a no-op; skipping it avoids handing libsodium a null pointer.
        guard !bytes.isEmpty else { return }
        if bytes.withContiguousStorageIfAvailable({ buffer in
            _ = crypto_hash_sha512_update(&state, buffer.baseAddress, UInt64(buffer.count))
        }) == nil {
            let copy = Array(bytes)
            _ = crypto_hash_sha512_update(&state, copy, UInt64(copy.count))
        }
    }

    /// The 64-byte digest; the hasher is spent afterwards.
    /// - Precondition: not already finalized (a trap).
    public mutating func finalize() -> [UInt8] {
        precondition(!isFinalized, "SHA512: finalize called twice")
        isFinalized = true
        return [UInt8](unsafeUninitializedCapacity: Self.digestByteCount) { buffer, initialized in
            _ = crypto_hash_sha512_final(&state, buffer.baseAddress!)
            initialized = Self.digestByteCount
        }
    }
}

// The state is derived from (possibly secret) input: print only the type name.
extension SHA256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHA256" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SHA512: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SHA512" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
