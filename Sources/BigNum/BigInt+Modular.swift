import CGMP

// Modular arithmetic. Functions that take a modulus throw on a non-positive one, so a peer's
// malformed value is an error, never a trap.
extension BigInt {
    /// The residue in [0, m).
    /// - Throws: `.nonPositiveModulus`.
    public func modulo(_ modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        return BigInt(unchecked: { __gmpz_mod($0, mpz, modulus.mpz) })
    }

    /// The residue in (-m/2, m/2] (the "centred" representative: signed Paillier plaintexts).
    public func centred(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        let r = try modulo(modulus)
        return r > (modulus >> 1) ? r - modulus : r
    }

    /// The inverse modulo `modulus`.
    /// - Throws: `.nonPositiveModulus`, `.notInvertible` when gcd(self, modulus) ≠ 1.
    public func inverse(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        let result = BigInt()
        guard __gmpz_invert(result.mpz, mpz, modulus.mpz) != 0 else { throw .notInvertible }
        return result
    }

    /// self^exponent mod m for a **public** exponent (variable time: `mpz_powm`).
    /// A negative exponent uses the inverse of `self`.
    /// - Throws: `.nonPositiveModulus`; `.notInvertible` for a negative exponent and a non-unit base.
    public func power(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        if exponent.isNegative {
            let inverted = try inverse(modulo: modulus)
            return BigInt(unchecked: { result in
                let positive = -exponent
                __gmpz_powm(result, inverted.mpz, positive.mpz, modulus.mpz)
            })
        }
        return BigInt(unchecked: { __gmpz_powm($0, mpz, exponent.mpz, modulus.mpz) })
    }

    /// self^exponent mod m for a **secret** exponent, in constant time (`mpz_powm_sec`): time and
    /// memory access depend only on the sizes of the operands, not on the exponent's bits.
    ///
    /// A negative exponent uses the inverse of `self`; the base or its inverse is chosen with a
    /// constant-time limb swap, so the exponent's sign is not revealed by a branch either. The
    /// inverse is computed with variable-time `mpz_invert`: the base is public in every use in this
    /// library (generators, ciphertexts, ring-Pedersen parameters).
    /// - Throws: `.evenModulus` unless m is odd and > 1; `.notInvertible` for a negative exponent
    ///   and a non-unit base.
    public func powerSecret(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        if exponent.isZero { return .one }
        let base = BigInt(unchecked: { __gmpz_mod($0, mpz, modulus.mpz) })
        let inverted: BigInt
        if let value = try? base.inverse(modulo: modulus) {
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

    /// Greatest common divisor (non-negative).
    public func gcd(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_gcd($0, mpz, other.mpz) })
    }

    /// Least common multiple (non-negative).
    public func lcm(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_lcm($0, mpz, other.mpz) })
    }

    /// The Jacobi symbol (self / n) ∈ {-1, 0, 1}.
    /// - Throws: `.jacobiModulusNotOddPositive` unless n is odd and positive.
    public func jacobi(_ n: BigInt) throws(BigNumError) -> Int {
        guard n.signum > 0, n.isOdd else { throw .jacobiModulusNotOddPositive }
        return Int(__gmpz_jacobi(mpz, n.mpz))
    }
}

/// Chinese-remainder recombination for two coprime moduli, with the inverse precomputed so it can
/// be reused (Paillier decryption combines mod p² and q² on every call).
public struct CRTBasis: Sendable {
    public let first: BigInt
    public let second: BigInt
    /// first · second.
    public let product: BigInt
    /// first⁻¹ mod second.
    private let firstInverse: BigInt

    /// - Throws: `.nonPositiveModulus`, `.moduliNotCoprime`.
    public init(_ first: BigInt, _ second: BigInt) throws(BigNumError) {
        guard first.signum > 0, second.signum > 0 else { throw .nonPositiveModulus }
        guard let inverse = try? first.inverse(modulo: second) else { throw .moduliNotCoprime }
        self.first = first
        self.second = second
        self.product = first * second
        self.firstInverse = inverse
    }

    /// The x in [0, first·second) with x ≡ r1 (mod first) and x ≡ r2 (mod second) (Garner).
    public func combine(_ r1: BigInt, _ r2: BigInt) -> BigInt {
        // x = r1 + first · ((r2 - r1) · first⁻¹ mod second)
        let a = try! r1.modulo(first)
        let h = try! ((r2 - a) * firstInverse).modulo(second)
        return a + first * h
    }
}
