import Testing
import TestSupport
@testable import Hashing

/// Incremental feeding must agree with one-shot hashing wherever the input is split.
@Suite struct IncrementalTests {
    /// Inputs of lengths that cross the 64/72/128/136/168-byte block boundaries.
    static func vectorInputs(lengths: Set<Int>) throws -> [(input: [UInt8], vector: DigestVectors.Case)] {
        try DigestVectors.load().cases.compactMap { vector in
            let input = hexBytes(vector.input)
            return lengths.contains(input.count) ? (input, vector) : nil
        }
    }

    @Test func twoPieceSplitsAtEveryBoundary() throws {
        let inputs = try Self.vectorInputs(lengths: [137, 169, 273])
        #expect(inputs.count == 3)
        for (input, vector) in inputs {
            for split in 0...input.count {
                let pieces = [input[..<split], input[split...]]
                #expect(hexString(digest(SHA3_256(), pieces: pieces)) == vector.sha3_256, "SHA3_256 split \(split)")
                #expect(hexString(digest(SHA3_512(), pieces: pieces)) == vector.sha3_512, "SHA3_512 split \(split)")
                #expect(hexString(digest(Keccak256(), pieces: pieces)) == vector.keccak256, "Keccak256 split \(split)")
                #expect(hexString(digest(BLAKE2s(), pieces: pieces)) == vector.blake2s, "BLAKE2s split \(split)")
                #expect(hexString(digest(BLAKE2b(), pieces: pieces)) == vector.blake2b, "BLAKE2b split \(split)")
                #expect(hexString(digest(Hashing.SHA256(), pieces: pieces)) == vector.sha256, "SHA256 split \(split)")
                var shake = SHAKE128()
                shake.update(pieces[0])
                shake.update(pieces[1])
                #expect(hexString(shake.squeeze(169)) == vector.shake128["169"], "SHAKE128 split \(split)")
            }
        }
    }

    @Test func manyPieceSplits() throws {
        let inputs = try Self.vectorInputs(lengths: [1000, 2049])
        var random = SplitMix64(seed: 7)
        for (input, vector) in inputs {
            for _ in 0..<20 {
                var pieces: [ArraySlice<UInt8>] = []
                var offset = 0
                while offset < input.count {
                    let end = min(input.count, offset + Int(random.next() % 300))
                    pieces.append(input[offset..<end])
                    offset = end
                }
                #expect(hexString(digest(SHA3_256(), pieces: pieces)) == vector.sha3_256)
                #expect(hexString(digest(Keccak256(), pieces: pieces)) == vector.keccak256)
                #expect(hexString(digest(BLAKE2s(), pieces: pieces)) == vector.blake2s)
                var shake = SHAKE256()
                for piece in pieces { shake.update(piece) }
                #expect(hexString(shake.squeeze(400)) == vector.shake256["400"])
            }
        }
    }

    /// Non-contiguous collections take the copying path.
    @Test func nonContiguousCollections() throws {
        let (input, vector) = try #require(try Self.vectorInputs(lengths: [200]).first)
        let lazyInput = input.lazy.map { $0 }
        #expect(hexString(SHA3_256.hash(lazyInput)) == vector.sha3_256)
        #expect(hexString(BLAKE2s.hash(lazyInput)) == vector.blake2s)
        #expect(hexString(BLAKE2b.hash(lazyInput)) == vector.blake2b)
        #expect(hexString(Hashing.SHA512.hash(lazyInput)) == vector.sha512)
    }

    /// Successive squeezes continue one stream: 1 + 200 + 7 equals 208 in one go, and extends to
    /// hashlib's 400-byte output.
    @Test func shakeSqueezesContinueTheStream() throws {
        for (input, vector) in try Self.vectorInputs(lengths: [0, 137, 1000]) {
            var pieces256 = SHAKE256()
            pieces256.update(input)
            let streamed = pieces256.squeeze(1) + pieces256.squeeze(200) + pieces256.squeeze(7)
            #expect(streamed == SHAKE256.hash(input, outputByteCount: 208))
            let rest = pieces256.squeeze(0) + pieces256.squeeze(192)
            #expect(hexString(streamed + rest) == vector.shake256["400"])

            var pieces128 = SHAKE128()
            pieces128.update(input)
            var output: [UInt8] = []
            for count in [1, 167, 1, 168, 63] { output += pieces128.squeeze(count) }
            #expect(hexString(output) == vector.shake128["400"])
        }
    }

    /// Copies are independent values: finalising one leaves the other's state untouched.
    @Test func copiesAreIndependent() {
        let prefix = Array("shared prefix".utf8), suffix = Array(" and more".utf8)
        var original = BLAKE2b()
        original.update(prefix)
        var copy = original
        copy.update(suffix)
        #expect(original.finalize() == BLAKE2b.hash(prefix))
        #expect(copy.finalize() == BLAKE2b.hash(prefix + suffix))

        var keccak = Keccak256()
        keccak.update(prefix)
        var keccakCopy = keccak
        keccakCopy.update(suffix)
        #expect(keccak.finalize() == Keccak256.hash(prefix))
        #expect(keccakCopy.finalize() == Keccak256.hash(prefix + suffix))
    }
}

