import BigNum

/// A Paillier public key: the modulus N, with generator g = N + 1 (so g^m = 1 + m·N mod N²).
///
/// Plaintexts are signed integers taken modulo N; decryption returns the representative in
/// (−N/2, N/2]. Every exponentiation here uses the constant-time `power`, since in CGGMP the
/// randomness r and the scalars of `multiply` / `affine` are secrets of the caller.
public struct PaillierPublicKey: Sendable, Hashable {
    /// N.
    public let modulus: BigInt
    /// N².
    public let modulusSquared: BigInt

    /// A peer's key: N must be odd, positive and exactly `expectedBits` long.
    /// - Throws: `.modulusNotOddPositive`, `.modulusWrongLength`.
    public init(modulus: BigInt, expectedBits: Int) throws(PaillierError) {
        guard modulus.signum > 0, modulus.isOdd, modulus > .one else { throw .modulusNotOddPositive }
        guard modulus.bitLength == expectedBits else {
            throw .modulusWrongLength(expected: expectedBits, actual: modulus.bitLength)
        }
        self.init(validatedModulus: modulus)
    }

    /// For moduli made here from checked primes.
    init(validatedModulus modulus: BigInt) {
        self.modulus = modulus
        self.modulusSquared = modulus * modulus
    }

    public static func == (lhs: PaillierPublicKey, rhs: PaillierPublicKey) -> Bool { lhs.modulus == rhs.modulus }
    public func hash(into hasher: inout Hasher) { hasher.combine(modulus) }

    // MARK: Validation

    /// Checks a peer's ciphertext: in [1, N²) and coprime to N.
    /// - Throws: `.ciphertextOutOfRange`, `.ciphertextNotCoprime`.
    public func validate(_ ciphertext: PaillierCiphertext) throws(PaillierError) {
        let c = ciphertext.value
        guard c.signum > 0, c < modulusSquared else { throw .ciphertextOutOfRange }
        guard c.gcdVariableTime(modulus) == .one else { throw .ciphertextNotCoprime }
    }

    /// r mod N, checked to be a unit.
    func reducedRandomness(_ randomness: BigInt) throws(PaillierError) -> BigInt {
        let r = try! randomness.modulo(modulus)
        guard !r.isZero, r.gcdVariableTime(modulus) == .one else { throw .randomnessNotUnit }
        return r
    }

    /// g^m = (1 + N)^m = 1 + (m mod N)·N (mod N²): no exponentiation needed.
    func generatorPower(_ plaintext: BigInt) -> BigInt {
        let m = try! plaintext.modulo(modulus)
        return m * modulus + .one
    }

    // MARK: Encryption

    /// enc(m; r) = (1 + N)^m · r^N mod N², for a signed plaintext m (taken mod N) and randomness r
    /// (taken mod N; must be a unit). (r + kN)^N ≡ r^N (mod N²), so reducing r changes nothing.
    /// - Throws: `.randomnessNotUnit`.
    public func encrypt(_ plaintext: BigInt, randomness: BigInt) throws(PaillierError) -> PaillierCiphertext {
        let r = try reducedRandomness(randomness)
        let mask = try! r.power(modulus, modulo: modulusSquared)
        return PaillierCiphertext(value: try! (generatorPower(plaintext) * mask).modulo(modulusSquared))
    }

    /// enc(m; r) with r sampled uniformly from Z*_N; returns r too, since proofs need it.
    public func encrypt(_ plaintext: BigInt, using generator: inout some RandomNumberGenerator) -> (ciphertext: PaillierCiphertext, randomness: BigInt) {
        let r = try! BigInt.randomUnit(modulo: modulus, using: &generator)
        return (try! encrypt(plaintext, randomness: r), r)
    }

    // MARK: Homomorphic operations

    /// enc(m₁) ⊕ enc(m₂) = enc(m₁ + m₂): c₁·c₂ mod N².
    public func add(_ lhs: PaillierCiphertext, _ rhs: PaillierCiphertext) -> PaillierCiphertext {
        PaillierCiphertext(value: try! (lhs.value * rhs.value).modulo(modulusSquared))
    }

    /// k ⊙ enc(m) = enc(k·m): c^k mod N², for a signed (possibly secret) k, in constant time.
    /// - Throws: `.notInvertible` when k < 0 and c is not a unit mod N².
    public func multiply(_ ciphertext: PaillierCiphertext, by scalar: BigInt) throws(PaillierError) -> PaillierCiphertext {
        do {
            return PaillierCiphertext(value: try ciphertext.value.power(scalar, modulo: modulusSquared))
        } catch {
            throw .notInvertible
        }
    }

    /// c^x · enc(y; r) mod N² = enc(x·m + y) for c = enc(m): the affine operation of CGGMP's
    /// multiplicative-to-additive step, with secret x, y and r.
    /// - Throws: `.notInvertible` (x < 0 and c not a unit), `.randomnessNotUnit`.
    public func affine(_ ciphertext: PaillierCiphertext, multiplier x: BigInt, addend y: BigInt, randomness r: BigInt) throws(PaillierError) -> PaillierCiphertext {
        let scaled = try multiply(ciphertext, by: x)
        return add(scaled, try encrypt(y, randomness: r))
    }
}

extension PaillierPublicKey: CustomStringConvertible {
    public var description: String { "PaillierPublicKey(\(modulus.bitLength) bits)" }
}
