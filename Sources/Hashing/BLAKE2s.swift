/// BLAKE2s (RFC 7693): 32-bit words, 64-byte blocks, digests of 1...32 bytes, optional key of up
/// to 32 bytes. Written here because libsodium provides only BLAKE2b.
///
/// The final block must be compressed with the last-block flag, so a full buffered block is held
/// back until more input arrives or ``finalize()`` runs; input of an exact multiple of 64 bytes thus
/// ends with its last block still buffered.
public struct BLAKE2s: IncrementalHash {
    /// The longest digest, 32 bytes (what ``init()`` produces).
    public static let digestByteCount = 32
    /// The compression block, 64 bytes (HMAC sizes its pads by it).
    public static let blockByteCount = 64
    /// The longest key, 32 bytes.
    public static let maximumKeyByteCount = 32

    typealias ChainingWords = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private static let initializationVector: ChainingWords = (
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A,
        0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19
    )

    private var chaining: ChainingWords
    private var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedByteCount = 0
    /// Bytes compressed so far (the RFC's t), including the key block.
    private var compressedByteCount: UInt64 = 0
    private var isFinalized = false
    /// Length of the digest this instance produces.
    public let outputByteCount: Int

    /// Unkeyed BLAKE2s-256. Never fails.
    public init() {
        self.init(validatedKey: [], digestByteCount: Self.digestByteCount)
    }

    /// Keyed (MAC) or unkeyed (empty `key`) BLAKE2s with a digest of `digestByteCount` bytes.
    /// - Throws: ``HashingError/keyTooLong(byteCount:maximum:)`` for a key over
    ///   ``maximumKeyByteCount`` bytes; ``HashingError/unsupportedDigestLength(byteCount:supported:)``
    ///   unless 1 ≤ `digestByteCount` ≤ ``digestByteCount``.
    public init(key: [UInt8], digestByteCount: Int = 32) throws(HashingError) {
        guard key.count <= Self.maximumKeyByteCount else {
            throw .keyTooLong(byteCount: key.count, maximum: Self.maximumKeyByteCount)
        }
        guard (1...Self.digestByteCount).contains(digestByteCount) else {
            throw .unsupportedDigestLength(byteCount: digestByteCount, supported: 1...Self.digestByteCount)
        }
        self.init(validatedKey: key, digestByteCount: digestByteCount)
    }

    private init(validatedKey key: [UInt8], digestByteCount: Int) {
        outputByteCount = digestByteCount
        chaining = Self.initializationVector
        // Parameter block word 0: digest length, key length, fanout 1, depth 1 (sequential mode).
        chaining.0 ^= 0x0101_0000 ^ (UInt32(key.count) << 8) ^ UInt32(digestByteCount)
        if !key.isEmpty {
            // The key, zero-padded to a full block, is the first block of input.
            withUnsafeMutableBytes(of: &buffer) { raw in
                raw.copyBytes(from: key)
            }
            bufferedByteCount = Self.blockByteCount
        }
    }

    /// Absorbs `bytes` (empty input is a no-op).
    /// - Precondition: ``finalize()`` has not been called (a trap: a spent hasher is a bug).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!isFinalized, "BLAKE2s: update after finalize")
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    private mutating func update(_ input: UnsafeRawBufferPointer) {
        let blockSize = Self.blockByteCount
        var offset = 0
        // Only compress the buffer when more input follows it: the last block needs the final flag.
        if bufferedByteCount + input.count > blockSize {
            let fill = blockSize - bufferedByteCount
            appendToBuffer(UnsafeRawBufferPointer(rebasing: input[0..<fill]))
            offset = fill
            compressedByteCount &+= UInt64(blockSize)
            withUnsafeBytes(of: buffer) { block in
                Self.compress(&chaining, block: block, counter: compressedByteCount, isLastBlock: false)
            }
            bufferedByteCount = 0
            while input.count - offset > blockSize {
                compressedByteCount &+= UInt64(blockSize)
                Self.compress(
                    &chaining, block: UnsafeRawBufferPointer(rebasing: input[offset..<offset + blockSize]),
                    counter: compressedByteCount, isLastBlock: false)
                offset += blockSize
            }
        }
        appendToBuffer(UnsafeRawBufferPointer(rebasing: input[offset...]))
    }

