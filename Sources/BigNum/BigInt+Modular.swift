import CGMP

// Modular arithmetic. Functions that take a modulus throw on a non-positive one, so a peer's
// malformed value is an error, never a trap.
//
// Naming: constant time unless the name says variable time. `power(_:modulo:)` is the
// constant-time `mpz_powm_sec`; every operation whose running time depends on the bits of its
// operands by algorithm (sliding-window `mpz_powm`, the Euclid-style loops of `mpz_invert`,
// `mpz_gcd`, `mpz_lcm`, `mpz_jacobi`) carries `VariableTime` in its name, so a secret never reaches
// one by its short name. Use those only on public values, or where the leak is reviewed and
// documented at the call site.
extension BigInt {
    /// The residue in [0, `modulus`).
    ///
    /// GMP division: its time depends on the operands' sizes (limb counts), which BigNum treats
    /// as public, not on the value's bits by algorithm.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0.
    public func modulo(_ modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        return BigInt(unchecked: { __gmpz_mod($0, mpz, modulus.mpz) })
    }

    /// The residue in (−m/2, m/2] (the "centred" representative: signed Paillier plaintexts).
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0.
    public func centred(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        let r = try modulo(modulus)
        return r > (modulus >> 1) ? r - modulus : r
    }

    /// The inverse modulo `modulus`, in **variable time** (`mpz_invert`, an extended-Euclid
    /// loop whose step count depends on both operands' bits).
    ///
    /// There is no constant-time inverse in BigNum: the moduli it is used with include even ones
    /// (p − 1, q − 1), which GMP's `mpn_sec_invert` does not take.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0;
    ///   ``BigNumError/notInvertible`` when gcd(self, modulus) ≠ 1.
    public func inverseVariableTime(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        let result = BigInt()
        guard __gmpz_invert(result.mpz, mpz, modulus.mpz) != 0 else { throw .notInvertible }
        return result
    }

    /// self^exponent mod m in **variable time** (`mpz_powm`, sliding window): the time and memory
    /// access pattern depend on the exponent's bits. Only for public exponents (a verifier's
    /// checks, Fermat and Miller–Rabin tests of public numbers); a secret exponent goes through
    /// ``power(_:modulo:)``.
    ///
    /// A negative exponent uses the inverse of `self` (``inverseVariableTime(modulo:)``).
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0;
    ///   ``BigNumError/notInvertible`` for a negative exponent and a base that is not a unit.
    public func powerVariableTime(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        if exponent.isNegative {
            let inverted = try inverseVariableTime(modulo: modulus)
            return BigInt(unchecked: { result in
                let positive = -exponent
                __gmpz_powm(result, inverted.mpz, positive.mpz, modulus.mpz)
            })
        }
        return BigInt(unchecked: { __gmpz_powm($0, mpz, exponent.mpz, modulus.mpz) })
    }

    /// self^exponent mod m in **constant time** (`mpz_powm_sec`): time and memory access depend
    /// only on the sizes of the operands, not on the exponent's bits. The default for any
    /// exponent that may be secret (before the rename this was `powerSecret(_:modulo:)`).
    ///
    /// A negative exponent uses the inverse of `self`; the base or its inverse is chosen with a
    /// constant-time limb swap, so the exponent's sign is not revealed by a branch either. The
    /// inverse is computed with ``inverseVariableTime(modulo:)``: the base is public in every use
    /// in this library (generators, ciphertexts, ring-Pedersen parameters).
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one;
    ///   ``BigNumError/notInvertible`` for a negative exponent and a base that is not a unit.
    public func power(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        if exponent.isZero { return .one }
        let base = BigInt(unchecked: { __gmpz_mod($0, mpz, modulus.mpz) })
        let inverted: BigInt
        if let value = try? base.inverseVariableTime(modulo: modulus) {
            inverted = value
        } else if exponent.isNegative {
            throw .notInvertible
        } else {
            inverted = base
        }
        // Pad both to the modulus' limb count, then swap in constant time on the sign bit.
        let limbs = Int(abs(modulus.mpz.pointee._mp_size))
        let chosen = BigInt(), other = BigInt()
        __gmpz_set(chosen.mpz, base.mpz)
        __gmpz_set(other.mpz, inverted.mpz)
        let a = chosen.paddedLimbs(limbs), b = other.paddedLimbs(limbs)
        __gmpn_cnd_swap(exponent.isNegative ? 1 : 0, a, b, limbs)
        __gmpz_limbs_finish(chosen.mpz, limbs)
        __gmpz_limbs_finish(other.mpz, limbs)
        let absExponent = exponent.magnitude
        return BigInt(unchecked: { __gmpz_powm_sec($0, chosen.mpz, absExponent.mpz, modulus.mpz) })
    }

