import CSodium

/// Key material on the heap that is wiped with `sodium_memzero` when the last reference goes.
///
/// Immutable after initialisation (every new key is a new instance), which is why sharing it
/// across tasks is safe; hence `@unchecked Sendable`.
final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    var count: Int { storage.count }

    init(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) -> Void) {
        storage = .allocate(byteCount: count, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        body(storage)
    }

    convenience init(_ bytes: some Collection<UInt8>) {
        self.init(count: bytes.count) { buffer in
            _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
        }
    }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// A copy as an ordinary array, for feeding hash functions. Callers keep such copies short-lived.
    var bytes: [UInt8] { Array(storage) }

    /// Constant-time equality (libsodium's `sodium_memcmp`).
    func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return other.withUnsafeBytes { o in sodium_memcmp(storage.baseAddress!, o.baseAddress!, count) == 0 }
    }

    deinit {
        sodium_memzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "SecretBytes" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension X25519PrivateKey: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension CipherState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "CipherState" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SymmetricState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "SymmetricState" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
