import BigNum

/// A Paillier public key: the modulus N, with generator g = N + 1 (so g^m = 1 + m·N mod N²).
///
/// Plaintexts are signed integers taken modulo N; decryption returns the representative in
/// (−N/2, N/2]. Every exponentiation here is constant time, since in CGGMP the randomness r and the
/// scalars of `multiply` / `affine` are secrets of the caller: r^N through
/// `BigInt.powerPublicSign(_:modulo:)` (N is positive), the scalars through `BigInt.power(_:modulo:)`,
/// which hides their sign as well.
/// The only variable-time step is `BigInt.gcdVariableTime(_:)`, and it only ever sees public
/// values: a peer's ciphertext in ``validate(_:)``, and the ciphertext an encryption returns
/// (never the randomness) in the unit checks of ``encrypt(_:randomness:)`` and
/// ``affine(_:multiplier:addend:randomness:)``.
public struct PaillierPublicKey: Sendable, Hashable {
    /// N.
    public let modulus: BigInt
    /// N².
    public let modulusSquared: BigInt

    /// A peer's key: N must be odd, positive and exactly `expectedBits` long.
    ///
    /// That N is a product of two large primes (and of Paillier–Blum form) cannot be checked
    /// here; CGGMP's Πmod and Πfac proofs show it.
    /// - Parameters:
    ///   - modulus: N.
    ///   - expectedBits: the exact bit length the scheme parameters require of N.
    /// - Throws: ``PaillierError/modulusNotOddPositive`` for N ≤ 1 or even,
    ///   ``PaillierError/modulusWrongLength(expected:actual:)`` for any other length.
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

    /// Keys are equal when their moduli are (N² follows from N).
    public static func == (lhs: PaillierPublicKey, rhs: PaillierPublicKey) -> Bool { lhs.modulus == rhs.modulus }
    /// Hashes N only, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(modulus) }

    // MARK: Validation

    /// Checks a peer's ciphertext: in [1, N²) and coprime to N (so in Z*_{N²}).
    ///
    /// Variable time in the ciphertext (`gcdVariableTime`), which is public.
    /// - Throws: ``PaillierError/ciphertextOutOfRange`` outside [1, N²),
    ///   ``PaillierError/ciphertextNotCoprime`` when it shares a factor with N.
    public func validate(_ ciphertext: PaillierCiphertext) throws(PaillierError) {
        let c = ciphertext.value
        guard c.signum > 0, c < modulusSquared else { throw .ciphertextOutOfRange }
        guard c.gcdVariableTime(modulus) == .one else { throw .ciphertextNotCoprime }
    }

    /// Whether `value` is a unit modulo N (non-zero and coprime to N).
    ///
    /// Variable time (`gcdVariableTime`): call it on public values only. The encryptions check a
    /// ciphertext they return rather than its randomness: g^m is a unit, so g^m·r^N mod N² is a
    /// unit modulo N exactly when r is (r ≡ 0 gives 0).
    func isUnit(_ value: BigInt) -> Bool {
        !value.isZero && value.gcdVariableTime(modulus) == .one
    }

    /// enc(m; r) without the unit check: (1 + N)^m · (r mod N)^N mod N², constant time in m and r.
    func encryptUnchecked(_ plaintext: BigInt, randomness: BigInt) -> BigInt {
        let r = try! randomness.modulo(modulus)
        let mask = try! r.powerPublicSign(modulus, modulo: modulusSquared)
        return try! (generatorPower(plaintext) * mask).modulo(modulusSquared)
    }

    /// g^m = (1 + N)^m = 1 + (m mod N)·N (mod N²): no exponentiation needed.
    func generatorPower(_ plaintext: BigInt) -> BigInt {
        let m = try! plaintext.modulo(modulus)
        return m * modulus + .one
    }

    // MARK: Encryption

    /// enc(m; r) = (1 + N)^m · r^N mod N², for a signed plaintext m (taken mod N) and randomness r
    /// (taken mod N; must be a unit). (r + kN)^N ≡ r^N (mod N²), so reducing r changes nothing.
    ///
    /// Constant time in m and r; the unit check runs on the returned ciphertext (see the type's
    /// overview).
    /// - Parameters:
    ///   - plaintext: m, any signed integer.
    ///   - randomness: r; secret.
    /// - Throws: ``PaillierError/randomnessNotUnit`` when r mod N is zero or shares a factor with N.
    public func encrypt(_ plaintext: BigInt, randomness: BigInt) throws(PaillierError) -> PaillierCiphertext {
        let c = encryptUnchecked(plaintext, randomness: randomness)
        guard isUnit(c) else { throw .randomnessNotUnit }
        return PaillierCiphertext(value: c)
    }

