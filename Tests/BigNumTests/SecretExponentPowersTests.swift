import BigNum
import Testing

/// `SecretExponentPowers` (issue #13, the constant-time comb) against its oracle, the constant-time
/// `power(_:modulo:)` (`mpn_sec_powm`), itself tested against `mpz_powm`: random moduli, units and
/// signed exponents across digit, row and limb boundaries, the fallback beyond the table, and the
/// products of two tables.
struct SecretExponentPowersTests {
    static func randomUnit(below m: BigInt, using rng: inout ChaChaRandom) -> BigInt {
        while true {
            var base = BigInt.random(bits: Int.random(in: 1...(2 * m.bitLength + 3), using: &rng), using: &rng)
            if Bool.random(using: &rng) { base = -base }
            if (try? base.inverseVariableTime(modulo: m)) != nil { return base }
        }
    }

    @Test func randomPowersMatchTheConstantTimePower() throws {
        var rng = ChaChaRandom(testSeed: 977)
        var moduli: [BigInt] = [3, 15, BigInt.powerOfTwo(64) - 59, BigInt.powerOfTwo(64) + 13]
        for bits in [65, 127, 128, 129, 512, 1024, 2048] {
            moduli.append(try! BigInt.random(exactBits: bits, using: &rng).settingBit(0))
        }
        for m in moduli {
            for maximum in [1, 63, 64, 65, 200, m.bitLength + 100] {
                let base = Self.randomUnit(below: m, using: &rng)
                let table = try SecretExponentPowers(base: base, modulo: m, maximumExponentBits: maximum)
                for round in 0..<7 {
                    // Within the table, at its limb limit, and beyond it (the fallback).
                    let bits = [0, 1, 31, 32, max(maximum - 1, 1), (maximum + 63) / 64 * 64,
                                (maximum + 63) / 64 * 64 + 1][round]
                    let exponent = bits == 0 ? BigInt.zero : BigInt.random(bits: bits, using: &rng)
                    for signed in [exponent, -exponent] {
                        let expected = try base.power(signed, modulo: m)
                        #expect(table.power(signed) == expected,
                                "m \(m.bitLength) bits, maximum \(maximum), e \(signed.bitLength) bits, negative \(signed.isNegative)")
                    }
                }
                // All-ones exponents hit every digit with the top value, in both signs.
                let ones = BigInt.powerOfTwo((maximum + 63) / 64 * 64) - .one
                #expect(table.power(ones) == (try base.power(ones, modulo: m)), "all ones, maximum \(maximum)")
                #expect(table.power(-ones) == (try base.power(-ones, modulo: m)), "minus all ones, maximum \(maximum)")
            }
        }
    }

    @Test func productsOfTwoTablesMatch() throws {
        var rng = ChaChaRandom(testSeed: 978)
        let m = try BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
        let s = Self.randomUnit(below: m, using: &rng), t = Self.randomUnit(below: m, using: &rng)
        let sTable = try SecretExponentPowers(base: s, modulo: m, maximumExponentBits: 3000)
        let tTable = try SecretExponentPowers(base: t, modulo: m, maximumExponentBits: 1000)
        for (aBits, bBits) in [(0, 0), (768, 2816), (2816, 768), (1, 3000), (3000, 1024), (3100, 1100), (2048, 0)] {
            var a = aBits == 0 ? BigInt.zero : BigInt.random(bits: aBits, using: &rng)
            var b = bBits == 0 ? BigInt.zero : BigInt.random(bits: bBits, using: &rng)
            if Bool.random(using: &rng) { a = -a }
            if Bool.random(using: &rng) { b = -b }
            let expected = try (try s.power(a, modulo: m) * t.power(b, modulo: m)).modulo(m)
            #expect(SecretExponentPowers.product([(sTable, a), (tTable, b)]) == expected, "a \(aBits) bits, b \(bBits) bits")
        }
    }

    @Test func refusesWhatItCannotServe() {
        #expect(throws: BigNumError.evenModulus) { try SecretExponentPowers(base: 3, modulo: 10, maximumExponentBits: 64) }
        #expect(throws: BigNumError.evenModulus) { try SecretExponentPowers(base: 3, modulo: 1, maximumExponentBits: 64) }
        #expect(throws: BigNumError.notInvertible) { try SecretExponentPowers(base: 6, modulo: 15, maximumExponentBits: 64) }
    }
}
