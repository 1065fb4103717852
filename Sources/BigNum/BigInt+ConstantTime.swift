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
    /// Number of limbs of |self| (its size: public).
    var limbCount: Int { Int(abs(mpz.pointee._mp_size)) }

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
    /// self is negative (its sign is public), so `residue` holds self mod m in [0, m).
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
        if isNegative {
            // m − r lies in [1, m]; subtract m once more when it equals m (r = 0), without a branch.
            let trial = LimbBuffer(count: n)
            _ = __gmpn_sub_n(residue, m, residue, n)
            let borrow = __gmpn_sub_n(trial.base, residue, m, n)
            _ = __gmpn_cnd_sub_n(1 &- borrow, residue, residue, m, n)
        }
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
    private func invertLimbs(modulo modulus: BigInt, into result: UnsafeMutablePointer<mp_limb_t>) -> Bool {
        let n = modulus.limbCount
        let a = LimbBuffer(count: n)
        residueLimbs(modulo: modulus, into: a.base)
        let scratch = LimbBuffer(count: Int(__gmpn_sec_invert_itch(n)))
        let bits = mp_bitcnt_t(2 * n * mp_limb_t.bitWidth)
        return __gmpn_sec_invert(result, a.base, __gmpz_limbs_read(modulus.mpz)!, n, bits, scratch.base) == 1
    }

    /// self^exponent mod m in **constant time** (`mpn_sec_powm`), with base, exponent and modulus
    /// all treated as secret: the time and memory access depend only on the limb counts of the
    /// three operands and on the exponent's sign, never on their bits. The default whenever any of
    /// them may be secret (Paillier decryption modulo p², randomness recovery modulo p, provers'
    /// masks and randomizers); verifiers with public operands use ``powerVariableTime(_:modulo:)``.
    ///
    /// The base is reduced with `mpn_sec_div_r`. Only a negative exponent (its sign is public)
    /// inverts the base, and then in constant time (`mpn_sec_invert`); a zero exponent gives 1.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one (never a
    ///   silent fallback to a variable-time power); ``BigNumError/notInvertible`` for a negative
    ///   exponent and a base that is not a unit.
    public func power(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        if exponent.isZero { return .one }
        let n = modulus.limbCount
        let base = LimbBuffer(count: n)
        if exponent.isNegative {
            guard invertLimbs(modulo: modulus, into: base.base) else { throw .notInvertible }
        } else {
            residueLimbs(modulo: modulus, into: base.base)
        }
        let en = exponent.limbCount
        let exponentBits = mp_bitcnt_t(en * mp_limb_t.bitWidth)
        let result = LimbBuffer(count: n)
        let scratch = LimbBuffer(count: Int(__gmpn_sec_powm_itch(n, exponentBits, n)))
        __gmpn_sec_powm(result.base, base.base, n, __gmpz_limbs_read(exponent.mpz)!, exponentBits,
                        __gmpz_limbs_read(modulus.mpz)!, n, scratch.base)
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
