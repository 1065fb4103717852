import Bytes
import BigNum
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

@Suite struct WireEncodingTests {
    @Test("integers of every sign round-trip canonically")
    func integerRoundTrip() throws {
        for value in [BigInt.zero, .one, BigInt(-1), BigInt(255), BigInt(256), -(BigInt.powerOfTwo(2048) - .one)] {
            var writer = ByteWriter()
            writer.write("v", value)
            var reader = ByteReader(writer.bytes)
            #expect(try reader.readBigInt("v") == value)
            try reader.finish("v")
        }
    }

    @Test("non-canonical and truncated encodings are rejected with a DecodingError naming the field")
    func rejectsMalformed() {
        let cases: [(String, [UInt8], DecodingError.Reason)] = [
            ("leading zero", [0, 0, 0, 0, 2, 0, 5], .nonCanonical("leading zero byte")),
            ("negative zero", [1, 0, 0, 0, 0], .nonCanonical("negative zero")),
            ("bad sign", [2, 0, 0, 0, 1, 5], .nonCanonical("sign byte 2")),
            ("truncated length", [0, 0, 0], .truncated),
            ("length beyond input", [0, 0, 0, 0, 9, 1], .lengthExceedsInput(9)),
        ]
        for (name, bytes, reason) in cases {
            var reader = ByteReader(bytes)
            #expect(throws: DecodingError(field: "v", reason: reason), "\(name)") { _ = try reader.readBigInt("v") }
        }
        var flagReader = ByteReader([2])
        #expect(throws: DecodingError(field: "flag", reason: .nonCanonical("flag byte 2"))) { _ = try flagReader.readBool("flag") }
        var scalarReader = ByteReader(Array(repeating: 0xFF, count: 32))
        #expect(throws: DecodingError(field: "s", reason: .invalidValue("scalar not below the group order"))) {
            _ = try scalarReader.readScalar("s")
        }
        var pointReader = ByteReader([0, 0, 0, 65] + Point.generator.x963Representation)
        #expect(throws: DecodingError(field: "P", reason: .nonCanonical("point is not 33-byte compressed SEC1"))) {
            _ = try pointReader.readPoint("P")
        }
        var countReader = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0])
        #expect(throws: DecodingError(field: "n", reason: .lengthExceedsInput(Int(UInt32.max)))) { _ = try countReader.readCount("n") }
        var partyReader = ByteReader([0, 0, 0, 1, 7])
        #expect(throws: DecodingError(field: "holder", reason: .invalidValue("a party id has 32 bytes, got 1"))) {
            _ = try partyReader.readPartyID("holder")
        }
    }

    @Test("the perturbation hook changes integers by one, points by G and scalars by one")
    func perturbation() throws {
        var writer = ByteWriter(perturbingField: 1)
        writer.write("a", BigInt(5))
        writer.write("b", BigInt(5))
        writer.write("P", Point.generator)
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readBigInt("a") == BigInt(5))
        #expect(try reader.readBigInt("b") == BigInt(6))
        #expect(try reader.readPoint("P") == .generator)
        #expect(writer.fieldNames == ["a", "b", "P"])
        var curve = ByteWriter(perturbingField: 0)
        curve.write("P", Point.generator)
        curve.write("s", Scalar.one)
        var curveReader = ByteReader(curve.bytes)
        #expect(try curveReader.readPoint("P") == Point.generator + .generator)
        #expect(try curveReader.readScalar("s") == .one)
        var scalar = ByteWriter(perturbingField: 0)
        scalar.write("s", Scalar.one)
        var scalarReader = ByteReader(scalar.bytes)
        #expect(try scalarReader.readScalar("s") == Scalar.one + .one)
    }

    @Test("encoded proofs reject a wrong version, truncation and trailing bytes with typed errors")
    func proofFraming() throws {
        var rng = ChaChaRandom(testSeed: 9)
        let x = Scalar.random(using: &rng)
        let statement = SchnorrProof.Statement(publicPoint: .generatorMultiple(x))
        let proof = SchnorrProof.prove(secret: x, statement: statement, context: Fixtures.context,
                                       parameters: .testing, using: &rng)
        let bytes = proof.encoded
        #expect(try SchnorrProof(encoded: bytes) == proof)
        #expect(throws: DecodingError(field: "protocol payload", reason: .unsupportedVersion(2))) {
            _ = try SchnorrProof(encoded: [2] + bytes.dropFirst())
        }
        #expect(throws: DecodingError(field: "z", reason: .truncated)) { _ = try SchnorrProof(encoded: Array(bytes.dropLast())) }
        #expect(throws: DecodingError(field: "SchnorrProof", reason: .trailingBytes(count: 1))) {
            _ = try SchnorrProof(encoded: bytes + [0])
        }
        #expect(throws: DecodingError(field: "protocol payload", reason: .truncated)) { _ = try SchnorrProof(encoded: []) }
    }
}
