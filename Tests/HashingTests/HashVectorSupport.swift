import Foundation
import TestSupport
@testable import Hashing

/// Vectors written by Vectors/hashing/generate.py (hashlib, hmac, pycryptodome).
struct DigestVectors: Decodable {
    struct Case: Decodable {
        let input: String
        let sha256: String
        let sha512: String
        let sha3_256: String
        let sha3_512: String
        let keccak256: String
        let blake2b: String
        let blake2b_256: String
        let blake2s: String
        let shake128: [String: String]
        let shake256: [String: String]
    }
    let cases: [Case]

    static func load() throws -> DigestVectors {
        try TestVectors.decode(DigestVectors.self, from: TestVectors.local("hashing/digests.json"))
    }
}

struct KeyedBLAKE2Vectors: Decodable {
    struct Case: Decodable {
        let hash: String
        let key: String
        let digest_size: Int
        let input: String
        let out: String
    }
    let cases: [Case]
}

struct HMACVectors: Decodable {
    struct Case: Decodable {
        let source: String
        let hash: String
        let key: String
        let message: String
        let truncate_bytes: Int?
        let mac: String
    }
    let cases: [Case]
}

struct HKDFVectors: Decodable {
    struct Case: Decodable {
        let source: String
        let hash: String
        let ikm: String
        let salt: String
        let info: String
        let length: Int
        let prk: String
        let okm: String
    }
    let cases: [Case]
}

/// The fixed-digest hashes by the names generate.py uses.
let incrementalHashesByName: [String: any IncrementalHash.Type] = [
    "sha256": SHA256.self, "sha512": SHA512.self, "sha3_256": SHA3_256.self, "sha3_512": SHA3_512.self,
    "keccak256": Keccak256.self, "blake2b": BLAKE2b.self, "blake2s": BLAKE2s.self,
]

/// One-shot digest through an existential hash type.
func digest(_ type: any IncrementalHash.Type, _ bytes: [UInt8]) -> [UInt8] {
    type.hash(bytes)
}

/// Feeds `bytes` in the given pieces, then finalises.
func digest<H: IncrementalHash>(_ hasher: H, pieces: [ArraySlice<UInt8>]) -> [UInt8] {
    var hasher = hasher
    for piece in pieces { hasher.update(piece) }
    return hasher.finalize()
}
