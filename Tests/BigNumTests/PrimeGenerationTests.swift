import BigNum
import Testing

@Suite struct PrimeGenerationTests {
    /// Independent check: trial division by every odd number up to √n (small sizes only).
    static func isPrimeByTrialDivision(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        if n % 2 == 0 { return n == 2 }
        var d: UInt64 = 3
        while d * d <= n { if n % d == 0 { return false }; d += 2 }
        return true
    }

    static func topTwoBitsSet(_ value: BigInt, bits: Int) -> Bool {
        value.bitLength == bits && value.testBit(bits - 1) && value.testBit(bits - 2)
    }

    @Test(arguments: [8, 12, 20, 31, 40])
    func smallPrimesAreProvablyPrime(bits: Int) throws {
        var rng = ChaChaRandom(testSeed: UInt64(bits))
        for _ in 0..<10 {
            let p = PrimeGenerator.prime(bits: bits, using: &rng)
            let blum = PrimeGenerator.blumPrime(bits: bits, using: &rng)
            let safe = PrimeGenerator.safePrime(bits: bits, using: &rng)
            for value in [p, blum, safe] {
                #expect(Self.topTwoBitsSet(value, bits: bits))
                #expect(Self.isPrimeByTrialDivision(UInt64(try #require(value.intValue))))
            }
            #expect(blum.intValue! % 4 == 3)
            #expect(Self.isPrimeByTrialDivision(UInt64(safe.intValue! / 2)))
        }
    }

    @Test func largeSafePrimeHasPrimeHalf() {
        var rng = ChaChaRandom(testSeed: 7)
        let p = PrimeGenerator.safePrime(bits: 256, using: &rng)
        #expect(Self.topTwoBitsSet(p, bits: 256))
        var checker = ChaChaRandom(testSeed: 8)
        #expect(p.isProbablePrimeVariableTime(using: &checker))
        #expect((p >> 1).isProbablePrimeVariableTime(using: &checker))
    }

    @Test func blumPrimeOf512Bits() throws {
        var rng = ChaChaRandom(testSeed: 9)
        let p = PrimeGenerator.blumPrime(bits: 512, using: &rng)
        #expect(Self.topTwoBitsSet(p, bits: 512))
        #expect(try p.modulo(BigInt(4)) == BigInt(3))
        var checker = ChaChaRandom(testSeed: 10)
        #expect(p.isProbablePrimeVariableTime(using: &checker))
    }

    @Test func oneWorkerIsDeterministicGivenTheSeed() {
        var a = ChaChaRandom(testSeed: 11), b = ChaChaRandom(testSeed: 11), c = ChaChaRandom(testSeed: 12)
        let first = PrimeGenerator.safePrime(bits: 128, using: &a)
        #expect(first == PrimeGenerator.safePrime(bits: 128, using: &b))
        #expect(first != PrimeGenerator.safePrime(bits: 128, using: &c))
    }

    @Test func twoWorkersFindAValidSafePrime() {
        var rng = ChaChaRandom(testSeed: 13)
        let p = PrimeGenerator.safePrime(bits: 192, using: &rng, workers: 2)
        #expect(Self.topTwoBitsSet(p, bits: 192))
        var checker = ChaChaRandom(testSeed: 14)
        #expect(p.isProbablePrimeVariableTime(using: &checker) && (p >> 1).isProbablePrimeVariableTime(using: &checker))
    }
}
