import Bytes
import CSodium

/// An X25519 public key (32 bytes), as sent in Noise `e` and `s` tokens.
///
/// The one X25519 key type of this library: TSS re-exports it for envelopes and the peer channel.
public struct X25519PublicKey: Sendable, Hashable {
    /// The length of an encoded key.
    public static let byteCount = 32
    /// The 32-byte little-endian u-coordinate.
    public let rawRepresentation: [UInt8]

    /// A public key from its 32 bytes.
    /// - Throws: ``NoiseError/invalidKeyLength(expected:actual:)`` for any other length,
    ///   ``NoiseError/invalidRemotePublicKey`` for one of
    ///   the low-order encodings (``isLowOrder(_:)``): no one can hold a secret
    ///   for such a key, and every DH with it gives the all-zero output.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(NoiseError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: bytes.count)
        }
        guard !Self.isLowOrder(bytes) else { throw .invalidRemotePublicKey }
        rawRepresentation = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) { rawRepresentation = bytes }

    /// The canonical u-coordinates (little-endian) of the Curve25519 and twist points whose order
    /// divides 8, plus the non-canonical encodings p and p + 1 of 0 and 1 (p = 2^255 − 19; p − 1
    /// is canonical, and p + 2 onwards encode points of large order). X25519 clamps every scalar
    /// to a multiple of 8, so a DH with any of these — or with the same bytes with bit 255 set,
    /// which X25519 ignores — gives the all-zero output for every private key, and a DH with any
    /// other 32 bytes never does (RFC 7748 section 6.1, RFC 9180 section 7.1.4; the same list
    /// as libsodium's `has_small_order`, checked against Wycheproof's `x25519_test.json`).
    static let lowOrderCoordinates: [[UInt8]] = [
        // 0
        [UInt8](repeating: 0, count: 32),
        // 1
        [1] + [UInt8](repeating: 0, count: 31),
        // the two points of order 8
        [0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
         0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00],
        [0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
         0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57],
        // p − 1, p (≡ 0), p + 1 (≡ 1)
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// Whether `bytes` is one of the 14 encodings of a low-order point (7 u-coordinates — 0, 1,
    /// the two points of order 8, and p − 1, p, p + 1 for p = 2^255 − 19 — each with bit 255
    /// clear or set): X25519 with such a key outputs
    /// all zeros whatever the private key, so anyone can compute the "shared" secret. Any other
    /// 32 bytes give false; other lengths give false too (they are not X25519 keys at all, and
    /// callers check the length separately).
    public static func isLowOrder(_ bytes: some Collection<UInt8>) -> Bool {
        let key = Array(bytes)
        guard key.count == byteCount else { return false }
        var masked = key
        masked[31] &= 0x7f
        return lowOrderCoordinates.contains(masked)
    }

    /// Whether this key is a low-order point (see ``isLowOrder(_:)``). Keys made with
    /// ``init(rawRepresentation:)`` never are; keys read from a handshake are checked as they arrive.
    public var isLowOrder: Bool { Self.isLowOrder(rawRepresentation) }
}

/// An X25519 private key. Its description prints only the type name; the bytes are wiped on release.
public struct X25519PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The length of a raw private key.
    public static let byteCount = 32
    let secret: SecretBytes
    /// The matching public key, computed once at construction.
    public let publicKey: X25519PublicKey

    /// A private key from its 32 raw bytes (clamping happens inside every scalar multiplication).
    /// The bytes are copied into `Bytes.SecretBytes`; wipe the caller's copy.
    /// - Throws: ``NoiseError/invalidKeyLength(expected:actual:)`` for any other length.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(NoiseError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: bytes.count)
        }
        self.init(secret: SecretBytes(bytes))
    }

    init(secret: SecretBytes) {
        Sodium.ensureInitialised()
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

    /// The raw 32 private key bytes (swift-crypto's name), for persisting a key (`tss noise
    /// keygen`, `tss envelope keygen`) or handing it to another X25519 implementation (HPKE in
    /// envelopes). The copy is an ordinary array, not wiped: keep it short-lived.
    public var rawRepresentation: [UInt8] { secret.unprotectedCopy }

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

    /// The type name only.
    public var description: String { "X25519PrivateKey" }
    /// The type name only.
    public var debugDescription: String { "X25519PrivateKey" }
}
