import CGMP

/// Powers of one **public** base modulo one odd **public** modulus for many **public** exponents,
/// in variable time, from a precomputed table (issue #13, fixed-base exponentiation).
///
/// Why: a verifier raising the same base to many exponents (Πprm's t^z_i, 112 of them at
/// production112) pays a chain of squarings per power with `mpz_powm`. Yao's method (Knuth, TAOCP
/// vol. 2, §4.6.3; also Brickell–Gordon–McCurley–Wilson) pays those squarings once: the table holds
/// g_j = base^(2^(w·j)) for every w-bit digit position j, and a power is Π_k (Π_{j: e_j = k} g_j)^k,
/// computed as a running product over k = 2^w − 1, …, 1 — about d + 2^w multiplications for d
/// digits, against ≈ bits squarings plus ≈ bits/(w+1) multiplications for one sliding-window power.
/// At 2048 bits that is ≈ 406 Montgomery multiplications instead of ≈ 2,300 operations.
///
/// Every result equals `base.powerVariableTime(exponent, modulo: modulus)`; an exponent the table
/// does not cover (negative, or longer than `maximumExponentBits`) is computed that way.
/// The time and memory access depend on every exponent's digits: never for a secret exponent.
///
/// The table is a value (an array of limbs), immutable once built, so one table may be used from
/// several threads at once; each power has its own scratch.
public struct FixedBasePowers: Sendable {
    /// The base, reduced modulo `modulus`.
    public let base: BigInt
    /// The odd positive modulus.
    public let modulus: BigInt
    /// Exponents in [0, 2^maximumExponentBits) use the table; others fall back to `mpz_powm`.
    public let maximumExponentBits: Int
    /// Digit width w in bits.
    let width: Int
    /// Number of digits d = ⌈maximumExponentBits / w⌉.
    let digitCount: Int
    /// g_j = base^(2^(w·j)) · R mod m in Montgomery form, j = 0 ..< d, `limbs` limbs each.
    let table: [mp_limb_t]
    /// Limbs of the modulus.
    let limbs: Int

    /// Builds the table: ≈ `maximumExponentBits` Montgomery squarings (the cost of one power).
    /// - Parameters:
    ///   - base: any integer (reduced first).
    ///   - modulus: odd and positive (Montgomery arithmetic).
    ///   - maximumExponentBits: the longest exponent the table serves (e.g. the modulus's bit
    ///     length when exponents are below it).
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0; ``BigNumError/evenModulus``
    ///   when it is even.
    public init(base: BigInt, modulo modulus: BigInt, maximumExponentBits: Int) throws(BigNumError) {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        guard modulus.isOdd else { throw .evenModulus }
        self.base = try base.moduloVariableTime(modulus)
        self.modulus = modulus
        let bits = max(maximumExponentBits, 0)
        self.maximumExponentBits = bits
        let width = Self.width(bits: bits)
        self.width = width
        let digitCount = modulus == .one ? 0 : (bits + width - 1) / width
        self.digitCount = digitCount
        let montgomery = Montgomery(modulus)
        let n = montgomery.n
        limbs = n
        var table = [mp_limb_t](repeating: 0, count: digitCount * n)
        if digitCount > 0 {
            let reduced = self.base
            table.withUnsafeMutableBufferPointer { buffer in
                let t = buffer.baseAddress!
                montgomery.toMontgomery(reduced, into: t)
                for j in 1..<digitCount {
                    let entry = t + j * n
                    entry.update(from: t + (j - 1) * n, count: n)
                    for _ in 0..<width { montgomery.square(entry, into: entry) }
                }
            }
        }
        self.table = table
    }

    /// The digit width minimising d + 2^w multiplications per power for `bits`-bit exponents.
    static func width(bits: Int) -> Int {
        var best = 1, bestCost = Int.max
        for w in 1...12 {
            let cost = (bits + w - 1) / w + (1 << w)
            if cost < bestCost { best = w; bestCost = cost }
        }
        return best
    }

    /// base^exponent mod modulus in **variable time**, for a **public** exponent; the same value
    /// as ``BigInt/powerVariableTime(_:modulo:)``.
    /// - Throws: ``BigNumError/notInvertible`` for a negative exponent when the base is not a unit
    ///   (as `powerVariableTime`).
    public func powerVariableTime(_ exponent: BigInt) throws(BigNumError) -> BigInt {
        if exponent.isNegative || exponent.bitLength > digitCount * width {
            return try base.powerVariableTime(exponent, modulo: modulus)
        }
        if modulus == .one { return .zero }
        if exponent.isZero { return .one }
        let n = limbs, width = width
        // Positions of each nonzero digit value, highest value first when walked below.
        var buckets = [[Int]](repeating: [], count: 1 << width)
        let exponentLimbs = __gmpz_limbs_read(exponent.mpz)!
        let exponentLimbCount = exponent.limbCount
        let limbBits = mp_limb_t.bitWidth
        let mask = (mp_limb_t(1) << mp_limb_t(width)) - 1
        for j in 0..<digitCount {
            let position = j * width
            let limb = position / limbBits, offset = position % limbBits
            guard limb < exponentLimbCount else { break }
            var digit = exponentLimbs[limb] >> mp_limb_t(offset)
            if offset + width > limbBits, limb + 1 < exponentLimbCount {
                digit |= exponentLimbs[limb + 1] << mp_limb_t(limbBits - offset)
            }
            digit &= mask
            if digit != 0 { buckets[Int(digit)].append(j) }
        }
        let montgomery = Montgomery(modulus)
        let running = LimbBuffer(count: n), accumulator = LimbBuffer(count: n)
        var runningSet = false, accumulatorSet = false
        table.withUnsafeBufferPointer { buffer in
            let t = buffer.baseAddress!
            for k in stride(from: (1 << width) - 1, through: 1, by: -1) {
                for j in buckets[k] {
                    if runningSet {
                        montgomery.multiply(running.base, t + j * n, into: running.base)
                    } else {
                        running.base.update(from: t + j * n, count: n)
                        runningSet = true
                    }
                }
                guard runningSet else { continue }
                if accumulatorSet {
                    montgomery.multiply(accumulator.base, running.base, into: accumulator.base)
                } else {
                    accumulator.base.update(from: running.base, count: n)
                    accumulatorSet = true
                }
            }
        }
        // Out of Montgomery form: REDC of the accumulator itself.
        montgomery.product.base.update(from: accumulator.base, count: n)
        (montgomery.product.base + n).update(repeating: 0, count: n)
        let result = LimbBuffer(count: n)
        montgomery.reduce(into: result.base)
        return .fromLimbs(result.base, count: n)
    }
}
