import CSodium

/// An X25519 public key (32 bytes), as sent in Noise `e` and `s` tokens.
public struct X25519PublicKey: Sendable, Hashable {
    public static let byteCount = 32
    public let rawRepresentation: [UInt8]

    public init(rawRepresentation bytes: some Collection<UInt8>) throws(NoiseError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: bytes.count)
        }
        rawRepresentation = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) { rawRepresentation = bytes }
}

/// An X25519 private key. Its description prints only the type name; the bytes are wiped on release.
public struct X25519PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let byteCount = 32
    let secret: SecretBytes
    public let publicKey: X25519PublicKey

    /// A private key from its 32 raw bytes (clamping happens inside every scalar multiplication).
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(NoiseError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: bytes.count)
        }
        self.init(secret: SecretBytes(bytes))
    }

    init(secret: SecretBytes) {
        ensureSodium()
        self.secret = secret
        var pub = [UInt8](repeating: 0, count: X25519PublicKey.byteCount)
        secret.withUnsafeBytes { s in
            _ = crypto_scalarmult_base(&pub, s.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        publicKey = X25519PublicKey(unchecked: pub)
    }

    /// A fresh key from `rng` (callers pass a cryptographically secure generator outside tests).
    public static func generate(using rng: inout some RandomNumberGenerator) -> X25519PrivateKey {
        let secret = SecretBytes(count: byteCount) { buffer in
            var offset = 0
            while offset < byteCount {
                var word = rng.next()
                for _ in 0..<8 where offset < byteCount {
                    buffer[offset] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    offset += 1
                }
            }
        }
        return X25519PrivateKey(secret: secret)
    }

    /// The raw private key bytes, for persisting a key (e.g. `tss noise keygen`). Handle with care.
    public func exportSecretBytes() -> [UInt8] { secret.bytes }

    /// DH(self, peer): the X25519 shared secret. Rejects the all-zero output that low-order peer
    /// points produce (the Noise spec allows signalling an error for invalid public keys).
    func sharedSecret(with peer: X25519PublicKey) throws(NoiseError) -> SecretBytes {
        var failed = false
        let shared = SecretBytes(count: 32) { out in
            secret.withUnsafeBytes { s in
                failed = crypto_scalarmult(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    s.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    peer.rawRepresentation) != 0
            }
        }
        if failed { throw .invalidRemotePublicKey }
        return shared
    }

    public var description: String { "X25519PrivateKey" }
    public var debugDescription: String { "X25519PrivateKey" }
}
