import CSodium

/// Secret bytes (a key, a seed, a chaining key) on the heap, wiped with `sodium_memzero` when the
/// last copy goes away.
///
/// A value type with copy-on-write storage: copies share one buffer until one of them is changed
/// through ``withUnsafeMutableBytes(_:)``, which first gives it a buffer of its own, so the wiped
/// buffer is never one another copy still reads. `description`, `debugDescription` and the
/// mirror show no byte, and ``==(_:_:)`` compares in constant time.
public struct SecretBytes: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Immutable once shared (the only writer is a unique owner), hence `@unchecked Sendable`.
    private final class Storage: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            Sodium.ensureInitialised()
            buffer = .allocate(byteCount: max(count, 1), alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            self.count = count
        }

        let count: Int

        deinit {
            sodium_memzero(buffer.baseAddress!, buffer.count)
            buffer.deallocate()
        }
    }

    private var storage: Storage

    /// `count` zero bytes, then `body` writes them. If `body` throws, the buffer is wiped and
    /// freed before the error propagates.
    /// - Precondition: `count` ≥ 0 (a trap).
    public init<E: Error>(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        precondition(count >= 0, "negative byte count")
        storage = Storage(count: count)
        try body(UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<count]))
    }

    /// A copy of `bytes`; the caller wipes its own copy if it can. Never fails.
    public init(_ bytes: some Collection<UInt8>) {
        storage = Storage(count: bytes.count)
        _ = UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<bytes.count])
            .initializeMemory(as: UInt8.self, from: bytes)
    }

    /// `count` zero bytes.
    /// - Precondition: `count` ≥ 0 (a trap).
    public init(zeros count: Int) {
        self.init(count: count) { _ in }
    }

    /// The number of bytes.
    public var count: Int { storage.count }

    /// Reads the bytes in place; do not let the pointer escape. Errors of `body` propagate.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage.buffer[0..<storage.count]))
    }

    /// Changes the bytes in place, first copying them into a buffer of this value's own if the
    /// buffer is shared (copy-on-write). Errors of `body` propagate; the bytes keep whatever
    /// `body` wrote before it threw.
    public mutating func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = Storage(count: storage.count)
            copy.buffer.copyMemory(from: UnsafeRawBufferPointer(storage.buffer))
            storage = copy
        }
        return try body(UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<storage.count]))
    }

    /// An ordinary array copy, for APIs that take `[UInt8]` (a hash, an AEAD key). The name says
    /// what it is: the copy is not wiped, so keep it short-lived.
    public var unprotectedCopy: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Constant-time equality (`sodium_memcmp`); lengths are not secret.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard lhs.count > 0 else { return true }
        return lhs.withUnsafeBytes { l in
            rhs.withUnsafeBytes { r in sodium_memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
        }
    }

    /// `"SecretBytes(<count> bytes)"`: the length, never a byte.
    public var description: String { "SecretBytes(\(count) bytes)" }
    /// The same as ``description``.
    public var debugDescription: String { description }
    /// No children, so `dump` never shows a byte.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
