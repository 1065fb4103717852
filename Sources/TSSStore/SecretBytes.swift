import CSodium

/// libsodium must be initialised once before any of its functions run: `sodium_init` switches
/// implementations process-wide, which is unsafe while another thread is inside one of them.
let sodiumInitialization: Void = {
    precondition(sodium_init() >= 0, "libsodium failed to initialise")
}()

/// A fixed-size secret in `sodium_malloc` memory: guard pages, locked against swapping where the
/// system allows, and zeroed by `sodium_free` when the last reference goes away.
///
/// A class rather than a value type because wiping needs `deinit`; the bytes are written only
/// during initialisation, so concurrent readers are safe (hence `@unchecked Sendable`).
final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let count: Int
    private let pointer: UnsafeMutableRawPointer

    /// Allocates `count` bytes and lets `fill` write them. If `fill` throws, the memory is wiped
    /// and freed before the error propagates.
    init(count: Int, fill: (UnsafeMutableRawBufferPointer) throws(StoreError) -> Void) throws(StoreError) {
        _ = sodiumInitialization
        precondition(count > 0)
        guard let pointer = sodium_malloc(count) else { throw .secureMemoryUnavailable }
        do {
            try fill(UnsafeMutableRawBufferPointer(start: pointer, count: count))
        } catch {
            sodium_free(pointer)
            throw error
        }
        self.count = count
        self.pointer = pointer
    }

    deinit { sodium_free(pointer) }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    var description: String { "SecretBytes" }
    var debugDescription: String { "SecretBytes" }
}

/// The store's 32-byte root secret when no password is used (e.g. kept in a hardware keystore or
/// secret manager). Held in guarded memory and wiped when released; never printed.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let byteCount = 32
    let secret: SecretBytes

    /// A fresh random master key. Pass a cryptographically secure generator
    /// (`SystemRandomNumberGenerator`) outside tests.
    public static func random(using rng: inout some RandomNumberGenerator) throws(StoreError) -> MasterKey {
        let secret = try SecretBytes(count: byteCount) { buffer throws(StoreError) in
            for offset in stride(from: 0, to: byteCount, by: 8) {
                buffer.storeBytes(of: rng.next().littleEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return MasterKey(secret: secret)
    }

    /// Imports key bytes (exactly 32). The caller should wipe its own copy afterwards.
    public init(bytes: some Collection<UInt8>) throws(StoreError) {
        guard bytes.count == Self.byteCount else { throw .invalidMasterKeyLength(bytes.count) }
        secret = try SecretBytes(count: Self.byteCount) { buffer throws(StoreError) in
            buffer.copyBytes(from: bytes)
        }
    }

    init(secret: SecretBytes) { self.secret = secret }

    /// Hands the key bytes to `body` (e.g. to wrap them for export); do not let them escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try secret.withUnsafeBytes(body)
    }

    public var description: String { "MasterKey" }
    public var debugDescription: String { "MasterKey" }
}

extension SecretBytes: CustomReflectable {
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension MasterKey: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension StoreKeys: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension StoredRecord: CustomReflectable {
    /// The payload is a secret (a key share, aux info, presignature or journal).
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
