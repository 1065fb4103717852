import Bytes
import CGMP
import CSodium

/// A deterministic ChaCha20 generator for reproducible tests, vectors and seeded protocol runs.
///
/// The stream is ChaCha20 (IETF, libsodium) keyed by the 32-byte seed, with the block nonce
/// counting refills, so the output depends on the seed alone. **Never** seed it from anything
/// guessable in production; protocol code takes any `RandomNumberGenerator`, and callers pass
/// `SystemRandomNumberGenerator` (the OS CSPRNG) there.
public struct ChaChaRandom: RandomNumberGenerator, Sendable {
    private let key: [UInt8]
    private var refills: UInt64 = 0
    private var buffer: [UInt8] = []
    private var position = 0

    /// A generator whose stream is ChaCha20 keyed by `seed`.
    /// - Precondition: `seed` is 32 bytes (a trap otherwise: a seed's length is fixed by the caller's code).
    public init(seed: [UInt8]) {
        precondition(seed.count == 32, "ChaChaRandom needs a 32-byte seed")
        key = seed
    }

    /// A generator whose 32-byte seed is `seed` little-endian, zero-padded: for tests only (the
    /// seed has 64 bits and is guessable). Never fails.
    public init(testSeed seed: UInt64) {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: seed >> (8 * UInt64(i))) }
        self.init(seed: bytes)
    }

    /// The next eight bytes of the stream, little-endian.
    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(nextByte()) << (8 * UInt64(i)) }
        return value
    }

    /// Fills `bytes` from the stream (faster than eight bytes at a time through `next()`).
    public mutating func fill(_ bytes: inout [UInt8]) {
        for i in bytes.indices { bytes[i] = nextByte() }
    }

    private mutating func nextByte() -> UInt8 {
        if position == buffer.count { refill() }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func refill() {
        Sodium.ensureInitialised()
        var nonce = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_ietf_NONCEBYTES))
        for i in 0..<8 { nonce[i] = UInt8(truncatingIfNeeded: refills >> (8 * UInt64(i))) }
        refills += 1
        buffer = [UInt8](repeating: 0, count: 1024)
        _ = crypto_stream_chacha20_ietf(&buffer, UInt64(buffer.count), nonce, key)
        position = 0
    }
}

/// `count` random bytes from `generator` (eight per `next()`; the surplus of the last word is
/// dropped). A negative `count` traps (array allocation).
public func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    var i = 0
    while i < count {
        let word = generator.next()
        for j in 0..<min(8, count - i) { out[i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
        i += 8
    }
    return out
}

// Uniform sampling. Every sampler takes the generator as a parameter; there is no global RNG.
extension BigInt {
    /// Uniform in [0, 2^bits).
    /// - Precondition: `bits` ≥ 0.
    public static func random(bits: Int, using generator: inout some RandomNumberGenerator) -> BigInt {
        precondition(bits >= 0)
        if bits == 0 { return .zero }
        var bytes = randomBytes((bits + 7) / 8, using: &generator)
        let excess = bytes.count * 8 - bits
        bytes[0] &= UInt8(0xff >> excess)
        return BigInt(magnitudeBytes: bytes)
    }

    /// Uniform in [0, bound), by rejection (no modulo bias; the number of rejections is
    /// independent of the value returned).
    /// - Throws: ``BigNumError/invalidBound`` unless `bound` > 0.
    public static func random(below bound: BigInt, using generator: inout some RandomNumberGenerator) throws(BigNumError) -> BigInt {
        guard bound.signum > 0 else { throw .invalidBound }
        let bits = bound.bitLength
        while true {
            let candidate = random(bits: bits, using: &generator)
            if candidate < bound { return candidate }
        }
    }

    /// Uniform in [−2^bits, 2^bits] (the signed ranges ±2^k of the CGGMP proofs).
    /// - Precondition: `bits` ≥ 0.
    public static func random(signedBits bits: Int, using generator: inout some RandomNumberGenerator) -> BigInt {
        let bound = powerOfTwo(bits)
        let width = bound << 1 + .one
        return try! random(below: width, using: &generator) - bound
    }

    /// Uniform among integers of exactly `bits` bits (top bit set).
    /// - Throws: ``BigNumError/invalidBound`` unless `bits` > 0.
    public static func random(exactBits bits: Int, using generator: inout some RandomNumberGenerator) throws(BigNumError) -> BigInt {
        guard bits > 0 else { throw .invalidBound }
        return random(bits: bits - 1, using: &generator).settingBit(bits - 1)
    }

    /// Uniform in Z*_N: in [1, N) and coprime to N.
    ///
    /// Each candidate's coprimality is checked with ``gcdVariableTime(_:)``: the time of that check
    /// depends on the candidate, which is discarded when it fails and returned when it passes.
    /// For an RSA-type N the first candidate passes with overwhelming probability.
    /// - Throws: ``BigNumError/invalidBound`` unless `modulus` > 1.
    public static func randomUnit(modulo modulus: BigInt, using generator: inout some RandomNumberGenerator) throws(BigNumError) -> BigInt {
        guard modulus > .one else { throw .invalidBound }
        while true {
            let candidate = try random(below: modulus, using: &generator)
            if !candidate.isZero, candidate.gcdVariableTime(modulus) == .one { return candidate }
        }
    }
}

extension ChaChaRandom: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Only the type name: the key (seed) determines every value the generator will produce.
    public var description: String { "ChaChaRandom" }
    /// The same as ``description``.
    public var debugDescription: String { description }
    /// No children, so `dump` never shows the key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
