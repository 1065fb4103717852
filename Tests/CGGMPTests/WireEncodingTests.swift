import BigNum
import Secp256k1
import Testing
@testable import CGGMP

@Suite struct WireEncodingTests {
    @Test("integers of every sign round-trip canonically")
    func integerRoundTrip() throws {
        for value in [BigInt.zero, .one, BigInt(-1), BigInt(255), BigInt(256), -(BigInt.powerOfTwo(2048) - .one)] {
            var writer = ByteWriter()
            writer.write("v", value)
            var reader = ByteReader(writer.bytes)
            #expect(try reader.readBigInt("v") == value)
            try reader.finish()
        }
    }

    @Test("non-canonical and truncated encodings are rejected with malformedEncoding")
    func rejectsMalformed() {
        let cases: [(String, [UInt8])] = [
            ("leading zero", [0, 0, 0, 0, 2, 0, 5]),
            ("negative zero", [1, 0, 0, 0, 0]),
            ("bad sign", [2, 0, 0, 0, 1, 5]),
            ("truncated length", [0, 0, 0]),
            ("length beyond input", [0, 0, 0, 0, 9, 1]),
        ]
        for (name, bytes) in cases {
            var reader = ByteReader(bytes)
            #expect(throws: ProofError.self, "\(name)") { _ = try reader.readBigInt("v") }
        }
        var flagReader = ByteReader([2])
        #expect(throws: ProofError.self) { _ = try flagReader.readBool("flag") }
        var scalarReader = ByteReader(Array(repeating: 0xFF, count: 32))
        #expect(throws: ProofError.self) { _ = try scalarReader.readScalar("s") }
        var pointReader = ByteReader([0, 0, 0, 65] + Point.generator.uncompressedBytes)
        #expect(throws: ProofError.self) { _ = try pointReader.readPoint("P") }
        var countReader = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0])
        #expect(throws: ProofError.self) { _ = try countReader.readCount("n") }
    }

    @Test("serialized proofs reject a wrong version, truncation and trailing bytes")
    func proofFraming() throws {
        var rng = ChaChaRandom(testSeed: 9)
        let x = Scalar.random(using: &rng)
        let statement = SchnorrProof.Statement(publicPoint: .generatorMultiple(x))
        let proof = SchnorrProof.prove(secret: x, statement: statement, context: Fixtures.context,
                                       parameters: .testing, using: &rng)
        let bytes = proof.encoded
        #expect(try SchnorrProof(encoded: bytes) == proof)
        #expect(throws: ProofError.unsupportedVersion(2)) { _ = try SchnorrProof(encoded: [2] + bytes.dropFirst()) }
        #expect(throws: ProofError.self) { _ = try SchnorrProof(encoded: Array(bytes.dropLast())) }
        #expect(throws: ProofError.malformedEncoding("1 trailing bytes")) { _ = try SchnorrProof(encoded: bytes + [0]) }
        #expect(throws: ProofError.self) { _ = try SchnorrProof(encoded: []) }
    }
}
