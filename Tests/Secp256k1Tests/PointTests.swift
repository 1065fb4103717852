import Testing
import BigNum
import TestSupport
@testable import Secp256k1

struct PointVectors: Decodable {
    struct Multiplication: Decodable { let scalar, point, product, productUncompressed: String }
    struct Addition: Decodable { let a, b, sum: String }
    struct Sum: Decodable { let points: [String]; let sum: String }
    let multiplications: [Multiplication]
    let additions: [Addition]
    let sums: [Sum]
}

@Suite struct PointTests {
    @Test func multiplicationsMatchPythonVectors() throws {
        let vectors = try loadVectors(PointVectors.self, "points.json")
        #expect(vectors.multiplications.count >= 20)
        for c in vectors.multiplications {
            let k = try scalar(c.scalar), p = try point(c.point)
            let product = k * p
            #expect(hexString(product.compressedRepresentation) == c.product)
            #expect(hexString(product.x963Representation) == c.productUncompressed)
            // The generic constant-time path (not the generator shortcut) agrees too.
            let viaTweak = k * (p + .identity)
            #expect(viaTweak == product)
            if p == .generator { #expect(Point.generatorMultiple(k) == product) }
        }
    }

    @Test func additionsAndSumsMatchPythonVectors() throws {
        let vectors = try loadVectors(PointVectors.self, "points.json")
        var sawIdentity = false
        for c in vectors.additions {
            let sum = try point(c.a) + point(c.b)
            #expect(hexString(sum.compressedRepresentation) == c.sum)
            sawIdentity = sawIdentity || sum.isIdentity
            #expect(try point(c.sum) - point(c.b) == point(c.a))
        }
        #expect(sawIdentity)
        for c in vectors.sums {
            let points = try c.points.map(point)
            #expect(hexString(Point.sum(points).compressedRepresentation) == c.sum)
            #expect(hexString(points.reduce(Point.identity, +).compressedRepresentation) == c.sum)
        }
        #expect(Point.sum([Point]()) == .identity)
        #expect(Point.sum([Point.identity, .identity]) == .identity)
    }

    @Test func groupLawProperties() throws {
        var rng = ChaChaRandom(testSeed: 10)
        for _ in 0..<40 {
            let a = Scalar.random(using: &rng), b = Scalar.random(using: &rng)
            let aG = Point.generatorMultiple(a), bG = Point.generatorMultiple(b)
            // (a+b)G = aG + bG
            #expect(Point.generatorMultiple(a + b) == aG + bG)
            // a(bG) = (ab)G
            #expect(a * bG == Point.generatorMultiple(a * b))
            #expect(aG - aG == .identity)
            #expect(aG + (-aG) == .identity)
            #expect(-aG == Point.generatorMultiple(-a))
            #expect(aG + .identity == aG)
            // Equality agrees with the encodings (the raw comparison is sound).
            #expect((aG + bG).compressedRepresentation == Point.generatorMultiple(a + b).compressedRepresentation)
        }
        #expect(Scalar.zero * Point.generator == .identity)
        #expect(Scalar.one * Point.identity == .identity)
        #expect(Point.generatorMultiple(.zero) == .identity)
        #expect(Point.generatorMultiple(Scalar(-1)) == -Point.generator)
        #expect(Set([Point.generator, Point.generatorMultiple(.one), .identity, .identity]).count == 2)
    }

    @Test func encodingsRoundTrip() throws {
        var rng = ChaChaRandom(testSeed: 11)
        for _ in 0..<20 {
            let p = Point.generatorMultiple(Scalar.random(using: &rng))
            #expect(try Point(sec1Representation: p.compressedRepresentation) == p)
            #expect(try Point(sec1Representation: p.x963Representation) == p)
            #expect(p.xCoordinateBytes == Array(p.x963Representation[1..<33]))
        }
        #expect(Point.identity.compressedRepresentation == [0x00])
        #expect(Point.identity.xCoordinateBytes == nil)
        #expect(try Point(sec1RepresentationAllowingIdentity: [0x00]) == .identity)
    }

    @Test func strictDecodingErrors() throws {
        let g = Point.generator.compressedRepresentation
        let gu = Point.generator.x963Representation
        #expect(throws: PointError.identity) { try Point(sec1Representation: [0x00]) }
        #expect(throws: PointError.wrongLength(32)) { try Point(sec1Representation: Array(g[1...])) }
        #expect(throws: PointError.wrongLength(0)) { try Point(sec1Representation: []) }
        #expect(throws: PointError.badPrefix(0x04)) { try Point(sec1Representation: [0x04] + g[1...]) }
        #expect(throws: PointError.badPrefix(0x00)) { try Point(sec1Representation: [UInt8](repeating: 0, count: 33)) }
        // Hybrid encoding (06/07) is valid SEC1 in libsecp256k1 but rejected here.
        #expect(throws: PointError.badPrefix(0x06)) { try Point(sec1Representation: [0x06] + gu[1...]) }
        #expect(throws: PointError.badPrefix(0x02)) { try Point(sec1Representation: [0x02] + gu[1...]) }
        // Not on the curve: y changed by one.
        var offCurve = gu
        offCurve[64] ^= 1
        #expect(throws: PointError.notOnCurve) { try Point(sec1Representation: offCurve) }
        // x = 5 has no y on secp256k1 (5³ + 7 = 132 is a non-residue mod p).
        #expect(throws: PointError.notOnCurve) { try Point(sec1Representation: [0x02] + [UInt8](repeating: 0, count: 31) + [5]) }
        // x ≥ p.
        #expect(throws: PointError.coordinateNotInField) { try Point(sec1Representation: [0x02] + [UInt8](repeating: 0xFF, count: 32)) }
    }

    @Test func descriptionShowsEncoding() {
        #expect(Point.identity.description == "Point(identity)")
        #expect(Point.generator.description == "Point(0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)")
    }
}