    /// enc(m; r) with r sampled uniformly from Z*_N; returns r too, since proofs need it. Never fails.
    ///
    /// r is drawn uniformly from [0, N) and redrawn while the ciphertext is not a unit (with
    /// overwhelming probability it is the first time), so no variable-time operation sees r: the
    /// same draws as `BigInt.randomUnit(modulo:using:)`, without its gcd on the candidate.
    public func encrypt(_ plaintext: BigInt, using generator: inout some RandomNumberGenerator) -> (ciphertext: PaillierCiphertext, randomness: BigInt) {
        while true {
            let r = try! BigInt.random(below: modulus, using: &generator)
            let c = encryptUnchecked(plaintext, randomness: r)
            if isUnit(c) { return (PaillierCiphertext(value: c), r) }
        }
    }

    // MARK: Homomorphic operations

    /// enc(m₁) ⊕ enc(m₂) = enc(m₁ + m₂): c₁·c₂ mod N². Never fails; the inputs are not checked
    /// (validate a peer's ciphertexts first).
    public func add(_ lhs: PaillierCiphertext, _ rhs: PaillierCiphertext) -> PaillierCiphertext {
        PaillierCiphertext(value: try! (lhs.value * rhs.value).modulo(modulusSquared))
    }

    /// k ⊙ enc(m) = enc(k·m): c^k mod N², for a signed (possibly secret) k, in constant time in k
    /// and its sign.
    ///
    /// c is public, so its inverse (which hides k's sign: a masked choice between c and c⁻¹) is
    /// computed in variable time rather than by the constant-time inverse `BigInt.power(_:modulo:)`
    /// pays on every call. Only for a c that is not a unit does the constant-time power run, and
    /// then its outcome for a negative k is the error.
    /// - Parameters:
    ///   - ciphertext: c; validate a peer's first.
    ///   - scalar: k, any signed integer.
    /// - Throws: ``PaillierError/notInvertible`` when k < 0 and c is not a unit mod N².
    public func multiply(_ ciphertext: PaillierCiphertext, by scalar: BigInt) throws(PaillierError) -> PaillierCiphertext {
        do {
            if let inverse = try? ciphertext.value.inverseVariableTime(modulo: modulusSquared) {
                return PaillierCiphertext(value: try ciphertext.value.power(scalar, modulo: modulusSquared, baseInverse: inverse))
            }
            return PaillierCiphertext(value: try ciphertext.value.power(scalar, modulo: modulusSquared))
        } catch {
            throw .notInvertible
        }
    }

    /// c^x · enc(y; r) mod N² = enc(x·m + y) for c = enc(m): the affine operation of CGGMP's
    /// multiplicative-to-additive step, with secret x, y and r.
    ///
    /// Constant time in x, y and r. The unit check runs on the result, which the caller sends:
    /// when the result is not a unit, c is checked (it is public) to say which input was bad.
    /// - Parameters:
    ///   - ciphertext: c; validate a peer's first.
    ///   - x: the multiplier, any signed integer.
    ///   - y: the addend, any signed integer.
    ///   - r: the randomness of enc(y; r).
    /// - Throws: ``PaillierError/notInvertible`` when x < 0 and c is not a unit;
    ///   ``PaillierError/ciphertextNotCoprime`` when c shares a factor with N (and x ≠ 0);
    ///   otherwise ``PaillierError/randomnessNotUnit`` when r is not a unit modulo N.
    public func affine(_ ciphertext: PaillierCiphertext, multiplier x: BigInt, addend y: BigInt, randomness r: BigInt) throws(PaillierError) -> PaillierCiphertext {
        let scaled = try multiply(ciphertext, by: x)
        let result = add(scaled, PaillierCiphertext(value: encryptUnchecked(y, randomness: r)))
        guard isUnit(result.value) else {
            if !x.isZero && !isUnit(ciphertext.value) { throw .ciphertextNotCoprime }
            throw .randomnessNotUnit
        }
        return result
    }
}

extension PaillierPublicKey: CustomStringConvertible {
    /// The type and N's bit length.
    public var description: String { "PaillierPublicKey(\(modulus.bitLength) bits)" }
}
