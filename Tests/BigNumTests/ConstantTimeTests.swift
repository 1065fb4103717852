import BigNum
import CGMP
import Testing

/// The constant-time functions (`mpn_sec_*` on fixed limb counts) against GMP's variable-time
/// reference (`mpz_mod`, `mpz_powm`, `mpz_invert`), on random and edge inputs.
struct ConstantTimeTests {
    /// Odd moduli of 1 to 40 limbs (64 to 2560 bits), some with a full top limb, some barely
    /// over a limb boundary.
    static func oddModuli(using generator: inout ChaChaRandom) -> [BigInt] {
        var moduli: [BigInt] = [3, 5, 7, BigInt.powerOfTwo(64) - 59, BigInt.powerOfTwo(64) + 13]
        for limbs in [1, 2, 3, 4, 5, 8, 16, 17, 32, 40] {
            for bits in [64 * limbs, 64 * limbs - 1, 64 * (limbs - 1) + 2] where bits >= 2 {
                moduli.append(try! BigInt.random(exactBits: bits, using: &generator).settingBit(0))
            }
        }
        return moduli
    }

    static func referenceMod(_ x: BigInt, _ m: BigInt) -> BigInt {
        let r = try! x.moduloVariableTime(m)
        return r
    }

    @Test func moduloMatchesMpzModForAllSignsAndSizes() throws {
        var generator = ChaChaRandom(testSeed: 41)
        var moduli = Self.oddModuli(using: &generator)
        moduli += [2, 4, BigInt.powerOfTwo(64), BigInt.powerOfTwo(128) - 2, BigInt.powerOfTwo(130)]
        for m in moduli {
            var values: [BigInt] = [0, 1, -1, m, -m, m - 1, -(m - 1), m + 1, m * m, -(m * m), m * m - 1]
            for bits in [1, 63, 64, 65, m.bitLength - 1, m.bitLength, m.bitLength + 1, 2 * m.bitLength, 3 * m.bitLength + 7] where bits > 0 {
                let v = BigInt.random(bits: bits, using: &generator)
                values += [v, -v]
            }
            for x in values {
                #expect(try x.modulo(m) == Self.referenceMod(x, m), "x mod m, m of \(m.bitLength) bits")
                let r = Self.referenceMod(x, m)
                let centred = r > (m >> 1) ? r - m : r
                #expect(try x.centred(modulo: m) == centred)
            }
        }
        #expect(throws: BigNumError.nonPositiveModulus) { try BigInt(5).modulo(.zero) }
        #expect(throws: BigNumError.nonPositiveModulus) { try BigInt(5).modulo(-7) }
        #expect(throws: BigNumError.nonPositiveModulus) { try BigInt(5).centred(modulo: .zero) }
    }

    @Test func powerMatchesMpzPowm() throws {
        var generator = ChaChaRandom(testSeed: 42)
        for m in Self.oddModuli(using: &generator) {
            let bases: [BigInt] = [0, 1, -1, 2, m - 1, m, m + 1, -m, m * m + 3,
                                   BigInt.random(bits: m.bitLength, using: &generator),
                                   -BigInt.random(bits: 2 * m.bitLength + 5, using: &generator)]
            let exponents: [BigInt] = [0, 1, 2, 3, -1, -2, m - 1, m, m + 1, -m,
                                       BigInt.random(bits: 3 * m.bitLength + 1, using: &generator),  // exponent ≫ modulus
                                       -BigInt.random(bits: m.bitLength, using: &generator),
                                       BigInt.random(bits: 7, using: &generator) + 1]
            for b in bases {
                // The inverse a caller would supply for a public base (when there is one).
                let inverse = try? b.inverseVariableTime(modulo: m)
                for e in exponents {
                    let expected = try? b.powerVariableTime(e, modulo: m)
                    let got = try? b.power(e, modulo: m)
                    #expect(got == expected, "m \(m.bitLength) bits")
                    #expect((try? b.powerPublicSign(e, modulo: m)) == expected, "public sign, m \(m.bitLength) bits")
                    if let inverse {
                        #expect((try? b.power(e, modulo: m, baseInverse: inverse)) == expected, "supplied inverse")
                        // An inverse modulo a multiple of m serves as well (reduced first).
                        let wide = inverse + m * BigInt(3)
                        #expect((try? b.power(e, modulo: m, baseInverse: wide)) == expected, "supplied inverse + 3m")
                    }
                    if expected == nil {
                        #expect(throws: BigNumError.notInvertible) { try b.power(e, modulo: m) }
                        #expect(throws: BigNumError.notInvertible) { try b.powerPublicSign(e, modulo: m) }
                    }
                }
            }
        }
    }

    @Test func inverseMatchesMpzInvert() throws {
        var generator = ChaChaRandom(testSeed: 43)
        for m in Self.oddModuli(using: &generator) {
            for x in [BigInt(0), 1, -1, 2, m - 1, m, m + 2, -(m + 2), m * 3, BigInt.random(bits: m.bitLength + 70, using: &generator)] {
                let expected = try? x.inverseVariableTime(modulo: m)
                let got = try? x.inverse(modulo: m)
                #expect(got == expected, "m \(m.bitLength) bits")
            }
        }
    }

    @Test func evenOrTinyModuliThrowRatherThanFallBack() throws {
        for m in [BigInt(0), 1, 2, 4, -3, BigInt.powerOfTwo(64)] {
            #expect(throws: BigNumError.evenModulus) { try BigInt(3).power(5, modulo: m) }
            #expect(throws: BigNumError.evenModulus) { try BigInt(3).power(-5, modulo: m) }
            #expect(throws: BigNumError.evenModulus) { try BigInt(3).inverse(modulo: m) }
        }
        for m in [BigInt(0), 1, 2, 4, -3] {
            #expect(throws: BigNumError.evenModulus) { try BigInt(3).powerPublicSign(5, modulo: m) }
            #expect(throws: BigNumError.evenModulus) { try BigInt(3).power(5, modulo: m, baseInverse: 1) }
        }
        #expect(throws: BigNumError.notInvertible) { try BigInt(15).power(-1, modulo: 21) }
        #expect(try BigInt(15).power(0, modulo: 21) == .one)
    }

    /// The sign-hiding power on a non-unit base: a positive exponent works (no inverse is needed,
    /// though one is attempted), only a negative one throws; a base ≡ 0 gives 0 for k > 0 and 1 for
    /// k = 0 (mpn_sec_powm itself requires B > 0).
    @Test func signHidingPowerOnNonUnitsAndZero() throws {
        let m = BigInt(21)
        #expect(try BigInt(15).power(5, modulo: m) == (try BigInt(15).powerVariableTime(5, modulo: m)))
        #expect(throws: BigNumError.notInvertible) { try BigInt(15).power(-5, modulo: m) }
        for base in [BigInt.zero, m, -m, m * m] {
            #expect(try base.power(1, modulo: m) == .zero)
            #expect(try base.power(BigInt.powerOfTwo(200) + 1, modulo: m) == .zero)
            #expect(try base.power(.zero, modulo: m) == .one)
            #expect(try base.powerPublicSign(7, modulo: m) == .zero)
            #expect(throws: BigNumError.notInvertible) { try base.power(-1, modulo: m) }
        }
    }
}
