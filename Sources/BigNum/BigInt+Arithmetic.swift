import CGMP

// Integer arithmetic. Division truncates toward zero like Swift's `Int`; `modulo` gives the
// non-negative residue that modular code wants.
extension BigInt {
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_add($0, lhs.mpz, rhs.mpz) })
    }

    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_sub($0, lhs.mpz, rhs.mpz) })
    }

    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_mul($0, lhs.mpz, rhs.mpz) })
    }

    public static prefix func - (value: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_neg($0, value.mpz) })
    }

    /// Truncating division. Precondition: `rhs` is not zero.
    public static func / (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "division by zero")
        return BigInt(unchecked: { __gmpz_tdiv_q($0, lhs.mpz, rhs.mpz) })
    }

    /// Remainder of truncating division (sign of `lhs`). Precondition: `rhs` is not zero.
    public static func % (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "division by zero")
        return BigInt(unchecked: { __gmpz_tdiv_r($0, lhs.mpz, rhs.mpz) })
    }

    /// Quotient and remainder of truncating division.
    /// - Throws: `BigNumError.divisionByZero`.
    public func quotientAndRemainder(dividingBy divisor: BigInt) throws(BigNumError) -> (quotient: BigInt, remainder: BigInt) {
        guard !divisor.isZero else { throw .divisionByZero }
        let q = BigInt(), r = BigInt()
        __gmpz_tdiv_qr(q.mpz, r.mpz, mpz, divisor.mpz)
        return (q, r)
    }

    /// `self / divisor` when the division is known to be exact (faster than general division).
    /// - Throws: `.divisionByZero`, or `.notDivisible` when `divisor` does not divide `self`.
    public func dividedExactly(by divisor: BigInt) throws(BigNumError) -> BigInt {
        guard !divisor.isZero else { throw .divisionByZero }
        guard __gmpz_divisible_p(mpz, divisor.mpz) != 0 else { throw .notDivisible }
        return BigInt(unchecked: { __gmpz_divexact($0, mpz, divisor.mpz) })
    }

    public static func += (lhs: inout BigInt, rhs: BigInt) { lhs = lhs + rhs }
    public static func -= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs - rhs }
    public static func *= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs * rhs }

    // MARK: Bits (two's-complement semantics for negative values, as GMP defines them)

    public static func << (lhs: BigInt, rhs: Int) -> BigInt {
        precondition(rhs >= 0, "negative shift")
        return BigInt(unchecked: { __gmpz_mul_2exp($0, lhs.mpz, mp_bitcnt_t(rhs)) })
    }

    /// Arithmetic right shift (floor division by 2^rhs).
    public static func >> (lhs: BigInt, rhs: Int) -> BigInt {
        precondition(rhs >= 0, "negative shift")
        return BigInt(unchecked: { __gmpz_fdiv_q_2exp($0, lhs.mpz, mp_bitcnt_t(rhs)) })
    }

    public static func & (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_and($0, lhs.mpz, rhs.mpz) })
    }

    public static func | (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_ior($0, lhs.mpz, rhs.mpz) })
    }

    public static func ^ (lhs: BigInt, rhs: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_xor($0, lhs.mpz, rhs.mpz) })
    }

    /// A copy with bit `index` set.
    public func settingBit(_ index: Int) -> BigInt {
        precondition(index >= 0)
        var copy = self
        copy.withMutableMPZ { __gmpz_setbit($0, mp_bitcnt_t(index)) }
        return copy
    }
}
