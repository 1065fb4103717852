import BigNum
import Bytes
import Testing
import TestSupport
@_spi(Benchmarks) import Paillier

@Suite struct PaillierValidationTests {
    let key = Fixtures.paillierKey()
    var pk: PaillierPublicKey { key.publicKey }

    @Test func publicKeyNeedsOddModulusOfExactLength() throws {
        let n = key.modulus
        #expect(try PaillierPublicKey(modulus: n, expectedBits: 1024) == pk)
        #expect(throws: PaillierError.modulusWrongLength(expected: 2048, actual: 1024)) {
            try PaillierPublicKey(modulus: n, expectedBits: 2048)
        }
        #expect(throws: PaillierError.modulusWrongLength(expected: 1024, actual: 1023)) {
            try PaillierPublicKey(modulus: n >> 1 | .one, expectedBits: 1024)
        }
        #expect(throws: PaillierError.modulusNotOddPositive) { try PaillierPublicKey(modulus: n + .one, expectedBits: 1024) }
        #expect(throws: PaillierError.modulusNotOddPositive) { try PaillierPublicKey(modulus: -n, expectedBits: 1024) }
        #expect(throws: PaillierError.modulusNotOddPositive) { try PaillierPublicKey(modulus: .zero, expectedBits: 1024) }
    }

    @Test func ciphertextMustBeAUnitBelowNSquared() throws {
        let n2 = pk.modulusSquared
        try pk.validate(PaillierCiphertext(value: .one))
        try pk.validate(PaillierCiphertext(value: n2 - .one))
        for bad in [BigInt.zero, BigInt(-5), n2, n2 + .one] {
            #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.validate(PaillierCiphertext(value: bad)) }
            #expect(throws: PaillierError.ciphertextOutOfRange) { try key.decrypt(PaillierCiphertext(value: bad)) }
        }
        for bad in [key.p, key.q * BigInt(7), key.modulus] {
            #expect(throws: PaillierError.ciphertextNotCoprime) { try pk.validate(PaillierCiphertext(value: bad)) }
            #expect(throws: PaillierError.ciphertextNotCoprime) { try key.recoverRandomness(of: PaillierCiphertext(value: bad)) }
            #expect(throws: PaillierError.ciphertextNotCoprime) { try key.decryptWithoutCRTVariableTime(PaillierCiphertext(value: bad)) }
        }
    }

    @Test func randomnessMustBeAUnit() {
        for bad in [BigInt.zero, key.p, key.modulus, key.q * BigInt(3)] {
            #expect(throws: PaillierError.randomnessNotUnit) { try pk.encrypt(.one, randomness: bad) }
            #expect(throws: PaillierError.randomnessNotUnit) { try key.encrypt(.one, randomness: bad) }
        }
    }

    /// The unit check runs on the result, and still names the bad input: the randomness, or the
    /// ciphertext when it is the one sharing a factor with N.
    @Test func affineRefusesNonUnitRandomnessAndCiphertext() throws {
        var rng = ChaChaRandom(testSeed: 7)
        let (c, _) = pk.encrypt(BigInt(5), using: &rng)
        for bad in [BigInt.zero, key.p, key.q * BigInt(3)] {
            #expect(throws: PaillierError.randomnessNotUnit) {
                try pk.affine(c, multiplier: BigInt(3), addend: BigInt(2), randomness: bad)
            }
        }
        let nonUnit = PaillierCiphertext(value: key.p)
        #expect(throws: PaillierError.ciphertextNotCoprime) {
            try pk.affine(nonUnit, multiplier: BigInt(3), addend: BigInt(2), randomness: .one)
        }
        #expect(throws: PaillierError.notInvertible) {
            try pk.affine(nonUnit, multiplier: BigInt(-3), addend: BigInt(2), randomness: .one)
        }
    }

    /// Sampling r without `BigInt.randomUnit` draws the same values from the generator, so seeded
    /// runs (test vectors, fixtures) are unchanged.
    @Test func encryptionRandomnessIsDrawnAsRandomUnitDraws() throws {
        for seed in 0..<4 as Range<UInt64> {
            var a = ChaChaRandom(testSeed: seed), b = ChaChaRandom(testSeed: seed), c = ChaChaRandom(testSeed: seed)
            let (_, r) = pk.encrypt(BigInt(9), using: &a)
            let (_, rOwner) = key.encrypt(BigInt(9), using: &b)
            let expected = try BigInt.randomUnit(modulo: pk.modulus, using: &c)
            #expect(r == expected)
            #expect(rOwner == expected)
        }
    }

    @Test func negativeScalarNeedsAUnitCiphertext() {
        let nonUnit = PaillierCiphertext(value: key.p)
        #expect(throws: PaillierError.notInvertible) { try pk.multiply(nonUnit, by: BigInt(-3)) }
    }

    @Test func secretKeyRejectsBadPrimes() {
        let blum = Fixtures.primes("blum", bits: 256)
        #expect(throws: PaillierError.invalidPrimes(reason: "p and q must differ")) { try PaillierSecretKey(p: blum[0], q: blum[0]) }
        #expect(throws: PaillierError.invalidPrimes(reason: "p and q must be odd primes")) { try PaillierSecretKey(p: blum[0] + .one, q: blum[1]) }
        #expect(throws: PaillierError.invalidPrimes(reason: "p and q must be prime")) { try PaillierSecretKey(p: blum[0] * blum[1], q: blum[2]) }
        // q = 2p + 1 style pairs are fine, but p | q − 1 breaks gcd(N, φ(N)) = 1: 3 and 7.
        #expect(throws: PaillierError.invalidPrimes(reason: "gcd(N, φ(N)) must be 1")) { try PaillierSecretKey(p: BigInt(3), q: BigInt(7)) }
    }

    @Test func encodingsRoundTripAndRejectTampering() throws {
        var rng = ChaChaRandom(testSeed: 21)
        let encodedKey = pk.encoded
        #expect(encodedKey.count == 2 + 2 + 128)
        #expect(try PaillierPublicKey(encoded: encodedKey, expectedBits: 1024) == pk)
        #expect(throws: PaillierError.modulusWrongLength(expected: 2048, actual: 1024)) {
            try PaillierPublicKey(encoded: encodedKey, expectedBits: 2048)
        }
        var versioned = encodedKey; versioned[1] = 2
        #expect(throws: PaillierError.decoding(DecodingError(field: "Paillier public key", reason: .unsupportedVersion(2)))) {
            try PaillierPublicKey(encoded: versioned, expectedBits: 1024)
        }
        #expect(throws: PaillierError.decoding(DecodingError(field: "Paillier public key", reason: .trailingBytes(count: 1)))) {
            try PaillierPublicKey(encoded: encodedKey + [0], expectedBits: 1024)
        }
        #expect(throws: PaillierError.decoding(DecodingError(field: "Paillier public key/N", reason: .truncated))) {
            try PaillierPublicKey(encoded: encodedKey.dropLast(), expectedBits: 1024)
        }
        #expect(throws: PaillierError.decoding(DecodingError(field: "Paillier public key", reason: .truncated))) {
            try PaillierPublicKey(encoded: [0x50], expectedBits: 1024)
        }

        let (c, _) = pk.encrypt(BigInt(-42), using: &rng)
        let encodedCiphertext = c.encoded(for: pk)
        #expect(encodedCiphertext.count == 2 + 256)
        #expect(try PaillierCiphertext(encoded: encodedCiphertext, for: pk) == c)
        #expect(throws: PaillierError.decoding(DecodingError(field: "Paillier ciphertext", reason: .wrongMagic))) {
            try PaillierCiphertext(encoded: encodedKey, for: pk)
        }
        let zero = [UInt8(0x43), 1] + [UInt8](repeating: 0, count: 256)
        #expect(throws: PaillierError.ciphertextOutOfRange) { try PaillierCiphertext(encoded: zero, for: pk) }
        let multipleOfP = [UInt8(0x43), 1] + (try key.p.bigEndianBytes(width: 256))
        #expect(throws: PaillierError.ciphertextNotCoprime) { try PaillierCiphertext(encoded: multipleOfP, for: pk) }
    }
}
