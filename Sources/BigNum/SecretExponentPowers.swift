import CGMP
import CSodium

/// Powers of one **public** base modulo one odd **public** modulus for **secret** exponents of
/// either sign, in **constant time**, from a precomputed table (issue #13: a prover committing with
/// a peer's ring-Pedersen s and t, s^a·t^b mod N̂ with secret masks a, b).
///
/// Why: `BigInt.power(_:modulo:baseInverse:)` (one `mpn_sec_powm`) pays a squaring per exponent bit
/// plus a window multiplication every few bits. With the base fixed, a comb table (Lim–Lee; the
/// fixed-base comb of the *Handbook of Applied Cryptography*, §14.6.3) pays the squarings once:
/// row i holds base^(d·2^(32·i)) for every 4-bit digit d, and a power is the Horner product over the
/// 8 digit columns j = 7, …, 0 of Π_i row_i[digit(i, j)], with 4 squarings between columns. A
/// b-bit exponent costs ≈ b/4 multiplications and 28 squarings instead of ≈ b squarings and b/5
/// multiplications: about a quarter of the work (`tss bench modexp`, docs/performance.md).
///
/// Constant time: every table entry is read with `mpn_sec_tabselect` (all 16 entries of a row are
/// touched whatever the digit), every product is `mpn_sec_mul`/`mpn_sec_sqr` with a Montgomery
/// reduction whose final subtraction is a masked `mpn_cnd_sub_n`, and the number of rows walked
/// depends only on the exponent's limb count (public by BigNum's convention). The sign is folded in
/// without a branch: with L the limb count, e′ = 2^(64L) + e lies in [0, 2^(64L+1)) and is chosen
/// between 2^(64L) + |e| and 2^(64L) − |e| by a masked swap; the result is then multiplied by the
/// table's base^(−2^(64L)) (public: it depends only on L).
///
/// Every result equals `base.power(exponent, modulo: modulus)`. An exponent longer than
/// `maximumExponentLimbs` limbs is computed that way (still constant time, without the table).
/// The table is immutable once built, so one table may be used from several threads at once.
public struct SecretExponentPowers: Sendable {
    /// The base, reduced modulo `modulus` (a unit).
    public let base: BigInt
    /// The odd modulus, greater than one.
    public let modulus: BigInt
    /// Exponents of at most this many limbs use the table.
    public let maximumExponentLimbs: Int
    /// base⁻¹ mod modulus, for the fallback power.
    let baseInverse: BigInt
    /// Row i, entry d (16 entries of n limbs, n the modulus' limb count, row after row; the rows
    /// cover 64·maximumExponentLimbs + 1 bits): base^(d·2^(32·i))·R mod m.
    let table: [mp_limb_t]
    /// Entry L (n limbs each): base^(−2^(64·L))·R mod m, L = 0 … maximumExponentLimbs.
    let offsets: [mp_limb_t]

    /// Digit width in bits; 16 entries a row.
    static let width = 4
    /// Digit columns between two rows: a row spans width · columns = 32 exponent bits.
    static let columns = 8
    static let entries = 1 << width
    static let rowBits = width * columns

