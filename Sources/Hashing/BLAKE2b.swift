import Bytes
import CSodium

/// BLAKE2b (RFC 7693) via libsodium's `crypto_generichash`: digests of 1...64 bytes, optional key
/// of up to 64 bytes. ``init()`` gives the unkeyed 64-byte digest; ``hash256(_:)`` / ``unkeyed256()`` give
/// the 32-byte "BLAKE2-256" used as the network's message prehash.
public struct BLAKE2b: IncrementalHash {
    /// The longest digest, 64 bytes (what ``init()`` produces).
    public static let digestByteCount = 64
    /// The compression block, 128 bytes (HMAC sizes its pads by it).
    public static let blockByteCount = 128
    /// The longest key, 64 bytes.
    public static let maximumKeyByteCount = 64

    private var storage: Storage
    private var isFinalized = false
    /// Length of the digest this instance produces.
    public let outputByteCount: Int

    /// Unkeyed BLAKE2b-512. Never fails.
    public init() {
        self.init(validatedKey: [], digestByteCount: Self.digestByteCount)
    }

    /// Keyed (MAC) or unkeyed (empty `key`) BLAKE2b with a digest of `digestByteCount` bytes.
    /// - Throws: ``HashingError/keyTooLong(byteCount:maximum:)`` for a key over
    ///   ``maximumKeyByteCount`` bytes; ``HashingError/unsupportedDigestLength(byteCount:supported:)``
    ///   unless 1 ≤ `digestByteCount` ≤ ``digestByteCount``.
    public init(key: [UInt8], digestByteCount: Int = 64) throws(HashingError) {
        guard key.count <= Self.maximumKeyByteCount else {
            throw .keyTooLong(byteCount: key.count, maximum: Self.maximumKeyByteCount)
        }
        guard (1...Self.digestByteCount).contains(digestByteCount) else {
            throw .unsupportedDigestLength(byteCount: digestByteCount, supported: 1...Self.digestByteCount)
        }
        self.init(validatedKey: key, digestByteCount: digestByteCount)
    }

    private init(validatedKey key: [UInt8], digestByteCount: Int) {
        Sodium.ensureInitialised()
        outputByteCount = digestByteCount
        storage = Storage()
        let status = key.withUnsafeBufferPointer { keyBuffer in
            crypto_generichash_blake2b_init(storage.state, keyBuffer.baseAddress, keyBuffer.count, digestByteCount)
        }
        // Parameters were validated against libsodium's documented limits above.
        precondition(status == 0, "crypto_generichash_blake2b_init rejected validated parameters")
    }

    /// Unkeyed BLAKE2b with a 32-byte digest ("BLAKE2-256"). Never fails.
    public static func unkeyed256() -> BLAKE2b {
        BLAKE2b(validatedKey: [], digestByteCount: 32)
    }

    /// One-shot unkeyed BLAKE2b with a 32-byte digest ("BLAKE2-256"). Never fails.
    public static func hash256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = unkeyed256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot keyed BLAKE2b.
    /// - Throws: the errors of ``init(key:digestByteCount:)``.
    public static func hash(
        _ bytes: some Collection<UInt8>, key: [UInt8], digestByteCount: Int = 64
    ) throws(HashingError) -> [UInt8] {
        var hasher = try BLAKE2b(key: key, digestByteCount: digestByteCount)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs `bytes` (empty input is a no-op).
    /// - Precondition: ``finalize()`` has not been called (a trap: a spent hasher is a bug).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!isFinalized, "BLAKE2b: update after finalize")
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let state = storage.state
        // Empty input is a no-op; skipping it avoids handing libsodium a null pointer.
        guard !bytes.isEmpty else { return }
        if bytes.withContiguousStorageIfAvailable({ buffer in
            _ = crypto_generichash_blake2b_update(state, buffer.baseAddress, UInt64(buffer.count))
        }) == nil {
            let copy = Array(bytes)
            _ = crypto_generichash_blake2b_update(state, copy, UInt64(copy.count))
        }
    }

    /// The ``outputByteCount``-byte digest; the hasher is spent afterwards.
    /// - Precondition: not already finalized (a trap).
    public mutating func finalize() -> [UInt8] {
        precondition(!isFinalized, "BLAKE2b: finalize called twice")
        isFinalized = true
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let state = storage.state
        let count = outputByteCount
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let status = crypto_generichash_blake2b_final(state, buffer.baseAddress!, count)
            precondition(status == 0, "crypto_generichash_blake2b_final failed")
            initialized = count
        }
    }

    /// libsodium's state is declared 64-byte aligned (Swift does not even import the type), and
    /// compiled code may rely on that alignment, which Swift cannot promise for inline storage. So
    /// the state lives in its own aligned allocation, copied on write to keep value semantics.
    private final class Storage: @unchecked Sendable {
        // Mutated only through a uniquely referenced instance (checked by BLAKE2b before mutating).
        let state: OpaquePointer
        private let raw: UnsafeMutableRawPointer
        private static let byteCount = crypto_generichash_blake2b_statebytes()

        init() {
            raw = UnsafeMutableRawPointer.allocate(byteCount: Self.byteCount, alignment: 64)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: Self.byteCount)
            state = OpaquePointer(raw)
        }

        func copy() -> Storage {
            let duplicate = Storage()
            duplicate.raw.copyMemory(from: raw, byteCount: Self.byteCount)
            return duplicate
        }

        deinit {
            // May hold key-derived state.
            sodium_memzero(raw, Self.byteCount)
            raw.deallocate()
        }
    }
}

// Holds key-derived and input-derived state: print only the type name.
extension BLAKE2b: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "BLAKE2b" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
