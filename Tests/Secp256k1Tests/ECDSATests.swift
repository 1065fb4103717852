import Testing
import BigNum
import TestSupport
@testable import Secp256k1

struct SignatureVectors: Decodable {
    struct Case: Decodable {
        let secretKey, publicKeyCompressed, publicKeyUncompressed, message, prehash, der, compact, highSCompact: String
    }
    let cases: [Case]
}

struct RecoverableVectors: Decodable {
    struct Case: Decodable { let secretKey, prehash, raw, publicKeyCompressed: String; let recoveryID: UInt8 }
    let cases: [Case]
}

@Suite struct ECDSATests {
    @Test func signaturesMatchVectors() throws {
        let vectors = try loadVectors(SignatureVectors.self, "signatures.json")
        #expect(vectors.cases.count >= 20)
        for c in vectors.cases {
            let key = try scalar(c.secretKey)
            let digest = try prehash(c.prehash)
            let publicKey = try Point(sec1Representation: hexBytes(c.publicKeyCompressed))
            #expect(Point.generatorMultiple(key) == publicKey)
            #expect(try Point(sec1Representation: hexBytes(c.publicKeyUncompressed)) == publicKey)

            let signature = try ECDSA.sign(digest, secretKey: key)
            #expect(hexString(signature.compactRepresentation) == c.compact)
            #expect(hexString(signature.derRepresentation) == c.der)
            #expect(signature.isLowS)

            let fromDER = try ECDSASignature(derRepresentation: hexBytes(c.der))
            #expect(fromDER == signature)
            #expect(fromDER.isValid(for: digest, publicKey: publicKey, mode: .strict))

            let high = try ECDSASignature(compactRepresentation: hexBytes(c.highSCompact))
            #expect(!high.isLowS)
            #expect(!high.isValid(for: digest, publicKey: publicKey, mode: .strict))
            #expect(high.isValid(for: digest, publicKey: publicKey, mode: .lenient))
            #expect(high.normalized == signature)
        }
    }

    @Test func recoverableSignaturesMatchVectors() throws {
        let vectors = try loadVectors(RecoverableVectors.self, "recoverable.json")
        #expect(vectors.cases.count >= 20)
        for c in vectors.cases {
            let digest = try prehash(c.prehash)
            let publicKey = try Point(sec1Representation: hexBytes(c.publicKeyCompressed))
            let signature = try ECDSA.signRecoverable(digest, secretKey: scalar(c.secretKey))
            #expect(hexString(signature.rawRepresentation) == c.raw)
            #expect(signature.recoveryID == c.recoveryID)

            let decoded = try RecoverableSignature(rawRepresentation: hexBytes(c.raw))
            #expect(try decoded.recoverPublicKey(from: digest) == publicKey)
            // Rebuild v from (r, s) and the key, as after a threshold signing.
            let rebuilt = try RecoverableSignature(signature: decoded.signature, publicKey: publicKey, prehash: digest)
            #expect(rebuilt == decoded)
            // …also from the high-s twin, which is normalised first.
            let high = ECDSASignature(unchecked: decoded.signature.r, -decoded.signature.s)
            #expect(try RecoverableSignature(signature: high, publicKey: publicKey, prehash: digest) == decoded)
        }
    }

    @Test func signVerifyRecoverProperties() throws {
        var rng = ChaChaRandom(testSeed: 20)
        for i in 0..<30 {
            let key = Scalar.random(using: &rng)
            let publicKey = Point.generatorMultiple(key)
            let digest = try Prehash(rawRepresentation: randomBytes(32, using: &rng))
            let signature = try ECDSA.sign(digest, secretKey: key)
            #expect(signature.isValid(for: digest, publicKey: publicKey))
            #expect(signature.isValid(for: digest, publicKey: publicKey, mode: .lenient))
            // Another key or another digest must fail.
            #expect(!signature.isValid(for: digest, publicKey: publicKey + .generator))
            var other = digest.rawRepresentation
            other[i % 32] ^= 0x01
            #expect(!signature.isValid(for: try Prehash(rawRepresentation: other), publicKey: publicKey))
            #expect(!signature.isValid(for: digest, publicKey: .identity))

            // The textbook verification equation, with our own scalar/point arithmetic.
            let w = try signature.s.inverted()
            let rPoint = Point.generatorMultiple(digest.scalar * w) + (signature.r * w) * publicKey
            #expect(Scalar(reducing: rPoint.xCoordinateBytes!) == signature.r)

            let recoverable = try ECDSA.signRecoverable(digest, secretKey: key)
            #expect(recoverable.signature == signature)
            #expect(try recoverable.recoverPublicKey(from: digest) == publicKey)
            let rebuilt = try RecoverableSignature(signature: signature, publicKey: publicKey, prehash: digest)
            #expect(rebuilt == recoverable)
            #expect(throws: SignatureError.noMatchingRecoveryID) {
                try RecoverableSignature(signature: signature, publicKey: publicKey + .generator, prehash: digest)
            }
        }
    }

    @Test func decodingErrors() throws {
        let n = ScalarField.orderBytes
        let one = [UInt8](repeating: 0, count: 31) + [1]
        let zero = [UInt8](repeating: 0, count: 32)
        #expect(throws: SignatureError.wrongLength(expected: 64, actual: 63)) {
            try ECDSASignature(compactRepresentation: [UInt8](repeating: 1, count: 63))
        }
        #expect(throws: SignatureError.componentOutOfRange) { try ECDSASignature(compactRepresentation: n + one) }
        #expect(throws: SignatureError.componentOutOfRange) { try ECDSASignature(compactRepresentation: one + n) }
        #expect(throws: SignatureError.zeroComponent) { try ECDSASignature(compactRepresentation: zero + one) }
        #expect(throws: SignatureError.malformedDER) { try ECDSASignature(derRepresentation: [0x30, 0x00]) }
        // DER with r = n (33 bytes with the sign pad): well-formed but out of range.
        let der = [0x30, 0x26, 0x02, 0x21, 0x00] + n + [0x02, 0x01, 0x01]
        #expect(throws: SignatureError.componentOutOfRange) { try ECDSASignature(derRepresentation: der) }
        // Negative r.
        #expect(throws: SignatureError.componentOutOfRange) {
            try ECDSASignature(derRepresentation: [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01])
        }
        let valid = ECDSASignature(unchecked: .one, .one).compactRepresentation
        #expect(throws: SignatureError.invalidRecoveryID(4)) { try RecoverableSignature(rawRepresentation: valid + [4]) }
        #expect(throws: SignatureError.invalidRecoveryID(27)) { try RecoverableSignature(rawRepresentation: valid + [27]) }
        #expect(throws: SignatureError.wrongLength(expected: 65, actual: 64)) { try RecoverableSignature(rawRepresentation: valid) }
        #expect(throws: SignatureError.wrongLength(expected: 32, actual: 33)) { try Prehash(rawRepresentation: [UInt8](repeating: 0, count: 33)) }
        let digest = try Prehash(rawRepresentation: zero)
        #expect(throws: SignatureError.zeroSecretKey) { try ECDSA.sign(digest, secretKey: .zero) }
        #expect(throws: SignatureError.identityPublicKey) {
            try RecoverableSignature(signature: ECDSASignature(unchecked: .one, .one), publicKey: .identity, prehash: digest)
        }
    }
}
