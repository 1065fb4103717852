import CGMP
import CSodium

// The constant-time layer: GMP's `mpn_sec_*` functions on fixed limb counts.
//
// Every buffer here has the limb count of an operand or of the modulus, so the running time and
// the memory access pattern depend only on those counts (sizes, public by BigNum's convention),
// never on the values' bits. Results go back into an `mpz_t` through `mpz_limbs_finish`, which
// strips leading zero limbs: the result's size, like every `BigInt`'s, is not hidden. Scratch
// space is sized by the `_itch` functions and wiped before it is freed.

/// Zeroed limbs on the heap, wiped when released.
struct LimbBuffer: ~Copyable {
    let base: UnsafeMutablePointer<mp_limb_t>
    let count: Int

    init(count: Int) {
        self.count = max(count, 1)
        base = .allocate(capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit {
        sodium_memzero(base, count * MemoryLayout<mp_limb_t>.stride)
        base.deallocate()
    }
}

extension BigInt {
    /// Number of 64-bit limbs of |self| (its size: public by BigNum's convention, unlike its bits
    /// and its sign), read without a branch on the sign: what code holding a secret may decide on.
    ///
    /// GMP keeps the sign in the size field (`_mp_size` = ±limbs), so the magnitude is taken
    /// arithmetically, (s ^ m) − m with m = s >> 31, never by `abs`, which tests the sign. Under
    /// `make ct` the count is then declared defined (`bignum_declassify`): the limb count is public by
    /// BigNum's convention, the sign need not be.
    public var limbCount: Int {
        let size = mpz.pointee._mp_size
        let sign = size >> 31
        var count = Int((size ^ sign) &- sign)
        withUnsafeMutableBytes(of: &count) { bignum_declassify($0.baseAddress, $0.count) }
        return count
    }

    /// All ones when self < 0, zero otherwise, from the size field's sign bit without a branch:
    /// for code that must not reveal the sign of a secret (a masked response used as an exponent).
    var signMask: mp_limb_t {
        bignum_barrier(mp_limb_t(bitPattern: Int(mpz.pointee._mp_size >> 31)))
    }

    /// All ones when the `count` limbs at `limbs` are all zero, zero otherwise, without a branch on
    /// their values.
    static func zeroMask(_ limbs: UnsafePointer<mp_limb_t>, count: Int) -> mp_limb_t {
        var any: mp_limb_t = 0
        for i in 0..<count { any |= limbs[i] }
        // (any | −any) has its top bit set exactly when any ≠ 0.
        let nonZero = (bignum_barrier(any) | (0 &- any)) >> (mp_limb_t.bitWidth - 1)
        return bignum_barrier(nonZero &- 1)
    }

    /// Copies |self| into `destination`, zero-filling up to `count` limbs.
    /// - Precondition: `limbCount` ≤ `count`.
    func copyMagnitude(into destination: UnsafeMutablePointer<mp_limb_t>, count: Int) {
        let used = limbCount
        precondition(used <= count)
        if used > 0 { destination.update(from: __gmpz_limbs_read(mpz)!, count: used) }
        for i in used..<count { destination[i] = 0 }
    }

    /// A value from `count` limbs and a (public) sign; `mpz_limbs_finish` strips leading zero limbs.
    static func fromLimbs(_ limbs: UnsafePointer<mp_limb_t>, count: Int, negative: Bool = false) -> BigInt {
        BigInt(unchecked: { result in
            let target = __gmpz_limbs_write(result, count)!
            target.update(from: limbs, count: count)
            __gmpz_limbs_finish(result, negative ? -count : count)
        })
    }

    /// |self| mod m into `residue` (m's limb count `n`), in constant time, then m − residue when
    /// self is negative, so `residue` holds self mod m in [0, m). The sign is not branched on: both
    /// representatives are computed and one is chosen by a masked swap.
    /// - Precondition: `modulus` > 0.
    func residueLimbs(modulo modulus: BigInt, into residue: UnsafeMutablePointer<mp_limb_t>) {
        let n = modulus.limbCount
        let m = __gmpz_limbs_read(modulus.mpz)!
        let xn = limbCount
        if xn < n {
            // Fewer limbs than m, whose top limb is non-zero: already below m.
            copyMagnitude(into: residue, count: n)
        } else {
            let dividend = LimbBuffer(count: xn)
            copyMagnitude(into: dividend.base, count: xn)
            let scratch = LimbBuffer(count: Int(__gmpn_sec_div_r_itch(xn, n)))
            __gmpn_sec_div_r(dividend.base, xn, m, n, scratch.base)
            residue.update(from: dividend.base, count: n)
        }
        // m − r lies in [1, m]; subtract m once more when it equals m (r = 0), without a branch;
        // then keep it instead of r when self is negative (masked swap: the sign may be secret).
        let negated = LimbBuffer(count: n), trial = LimbBuffer(count: n)
        _ = __gmpn_sub_n(negated.base, m, residue, n)
        let borrow = __gmpn_sub_n(trial.base, negated.base, m, n)
        _ = __gmpn_cnd_sub_n(1 &- borrow, negated.base, negated.base, m, n)
        __gmpn_cnd_swap(signMask & 1, residue, negated.base, n)
    }

    /// The residue in [0, `modulus`), in **constant time** (`mpn_sec_div_r`): the time depends
    /// only on the limb counts of `self` and `modulus`, not on their bits, so both may be secret
    /// (Paillier's p and q, a mask). The sign of `self` is public.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0.
    public func modulo(_ modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        let n = modulus.limbCount
        let residue = LimbBuffer(count: n)
        residueLimbs(modulo: modulus, into: residue.base)
        return .fromLimbs(residue.base, count: n)
    }

    /// The residue in [0, `modulus`) in **variable time** (`mpz_mod`: GMP's schoolbook and
    /// divide-and-conquer division correct their quotient digits with value-dependent branches).
    /// For public values only (verifiers); ``modulo(_:)`` is the constant-time default.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0.
    public func moduloVariableTime(_ modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        return BigInt(unchecked: { __gmpz_mod($0, mpz, modulus.mpz) })
    }

    /// The residue in (−m/2, m/2] (the "centred" representative: signed Paillier plaintexts),
    /// in constant time: the reduction is ``modulo(_:)`` and the choice between r and r − m is a
    /// masked limb swap. The result's sign, like its size, is part of the returned `BigInt`.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0.
    public func centred(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        let n = modulus.limbCount
        let r = LimbBuffer(count: n), half = LimbBuffer(count: n), other = LimbBuffer(count: n)
        residueLimbs(modulo: modulus, into: r.base)
        let m = __gmpz_limbs_read(modulus.mpz)!
        _ = __gmpn_rshift(half.base, m, n, 1)
        // r > ⌊m/2⌋ exactly when ⌊m/2⌋ − r borrows; then the representative is −(m − r).
        let above = __gmpn_sub_n(other.base, half.base, r.base, n)
        _ = __gmpn_sub_n(other.base, m, r.base, n)
        __gmpn_cnd_swap(above, r.base, other.base, n)
        return .fromLimbs(r.base, count: n, negative: above == 1)
    }

    /// The inverse modulo an odd `modulus`, in **constant time** (`mpn_sec_invert`): the time
    /// depends only on the modulus' limb count, so `self` and `modulus` may both be secret.
    ///
    /// Even moduli (Paillier's p − 1, q − 1) are outside `mpn_sec_invert`'s domain; they throw
    /// rather than fall back to ``inverseVariableTime(modulo:)``.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one;
    ///   ``BigNumError/notInvertible`` when gcd(self, modulus) ≠ 1 (whether an inverse exists is
    ///   revealed by the outcome).
    public func inverse(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        let n = modulus.limbCount
        let result = LimbBuffer(count: n)
        guard invertLimbs(modulo: modulus, into: result.base) else { throw .notInvertible }
        return .fromLimbs(result.base, count: n)
    }

    /// self⁻¹ mod an odd modulus into `result` (n limbs); false when there is none.
    func invertLimbs(modulo modulus: BigInt, into result: UnsafeMutablePointer<mp_limb_t>) -> Bool {
        invertLimbsOutcome(modulo: modulus, into: result) == 1
    }

    /// As ``invertLimbs(modulo:into:)``, the outcome as a limb (1: inverted, 0: none) taken from
    /// `mpn_sec_invert` without a branch, for callers that must not branch on it yet.
    func invertLimbsOutcome(modulo modulus: BigInt, into result: UnsafeMutablePointer<mp_limb_t>) -> mp_limb_t {
        let n = modulus.limbCount
        let a = LimbBuffer(count: n)
        residueLimbs(modulo: modulus, into: a.base)
        let scratch = LimbBuffer(count: Int(__gmpn_sec_invert_itch(n)))
        let bits = mp_bitcnt_t(2 * n * mp_limb_t.bitWidth)
        return mp_limb_t(truncatingIfNeeded: __gmpn_sec_invert(result, a.base, __gmpz_limbs_read(modulus.mpz)!, n, bits, scratch.base))
    }

    /// self^exponent mod m in **constant time** (`mpn_sec_powm`), with base, exponent and modulus
    /// all treated as secret, **the exponent's sign included**: the time and memory access depend
    /// only on the limb counts of the three operands, never on their bits or on the sign. The
    /// default whenever any of them may be secret — above all a masked response or mask used as an
    /// exponent (CGGMP's α, x + e·μ, … are negative about half the time). Where the sign is public
    /// (a challenge) or the exponent is non-negative by construction (N, p − 1, an exponent reduced
    /// mod an order), ``powerPublicSign(_:modulo:)`` skips the inverse; verifiers with public
    /// operands use ``powerVariableTime(_:modulo:)`` or ``productOfPowersVariableTime(_:modulo:)``.
    ///
    /// How: the base is reduced with `mpn_sec_div_r`; its inverse is **always** computed
    /// (`mpn_sec_invert`), whatever the sign, and a masked swap (`mpn_cnd_swap`) picks base or
    /// inverse from the sign bit, read from GMP's size field without a branch; then one
    /// `mpn_sec_powm` raises it to |exponent| (the magnitude's limbs, as GMP stores them). A base
    /// ≡ 0 (outside `mpn_sec_powm`'s contract, which asks for B > 0) is replaced by 1 with a masked
    /// OR and the result cleared by a mask afterwards, so 0^k = 0 for k > 0 without a branch on the
    /// base. A zero exponent (limb count 0, public) gives 1.
    ///
    /// Cost: the inverse is paid on every call, negative exponent or not: one `mpn_sec_invert` of
    /// the modulus' size, ≈ 0.16 ms at 1024 bits, 0.56 ms at 2048, 2.4 ms at 4096 (`tss bench
    /// modexp`: +43 % on a 1024/1024-bit power, +21 % on 2048/2048 and 4096/2048, +54 % on
    /// 2048/768; docs/performance.md). A public base pays almost nothing with
    /// ``power(_:modulo:baseInverse:)`` and its variable-time inverse.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one (never a
    ///   silent fallback to a variable-time power); ``BigNumError/notInvertible`` for a negative
    ///   exponent and a base that is not a unit. That outcome is the one thing revealed about the
    ///   sign, and only for a non-unit base.
    public func power(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        try power(exponent, modulo: modulus, suppliedInverse: nil)
    }

    /// self^exponent mod m in **constant time**, the exponent's sign included, as
    /// ``power(_:modulo:)``, with the base's inverse supplied instead of computed. For a **public**
    /// base — every prover's case: ring-Pedersen s and t, a statement's ciphertext — the caller
    /// computes it with ``inverseVariableTime(modulo:)`` (tens of microseconds, once per base),
    /// and the exponent and its sign stay hidden; a secret base needs ``inverse(modulo:)``.
    /// - Parameters:
    ///   - exponent: any integer; its sign may be secret.
    ///   - modulus: odd and greater than one.
    ///   - baseInverse: self⁻¹ modulo `modulus`, or modulo a multiple of it (the inverse mod N²
    ///     serves mod p²); it is reduced in constant time and not checked: a wrong one gives a wrong
    ///     result for negative exponents.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one.
    public func power(_ exponent: BigInt, modulo modulus: BigInt, baseInverse: BigInt) throws(BigNumError) -> BigInt {
        try power(exponent, modulo: modulus, suppliedInverse: baseInverse)
    }

    /// self^exponent mod m in **constant time in the base, the modulus and the exponent's
    /// magnitude**, but **not in the exponent's sign**, which it branches on: a negative exponent
    /// inverts the base first (`mpn_sec_invert`), a non-negative one does not. For exponents whose
    /// sign is public — a proof's challenge e — or that are non-negative by construction (N,
    /// p − 1, (p + 1)/4, exponents reduced mod an order, a `Scalar`'s value). The same work as GMP's
    /// `mpz_powm_sec`; a secret-signed exponent goes through ``power(_:modulo:)``.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one;
    ///   ``BigNumError/notInvertible`` for a negative exponent and a base that is not a unit.
    public func powerPublicSign(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        let en = exponent.limbCount
        if en == 0 { return .one }
        let n = modulus.limbCount
        let base = LimbBuffer(count: n)
        if exponent.isNegative {
            guard invertLimbs(modulo: modulus, into: base.base) else { throw .notInvertible }
        } else {
            residueLimbs(modulo: modulus, into: base.base)
        }
        return Self.powerOfResidue(base.base, exponent, limbs: en, modulo: modulus)
    }

    /// The shared body of ``power(_:modulo:)`` and ``power(_:modulo:baseInverse:)``.
    private func power(_ exponent: BigInt, modulo modulus: BigInt, suppliedInverse: BigInt?) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        let en = exponent.limbCount
        if en == 0 { return .one }
        let negative = exponent.signMask
        let n = modulus.limbCount
        let base = LimbBuffer(count: n), inverse = LimbBuffer(count: n)
        residueLimbs(modulo: modulus, into: base.base)
        let invertible: mp_limb_t
        if let suppliedInverse {
            suppliedInverse.residueLimbs(modulo: modulus, into: inverse.base)
            invertible = 1
        } else {
            // The inverse, always (mpn_sec_invert works on a copy: it destroys its input).
            let copy = LimbBuffer(count: n)
            copy.base.update(from: base.base, count: n)
            let scratch = LimbBuffer(count: Int(__gmpn_sec_invert_itch(n)))
            let bits = mp_bitcnt_t(2 * n * mp_limb_t.bitWidth)
            invertible = mp_limb_t(truncatingIfNeeded: __gmpn_sec_invert(
                inverse.base, copy.base, __gmpz_limbs_read(modulus.mpz)!, n, bits, scratch.base))
        }
        // Refuse only a negative exponent on a non-unit: the one branch that involves the sign. The
        // barrier keeps the compiler from splitting the test into a branch on the sign first.
        guard bignum_barrier(negative & (invertible ^ 1)) == 0 else { throw .notInvertible }
        __gmpn_cnd_swap(negative & 1, base.base, inverse.base, n)
        return Self.powerOfResidue(base.base, exponent, limbs: en, modulo: modulus)
    }

    /// base^|exponent| mod m for a residue `base` in [0, m) (m's limb count n, overwritten) and an
    /// exponent of `en` > 0 limbs, by one `mpn_sec_powm`. A base of 0, outside that function's
    /// contract (B > 0), is computed as 1 and the result cleared, both by masks.
    private static func powerOfResidue(
        _ base: UnsafeMutablePointer<mp_limb_t>, _ exponent: BigInt, limbs en: Int, modulo modulus: BigInt
    ) -> BigInt {
        let n = modulus.limbCount
        let zero = zeroMask(base, count: n)
        base[0] |= zero & 1
        let exponentBits = mp_bitcnt_t(en * mp_limb_t.bitWidth)
        let result = LimbBuffer(count: n)
        let scratch = LimbBuffer(count: Int(__gmpn_sec_powm_itch(n, exponentBits, n)))
        __gmpn_sec_powm(result.base, base, n, __gmpz_limbs_read(exponent.mpz)!, exponentBits,
                        __gmpz_limbs_read(modulus.mpz)!, n, scratch.base)
        for i in 0..<n { result.base[i] &= ~zero }
        return .fromLimbs(result.base, count: n)
    }
}

extension BigInt {
    /// Big-endian bytes of |self| over its whole limb count (8 bytes a limb, leading zero bytes
    /// kept; empty for zero), copied limb by limb: the width and the work depend only on the size,
    /// unlike ``magnitudeBytes()``, which counts the value's significant bits. For constant-time
    /// consumers such as `Scalar(reducing:)`. Never fails.
    public func magnitudeLimbBytes() -> [UInt8] {
        let n = limbCount
        guard n > 0 else { return [] }
        let limbs = __gmpz_limbs_read(mpz)!
        var out = [UInt8](repeating: 0, count: 8 * n)
        for i in 0..<n {
            let limb = UInt64(limbs[n - 1 - i])
            for j in 0..<8 { out[8 * i + j] = UInt8(truncatingIfNeeded: limb >> (56 - 8 * j)) }
        }
        return out
    }
}