    /// Builds the table in **variable time** (the base and modulus are public): ≈ 64 ·
    /// `maximumExponentLimbs` squarings and 15 multiplications per row, plus one inverse — about
    /// the cost of one and a half powers of that length.
    /// - Parameters:
    ///   - base: a unit modulo `modulus` (reduced first).
    ///   - modulus: odd and greater than one.
    ///   - maximumExponentBits: the longest exponent the table serves; longer ones fall back.
    /// - Throws: ``BigNumError/evenModulus`` unless `modulus` is odd and greater than one;
    ///   ``BigNumError/notInvertible`` when `base` is not a unit.
    public init(base: BigInt, modulo modulus: BigInt, maximumExponentBits: Int) throws(BigNumError) {
        guard modulus.signum > 0, modulus.isOdd, modulus != .one else { throw .evenModulus }
        let reduced = try base.moduloVariableTime(modulus)
        self.base = reduced
        self.modulus = modulus
        self.baseInverse = try reduced.inverseVariableTime(modulo: modulus)
        let maximumLimbs = max((maximumExponentBits + mp_limb_t.bitWidth - 1) / mp_limb_t.bitWidth, 0)
        self.maximumExponentLimbs = maximumLimbs
        let rows = (mp_limb_t.bitWidth * maximumLimbs + 1 + Self.rowBits - 1) / Self.rowBits
        let montgomery = Montgomery(modulus)
        let n = montgomery.n
        var table = [mp_limb_t](repeating: 0, count: rows * Self.entries * n)
        var chain: [BigInt] = []  // base^(2^(64·L)), L = 0 … maximumLimbs
        let one = LimbBuffer(count: n), rowBase = LimbBuffer(count: n)
        montgomery.toMontgomery(.one, into: one.base)
        montgomery.toMontgomery(reduced, into: rowBase.base)
        table.withUnsafeMutableBufferPointer { buffer in
            let t = buffer.baseAddress!
            for i in 0..<rows {
                let row = t + i * Self.entries * n
                row.update(from: one.base, count: n)
                for d in 1..<Self.entries {
                    montgomery.multiply(row + (d - 1) * n, rowBase.base, into: row + d * n)
                }
                for bit in 0..<Self.rowBits {
                    let position = i * Self.rowBits + bit
                    if position % mp_limb_t.bitWidth == 0, chain.count <= maximumLimbs {
                        chain.append(montgomery.fromMontgomery(rowBase.base))
                    }
                    montgomery.square(rowBase.base, into: rowBase.base)
                }
            }
        }
        self.table = table
        // The inverses of the chain by one inversion (Montgomery's trick: invert the product of all,
        // then peel one factor off at a time). A power of a unit is a unit.
        var prefixes = [chain[0]]
        for power in chain.dropFirst() { prefixes.append(try! (prefixes.last! * power).moduloVariableTime(modulus)) }
        var inverse = try! prefixes.last!.inverseVariableTime(modulo: modulus)
        var offsets = [mp_limb_t](repeating: 0, count: (maximumLimbs + 1) * n)
        offsets.withUnsafeMutableBufferPointer { buffer in
            for l in stride(from: chain.count - 1, through: 0, by: -1) {
                let single = l == 0 ? inverse : try! (inverse * prefixes[l - 1]).moduloVariableTime(modulus)
                montgomery.toMontgomery(single, into: buffer.baseAddress! + l * n)
                if l > 0 { inverse = try! (inverse * chain[l]).moduloVariableTime(modulus) }
            }
        }
        self.offsets = offsets
    }

    /// base^exponent mod modulus in **constant time** in the exponent and its sign; the same value
    /// as ``BigInt/power(_:modulo:)``.
    public func power(_ exponent: BigInt) -> BigInt {
        Self.product([(self, exponent)])
    }

    /// Π table_i.base^exponent_i mod the tables' common modulus, in **constant time** in the
    /// exponents and their signs, with the four squarings between digit columns shared: s^a·t^b
    /// costs the multiplications of both powers and the squarings of one.
    /// - Precondition: every table has the same modulus; at least one term.
    public static func product(_ terms: [(table: SecretExponentPowers, exponent: BigInt)]) -> BigInt {
        precondition(!terms.isEmpty, "SecretExponentPowers.product: no terms")
        let modulus = terms[0].table.modulus
        precondition(terms.allSatisfy { $0.table.modulus == modulus }, "SecretExponentPowers.product: different moduli")
        var fitting: [(table: SecretExponentPowers, exponent: BigInt)] = []
        var fallbacks: [BigInt] = []
        for term in terms {
            if term.exponent.limbCount <= term.table.maximumExponentLimbs {
                fitting.append(term)
            } else {
                fallbacks.append(try! term.table.base.power(term.exponent, modulo: modulus, baseInverse: term.table.baseInverse))
            }
        }
        // Decided on which terms fell back (limb counts), never on a value.
        var result = fitting.isEmpty ? fallbacks.removeFirst() : comb(fitting)
        for power in fallbacks { result = try! (result * power).modulo(modulus) }
        return result
    }

