/// Constant-time arithmetic on 4×64-bit little-endian limbs modulo the group order n.
///
/// Rules that keep it constant time (checked against the disassembly, see docs/secp256k1.md):
/// no `if`/`?:`/`&&` on limb values, only wrapping arithmetic (`&+`, `&-`, `&*`) and the
/// carry/borrow bits of `addingReportingOverflow`/`subtractingReportingOverflow` (which lower to
/// `adc`/`sbb`/`setb`), corrections applied through masks `0 &- bit`, and loops whose trip
/// counts are fixed or depend on public values only (the exponent n−2).
@usableFromInline
internal enum ScalarField {
    @usableFromInline
    typealias Limbs = (UInt64, UInt64, UInt64, UInt64)

    static let order: Limbs = (0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B,
                               0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF)
    /// ⌊n/2⌋: s is "high" when s > ⌊n/2⌋.
    static let halfOrder: Limbs = (0xDFE9_2F46_681B_20A0, 0x5D57_6E73_57A4_501D,
                                   0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF)
    /// −n⁻¹ mod 2^64 (Montgomery constant).
    static let nPrime: UInt64 = 0x4B0D_FF66_5588_B13F
    /// R² mod n with R = 2^256.
    static let rSquared: Limbs = (0x896C_F214_67D7_D140, 0x7414_96C2_0E7C_F878,
                                  0xE697_F5E4_5BCD_07C6, 0x9D67_1CD5_81C6_9BC5)
    /// R mod n: one in the Montgomery domain.
    static let montgomeryOne: Limbs = (0x402D_A173_2FC9_BEBF, 0x4551_2319_50B7_5FC4, 1, 0)

    static let orderBytes: [UInt8] = bigEndianBytes(order)

    // MARK: Byte conversion

    static func limbs(bigEndian bytes: [UInt8]) -> Limbs {
        precondition(bytes.count == 32)
        func word(_ index: Int) -> UInt64 {
            var w: UInt64 = 0
            for i in 0..<8 { w = (w << 8) | UInt64(bytes[index * 8 + i]) }
            return w
        }
        return (word(3), word(2), word(1), word(0))
    }

    static func bigEndianBytes(_ limbs: Limbs) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [limbs.3, limbs.2, limbs.1, limbs.0] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    // MARK: Carry primitives

    @inline(__always)
    static func bit(_ flag: Bool) -> UInt64 { UInt64(flag ? 1 : 0) }

