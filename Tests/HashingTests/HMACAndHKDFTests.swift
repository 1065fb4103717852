import Crypto
import Testing
import TestSupport
@testable import Hashing

/// HMAC against RFC 4231 inputs and generated cases (Python hmac), HKDF against RFC 5869 inputs and
/// generated cases (Python HKDF cross-checked with pycryptodome), plus swift-crypto for SHA-2.
@Suite struct HMACAndHKDFTests {
    static func mac(_ name: String, key: [UInt8], message: [UInt8]) -> [UInt8]? {
        func run<H: IncrementalHash>(_: H.Type) -> [UInt8] {
            HMAC<H>.authenticationCode(key: key, message: message)
        }
        guard let type = incrementalHashesByName[name] else { return nil }
        return run(type)
    }

    static func hkdf(_ name: String, salt: [UInt8], ikm: [UInt8], info: [UInt8], length: Int) throws -> (prk: [UInt8], okm: [UInt8])? {
        func run<H: IncrementalHash>(_: H.Type) throws -> (prk: [UInt8], okm: [UInt8]) {
            let prk = HKDF<H>.extract(salt: salt, inputKeyMaterial: ikm)
            return (prk, try HKDF<H>.expand(pseudoRandomKey: prk, info: info, outputByteCount: length))
        }
        guard let type = incrementalHashesByName[name] else { return nil }
        return try run(type)
    }

    @Test func hmacVectors() throws {
        let vectors = try TestVectors.decode(HMACVectors.self, from: TestVectors.local("hashing/hmac.json"))
        #expect(vectors.cases.filter { $0.source.hasPrefix("RFC 4231") }.count == 14)
        for vector in vectors.cases {
            var output = try #require(Self.mac(vector.hash, key: hexBytes(vector.key), message: hexBytes(vector.message)))
            if let truncate = vector.truncate_bytes { output = Array(output.prefix(truncate)) }
            #expect(hexString(output) == String(vector.mac.prefix(output.count * 2)) && output.count * 2 <= vector.mac.count,
                    "\(vector.source) HMAC-\(vector.hash) key \(vector.key.count / 2)")
        }
    }

    @Test func hkdfVectors() throws {
        let vectors = try TestVectors.decode(HKDFVectors.self, from: TestVectors.local("hashing/hkdf.json"))
        #expect(vectors.cases.filter { $0.source.hasPrefix("RFC 5869") }.count == 3)
        for vector in vectors.cases {
            let result = try #require(try Self.hkdf(
                vector.hash, salt: hexBytes(vector.salt), ikm: hexBytes(vector.ikm), info: hexBytes(vector.info),
                length: vector.length))
            #expect(hexString(result.prk) == vector.prk, "\(vector.source) HKDF-\(vector.hash) PRK")
            #expect(hexString(result.okm) == vector.okm, "\(vector.source) HKDF-\(vector.hash) L=\(vector.length)")
        }
    }

    @Test func sha2AndHMACAgreeWithSwiftCrypto() {
        var random = SplitMix64(seed: 11)
        for length in [0, 1, 55, 56, 64, 111, 112, 128, 1000] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let key = (0..<(length % 150)).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Hashing.SHA256.hash(message) == Array(Crypto.SHA256.hash(data: message)))
            #expect(Hashing.SHA512.hash(message) == Array(Crypto.SHA512.hash(data: message)))
            let reference = Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            #expect(Hashing.HMAC<Hashing.SHA256>.authenticationCode(key: key, message: message) == Array(reference))
            let derived = Crypto.HKDF<Crypto.SHA512>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: key + [1]), salt: message, info: Array("info".utf8), outputByteCount: 100)
            let ours = try? Hashing.HKDF<Hashing.SHA512>.deriveKey(
                salt: message, inputKeyMaterial: key + [1], info: Array("info".utf8), outputByteCount: 100)
            #expect(ours == derived.withUnsafeBytes { Array($0) })
        }
    }

    @Test func hkdfRejectsBadRequests() {
        let prk = [UInt8](repeating: 7, count: 32)
        #expect(throws: HashingError.outputTooLong(byteCount: 255 * 32 + 1, maximum: 255 * 32)) {
            try HKDF<BLAKE2s>.expand(pseudoRandomKey: prk, info: [UInt8](), outputByteCount: 255 * 32 + 1)
        }
        #expect(throws: HashingError.negativeOutputLength(byteCount: -1)) {
            try HKDF<Hashing.SHA256>.expand(pseudoRandomKey: prk, info: [UInt8](), outputByteCount: -1)
        }
        #expect(throws: HashingError.pseudoRandomKeyTooShort(byteCount: 32, minimum: 64)) {
            try HKDF<Hashing.SHA512>.expand(pseudoRandomKey: prk, info: [UInt8](), outputByteCount: 16)
        }
        let longest = try? HKDF<BLAKE2s>.expand(pseudoRandomKey: prk, info: [UInt8](), outputByteCount: 255 * 32)
        #expect(longest?.count == 255 * 32)
    }
}