    /// The comb product of terms whose exponents fit their tables.
    private static func comb(_ terms: [(table: SecretExponentPowers, exponent: BigInt)]) -> BigInt {
        let modulus = terms[0].table.modulus
        let montgomery = ConstantTimeMontgomery(modulus)
        let n = montgomery.n
        let limbBits = mp_limb_t.bitWidth
        // e′ = 2^(64L) + e for each term (L + 1 limbs, from `starts[k]` in one buffer), chosen
        // between 2^(64L) + |e| and 2^(64L) − |e| by the sign mask.
        var starts: [Int] = [], total = 0
        for term in terms { starts.append(total); total += term.exponent.limbCount + 1 }
        let shifted = LimbBuffer(count: total)
        for (index, term) in terms.enumerated() {
            let l = term.exponent.limbCount
            let plus = shifted.base + starts[index]
            let minus = LimbBuffer(count: l + 1), top = LimbBuffer(count: l + 1)
            term.exponent.copyMagnitude(into: plus, count: l)
            plus[l] = 1
            minus.base.update(from: plus, count: l)
            top.base[l] = 1
            _ = __gmpn_sub_n(minus.base, top.base, minus.base, l + 1)
            __gmpn_cnd_swap(term.exponent.signMask & 1, plus, minus.base, l + 1)
        }
        let accumulator = LimbBuffer(count: n), entry = LimbBuffer(count: n)
        montgomery.one(into: accumulator.base)
        for j in stride(from: columns - 1, through: 0, by: -1) {
            if j != columns - 1 {
                for _ in 0..<width { montgomery.square(accumulator.base, into: accumulator.base) }
            }
            for (index, term) in terms.enumerated() {
                let l = term.exponent.limbCount
                let exponentLimbs = shifted.base + starts[index]
                let usedRows = (limbBits * l + 1 + rowBits - 1) / rowBits
                term.table.table.withUnsafeBufferPointer { buffer in
                    for i in 0..<usedRows {
                        let position = (i * columns + j) * width
                        let limb = position / limbBits
                        // Rows reaching past e′'s limbs read digit 0 (a public decision: L is public).
                        let digit = limb <= l ? (exponentLimbs[limb] >> mp_limb_t(position % limbBits)) & mp_limb_t(entries - 1) : 0
                        __gmpn_sec_tabselect(entry.base, buffer.baseAddress! + i * entries * n, n, entries, Int(digit))
                        montgomery.multiply(accumulator.base, entry.base, into: accumulator.base)
                    }
                }
            }
        }
        for term in terms {
            term.table.offsets.withUnsafeBufferPointer { buffer in
                montgomery.multiply(accumulator.base, buffer.baseAddress! + term.exponent.limbCount * n, into: accumulator.base)
            }
        }
        return montgomery.fromMontgomery(accumulator.base)
    }
}

/// Montgomery arithmetic modulo an odd m of n limbs (R = 2^(64n)) whose time and memory access
/// depend only on n: `mpn_sec_mul`/`mpn_sec_sqr` for products, one `mpn_addmul_1` row per limb
/// for the reduction, and a masked `mpn_cnd_sub_n` for its final subtraction. Values are kept in
/// [0, R) ("almost Montgomery": a product of two such values reduces to below R + m, and one
/// conditional subtraction on the carry brings it below R); `fromMontgomery` returns [0, m).
struct ConstantTimeMontgomery: ~Copyable {
    let modulus: BigInt
    let m: UnsafePointer<mp_limb_t>
    let n: Int
    let mInverse: mp_limb_t
    let product: LimbBuffer
    let scratch: LimbBuffer
    /// R mod m, computed once by the constant-time reduction (the modulus may be secret).
    let rModM: LimbBuffer

    init(_ modulus: BigInt) {
        self.modulus = modulus
        n = modulus.limbCount
        m = __gmpz_limbs_read(modulus.mpz)!
        mInverse = Montgomery.negatedInverse(of: m[0])
        product = LimbBuffer(count: 2 * n)
        scratch = LimbBuffer(count: max(Int(__gmpn_sec_mul_itch(n, n)), Int(__gmpn_sec_sqr_itch(n))))
        rModM = LimbBuffer(count: n)
        try! (BigInt.one << (n * mp_limb_t.bitWidth)).modulo(modulus).copyMagnitude(into: rModM.base, count: n)
    }

    /// product (2n limbs, consumed) · R⁻¹ into `result` (n limbs), below R.
    func reduce(into result: UnsafeMutablePointer<mp_limb_t>) {
        let t = product.base
        for i in 0..<n {
            t[i] = __gmpn_addmul_1(t + i, m, n, t[i] &* mInverse)
        }
        let carry = __gmpn_add_n(result, t + n, t, n)
        _ = __gmpn_cnd_sub_n(carry, result, result, m, n)
    }

    func multiply(_ a: UnsafePointer<mp_limb_t>, _ b: UnsafePointer<mp_limb_t>, into result: UnsafeMutablePointer<mp_limb_t>) {
        __gmpn_sec_mul(product.base, a, n, b, n, scratch.base)
        reduce(into: result)
    }

    func square(_ a: UnsafePointer<mp_limb_t>, into result: UnsafeMutablePointer<mp_limb_t>) {
        __gmpn_sec_sqr(product.base, a, n, scratch.base)
        reduce(into: result)
    }

    /// 1 in Montgomery form (R mod m) into `result`.
    func one(into result: UnsafeMutablePointer<mp_limb_t>) {
        result.update(from: rModM.base, count: n)
    }

    /// x · R⁻¹ mod m in [0, m) for x in [0, R): REDC of x, then one masked subtraction.
    func fromMontgomery(_ x: UnsafePointer<mp_limb_t>) -> BigInt {
        product.base.update(from: x, count: n)
        (product.base + n).update(repeating: 0, count: n)
        let result = LimbBuffer(count: n), reduced = LimbBuffer(count: n)
        reduce(into: result.base)
        let borrow = __gmpn_sub_n(reduced.base, result.base, m, n)
        __gmpn_cnd_swap(borrow ^ 1, result.base, reduced.base, n)
        return .fromLimbs(result.base, count: n)
    }
}
