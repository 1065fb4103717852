import Testing
import BigNum
import TestSupport
@testable import Secp256k1

struct ScalarVectors: Decodable {
    struct Case: Decodable {
        let a, b, sum, difference, product, negation: String
        let inverse: String?
        let wide, wideReduced: String
    }
    let cases: [Case]
}

@Suite struct ScalarTests {
    @Test func arithmeticMatchesPythonVectors() throws {
        let vectors = try loadVectors(ScalarVectors.self, "scalars.json")
        #expect(vectors.cases.count >= 40)
        for c in vectors.cases {
            let a = try scalar(c.a), b = try scalar(c.b)
            #expect((a + b).rawRepresentation == hexBytes(c.sum))
            #expect((a - b).rawRepresentation == hexBytes(c.difference))
            #expect((a * b).rawRepresentation == hexBytes(c.product))
            #expect((-a).rawRepresentation == hexBytes(c.negation))
            if let inverse = c.inverse {
                #expect(try a.inverted().rawRepresentation == hexBytes(inverse))
            } else {
                #expect(throws: ScalarError.zero) { try a.inverted() }
            }
            #expect(Scalar(reducing: hexBytes(c.wide)).rawRepresentation == hexBytes(c.wideReduced))
        }
    }

    @Test func arithmeticMatchesBigInt() throws {
        var rng = ChaChaRandom(testSeed: 1)
        let n = Scalar.groupOrder
        for _ in 0..<300 {
            let x = randomResidue(using: &rng), y = randomResidue(using: &rng)
            let a = Scalar(reducing: x), b = Scalar(reducing: y)
            #expect(a.bigInt == x)
            #expect(try (a + b).bigInt == (x + y).modulo(n))
            #expect(try (a - b).bigInt == (x - y).modulo(n))
            #expect(try (a * b).bigInt == (x * y).modulo(n))
            #expect(try (-a).bigInt == (-x).modulo(n))
            if !x.isZero {
                #expect(try a.inverted().bigInt == x.inverseVariableTime(modulo: n))
            }
            // Reduction of values up to 2^512 and of negative BigInts.
            let wide = BigInt.random(bits: 512, using: &rng)
            #expect(try Scalar(reducing: wide.bigEndianBytes(width: 64)).bigInt == wide.modulo(n))
            #expect(try Scalar(reducing: wide.bigEndianBytes(width: 70)).bigInt == wide.modulo(n))
            #expect(try Scalar(reducing: -wide).bigInt == (-wide).modulo(n))
            let short = BigInt.random(bits: 100, using: &rng)
            #expect(Scalar(reducing: short.magnitudeBytes()).bigInt == short)
        }
    }

    @Test func inverseTimesValueIsOne() throws {
        var rng = ChaChaRandom(testSeed: 2)
        for _ in 0..<100 {
            let x = Scalar.random(using: &rng)
            #expect(try x.inverted() * x == .one)
        }
        #expect(try Scalar(-1).inverted() == Scalar(-1))
    }

    @Test func strictDecodingRejectsOrderAndAbove() throws {
        let n = ScalarField.orderBytes
        #expect(throws: ScalarError.notBelowGroupOrder) { try Scalar(rawRepresentation: n) }
        #expect(throws: ScalarError.notBelowGroupOrder) { try Scalar(rawRepresentation: [UInt8](repeating: 0xFF, count: 32)) }
        var nMinusOne = n
        nMinusOne[31] -= 1
        #expect(try Scalar(rawRepresentation: nMinusOne) == Scalar(-1))
        #expect(throws: ScalarError.wrongLength(expected: 32, actual: 31)) { try Scalar(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: ScalarError.zero) { try Scalar(nonzeroRawRepresentation: [UInt8](repeating: 0, count: 32)) }
        // The reducing constructor maps n to 0 and 2^256 − 1 to 2^256 − 1 − n.
        #expect(Scalar(reducing: n) == .zero)
        #expect(Scalar(reducing: [UInt8](repeating: 0xFF, count: 32)).bigInt
            == BigInt.powerOfTwo(256) - 1 - Scalar.groupOrder)
        #expect(Scalar(reducing: [UInt8]()) == .zero)
    }

    @Test func smallIntegerConstructors() {
        #expect(Scalar(5).bigInt == BigInt(5))
        #expect(Scalar(-5).bigInt == Scalar.groupOrder - 5)
        #expect(Scalar(-5) + Scalar(5) == .zero)
        #expect(Scalar(UInt64.max).bigInt == BigInt(UInt(UInt64.max)))
        #expect(Scalar(Int.min) + Scalar(Int.max) == Scalar(-1))
    }

    @Test func randomIsReproducibleAndNonzero() {
        var first = ChaChaRandom(testSeed: 3), second = ChaChaRandom(testSeed: 3)
        let a = (0..<20).map { _ in Scalar.random(using: &first) }
        let b = (0..<20).map { _ in Scalar.random(using: &second) }
        #expect(a == b)
        #expect(a.allSatisfy { !$0.isZero })
        #expect(Set(a).count == 20)
    }

    @Test func highSBoundary() {
        let half = Scalar(reducing: Scalar.groupOrder >> 1)  // ⌊n/2⌋
        #expect(!half.isHigh)
        #expect((half + .one).isHigh)
        #expect(!Scalar.one.isHigh)
        #expect(Scalar(-1).isHigh)
    }

    @Test func descriptionHidesTheValue() {
        let secret = Scalar(0x1234_5678)
        #expect(secret.description == "Scalar(…)")
        #expect(!String(reflecting: secret).contains("12345678"))
        #expect(!"\(secret)".contains("305419896"))
    }
}