    private mutating func appendToBuffer(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let start = bufferedByteCount
        withUnsafeMutableBytes(of: &buffer) { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + bytes.count]).copyMemory(from: bytes)
        }
        bufferedByteCount += bytes.count
    }

    /// The ``outputByteCount``-byte digest; the hasher is spent afterwards.
    /// - Precondition: not already finalized (a trap).
    public mutating func finalize() -> [UInt8] {
        precondition(!isFinalized, "BLAKE2s: finalize called twice")
        isFinalized = true
        compressedByteCount &+= UInt64(bufferedByteCount)
        let used = bufferedByteCount
        withUnsafeMutableBytes(of: &buffer) { raw in
            for index in used..<raw.count { raw[index] = 0 }
        }
        withUnsafeBytes(of: buffer) { block in
            Self.compress(&chaining, block: block, counter: compressedByteCount, isLastBlock: true)
        }
        buffer = (0, 0, 0, 0, 0, 0, 0, 0)
        let words = [chaining.0, chaining.1, chaining.2, chaining.3, chaining.4, chaining.5, chaining.6, chaining.7]
        var digest = [UInt8]()
        digest.reserveCapacity(outputByteCount)
        for index in 0..<outputByteCount {
            digest.append(UInt8(truncatingIfNeeded: words[index >> 2] >> (UInt32(index & 3) * 8)))
        }
        return digest
    }

    /// One-shot keyed BLAKE2s.
    /// - Throws: the errors of ``init(key:digestByteCount:)``.
    public static func hash(
        _ bytes: some Collection<UInt8>, key: [UInt8], digestByteCount: Int = 32
    ) throws(HashingError) -> [UInt8] {
        var hasher = try BLAKE2s(key: key, digestByteCount: digestByteCount)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The compression function F (RFC 7693 §3.2), message schedule unrolled for all ten rounds.
    private static func compress(
        _ h: inout ChainingWords, block: UnsafeRawBufferPointer, counter: UInt64, isLastBlock: Bool
    ) {
        precondition(block.count == blockByteCount, "BLAKE2s block must be 64 bytes")
        func word(_ index: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
        }
        let m0 = word(0), m1 = word(1), m2 = word(2), m3 = word(3)
        let m4 = word(4), m5 = word(5), m6 = word(6), m7 = word(7)
        let m8 = word(8), m9 = word(9), m10 = word(10), m11 = word(11)
        let m12 = word(12), m13 = word(13), m14 = word(14), m15 = word(15)
        let iv = initializationVector
        var v0 = h.0, v1 = h.1, v2 = h.2, v3 = h.3, v4 = h.4, v5 = h.5, v6 = h.6, v7 = h.7
        var v8 = iv.0, v9 = iv.1, v10 = iv.2, v11 = iv.3
        var v12 = iv.4 ^ UInt32(truncatingIfNeeded: counter)
        var v13 = iv.5 ^ UInt32(truncatingIfNeeded: counter >> 32)
        var v14 = isLastBlock ? ~iv.6 : iv.6
        var v15 = iv.7
        // round 0: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m0, m1)
        mix(&v1, &v5, &v9, &v13, m2, m3)
        mix(&v2, &v6, &v10, &v14, m4, m5)
        mix(&v3, &v7, &v11, &v15, m6, m7)
        mix(&v0, &v5, &v10, &v15, m8, m9)
        mix(&v1, &v6, &v11, &v12, m10, m11)
        mix(&v2, &v7, &v8, &v13, m12, m13)
        mix(&v3, &v4, &v9, &v14, m14, m15)
        // round 1: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m14, m10)
        mix(&v1, &v5, &v9, &v13, m4, m8)
        mix(&v2, &v6, &v10, &v14, m9, m15)
        mix(&v3, &v7, &v11, &v15, m13, m6)
        mix(&v0, &v5, &v10, &v15, m1, m12)
        mix(&v1, &v6, &v11, &v12, m0, m2)
        mix(&v2, &v7, &v8, &v13, m11, m7)
        mix(&v3, &v4, &v9, &v14, m5, m3)
        // round 2: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m11, m8)
        mix(&v1, &v5, &v9, &v13, m12, m0)
        mix(&v2, &v6, &v10, &v14, m5, m2)
        mix(&v3, &v7, &v11, &v15, m15, m13)
        mix(&v0, &v5, &v10, &v15, m10, m14)
        mix(&v1, &v6, &v11, &v12, m3, m6)
        mix(&v2, &v7, &v8, &v13, m7, m1)
        mix(&v3, &v4, &v9, &v14, m9, m4)
        // round 3: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m7, m9)
        mix(&v1, &v5, &v9, &v13, m3, m1)
        mix(&v2, &v6, &v10, &v14, m13, m12)
        mix(&v3, &v7, &v11, &v15, m11, m14)
        mix(&v0, &v5, &v10, &v15, m2, m6)
        mix(&v1, &v6, &v11, &v12, m5, m10)
        mix(&v2, &v7, &v8, &v13, m4, m0)
        mix(&v3, &v4, &v9, &v14, m15, m8)
        // round 4: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m9, m0)
        mix(&v1, &v5, &v9, &v13, m5, m7)
        mix(&v2, &v6, &v10, &v14, m2, m4)
        mix(&v3, &v7, &v11, &v15, m10, m15)
        mix(&v0, &v5, &v10, &v15, m14, m1)
        mix(&v1, &v6, &v11, &v12, m11, m12)
        mix(&v2, &v7, &v8, &v13, m6, m8)
        mix(&v3, &v4, &v9, &v14, m3, m13)
        // round 5: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m2, m12)
        mix(&v1, &v5, &v9, &v13, m6, m10)
        mix(&v2, &v6, &v10, &v14, m0, m11)
        mix(&v3, &v7, &v11, &v15, m8, m3)
        mix(&v0, &v5, &v10, &v15, m4, m13)
        mix(&v1, &v6, &v11, &v12, m7, m5)
        mix(&v2, &v7, &v8, &v13, m15, m14)
        mix(&v3, &v4, &v9, &v14, m1, m9)
        // round 6: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m12, m5)
        mix(&v1, &v5, &v9, &v13, m1, m15)
        mix(&v2, &v6, &v10, &v14, m14, m13)
        mix(&v3, &v7, &v11, &v15, m4, m10)
        mix(&v0, &v5, &v10, &v15, m0, m7)
        mix(&v1, &v6, &v11, &v12, m6, m3)
        mix(&v2, &v7, &v8, &v13, m9, m2)
        mix(&v3, &v4, &v9, &v14, m8, m11)
        // round 7: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m13, m11)
        mix(&v1, &v5, &v9, &v13, m7, m14)
        mix(&v2, &v6, &v10, &v14, m12, m1)
        mix(&v3, &v7, &v11, &v15, m3, m9)
        mix(&v0, &v5, &v10, &v15, m5, m0)
        mix(&v1, &v6, &v11, &v12, m15, m4)
        mix(&v2, &v7, &v8, &v13, m8, m6)
        mix(&v3, &v4, &v9, &v14, m2, m10)
        // round 8: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m6, m15)
        mix(&v1, &v5, &v9, &v13, m14, m9)
        mix(&v2, &v6, &v10, &v14, m11, m3)
        mix(&v3, &v7, &v11, &v15, m0, m8)
        mix(&v0, &v5, &v10, &v15, m12, m2)
        mix(&v1, &v6, &v11, &v12, m13, m7)
        mix(&v2, &v7, &v8, &v13, m1, m4)
        mix(&v3, &v4, &v9, &v14, m10, m5)
        // round 9: columns, then diagonals
        mix(&v0, &v4, &v8, &v12, m10, m2)
        mix(&v1, &v5, &v9, &v13, m8, m4)
        mix(&v2, &v6, &v10, &v14, m7, m6)
        mix(&v3, &v7, &v11, &v15, m1, m5)
        mix(&v0, &v5, &v10, &v15, m15, m11)
        mix(&v1, &v6, &v11, &v12, m9, m14)
        mix(&v2, &v7, &v8, &v13, m3, m12)
        mix(&v3, &v4, &v9, &v14, m13, m0)
        h.0 ^= v0 ^ v8
        h.1 ^= v1 ^ v9
        h.2 ^= v2 ^ v10
        h.3 ^= v3 ^ v11
        h.4 ^= v4 ^ v12
        h.5 ^= v5 ^ v13
        h.6 ^= v6 ^ v14
        h.7 ^= v7 ^ v15
    }
}

/// The mixing function G (RFC 7693 §3.1) with BLAKE2s rotations 16, 12, 8, 7.
@inline(__always)
private func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32, _ x: UInt32, _ y: UInt32) {
    a = a &+ b &+ x
    d = rotateRight(d ^ a, 16)
    c = c &+ d
    b = rotateRight(b ^ c, 12)
    a = a &+ b &+ y
    d = rotateRight(d ^ a, 8)
    c = c &+ d
    b = rotateRight(b ^ c, 7)
}

@inline(__always)
private func rotateRight(_ word: UInt32, _ count: UInt32) -> UInt32 {
    (word &>> count) | (word &<< (32 &- count))
}

// Holds the key (in its first block) and input-derived state: print only the type name.
extension BLAKE2s: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "BLAKE2s" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
