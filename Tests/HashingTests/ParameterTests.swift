import Testing
import TestSupport
@testable import Hashing

/// Constructor validation, block sizes HMAC relies on, and secret-free descriptions.
@Suite struct ParameterTests {
    @Test func blake2sRejectsBadParameters() {
        #expect(throws: HashingError.keyTooLong(byteCount: 33, maximum: 32)) {
            try BLAKE2s(key: [UInt8](repeating: 1, count: 33))
        }
        #expect(throws: HashingError.unsupportedDigestLength(byteCount: 0, supported: 1...32)) {
            try BLAKE2s(key: [], digestByteCount: 0)
        }
        #expect(throws: HashingError.unsupportedDigestLength(byteCount: 33, supported: 1...32)) {
            try BLAKE2s(key: [], digestByteCount: 33)
        }
    }

    @Test func blake2bRejectsBadParameters() {
        #expect(throws: HashingError.keyTooLong(byteCount: 65, maximum: 64)) {
            try BLAKE2b(key: [UInt8](repeating: 1, count: 65))
        }
        #expect(throws: HashingError.unsupportedDigestLength(byteCount: 65, supported: 1...64)) {
            try BLAKE2b(key: [], digestByteCount: 65)
        }
        #expect(throws: HashingError.unsupportedDigestLength(byteCount: 0, supported: 1...64)) {
            try BLAKE2b(key: [], digestByteCount: 0)
        }
    }

    @Test func errorDescriptionsSayWhatWasWrong() {
        #expect(HashingError.keyTooLong(byteCount: 40, maximum: 32).description.contains("40"))
        #expect(HashingError.outputTooLong(byteCount: 9000, maximum: 8160).description.contains("8160"))
    }

    @Test func sizesMatchTheStandards() {
        #expect(Hashing.SHA256.blockByteCount == 64 && Hashing.SHA256.digestByteCount == 32)
        #expect(Hashing.SHA512.blockByteCount == 128 && Hashing.SHA512.digestByteCount == 64)
        #expect(BLAKE2b.blockByteCount == 128 && BLAKE2b.digestByteCount == 64)
        #expect(BLAKE2s.blockByteCount == 64 && BLAKE2s.digestByteCount == 32)
        #expect(SHA3_256.blockByteCount == 136 && SHA3_512.blockByteCount == 72)
        #expect(Keccak256.blockByteCount == 136)
        #expect(SHA3_256.hash([UInt8]()).count == 32 && SHA3_512.hash([UInt8]()).count == 64)
        #expect(BLAKE2b.unkeyed256().outputByteCount == 32)
    }

    @Test func descriptionsRevealNoState() throws {
        let key = [UInt8](repeating: 0xAB, count: 32)
        let keyed = try BLAKE2s(key: key)
        #expect(String(describing: keyed) == "BLAKE2s")
        #expect(String(reflecting: keyed) == "BLAKE2s")
        var dumped = ""
        dump(keyed, to: &dumped)
        #expect(!dumped.contains("171") && !dumped.lowercased().contains("ab"))
        #expect(String(describing: try BLAKE2b(key: key)) == "BLAKE2b")
        #expect(String(describing: SHAKE256()) == "SHAKE256")
        #expect(String(describing: Keccak256()) == "Keccak256")
    }
}
