import CGMP

// Simultaneous multi-exponentiation for verifiers (issue #13): Π b_i^{e_i} mod m with one shared
// chain of squarings, for **public** bases, exponents and modulus only.
//
// Interleaved sliding windows (Möller, "Algorithms for multi-exponentiation", SAC 2001, §3.2):
// each base gets its own table of odd powers and its own left-to-right window decomposition; one
// accumulator is squared once per bit of the longest exponent and multiplied by a table entry
// wherever a base's window ends. A product of k powers then costs the squarings of one
// exponentiation instead of k, plus each base's window multiplications.
//
// Arithmetic is Montgomery's on GMP's public mpn layer: products by `mpn_mul_n` / `mpn_sqr`,
// reduction (REDC) by one `mpn_addmul_1` row per limb. Time and memory access depend on every
// operand's bits (window positions, table indices, REDC's final subtraction): hence the name.
extension BigInt {
    /// Π base_i^exponent_i mod `modulus` in **variable time**, by simultaneous (interleaved
    /// sliding-window) exponentiation: the squarings are shared, so two or three powers cost
    /// little more than the longest one. For **public** values only (a verifier's equations); the
    /// time and memory access depend on the bits of every base, exponent and the modulus.
    ///
    /// The result equals the product of the separate ``powerVariableTime(_:modulo:)`` results
    /// reduced mod `modulus`, for every input. A zero exponent contributes 1 (also for a zero
    /// base); a negative exponent uses the base's inverse (``inverseVariableTime(modulo:)``, once
    /// per such base); bases of any sign or size are reduced first. An empty product is 1 mod
    /// `modulus` (so 0 when `modulus` is 1).
    /// - Parameters:
    ///   - terms: the (base, exponent) pairs; any number, in any order.
    ///   - modulus: an odd positive modulus (Montgomery arithmetic needs it odd; every modulus the
    ///     proofs use — N, N², N̂ — is).
    /// - Returns: the product in [0, modulus).
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0; ``BigNumError/evenModulus``
    ///   when it is even (refused rather than computed another way); ``BigNumError/notInvertible``
    ///   when a base with a negative exponent is not a unit.
    public static func productOfPowersVariableTime(
        _ terms: [(base: BigInt, exponent: BigInt)], modulo modulus: BigInt
    ) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        guard modulus.isOdd else { throw .evenModulus }
        if modulus == .one { return .zero }
        var bases: [BigInt] = [], exponents: [BigInt] = []
        for (base, exponent) in terms where !exponent.isZero {
            if exponent.isNegative {
                bases.append(try base.inverseVariableTime(modulo: modulus))
                exponents.append(exponent.magnitude)
            } else {
                bases.append(try base.moduloVariableTime(modulus))
                exponents.append(exponent)
            }
        }
        if bases.isEmpty { return .one }
        let montgomery = Montgomery(modulus)
        return montgomery.productOfPowers(bases, exponents)
    }
}

/// Montgomery arithmetic modulo an odd m of n limbs (R = 2^(64n)), variable time, on limb buffers
/// of n limbs holding values in [0, m). Shared by the multi-exponentiation and `FixedBasePowers`.
struct Montgomery: ~Copyable {
    let modulus: BigInt
    let m: UnsafePointer<mp_limb_t>
    let n: Int
    /// −m⁻¹ mod 2^64.
    let mInverse: mp_limb_t
    /// 2n limbs for products.
    let product: LimbBuffer

    init(_ modulus: BigInt) {
        self.modulus = modulus
        n = modulus.limbCount
        m = __gmpz_limbs_read(modulus.mpz)!
        mInverse = Self.negatedInverse(of: m[0])
        product = LimbBuffer(count: 2 * n)
    }

    /// −m0⁻¹ mod 2^64 for an odd m0, by Newton's iteration: x = m0 is right to 3 bits, and each
    /// step doubles the number of correct bits (3 → 6 → 12 → 24 → 48 → 96). No branch on m0, so
    /// the constant-time arithmetic uses it for secret moduli too.
    static func negatedInverse(of m0: mp_limb_t) -> mp_limb_t {
        var x = m0
        for _ in 0..<5 { x = x &* (2 &- m0 &* x) }
        return 0 &- x
    }

    /// product (2n limbs, consumed) · R⁻¹ mod m into `result` (n limbs): one `mpn_addmul_1` row per
    /// limb (GMP's redc_1), then one subtraction when the sum reaches m.
    func reduce(into result: UnsafeMutablePointer<mp_limb_t>) {
        let t = product.base
        for i in 0..<n {
            let u = t[i] &* mInverse
            // t[i] becomes 0 by construction; keep the row's carry there, added in below.
            t[i] = __gmpn_addmul_1(t + i, m, n, u)
        }
        let carry = __gmpn_add_n(result, t + n, t, n)
        if carry != 0 || __gmpn_cmp(result, m, n) >= 0 { _ = __gmpn_sub_n(result, result, m, n) }
    }

