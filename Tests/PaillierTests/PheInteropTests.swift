import BigNum
import Foundation
import Testing
import TestSupport
import Paillier

/// Vectors from python-paillier (`Vectors/paillier/generate.py`).
@Suite struct PheInteropTests {
    struct Vectors: Decodable {
        struct Encryption: Decodable { let p, q, m, r, ciphertext, decrypted: String }
        struct Decryption: Decodable { let p, q, ciphertext, m: String }
        struct Homomorphic: Decodable { let p, q, c1, c2, m1, m2, k, y, r, sum, product, affine: String }
        let encryptions: [Encryption]
        let decryptions: [Decryption]
        let homomorphic: [Homomorphic]
    }

    let vectors: Vectors = try! TestVectors.decode(Vectors.self, from: TestVectors.local("paillier/phe.json"))

    func big(_ hex: String) -> BigInt { try! BigInt(hex: hex) }
    func key(_ p: String, _ q: String) throws -> PaillierSecretKey { try PaillierSecretKey(p: big(p), q: big(q)) }

    @Test func encryptionMatchesPhe() throws {
        #expect(vectors.encryptions.count >= 20)
        for v in vectors.encryptions {
            let sk = try key(v.p, v.q)
            let expected = PaillierCiphertext(value: big(v.ciphertext))
            #expect(try sk.publicKey.encrypt(big(v.m), randomness: big(v.r)) == expected)
            #expect(try sk.encrypt(big(v.m), randomness: big(v.r)) == expected)
            #expect(try sk.decrypt(expected) == big(v.decrypted))
            #expect(try sk.recoverRandomness(of: expected) == big(v.r))
        }
    }

    @Test func pheCiphertextsDecrypt() throws {
        #expect(!vectors.decryptions.isEmpty)
        for v in vectors.decryptions {
            let sk = try key(v.p, v.q)
            let c = PaillierCiphertext(value: big(v.ciphertext))
            try sk.publicKey.validate(c)
            #expect(try sk.decrypt(c) == big(v.m))
        }
    }

    @Test func homomorphicResultsMatchPhe() throws {
        #expect(!vectors.homomorphic.isEmpty)
        for v in vectors.homomorphic {
            let sk = try key(v.p, v.q)
            let pk = sk.publicKey
            let c1 = PaillierCiphertext(value: big(v.c1)), c2 = PaillierCiphertext(value: big(v.c2))
            #expect(pk.add(c1, c2).value == big(v.sum))
            #expect(try pk.multiply(c1, by: big(v.k)).value == big(v.product))
            let affine = try pk.affine(c1, multiplier: big(v.k), addend: big(v.y), randomness: big(v.r))
            #expect(affine.value == big(v.affine))
            #expect(try sk.decrypt(affine) == big(v.m1) * big(v.k) + big(v.y))
            #expect(try sk.decrypt(pk.add(c1, c2)) == big(v.m1) + big(v.m2))
        }
    }
}
