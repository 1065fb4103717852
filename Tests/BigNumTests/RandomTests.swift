import BigNum
import Testing

struct RandomTests {
    @Test func seededGeneratorIsReproducibleAndSeedSensitive() {
        var a = ChaChaRandom(testSeed: 1), b = ChaChaRandom(testSeed: 1), c = ChaChaRandom(testSeed: 2)
        let sa = (0..<300).map { _ in a.next() }   // crosses several refills
        let sb = (0..<300).map { _ in b.next() }
        let sc = (0..<300).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
        #expect(Set(sa).count == 300)
    }

    @Test func samplersStayInTheirRanges() throws {
        var rng = ChaChaRandom(testSeed: 3)
        let bound = try BigInt(decimal: "1000000000000000000000007")
        var sawHighHalf = false
        for _ in 0..<200 {
            let x = try BigInt.random(below: bound, using: &rng)
            #expect(x >= .zero && x < bound)
            if x > bound >> 1 { sawHighHalf = true }
            let s = BigInt.random(signedBits: 70, using: &rng)
            #expect(s >= -BigInt.powerOfTwo(70) && s <= BigInt.powerOfTwo(70))
            #expect(try BigInt.random(exactBits: 97, using: &rng).bitLength == 97)
            let u = try BigInt.randomUnit(modulo: BigInt(3 * 5 * 7 * 11 * 13), using: &rng)
            #expect(u.gcdVariableTime(BigInt(3 * 5 * 7 * 11 * 13)) == .one && u > .zero)
        }
        #expect(sawHighHalf)
        #expect(throws: BigNumError.invalidBound) { try BigInt.random(below: .zero, using: &rng) }
        #expect(throws: BigNumError.invalidBound) { try BigInt.randomUnit(modulo: .one, using: &rng) }
    }

    @Test func signedSamplerCoversBothSigns() {
        var rng = ChaChaRandom(testSeed: 4)
        let samples = (0..<100).map { _ in BigInt.random(signedBits: 8, using: &rng) }
        #expect(samples.contains { $0.isNegative })
        #expect(samples.contains { $0.signum > 0 })
    }
}
