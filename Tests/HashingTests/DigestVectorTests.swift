import Testing
import TestSupport
@testable import Hashing

/// Every fixed-output hash against hashlib / pycryptodome at lengths straddling each block size.
@Suite struct DigestVectorTests {
    @Test func fixedDigestsMatchPython() throws {
        let vectors = try DigestVectors.load()
        #expect(vectors.cases.count > 40)
        for vector in vectors.cases {
            let input = hexBytes(vector.input)
            let label = "input of \(input.count) bytes"
            #expect(hexString(Hashing.SHA256.hash(input)) == vector.sha256, "SHA256, \(label)")
            #expect(hexString(Hashing.SHA512.hash(input)) == vector.sha512, "SHA512, \(label)")
            #expect(hexString(SHA3_256.hash(input)) == vector.sha3_256, "SHA3_256, \(label)")
            #expect(hexString(SHA3_512.hash(input)) == vector.sha3_512, "SHA3_512, \(label)")
            #expect(hexString(Keccak256.hash(input)) == vector.keccak256, "Keccak256, \(label)")
            #expect(hexString(BLAKE2b.hash(input)) == vector.blake2b, "BLAKE2b, \(label)")
            #expect(hexString(BLAKE2b.hash256(input)) == vector.blake2b_256, "BLAKE2b-256, \(label)")
            #expect(hexString(try BLAKE2b.hash(input, key: [], digestByteCount: 32)) == vector.blake2b_256)
            #expect(hexString(BLAKE2s.hash(input)) == vector.blake2s, "BLAKE2s, \(label)")
        }
    }

    @Test func shakeOutputsMatchPython() throws {
        let vectors = try DigestVectors.load()
        for vector in vectors.cases {
            let input = hexBytes(vector.input)
            #expect(vector.shake128.count >= 5 && vector.shake256.count >= 5)
            for (length, expected) in vector.shake128 {
                let count = try #require(Int(length))
                #expect(hexString(SHAKE128.hash(input, outputByteCount: count)) == expected,
                        "SHAKE128, input \(input.count), output \(count)")
            }
            for (length, expected) in vector.shake256 {
                let count = try #require(Int(length))
                #expect(hexString(SHAKE256.hash(input, outputByteCount: count)) == expected,
                        "SHAKE256, input \(input.count), output \(count)")
            }
        }
    }

    @Test func keyedBLAKE2MatchesPython() throws {
        let vectors = try TestVectors.decode(KeyedBLAKE2Vectors.self, from: TestVectors.local("hashing/blake2-keyed.json"))
        #expect(vectors.cases.count > 100)
        for vector in vectors.cases {
            let key = hexBytes(vector.key), input = hexBytes(vector.input)
            let output: [UInt8]
            switch vector.hash {
            case "blake2s": output = try BLAKE2s.hash(input, key: key, digestByteCount: vector.digest_size)
            case "blake2b": output = try BLAKE2b.hash(input, key: key, digestByteCount: vector.digest_size)
            default: Issue.record("unknown hash \(vector.hash)"); continue
            }
            #expect(hexString(output) == vector.out,
                    "\(vector.hash) key \(key.count) digest \(vector.digest_size) input \(input.count)")
        }
    }
}
