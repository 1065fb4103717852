import BigNum
import Foundation
import Testing
import TestSupport

/// Arithmetic checked against CPython's integers (Vectors/bignum/generate.py).
struct ArithmeticVectorTests {
    struct File: Decodable {
        let arithmetic: [[String: Value]]
        let powm: [[String: String]]
        let crt: [[String: String]]
    }

    enum Value: Decodable {
        case text(String), number(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
        }
        var text: String { if case .text(let s) = self { return s } else { preconditionFailure() } }
        var number: Int { if case .number(let n) = self { return n } else { preconditionFailure() } }
    }

    static let file: File = try! TestVectors.decode(File.self, from: TestVectors.local("bignum/arithmetic.json"))

    func big(_ hex: String) throws -> BigInt { try BigInt(hex: hex) }

    @Test func integerOperationsMatchPython() throws {
        var checked = 0
        for c in Self.file.arithmetic {
            let a = try big(c["a"]!.text), b = try big(c["b"]!.text)
            #expect((a + b).hexString == c["add"]!.text)
            #expect((a - b).hexString == c["sub"]!.text)
            #expect((a * b).hexString == c["mul"]!.text)
            #expect((a & b).hexString == c["and"]!.text)
            #expect((a | b).hexString == c["or"]!.text)
            #expect((a ^ b).hexString == c["xor"]!.text)
            #expect((a << 13).hexString == c["shl13"]!.text)
            #expect((a >> 13).hexString == c["shr13"]!.text)
            #expect(a.decimalString == c["decimal_a"]!.text)
            #expect(try BigInt(decimal: c["decimal_a"]!.text) == a)
            #expect(a.bitLength == c["bitlen_a"]!.number)
            if let q = c["tdiv_q"]?.text, let r = c["tdiv_r"]?.text {
                #expect((a / b).hexString == q)
                #expect((a % b).hexString == r)
                let (qq, rr) = try a.quotientAndRemainder(dividingBy: b)
                #expect(qq.hexString == q && rr.hexString == r)
                #expect(try a.modulo(b.magnitude).hexString == c["mod_abs_b"]!.text)
            }
            if let g = c["gcd"]?.text { #expect(a.gcdVariableTime(b).hexString == g) }
            if let l = c["lcm"]?.text { #expect(a.lcmVariableTime(b).hexString == l) }
            if let inv = c["inverse_mod_abs_b"]?.text { #expect(try a.inverseVariableTime(modulo: b.magnitude).hexString == inv) }
            if let j = c["jacobi_a_abs_b"]?.number { #expect(try a.jacobiVariableTime(b.magnitude) == j) }
            checked += 1
        }
        #expect(checked == Self.file.arithmetic.count && checked > 100)
    }

    @Test func modularPowerMatchesPythonInBothVariants() throws {
        for c in Self.file.powm {
            let base = try big(c["base"]!), e = try big(c["exponent"]!), m = try big(c["modulus"]!)
            #expect(try base.powerVariableTime(e, modulo: m).hexString == c["result"]!)
            #expect(try base.power(e, modulo: m).hexString == c["result"]!)
            if let neg = c["negative_exponent_result"] {
                #expect(try base.powerVariableTime(-e, modulo: m).hexString == neg)
                #expect(try base.power(-e, modulo: m).hexString == neg)
            }
        }
    }

    @Test func crtRecombinationMatchesPython() throws {
        for c in Self.file.crt {
            let basis = try CRTBasis(big(c["m1"]!), big(c["m2"]!))
            #expect(basis.combine(try big(c["r1"]!), try big(c["r2"]!)).hexString == c["x"]!)
        }
    }
}