    /// The limb array, zero-filled up to `count` limbs (for constant-time limb operations).
    private func paddedLimbs(_ count: Int) -> UnsafeMutablePointer<mp_limb_t> {
        let used = Int(abs(mpz.pointee._mp_size))
        let limbs = __gmpz_limbs_modify(mpz, count)!
        for i in used..<count { limbs[i] = 0 }
        return limbs
    }

    /// The greatest common divisor (non-negative; gcd(0, 0) = 0), in **variable time**
    /// (`mpz_gcd`: the step count depends on both operands' bits). Never fails.
    public func gcdVariableTime(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_gcd($0, mpz, other.mpz) })
    }

    /// The least common multiple (non-negative; zero when either operand is zero), in
    /// **variable time** (`mpz_lcm`, through a gcd). Never fails.
    public func lcmVariableTime(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_lcm($0, mpz, other.mpz) })
    }

    /// The Jacobi symbol (self / n) ∈ {−1, 0, 1}, in **variable time** (`mpz_jacobi`, a
    /// binary-Euclid loop). For public values such as Πmod's w and y.
    /// - Throws: ``BigNumError/jacobiModulusNotOddPositive`` unless `n` is odd and positive.
    public func jacobiVariableTime(_ n: BigInt) throws(BigNumError) -> Int {
        guard n.signum > 0, n.isOdd else { throw .jacobiModulusNotOddPositive }
        return Int(__gmpz_jacobi(mpz, n.mpz))
    }
}

/// Chinese-remainder recombination for two coprime moduli, with the inverse precomputed so it can
/// be reused (Paillier decryption combines mod p² and q² on every call).
///
/// The precomputed inverse comes from ``BigInt/inverseVariableTime(modulo:)``, once per basis;
/// ``combine(_:_:)`` is GMP multiplication and division (time depends on operand sizes only).
public struct CRTBasis: Sendable {
    /// The first modulus (positive).
    public let first: BigInt
    /// The second modulus (positive, coprime to ``first``).
    public let second: BigInt
    /// first · second.
    public let product: BigInt
    /// first⁻¹ mod second.
    private let firstInverse: BigInt

    /// A basis for the moduli `first` and `second`.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when either is ≤ 0;
    ///   ``BigNumError/moduliNotCoprime`` when they share a factor.
    public init(_ first: BigInt, _ second: BigInt) throws(BigNumError) {
        guard first.signum > 0, second.signum > 0 else { throw .nonPositiveModulus }
        guard let inverse = try? first.inverseVariableTime(modulo: second) else { throw .moduliNotCoprime }
        self.first = first
        self.second = second
        self.product = first * second
        self.firstInverse = inverse
    }

    /// The x in [0, first·second) with x ≡ r1 (mod first) and x ≡ r2 (mod second) (Garner).
    /// Residues outside [0, modulus) (negative ones included) are reduced first; never fails.
    public func combine(_ r1: BigInt, _ r2: BigInt) -> BigInt {
        // x = r1 + first · ((r2 - r1) · first⁻¹ mod second)
        let a = try! r1.modulo(first)
        let h = try! ((r2 - a) * firstInverse).modulo(second)
        return a + first * h
    }
}
