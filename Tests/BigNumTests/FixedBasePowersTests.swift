import BigNum
import Testing

/// `FixedBasePowers` (issue #13) against its oracle, `powerVariableTime` (`mpz_powm`): random
/// moduli, bases and exponents across the digit and limb boundaries, and the edge cases.
struct FixedBasePowersTests {
    static func outcome(_ body: () throws(BigNumError) -> BigInt) -> Result<BigInt, BigNumError> {
        do throws(BigNumError) { return .success(try body()) } catch { return .failure(error) }
    }

    static func expectAgrees(_ table: FixedBasePowers, _ base: BigInt, _ exponent: BigInt, _ note: String) {
        let expected = outcome { () throws(BigNumError) in try base.powerVariableTime(exponent, modulo: table.modulus) }
        let got = outcome { () throws(BigNumError) in try table.powerVariableTime(exponent) }
        #expect(got == expected, "\(note): m \(table.modulus.bitLength) bits, e \(exponent.bitLength) bits")
    }

    @Test func randomPowersMatchPowm() throws {
        var rng = ChaChaRandom(testSeed: 131)
        var moduli: [BigInt] = [3, 5, 9, 15, BigInt.powerOfTwo(64) - 59, BigInt.powerOfTwo(64) + 13]
        for bits in [2, 63, 64, 65, 127, 128, 129, 511, 512, 513, 1024, 2048] {
            moduli.append(try! BigInt.random(exactBits: bits, using: &rng).settingBit(0))
        }
        for m in moduli {
            for maximum in [1, 5, 63, 64, 65, m.bitLength, 2 * m.bitLength + 7] {
                var base = BigInt.random(bits: Int.random(in: 1...(2 * m.bitLength + 3), using: &rng), using: &rng)
                if Bool.random(using: &rng) { base = -base }
                let table = try FixedBasePowers(base: base, modulo: m, maximumExponentBits: maximum)
                for round in 0..<6 {
                    // Within the table, at its limit, and beyond it (the fallback).
                    let bits = [0, 1, max(maximum - 1, 0), maximum, maximum + 1, Int.random(in: 0...maximum, using: &rng)][round]
                    let exponent = bits == 0 ? BigInt.zero : BigInt.random(bits: bits, using: &rng)
                    Self.expectAgrees(table, base, exponent, "maximum \(maximum), round \(round)")
                    Self.expectAgrees(table, base, -exponent, "negative, maximum \(maximum), round \(round)")
                }
                // All-ones exponents hit every digit with the top value.
                let ones = BigInt.powerOfTwo(maximum) - .one
                Self.expectAgrees(table, base, ones, "all ones, maximum \(maximum)")
            }
        }
    }

    @Test func edgeCases() throws {
        var rng = ChaChaRandom(testSeed: 132)
        let m = try! BigInt.random(exactBits: 300, using: &rng).settingBit(0)
        let e = BigInt.random(bits: 280, using: &rng)
        for base in [BigInt.zero, .one, m - .one, m, m + .one, -m, m * 3 + 2] {
            let table = try FixedBasePowers(base: base, modulo: m, maximumExponentBits: 300)
            for exponent in [BigInt.zero, .one, BigInt(2), e, -e] { Self.expectAgrees(table, base, exponent, "base \(base)") }
        }
        let one = try FixedBasePowers(base: 7, modulo: .one, maximumExponentBits: 64)
        #expect(try one.powerVariableTime(e) == .zero)
        #expect(try one.powerVariableTime(.zero) == .zero)
        let empty = try FixedBasePowers(base: 7, modulo: m, maximumExponentBits: 0)
        Self.expectAgrees(empty, 7, e, "no digits")
        #expect(throws: BigNumError.evenModulus) { try FixedBasePowers(base: 3, modulo: 10, maximumExponentBits: 8) }
        #expect(throws: BigNumError.nonPositiveModulus) { try FixedBasePowers(base: 3, modulo: -7, maximumExponentBits: 8) }
        // A non-unit base with a negative exponent fails exactly as the oracle does.
        let shared = try FixedBasePowers(base: 3, modulo: 21, maximumExponentBits: 8)
        #expect(throws: BigNumError.notInvertible) { try shared.powerVariableTime(-5) }
    }

    /// One table used from several threads at once gives the oracle's results.
    @Test func concurrentUse() async throws {
        var rng = ChaChaRandom(testSeed: 133)
        let m = try! BigInt.random(exactBits: 1024, using: &rng).settingBit(0)
        let base = try! BigInt.random(below: m, using: &rng)
        let table = try FixedBasePowers(base: base, modulo: m, maximumExponentBits: 1024)
        let exponents = (0..<16).map { _ in BigInt.random(bits: 1024, using: &rng) }
        let results = await withTaskGroup(of: (Int, BigInt).self) { group in
            for (index, exponent) in exponents.enumerated() {
                group.addTask { (index, try! table.powerVariableTime(exponent)) }
            }
            var results = [BigInt](repeating: .zero, count: exponents.count)
            for await (index, value) in group { results[index] = value }
            return results
        }
        for (index, exponent) in exponents.enumerated() {
            #expect(results[index] == (try base.powerVariableTime(exponent, modulo: m)))
        }
    }
}
