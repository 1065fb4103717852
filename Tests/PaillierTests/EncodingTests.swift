import BigNum
import Bytes
import Paillier
import Testing
import TestSupport

/// The versioned encodings: `init(encoded:…) ∘ encoded` is the identity, the headers are the ones
/// in Bytes/Identifiers.swift, and every malformed input is a `DecodingError` naming its field.
@Suite struct PaillierEncodingTests {
    let key = Fixtures.paillierKey()
    var pk: PaillierPublicKey { key.publicKey }

    private func decodingError(_ body: () throws -> Any) -> DecodingError? {
        do { _ = try body() } catch let error as PaillierError { if case .decoding(let inner) = error { return inner } } catch {}
        return nil
    }

    @Test func headersAreTheRegisteredOnes() {
        #expect(PaillierPublicKey.encodingHeader == .paillierPublicKey)
        #expect(RingPedersenParameters.encodingHeader == .ringPedersen)
        #expect(PaillierCiphertext.encodingHeader == .paillierCiphertext)
        #expect(Array(pk.encoded.prefix(2)) == [0x50, 1])
        #expect(PaillierPublicKey.encodingVersion == 1)
    }

    @Test func publicKeyRoundTripsAndNamesFields() throws {
        let bytes = pk.encoded
        #expect(try PaillierPublicKey(encoded: bytes, expectedBits: 1024) == pk)
        #expect(try PaillierPublicKey(encoded: PaillierPublicKey(encoded: bytes, expectedBits: 1024).encoded, expectedBits: 1024) == pk)

        var wrongTag = bytes; wrongTag[0] = 0x52
        #expect(decodingError { try PaillierPublicKey(encoded: wrongTag, expectedBits: 1024) }
                == DecodingError(field: "Paillier public key", reason: .wrongMagic))
        #expect(decodingError { try PaillierPublicKey(encoded: [], expectedBits: 1024) }
                == DecodingError(field: "Paillier public key", reason: .truncated))
        #expect(decodingError { try PaillierPublicKey(encoded: bytes.prefix(3), expectedBits: 1024) }
                == DecodingError(field: "Paillier public key/length", reason: .truncated))
        #expect(decodingError { try PaillierPublicKey(encoded: bytes.dropLast(5), expectedBits: 1024) }
                == DecodingError(field: "Paillier public key/N", reason: .truncated))
        #expect(decodingError { try PaillierPublicKey(encoded: [0x50, 1, 0, 0], expectedBits: 1024) }
                == DecodingError(field: "Paillier public key/length", reason: .invalidValue("zero length")))
        // A leading zero byte is a second encoding of the same N.
        let padded = [0x50, 1, 0, UInt8(bytes.count - 4 + 1), 0] + bytes.dropFirst(4)
        #expect(decodingError { try PaillierPublicKey(encoded: padded, expectedBits: 1024) }
                == DecodingError(field: "Paillier public key/N", reason: .nonCanonical("leading zero byte")))
    }

    @Test func ciphertextRoundTripsAndNamesFields() throws {
        var rng = ChaChaRandom(testSeed: 5)
        let (c, _) = pk.encrypt(BigInt(7), using: &rng)
        let bytes = c.encoded(for: pk)
        #expect(Array(bytes.prefix(2)) == [0x43, 1])
        #expect(try PaillierCiphertext(encoded: bytes, for: pk) == c)
        #expect(decodingError { try PaillierCiphertext(encoded: pk.encoded, for: pk) }
                == DecodingError(field: "Paillier ciphertext", reason: .wrongMagic))
        #expect(decodingError { try PaillierCiphertext(encoded: bytes.dropLast(), for: pk) }
                == DecodingError(field: "Paillier ciphertext/c", reason: .truncated))
        #expect(decodingError { try PaillierCiphertext(encoded: bytes + [9, 9], for: pk) }
                == DecodingError(field: "Paillier ciphertext", reason: .trailingBytes(count: 2)))
        var version = bytes; version[1] = 7
        #expect(decodingError { try PaillierCiphertext(encoded: version, for: pk) }
                == DecodingError(field: "Paillier ciphertext", reason: .unsupportedVersion(7)))
    }

    @Test func ringPedersenRoundTripsAndNamesFields() throws {
        var rng = ChaChaRandom(testSeed: 6)
        let primes = Fixtures.primes("safe", bits: 256)
        let params = try RingPedersenSecret(p: primes[0], q: primes[1], using: &rng).parameters
        let bytes = params.encoded
        #expect(try RingPedersenParameters(encoded: bytes, expectedBits: 512) == params)
        #expect(decodingError { try RingPedersenParameters(encoded: pk.encoded, expectedBits: 512) }
                == DecodingError(field: "ring-Pedersen parameters", reason: .wrongMagic))
        #expect(decodingError { try RingPedersenParameters(encoded: bytes.dropLast(), expectedBits: 512) }
                == DecodingError(field: "ring-Pedersen parameters/t", reason: .truncated))
        #expect(decodingError { try RingPedersenParameters(encoded: bytes.dropLast(65), expectedBits: 512) }
                == DecodingError(field: "ring-Pedersen parameters/s", reason: .truncated))
    }

    @Test func decodingErrorsDescribeTheField() {
        let error = PaillierError.decoding(DecodingError(field: "Paillier public key/N", reason: .truncated))
        #expect(error.description == "malformed encoding: Paillier public key/N: truncated")
    }
}
