import BigNum
import CGMP
import Testing

struct BigIntTests {
    @Test func copiesAreIndependent() {
        let a = BigInt(41)
        var b = a
        b += .one
        #expect(a == BigInt(41))
        #expect(b == BigInt(42))
    }

    @Test func bytesRoundTripAtEdgeWidths() throws {
        #expect(BigInt.zero.magnitudeBytes() == [])
        #expect(BigInt(magnitudeBytes: []) == .zero)
        #expect(BigInt(magnitudeBytes: [0, 0, 1, 0]) == BigInt(256))
        #expect(try BigInt(256).bigEndianBytes(width: 4) == [0, 0, 1, 0])
        #expect(throws: BigNumError.doesNotFit(width: 1)) { try BigInt(256).bigEndianBytes(width: 1) }
        #expect(throws: BigNumError.doesNotFit(width: 4)) { try BigInt(-1).bigEndianBytes(width: 4) }
        for value in [0, 1, -1, 127, -128, 128, -129, 32767, -32768] {
            let bytes = try BigInt(value).twosComplementBytes(width: 2)
            #expect(BigInt(twosComplementBytes: bytes) == BigInt(value))
        }
        #expect(throws: BigNumError.doesNotFit(width: 1)) { try BigInt(128).twosComplementBytes(width: 1) }
        #expect(throws: BigNumError.doesNotFit(width: 1)) { try BigInt(-129).twosComplementBytes(width: 1) }
    }

    @Test func textParsingRejectsMalformedInput() throws {
        #expect(try BigInt(hex: "0xFF") == BigInt(255))
        #expect(try BigInt(hex: "-ff") == BigInt(-255))
        #expect(throws: BigNumError.malformedText(base: 16, position: 2)) { try BigInt(hex: "12g4") }
        #expect(throws: BigNumError.malformedText(base: 16, position: 0)) { try BigInt(hex: "") }
        #expect(throws: BigNumError.malformedText(base: 16, position: 3)) { try BigInt(hex: "-0x") }
        #expect(throws: BigNumError.malformedText(base: 10, position: 1)) { try BigInt(decimal: "1a") }
        #expect(throws: BigNumError.malformedText(base: 10, position: 2)) { try BigInt(decimal: "12 ") }
    }

    @Test func typedErrorsForBadModularInput() {
        #expect(throws: BigNumError.evenModulus) { try BigInt(3).power(BigInt(5), modulo: BigInt(10)) }
        #expect(throws: BigNumError.evenModulus) { try BigInt(3).power(BigInt(5), modulo: .one) }
        #expect(throws: BigNumError.nonPositiveModulus) { try BigInt(3).powerVariableTime(BigInt(5), modulo: .zero) }
        #expect(throws: BigNumError.nonPositiveModulus) { try BigInt(3).modulo(BigInt(-7)) }
        #expect(throws: BigNumError.notInvertible) { try BigInt(6).inverseVariableTime(modulo: BigInt(9)) }
        #expect(throws: BigNumError.notInvertible) { try BigInt(6).powerVariableTime(BigInt(-1), modulo: BigInt(9)) }
        #expect(throws: BigNumError.notInvertible) { try BigInt(6).power(BigInt(-1), modulo: BigInt(9)) }
        #expect(throws: BigNumError.jacobiModulusNotOddPositive) { try BigInt(3).jacobiVariableTime(BigInt(8)) }
        #expect(throws: BigNumError.notDivisible) { try BigInt(10).dividedExactly(by: BigInt(3)) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(10).dividedExactly(by: .zero) }
        #expect(throws: BigNumError.moduliNotCoprime) { try CRTBasis(BigInt(6), BigInt(9)) }
    }

    @Test func constantTimePowerEqualsVariableTimePower() throws {
        var rng = ChaChaRandom(testSeed: 7)
        for bits in [64, 521, 1024, 2048] {
            let m = try BigInt.random(exactBits: bits, using: &rng).settingBit(0)
            for _ in 0..<4 {
                let base = try BigInt.random(below: m, using: &rng)
                let e = BigInt.random(signedBits: bits, using: &rng)
                if base.gcdVariableTime(m) != .one && e.isNegative { continue }
                #expect(try base.power(e, modulo: m) == base.powerVariableTime(e, modulo: m))
            }
            #expect(try BigInt(5).power(.zero, modulo: m) == .one)
        }
    }

    @Test func centredResidueIsInHalfOpenRange() throws {
        let n = BigInt(11)
        for v in -30...30 {
            let c = try BigInt(v).centred(modulo: n)
            #expect(c > BigInt(-6) && c <= BigInt(5))
            #expect(try (c - BigInt(v)).modulo(n) == .zero)
        }
    }

    @Test func descriptionNeverShowsTheValue() {
        let secret = BigInt(123456789)
        #expect(!"\(secret)".contains("123456789"))
        #expect(!String(reflecting: secret).contains("123456789"))
        #expect(!"\(secret)".contains("75bcd15"))
    }

    @Test func hashableAgreesWithEquality() {
        let a = BigInt(-5), b = BigInt(0) - BigInt(5)
        #expect(Set([a, b, BigInt(5)]).count == 2)
    }
}
