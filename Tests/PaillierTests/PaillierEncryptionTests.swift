import BigNum
import Testing
import TestSupport
@_spi(Benchmarks) @testable import Paillier

@Suite struct PaillierEncryptionTests {
    let key = Fixtures.paillierKey()

    @Test func roundTripsSignedPlaintextsAtTheEdges() throws {
        var rng = ChaChaRandom(testSeed: 1)
        let n = key.modulus
        let half = n >> 1  // N odd: the centred range is [−(N−1)/2, (N−1)/2]
        let plaintexts: [BigInt] = [.zero, .one, BigInt(-1), half, -half, half - .one, -half + .one,
                                    BigInt.random(bits: 300, using: &rng), -BigInt.random(bits: 300, using: &rng)]
        for m in plaintexts {
            let (c, _) = key.publicKey.encrypt(m, using: &rng)
            #expect(try key.decrypt(c) == m)
            #expect(try key.decryptWithoutCRTVariableTime(c) == m)
        }
        // Just outside the centred range, values wrap around by N.
        let (above, _) = key.publicKey.encrypt(half + .one, using: &rng)
        #expect(try key.decrypt(above) == half + .one - n)
        let (below, _) = key.publicKey.encrypt(-half - .one, using: &rng)
        #expect(try key.decrypt(below) == n - half - .one)
        let (wrapped, _) = key.publicKey.encrypt(n + BigInt(5), using: &rng)
        #expect(try key.decrypt(wrapped) == BigInt(5))
    }

    @Test func ownerEncryptionByCRTEqualsPublicEncryption() throws {
        var rng = ChaChaRandom(testSeed: 2)
        for _ in 0..<8 {
            let m = BigInt.random(signedBits: 500, using: &rng)
            let r = try BigInt.randomUnit(modulo: key.modulus, using: &rng)
            let viaPublic = try key.publicKey.encrypt(m, randomness: r)
            let viaCRT = try key.encrypt(m, randomness: r)
            #expect(viaPublic == viaCRT)
            // Randomness given unreduced (r + N) encrypts the same.
            #expect(try key.publicKey.encrypt(m, randomness: r + key.modulus) == viaPublic)
        }
    }

    @Test func crtDecryptionEqualsNaiveDecryptionOnRandomCiphertexts() throws {
        var rng = ChaChaRandom(testSeed: 3)
        for _ in 0..<8 {
            // Any unit of Z_{N²} is a ciphertext of something.
            let c = PaillierCiphertext(value: try BigInt.randomUnit(modulo: key.publicKey.modulusSquared, using: &rng))
            #expect(try key.decrypt(c) == key.decryptWithoutCRTVariableTime(c))
        }
    }

    @Test func recoversTheEncryptionRandomness() throws {
        var rng = ChaChaRandom(testSeed: 4)
        for _ in 0..<4 {
            let m = BigInt.random(signedBits: 400, using: &rng)
            let (c, r) = key.publicKey.encrypt(m, using: &rng)
            #expect(try key.recoverRandomness(of: c) == r)
        }
    }

    @Test func homomorphicOperations() throws {
        var rng = ChaChaRandom(testSeed: 5)
        let pk = key.publicKey
        let a = BigInt.random(signedBits: 200, using: &rng), b = BigInt.random(signedBits: 200, using: &rng)
        let x = BigInt.random(signedBits: 256, using: &rng), y = BigInt.random(signedBits: 256, using: &rng)
        let (ca, _) = pk.encrypt(a, using: &rng)
        let (cb, _) = pk.encrypt(b, using: &rng)
        #expect(try key.decrypt(pk.add(ca, cb)) == a + b)
        #expect(try key.decrypt(pk.multiply(ca, by: x)) == a * x)
        #expect(try key.decrypt(pk.multiply(ca, by: -x)) == -(a * x))
        #expect(try key.decrypt(pk.multiply(ca, by: .zero)) == .zero)
        let r = try BigInt.randomUnit(modulo: pk.modulus, using: &rng)
        let affine = try pk.affine(ca, multiplier: x, addend: y, randomness: r)
        #expect(try key.decrypt(affine) == a * x + y)
        // affine is exactly c^x · enc(y; r)
        #expect(affine == pk.add(try pk.multiply(ca, by: x), try pk.encrypt(y, randomness: r)))
    }

    @Test func secretKeyDescriptionHidesPrimes() {
        #expect(key.description == "PaillierSecretKey")
        #expect("\(key)" == "PaillierSecretKey")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(key.p.hexString))
        #expect(!dumped.contains(key.p.decimalString))
    }

    @Test func generatedKeyHasExactLengthAndBlumFactors() throws {
        var rng = ChaChaRandom(testSeed: 6)
        let generated = PaillierSecretKey.generate(modulusBits: 256, using: &rng)
        #expect(generated.modulus.bitLength == 256)
        #expect(try generated.p.modulo(BigInt(4)) == BigInt(3))
        #expect(try generated.q.modulo(BigInt(4)) == BigInt(3))
        let m = BigInt(-12345)
        let (c, _) = generated.encrypt(m, using: &rng)
        #expect(try generated.decrypt(c) == m)
    }
}
