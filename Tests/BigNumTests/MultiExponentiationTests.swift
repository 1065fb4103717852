import BigNum
import Testing

/// `productOfPowersVariableTime` (issue #13) against the product of separate
/// `powerVariableTime` calls: random sizes and signs, and the edge cases.
struct MultiExponentiationTests {
    /// The oracle: each power on its own (`mpz_powm`), multiplied and reduced.
    static func separately(_ terms: [(base: BigInt, exponent: BigInt)], _ m: BigInt) throws(BigNumError) -> BigInt {
        var product = try BigInt.one.moduloVariableTime(m)
        for (base, exponent) in terms {
            product = try (product * base.powerVariableTime(exponent, modulo: m)).moduloVariableTime(m)
        }
        return product
    }

    static func outcome(_ body: () throws(BigNumError) -> BigInt) -> Result<BigInt, BigNumError> {
        do throws(BigNumError) { return .success(try body()) } catch { return .failure(error) }
    }

    static func expectAgrees(_ terms: [(base: BigInt, exponent: BigInt)], _ m: BigInt, _ note: String = "") {
        let expected = outcome { () throws(BigNumError) in try separately(terms, m) }
        let got = outcome { () throws(BigNumError) in try BigInt.productOfPowersVariableTime(terms, modulo: m) }
        #expect(got == expected, "m of \(m.bitLength) bits, \(terms.count) term(s) \(note)")
    }

    @Test func randomProductsMatchSeparatePowers() {
        var rng = ChaChaRandom(testSeed: 91)
        var moduli: [BigInt] = [3, 5, 7, 9, 15, 21, BigInt.powerOfTwo(64) - 59, BigInt.powerOfTwo(64) + 13]
        for bits in [2, 63, 64, 65, 127, 128, 129, 200, 511, 512, 513, 1000, 1024, 2048] {
            moduli.append(try! BigInt.random(exactBits: bits, using: &rng).settingBit(0))
        }
        for m in moduli {
            for round in 0..<12 {
                let count = 1 + round % 4
                var terms: [(base: BigInt, exponent: BigInt)] = []
                for _ in 0..<count {
                    let baseBits = Int.random(in: 1...(2 * m.bitLength + 3), using: &rng)
                    var base = BigInt.random(bits: baseBits, using: &rng)
                    if Bool.random(using: &rng) { base = -base }
                    let exponentBits = [0, 1, 2, 5, 64, 65, 300, 1100, 2 * m.bitLength + 5][Int.random(in: 0...8, using: &rng)]
                    var exponent = exponentBits == 0 ? .zero : BigInt.random(bits: exponentBits, using: &rng)
                    if Bool.random(using: &rng) { exponent = -exponent }
                    terms.append((base, exponent))
                }
                Self.expectAgrees(terms, m, "round \(round)")
            }
        }
    }

    @Test func edgeCases() throws {
        var rng = ChaChaRandom(testSeed: 92)
        let m = try! BigInt.random(exactBits: 300, using: &rng).settingBit(0)
        let b = try! BigInt.random(below: m, using: &rng), c = try! BigInt.random(below: m, using: &rng)
        let e = BigInt.random(bits: 280, using: &rng)
        let cases: [[(base: BigInt, exponent: BigInt)]] = [
            [],
            [(b, .zero)],
            [(.zero, .zero)],                     // 0^0 = 1
            [(.zero, e)], [(.zero, .one)],        // 0^k = 0
            [(.one, e), (.one, -e)],
            [(b, .one)], [(b, -1)], [(b, e), (c, -e)],
            [(m, e)], [(m, .zero)], [(-m, e)], [(m - 1, e), (m + 1, -e)],
            [(b, e), (b, -e)],                    // same base twice: 1
            [(b, e), (c, .zero), (m * m + b, e)],
            [(b, BigInt.powerOfTwo(299)), (c, BigInt.powerOfTwo(64) - 1), (b + c, BigInt(3))],
        ]
        for terms in cases { Self.expectAgrees(terms, m) }
        #expect(try BigInt.productOfPowersVariableTime([], modulo: m) == .one)
        #expect(try BigInt.productOfPowersVariableTime([(.zero, .zero)], modulo: m) == .one)
        #expect(try BigInt.productOfPowersVariableTime([(.zero, e)], modulo: m) == .zero)
        #expect(try BigInt.productOfPowersVariableTime([(b, e)], modulo: .one) == .zero)
        #expect(try BigInt.productOfPowersVariableTime([], modulo: .one) == .zero)
    }

    @Test func nonUnitWithNegativeExponentThrows() throws {
        // 15 and 21 share the factor 3.
        #expect(throws: BigNumError.notInvertible) { try BigInt.productOfPowersVariableTime([(4, 5), (15, -1)], modulo: 21) }
        #expect(throws: BigNumError.notInvertible) { try BigInt.productOfPowersVariableTime([(0, -3)], modulo: 21) }
        #expect(try BigInt.productOfPowersVariableTime([(15, 3), (4, -1)], modulo: 21) == (15 * 15 * 15 * 16) % 21)
    }

    @Test func evenAndNonPositiveModuliAreRefused() {
        for m in [BigInt(2), 4, 22, BigInt.powerOfTwo(64)] {
            #expect(throws: BigNumError.evenModulus) { try BigInt.productOfPowersVariableTime([(3, 5)], modulo: m) }
        }
        for m in [BigInt.zero, -1, -21] {
            #expect(throws: BigNumError.nonPositiveModulus) { try BigInt.productOfPowersVariableTime([(3, 5)], modulo: m) }
        }
    }

    @Test func proofSizedProductsMatch() {
        // The shapes the verifiers use: N̂ of 2048 bits with exponents of ~800, ~2800 and 256 bits
        // (s^z1·t^z3·S^−e), and N² of 4096 bits with a 2048-bit and a 256-bit exponent.
        var rng = ChaChaRandom(testSeed: 93)
        let nHat = try! BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
        let n = try! BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
        let n2 = n * n
        for _ in 0..<2 {
            let s = try! BigInt.random(below: nHat, using: &rng), t = try! BigInt.random(below: nHat, using: &rng)
            let bigS = try! BigInt.random(below: nHat, using: &rng)
            Self.expectAgrees([(s, BigInt.random(signedBits: 800, using: &rng)),
                               (t, BigInt.random(signedBits: 2816, using: &rng)),
                               (bigS, -BigInt.random(signedBits: 256, using: &rng))], nHat)
            let r = try! BigInt.random(below: n, using: &rng), c = try! BigInt.random(below: n2, using: &rng)
            Self.expectAgrees([(r, n), (c, -BigInt.random(signedBits: 256, using: &rng))], n2)
        }
    }
}
