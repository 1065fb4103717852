import Foundation
import Testing
import TestSupport
@testable import Hashing

/// The reference BLAKE2 known-answer file (shared vectors, read in place): 256 unkeyed and 256
/// keyed entries each for BLAKE2s and BLAKE2b, inputs 0...255 bytes.
@Suite struct BLAKE2KATTests {
    struct Entry: Decodable {
        let hash: String
        let `in`: String
        let key: String
        let out: String
    }

    static func entries(_ hash: String) throws -> [Entry]? {
        guard let url = TestVectors.shared("blake2/blake2-kat.json") else { return nil }
        return try TestVectors.decode([Entry].self, from: url).filter { $0.hash == hash }
    }

    @Test func blake2sEntries() throws {
        guard let entries = try Self.entries("blake2s") else { return }
        #expect(entries.count == 512)
        #expect(entries.contains { !$0.key.isEmpty } && entries.contains { $0.key.isEmpty })
        for entry in entries {
            let output = try BLAKE2s.hash(hexBytes(entry.in), key: hexBytes(entry.key), digestByteCount: entry.out.count / 2)
            #expect(hexString(output) == entry.out, "BLAKE2s input \(entry.in.count / 2) keyed \(!entry.key.isEmpty)")
        }
    }

    @Test func blake2bEntriesThroughLibsodium() throws {
        guard let entries = try Self.entries("blake2b") else { return }
        #expect(entries.count == 512)
        for entry in entries {
            let output = try BLAKE2b.hash(hexBytes(entry.in), key: hexBytes(entry.key), digestByteCount: entry.out.count / 2)
            #expect(hexString(output) == entry.out, "BLAKE2b input \(entry.in.count / 2) keyed \(!entry.key.isEmpty)")
        }
    }

    /// Keyed BLAKE2s fed one byte at a time and in block-sized pieces, across the exact multiples of
    /// 64 bytes where a premature compression of the last block would go wrong.
    @Test func blake2sIncrementalAtBlockMultiples() throws {
        guard let entries = try Self.entries("blake2s") else { return }
        for entry in entries where !entry.key.isEmpty {
            let input = hexBytes(entry.in)
            guard [0, 1, 63, 64, 65, 128, 192, 255].contains(input.count) else { continue }
            let key = hexBytes(entry.key)
            var bytewise = try BLAKE2s(key: key)
            for byte in input { bytewise.update([byte]) }
            #expect(hexString(bytewise.finalize()) == entry.out, "byte-wise, \(input.count) bytes")
            var blockwise = try BLAKE2s(key: key)
            var offset = 0
            while offset < input.count {
                let end = min(offset + 64, input.count)
                blockwise.update(input[offset..<end])
                blockwise.update([UInt8]())
                offset = end
            }
            #expect(hexString(blockwise.finalize()) == entry.out, "block-wise, \(input.count) bytes")
        }
    }
}
