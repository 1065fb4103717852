import BigNum
import Testing

struct PrimalityTests {
    @Test func knownPrimesAndComposites() throws {
        var rng = ChaChaRandom(testSeed: 5)
        let m127 = BigInt.powerOfTwo(127) - .one            // Mersenne prime
        #expect(m127.isProbablePrimeVariableTime(using: &rng))
        #expect(!(BigInt.powerOfTwo(128) + .one).isProbablePrimeVariableTime(using: &rng)) // F7 is composite
        #expect(!(m127 * m127).isProbablePrimeVariableTime(using: &rng))
        // Carmichael numbers fool Fermat, not Miller–Rabin / BPSW.
        for carmichael in [561, 41041, 825265, 321197185] {
            #expect(!BigInt(carmichael).isProbablePrimeVariableTime(using: &rng))
        }
        for small in [2, 3, 5, 7919] { #expect(BigInt(small).isProbablePrimeVariableTime(using: &rng)) }
        for nonPrime in [-7, 0, 1, 4, 7917] { #expect(!BigInt(nonPrime).isProbablePrimeVariableTime(using: &rng)) }
    }

    @Test func millerRabinAloneRejectsAStrongPseudoprimeToBaseTwo() {
        // 3215031751 is a strong pseudoprime to bases 2, 3, 5 and 7; random bases catch it.
        var rng = ChaChaRandom(testSeed: 6)
        #expect(!BigInt(3215031751).passesMillerRabinVariableTime(rounds: 20, using: &rng))
    }
}
