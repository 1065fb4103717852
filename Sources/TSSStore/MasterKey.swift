import Bytes

/// The store's 32-byte root secret when no password is used (e.g. kept in a hardware keystore or
/// secret manager). Held in `Bytes.SecretBytes`, wiped when the last copy is released; never
/// printed.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The length of a master key.
    public static let byteCount = 32
    let secret: SecretBytes

    /// A fresh random master key. Pass a cryptographically secure generator
    /// (`SystemRandomNumberGenerator`) outside tests.
    public static func random(using rng: inout some RandomNumberGenerator) -> MasterKey {
        let secret = SecretBytes(count: byteCount) { buffer in
            for offset in stride(from: 0, to: byteCount, by: 8) {
                buffer.storeBytes(of: rng.next().littleEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return MasterKey(secret: secret)
    }

    /// Imports key bytes (exactly 32). The caller should wipe its own copy afterwards.
    /// - Throws: ``StoreError/invalidMasterKeyLength(_:)`` for any other length.
    public init(rawRepresentation: some Collection<UInt8>) throws(StoreError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidMasterKeyLength(rawRepresentation.count)
        }
        secret = SecretBytes(rawRepresentation)
    }

    init(secret: SecretBytes) { self.secret = secret }

    /// Hands the key bytes to `body` (e.g. to wrap them for export); do not let them escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try secret.withUnsafeBytes(body)
    }

    /// The type name only.
    public var description: String { "MasterKey" }
    /// The type name only.
    public var debugDescription: String { "MasterKey" }
}

extension MasterKey: CustomReflectable {
    /// No children, so `dump` never shows the key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension StoreKeys: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension StoredRecord: CustomReflectable {
    /// No children: the payload is a secret (a key share, aux info, presignature or journal).
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