    /// a · b · R⁻¹ mod m into `result` (which may be a or b).
    func multiply(_ a: UnsafePointer<mp_limb_t>, _ b: UnsafePointer<mp_limb_t>, into result: UnsafeMutablePointer<mp_limb_t>) {
        __gmpn_mul_n(product.base, a, b, n)
        reduce(into: result)
    }

    /// a² · R⁻¹ mod m into `result` (which may be a).
    func square(_ a: UnsafePointer<mp_limb_t>, into result: UnsafeMutablePointer<mp_limb_t>) {
        __gmpn_sqr(product.base, a, n)
        reduce(into: result)
    }

    /// x · R mod m (x in [0, m)) into `result`.
    func toMontgomery(_ x: BigInt, into result: UnsafeMutablePointer<mp_limb_t>) {
        let shifted = try! (x << (n * mp_limb_t.bitWidth)).moduloVariableTime(modulus)
        shifted.copyMagnitude(into: result, count: n)
    }

    /// x · R⁻¹ mod m for x in [0, m) (out of Montgomery form): REDC of x itself.
    func fromMontgomery(_ x: UnsafePointer<mp_limb_t>) -> BigInt {
        product.base.update(from: x, count: n)
        (product.base + n).update(repeating: 0, count: n)
        let result = LimbBuffer(count: n)
        reduce(into: result.base)
        return .fromLimbs(result.base, count: n)
    }

    /// The window width for an exponent of `bits` bits: GMP's `mpz_powm` thresholds (the
    /// squarings are shared, so each base's table-versus-multiplications trade-off is its own).
    static func windowWidth(bits: Int) -> Int {
        let thresholds = [7, 25, 81, 241, 673, 1793, 4609, 11521, 28161]
        var width = 1
        while width <= thresholds.count, bits > thresholds[width - 1] { width += 1 }
        return width
    }

    /// Left-to-right sliding windows of a positive exponent: (position of the window's lowest bit,
    /// index of its odd value in the table of odd powers), highest window first.
    static func windows(of exponent: BigInt, width: Int) -> [(position: Int, index: Int)] {
        let limbs = __gmpz_limbs_read(exponent.mpz)!
        func bit(_ i: Int) -> Int { Int((limbs[i / mp_limb_t.bitWidth] >> mp_limb_t(i % mp_limb_t.bitWidth)) & 1) }
        var windows: [(position: Int, index: Int)] = []
        var i = exponent.bitLength - 1
        while i >= 0 {
            if bit(i) == 0 { i -= 1; continue }
            var low = max(i - width + 1, 0)
            while bit(low) == 0 { low += 1 }
            var value = 0
            for k in stride(from: i, through: low, by: -1) { value = value << 1 | bit(k) }
            windows.append((low, value >> 1))
            i = low - 1
        }
        return windows
    }

    /// Π bases_i^exponents_i mod m for bases in [0, m) and positive exponents (at least one).
    func productOfPowers(_ bases: [BigInt], _ exponents: [BigInt]) -> BigInt {
        let k = bases.count
        let widths = exponents.map { Self.windowWidth(bits: $0.bitLength) }
        // Every base's odd powers b, b³, …, b^(2^width − 1) in Montgomery form, in one buffer:
        // base i's entry j at limb (offsets[i] + j)·n.
        var offsets: [Int] = [], entryCount = 0
        for width in widths { offsets.append(entryCount); entryCount += 1 << (width - 1) }
        let tables = LimbBuffer(count: entryCount * n)
        let square = LimbBuffer(count: n)
        var schedules: [[(position: Int, index: Int)]] = []
        for i in 0..<k {
            let table = tables.base + offsets[i] * n
            toMontgomery(bases[i], into: table)
            let entries = 1 << (widths[i] - 1)
            if entries > 1 {
                self.square(table, into: square.base)
                for j in 1..<entries { multiply(table + (j - 1) * n, square.base, into: table + j * n) }
            }
            schedules.append(Self.windows(of: exponents[i], width: widths[i]))
        }
        let accumulator = LimbBuffer(count: n)
        var started = false
        var next = [Int](repeating: 0, count: k)
        let top = exponents.map(\.bitLength).max()! - 1
        for position in stride(from: top, through: 0, by: -1) {
            if started { self.square(accumulator.base, into: accumulator.base) }
            for i in 0..<k where next[i] < schedules[i].count && schedules[i][next[i]].position == position {
                let entry = tables.base + (offsets[i] + schedules[i][next[i]].index) * n
                if started {
                    multiply(accumulator.base, entry, into: accumulator.base)
                } else {
                    accumulator.base.update(from: entry, count: n)
                    started = true
                }
                next[i] += 1
            }
        }
        // Out of Montgomery form: REDC of the accumulator itself.
        product.base.update(from: accumulator.base, count: n)
        (product.base + n).update(repeating: 0, count: n)
        let result = LimbBuffer(count: n)
        reduce(into: result.base)
        return .fromLimbs(result.base, count: n)
    }
}
