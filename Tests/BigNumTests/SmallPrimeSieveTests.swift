import Testing
@testable import BigNum

@Suite struct SmallPrimeSieveTests {
    static let oddPrimesBelow256: [UInt64] = (3..<256).filter { n in (2..<n).allSatisfy { n % $0 != 0 } }.map(UInt64.init)

    /// The sieve marks exactly the candidates with a small odd factor (of n, or of 2n + 1 when asked),
    /// checked against plain trial division.
    @Test(arguments: [(UInt64(2), false), (UInt64(4), false), (UInt64(2), true)])
    func marksExactlyTheCandidatesWithSmallFactors(step: UInt64, alsoTwiceN: Bool) {
        var rng = ChaChaRandom(testSeed: step + (alsoTwiceN ? 100 : 0))
        let start = (rng.next() >> 24) | (step == 4 ? 3 : 1)  // < 2^40, ≡ 3 mod 4 or odd
        var rejected = [Bool](repeating: true, count: SmallPrimeSieve.windowSize)
        SmallPrimeSieve.mark(&rejected, start: BigInt(UInt(start)), step: step, alsoTwiceN: alsoTwiceN, primeBound: 256)
        var mismatches = 0, marked = 0
        for k in 0..<rejected.count {
            let n = start + step * UInt64(k)
            let hasFactor = Self.oddPrimesBelow256.contains { n % $0 == 0 || (alsoTwiceN && (2 * n + 1) % $0 == 0) }
            if hasFactor != rejected[k] { mismatches += 1 }
            if rejected[k] { marked += 1 }
        }
        #expect(mismatches == 0)
        #expect(marked > rejected.count / 2)  // the sieve does remove most candidates
    }

    @Test func tableHoldsTheOddPrimesInOrder() {
        let table = SmallPrimeSieve.table
        #expect(Array(table.prefix(Self.oddPrimesBelow256.count).map(\.prime)) == Self.oddPrimesBelow256)
        for entry in table.prefix(500) {
            #expect(entry.inverseOfTwo * 2 % entry.prime == 1)
            #expect(entry.inverseOfFour * 4 % entry.prime == 1)
        }
        #expect(table.last!.prime < UInt64(SmallPrimeSieve.largestSievingPrime))
    }
}
