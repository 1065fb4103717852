import BigNum
import Testing

/// `BigInt.productOfPowers(_:modulo:)` (issue #13, constant time, shared squarings) against the
/// product of separate constant-time powers: random odd moduli, units and non-units, exponents of
/// either sign across window and limb boundaries, both kinds of term.
struct SecretProductOfPowersTests {
    static func separately(_ terms: [(BigInt, BigInt)], _ m: BigInt) throws -> BigInt {
        var product = BigInt.one
        for (base, exponent) in terms { product = try (product * base.power(exponent, modulo: m)).modulo(m) }
        return try product.modulo(m)
    }

    @Test func productsMatchSeparatePowers() throws {
        var rng = ChaChaRandom(testSeed: 991)
        var moduli: [BigInt] = [3, 15, BigInt.powerOfTwo(64) + 13]
        for bits in [65, 128, 129, 512, 1024] {
            moduli.append(try BigInt.random(exactBits: bits, using: &rng).settingBit(0))
        }
        for m in moduli {
            for _ in 0..<6 {
                let count = Int.random(in: 1...3, using: &rng)
                var plain: [(BigInt, BigInt)] = [], terms: [BigInt.SecretPowerTerm] = []
                for _ in 0..<count {
                    var base: BigInt
                    repeat { base = BigInt.random(bits: Int.random(in: 1...(m.bitLength + 70), using: &rng), using: &rng) }
                    while (try? base.inverseVariableTime(modulo: m)) == nil
                    let bits = [0, 1, 4, 63, 64, 65, 300, m.bitLength][Int.random(in: 0..<8, using: &rng)]
                    var exponent = bits == 0 ? BigInt.zero : BigInt.random(bits: bits, using: &rng)
                    if Bool.random(using: &rng) { exponent = -exponent }
                    plain.append((base, exponent))
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: terms.append(.hidingSign(base, exponent))
                    case 1: terms.append(.hidingSign(base, exponent, baseInverse: try base.inverseVariableTime(modulo: m)))
                    default: terms.append(.publicSign(base, exponent))
                    }
                }
                #expect(try BigInt.productOfPowers(terms, modulo: m) == Self.separately(plain, m),
                        "m \(m.bitLength) bits, exponents \(plain.map { $0.1.bitLength })")
            }
        }
    }

    /// C^α · r^N mod N² at production size, as Πaff-g's prover forms A.
    @Test func paillierShapedProduct() throws {
        var rng = ChaChaRandom(testSeed: 992)
        let n = try BigInt.random(exactBits: 2048, using: &rng).settingBit(0), n2 = n * n
        let c = try BigInt.randomUnit(modulo: n2, using: &rng), r = try BigInt.random(below: n, using: &rng)
        let alpha = -BigInt.random(bits: 768, using: &rng)
        let product = try BigInt.productOfPowers(
            [.hidingSign(c, alpha, baseInverse: try c.inverseVariableTime(modulo: n2)), .publicSign(r, n)], modulo: n2)
        #expect(product == (try Self.separately([(c, alpha), (r, n)], n2)))
    }

    @Test func zeroBasesAndRefusals() throws {
        // 0^k = 0 for k > 0 and 0^0 = 1, as `power`; a negative exponent on a non-unit is refused.
        #expect(try BigInt.productOfPowers([.publicSign(15, 3), .hidingSign(7, 2)], modulo: 15) == 0)
        #expect(try BigInt.productOfPowers([.publicSign(15, 0), .hidingSign(7, 2)], modulo: 15) == 4)
        #expect(try BigInt.productOfPowers([], modulo: 15) == 1)
        #expect(throws: BigNumError.notInvertible) { try BigInt.productOfPowers([.hidingSign(6, -1)], modulo: 15) }
        #expect(throws: BigNumError.notInvertible) { try BigInt.productOfPowers([.publicSign(6, -1)], modulo: 15) }
        #expect(throws: BigNumError.evenModulus) { try BigInt.productOfPowers([.publicSign(6, 1)], modulo: 16) }
    }
}
