import CGMP

// Integer arithmetic. Division truncates toward zero like Swift's `Int`; `modulo` gives the
// non-negative residue that modular code wants.
extension BigInt {
    /// The sum. Never fails.
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_add($0, lhs.mpz, rhs.mpz) })
    }

    /// The difference. Never fails.
    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_sub($0, lhs.mpz, rhs.mpz) })
    }

    /// The product. Never fails.
    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_mul($0, lhs.mpz, rhs.mpz) })
    }

    /// The negation. Never fails.
    public static prefix func - (value: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_neg($0, value.mpz) })
    }

    /// Truncating division (toward zero, like `Int`).
    /// - Precondition: `rhs` is not zero (a trap: for our own divisors; a peer's value goes
    ///   through ``quotientAndRemainder(dividingBy:)``, which throws).
    public static func / (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "division by zero")
        return BigInt(unchecked: { __gmpz_tdiv_q($0, lhs.mpz, rhs.mpz) })
    }

    /// Remainder of truncating division (sign of `lhs`); ``modulo(_:)`` gives the residue in [0, m).
    /// - Precondition: `rhs` is not zero (a trap).
    public static func % (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "division by zero")
        return BigInt(unchecked: { __gmpz_tdiv_r($0, lhs.mpz, rhs.mpz) })
    }

    /// Quotient and remainder of truncating division.
    /// - Throws: ``BigNumError/divisionByZero`` when `divisor` is zero.
    public func quotientAndRemainder(dividingBy divisor: BigInt) throws(BigNumError) -> (quotient: BigInt, remainder: BigInt) {
        guard !divisor.isZero else { throw .divisionByZero }
        let q = BigInt(), r = BigInt()
        __gmpz_tdiv_qr(q.mpz, r.mpz, mpz, divisor.mpz)
        return (q, r)
    }

    /// `self / divisor` when the division is known to be exact, in **constant time**
    /// (`mpn_sec_div_qr`): the time depends only on the operands' limb counts, so both may be
    /// secret (Paillier decryption's L(u) = (u − 1)/p). Whether the division was exact is the
    /// outcome, and so is revealed.
    /// - Throws: ``BigNumError/divisionByZero``, or ``BigNumError/notDivisible`` when `divisor`
    ///   does not divide `self`.
    public func dividedExactly(by divisor: BigInt) throws(BigNumError) -> BigInt {
        guard !divisor.isZero else { throw .divisionByZero }
        let nn = limbCount, dn = divisor.limbCount
        guard nn >= dn else {
            guard isZero else { throw .notDivisible }
            return .zero
        }
        let remainder = LimbBuffer(count: nn), quotient = LimbBuffer(count: nn - dn + 1)
        copyMagnitude(into: remainder.base, count: nn)
        let scratch = LimbBuffer(count: Int(__gmpn_sec_div_qr_itch(nn, dn)))
        quotient.base[nn - dn] = __gmpn_sec_div_qr(quotient.base, remainder.base, nn,
                                                   __gmpz_limbs_read(divisor.mpz)!, dn, scratch.base)
        var nonZero: mp_limb_t = 0
        for i in 0..<dn { nonZero |= remainder.base[i] }
        guard nonZero == 0 else { throw .notDivisible }
        return .fromLimbs(quotient.base, count: nn - dn + 1, negative: isNegative != divisor.isNegative)
    }

    /// Adds `rhs` to `lhs`. Never fails.
    public static func += (lhs: inout BigInt, rhs: BigInt) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`. Never fails.
    public static func -= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs - rhs }
    /// Multiplies `lhs` by `rhs`. Never fails.
    public static func *= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs * rhs }

    // MARK: Bits (two's-complement semantics for negative values, as GMP defines them)

    /// `lhs` · 2^rhs.
    /// - Precondition: `rhs` ≥ 0 (a trap).
    public static func << (lhs: BigInt, rhs: Int) -> BigInt {
        precondition(rhs >= 0, "negative shift")
        return BigInt(unchecked: { __gmpz_mul_2exp($0, lhs.mpz, mp_bitcnt_t(rhs)) })
    }

    /// Arithmetic right shift (floor division by 2^rhs: −1 >> 1 is −1).
    /// - Precondition: `rhs` ≥ 0 (a trap).
    public static func >> (lhs: BigInt, rhs: Int) -> BigInt {
        precondition(rhs >= 0, "negative shift")
        return BigInt(unchecked: { __gmpz_fdiv_q_2exp($0, lhs.mpz, mp_bitcnt_t(rhs)) })
    }

    /// Bitwise and (two's complement). Never fails.
    public static func & (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_and($0, lhs.mpz, rhs.mpz) })
    }

    /// Bitwise or (two's complement). Never fails.
    public static func | (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_ior($0, lhs.mpz, rhs.mpz) })
    }

    /// Bitwise exclusive or (two's complement). Never fails.
    public static func ^ (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_xor($0, lhs.mpz, rhs.mpz) })
    }

    /// A copy with bit `index` set.
    /// - Precondition: `index` ≥ 0 (a trap).
    public func settingBit(_ index: Int) -> BigInt {
        precondition(index >= 0)
        var copy = self
        copy.withMutableMPZ { __gmpz_setbit($0, mp_bitcnt_t(index)) }
        return copy
    }
}