    /// a + b + carryIn → (sum, carryOut), carries in {0, 1}.
    @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64, _ carryIn: UInt64) -> (UInt64, UInt64) {
        let (s1, o1) = a.addingReportingOverflow(b)
        let (s2, o2) = s1.addingReportingOverflow(carryIn)
        return (s2, bit(o1) | bit(o2))
    }

    /// a − b − borrowIn → (difference, borrowOut), borrows in {0, 1}.
    @inline(__always)
    static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrowIn: UInt64) -> (UInt64, UInt64) {
        let (d1, o1) = a.subtractingReportingOverflow(b)
        let (d2, o2) = d1.subtractingReportingOverflow(borrowIn)
        return (d2, bit(o1) | bit(o2))
    }

    /// a·b + c + d as (high, low); cannot overflow 128 bits.
    @inline(__always)
    static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        let (l1, o1) = low.addingReportingOverflow(c)
        let (l2, o2) = l1.addingReportingOverflow(d)
        return (high &+ bit(o1) &+ bit(o2), l2)
    }

    /// `mask` all ones → a, all zeros → b.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: Limbs, _ b: Limbs) -> Limbs {
        ((a.0 & mask) | (b.0 & ~mask), (a.1 & mask) | (b.1 & ~mask),
         (a.2 & mask) | (b.2 & ~mask), (a.3 & mask) | (b.3 & ~mask))
    }

    // MARK: 256-bit add/subtract

    @inline(__always)
    static func add256(_ a: Limbs, _ b: Limbs) -> (Limbs, UInt64) {
        let (r0, c0) = addWithCarry(a.0, b.0, 0)
        let (r1, c1) = addWithCarry(a.1, b.1, c0)
        let (r2, c2) = addWithCarry(a.2, b.2, c1)
        let (r3, c3) = addWithCarry(a.3, b.3, c2)
        return ((r0, r1, r2, r3), c3)
    }

    @inline(__always)
    static func subtract(_ a: Limbs, _ b: Limbs) -> (Limbs, UInt64) {
        let (r0, b0) = subtractWithBorrow(a.0, b.0, 0)
        let (r1, b1) = subtractWithBorrow(a.1, b.1, b0)
        let (r2, b2) = subtractWithBorrow(a.2, b.2, b1)
        let (r3, b3) = subtractWithBorrow(a.3, b.3, b2)
        return ((r0, r1, r2, r3), b3)
    }

    /// Whether a < n (masked comparison; callers branch only on the public verdict).
    static func isBelowOrder(_ a: Limbs) -> Bool {
        subtract(a, order).1 == 1
    }

    /// a mod n for any a < 2^256 (< 2n): subtract n when a ≥ n.
    @inline(__always)
    static func reduceOnce(_ a: Limbs) -> Limbs {
        let (difference, borrow) = subtract(a, order)
        return select(0 &- (borrow ^ 1), difference, a)
    }

    // MARK: Field operations (inputs < n, outputs < n)

    @usableFromInline
    static func add(_ a: Limbs, _ b: Limbs) -> Limbs {
        let (sum, carry) = add256(a, b)
        let (difference, borrow) = subtract(sum, order)
        // The true sum is carry·2^256 + sum < 2n; subtract n when it is ≥ n, that is when the
        // addition carried out or the subtraction did not borrow.
        let useDifference = carry | (borrow ^ 1)
        return select(0 &- useDifference, difference, sum)
    }

    @usableFromInline
    static func sub(_ a: Limbs, _ b: Limbs) -> Limbs {
        let (difference, borrow) = subtract(a, b)
        let maskedOrder = select(0 &- borrow, order, (0, 0, 0, 0))
        return add256(difference, maskedOrder).0
    }

    /// Montgomery product a·b·2^-256 mod n (CIOS). Requires a < 2^256 and b < n, so that
    /// a·b < n·2^256 and the intermediate stays below 2n before the masked final subtraction.
    @usableFromInline
    static func montgomeryMultiply(_ a: Limbs, _ b: Limbs) -> Limbs {
        var t: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        montgomeryRow(&t, a, b.0)
        montgomeryRow(&t, a, b.1)
        montgomeryRow(&t, a, b.2)
        montgomeryRow(&t, a, b.3)
        let low: Limbs = (t.0, t.1, t.2, t.3)
        let (difference, borrow) = subtract(low, order)
        let useDifference = t.4 | (borrow ^ 1)
        return select(0 &- useDifference, difference, low)
    }

    /// One CIOS row: t ← (t + a·bi + m·n) / 2^64 with m chosen to clear the low limb.
    @inline(__always)
    static func montgomeryRow(_ t: inout (UInt64, UInt64, UInt64, UInt64, UInt64), _ a: Limbs, _ bi: UInt64) {
        var carry: UInt64
        var t0, t1, t2, t3: UInt64
        (carry, t0) = multiplyAdd(a.0, bi, t.0, 0)
        (carry, t1) = multiplyAdd(a.1, bi, t.1, carry)
        (carry, t2) = multiplyAdd(a.2, bi, t.2, carry)
        (carry, t3) = multiplyAdd(a.3, bi, t.3, carry)
        let (t4, t5) = addWithCarry(t.4, carry, 0)

        let m = t0 &* nPrime
        (carry, _) = multiplyAdd(m, order.0, t0, 0)
        (carry, t.0) = multiplyAdd(m, order.1, t1, carry)
        (carry, t.1) = multiplyAdd(m, order.2, t2, carry)
        (carry, t.2) = multiplyAdd(m, order.3, t3, carry)
        let (top, topCarry) = addWithCarry(t4, carry, 0)
        t.3 = top
        t.4 = t5 &+ topCarry
    }

    /// a^(n−2) mod n for a < n (Fermat; a = 0 gives 0). The exponent is a public constant, so
    /// the fixed 4-bit window (table index = exponent nibble) does not depend on a.
    @usableFromInline
    static func invert(_ a: Limbs) -> Limbs {
        let base = montgomeryMultiply(a, rSquared)  // a·R
        // table[i] = a^i in the Montgomery domain.
        var table = [Limbs](repeating: montgomeryOne, count: 16)
        table[1] = base
        for i in 2..<16 { table[i] = montgomeryMultiply(table[i - 1], base) }

        let exponent = subtract(order, (2, 0, 0, 0)).0
        var accumulator = montgomeryOne
        for limbIndex in stride(from: 3, through: 0, by: -1) {
            let word: UInt64 = switch limbIndex {
            case 3: exponent.3
            case 2: exponent.2
            case 1: exponent.1
            default: exponent.0
            }
            for nibbleIndex in stride(from: 15, through: 0, by: -1) {
                for _ in 0..<4 { accumulator = montgomeryMultiply(accumulator, accumulator) }
                let nibble = Int((word >> UInt64(nibbleIndex * 4)) & 0xF)
                accumulator = montgomeryMultiply(accumulator, table[nibble])
            }
        }
        // Leave the Montgomery domain: (x·R)·1·R⁻¹ = x.
        let result = montgomeryMultiply(accumulator, (1, 0, 0, 0))
        for i in table.indices { table[i] = (0, 0, 0, 0) }
        return result
    }
}
