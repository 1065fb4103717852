import CGMP

// A constant-time product of a few powers with one shared chain of squarings (issue #13): a prover's
// C^α · r^N mod N² (Πaff-g's A, presigning's D) costs the squarings of the longest exponent once,
// not once per power. Fixed 4-bit windows, every table entry read with `mpn_sec_tabselect`, and the
// `ConstantTimeMontgomery` arithmetic of `SecretExponentPowers`, so the time and memory access
// depend only on the limb counts of the modulus, the bases and the exponents.
extension BigInt {
    /// One power of a constant-time product: base^exponent, and how the exponent's sign is treated.
    public struct SecretPowerTerm: Sendable {
        let base: BigInt
        let exponent: BigInt
        let baseInverse: BigInt?
        let signIsPublic: Bool

        /// base^exponent for an exponent whose **sign is secret** too: the base and its inverse
        /// are chosen by a masked swap. A **public** base passes its inverse (computed in variable
        /// time, once); nil computes it in constant time (`mpn_sec_invert`).
        public static func hidingSign(_ base: BigInt, _ exponent: BigInt, baseInverse: BigInt? = nil) -> SecretPowerTerm {
            SecretPowerTerm(base: base, exponent: exponent, baseInverse: baseInverse, signIsPublic: false)
        }

        /// base^exponent for an exponent whose sign is public (a challenge) or that is never
        /// negative (N, a `Scalar`'s value): the sign is branched on and only a negative exponent
        /// inverts the base (in constant time), as ``BigInt/powerPublicSign(_:modulo:)``.
        public static func publicSign(_ base: BigInt, _ exponent: BigInt) -> SecretPowerTerm {
            SecretPowerTerm(base: base, exponent: exponent, baseInverse: nil, signIsPublic: true)
        }
    }

    /// Π base_i^exponent_i mod m in **constant time** in the bases, the exponents (and their signs,
    /// for ``SecretPowerTerm/hidingSign(_:_:baseInverse:)`` terms) and the modulus: the squarings
    /// of the longest exponent are shared, so C^α·r^N costs little more than r^N. The same value as
    /// the product of the separate ``power(_:modulo:)`` results, for every input.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one;
    ///   ``BigNumError/notInvertible`` for a negative exponent on a base that is not a unit.
    public static func productOfPowers(_ terms: [SecretPowerTerm], modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        let montgomery = ConstantTimeMontgomery(modulus)
        let n = montgomery.n
        let width = 4, entries = 1 << width, limbBits = mp_limb_t.bitWidth
        let used = terms.filter { $0.exponent.limbCount > 0 }  // x^0 = 1 (limb counts are public)
        guard !used.isEmpty else { return .one }
        // R² mod m (constant-time reduction: the modulus may be secret) takes residues to Montgomery form.
        let rSquared = LimbBuffer(count: n)
        try! (BigInt.one << (2 * n * limbBits)).modulo(modulus).copyMagnitude(into: rSquared.base, count: n)
        let longest = used.map(\.exponent.limbCount).max()!
        // Per term: the table b^d·R for d < 16 (b the base or its inverse), and |exponent| padded.
        let tables = LimbBuffer(count: used.count * entries * n)
        let exponents = LimbBuffer(count: used.count * longest)
        let base = LimbBuffer(count: n), inverse = LimbBuffer(count: n)
        for (index, term) in used.enumerated() {
            term.base.residueLimbs(modulo: modulus, into: base.base)
            if term.signIsPublic {
                if term.exponent.isNegative {
                    guard term.base.invertLimbs(modulo: modulus, into: inverse.base) else { throw .notInvertible }
                    __gmpn_copyi(base.base, inverse.base, n)
                }
            } else {
                let negative = term.exponent.signMask
                let invertible: mp_limb_t
                if let supplied = term.baseInverse {
                    supplied.residueLimbs(modulo: modulus, into: inverse.base)
                    invertible = 1
                } else {
                    invertible = term.base.invertLimbsOutcome(modulo: modulus, into: inverse.base)
                }
                // As `power`: only a negative exponent on a non-unit is refused.
                guard bignum_barrier(negative & (invertible ^ 1)) == 0 else { throw .notInvertible }
                __gmpn_cnd_swap(negative & 1, base.base, inverse.base, n)
            }
            let table = tables.base + index * entries * n
            montgomery.one(into: table)
            montgomery.multiply(base.base, rSquared.base, into: table + n)
            for d in 2..<entries { montgomery.multiply(table + (d - 1) * n, table + n, into: table + d * n) }
            term.exponent.copyMagnitude(into: exponents.base + index * longest, count: longest)
        }
        let accumulator = LimbBuffer(count: n), entry = LimbBuffer(count: n)
        montgomery.one(into: accumulator.base)
        let windows = longest * limbBits / width
        for window in stride(from: windows - 1, through: 0, by: -1) {
            if window != windows - 1 {
                for _ in 0..<width { montgomery.square(accumulator.base, into: accumulator.base) }
            }
            let position = window * width, limb = position / limbBits
            for (index, term) in used.enumerated() where limb < term.exponent.limbCount {
                let digit = (exponents.base[index * longest + limb] >> mp_limb_t(position % limbBits)) & mp_limb_t(entries - 1)
                __gmpn_sec_tabselect(entry.base, tables.base + index * entries * n, n, entries, Int(digit))
                montgomery.multiply(accumulator.base, entry.base, into: accumulator.base)
            }
        }
        return montgomery.fromMontgomery(accumulator.base)
    }
}
