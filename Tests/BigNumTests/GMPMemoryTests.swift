import BigNum
import Synchronization
import Testing

/// Freed GMP blocks must be wiped: secret limbs must not linger in the heap.
struct GMPMemoryTests {
    @Test func freedLimbsAreZeroedBeforeRelease() throws {
        let seen = Mutex<(blocks: Int, nonZero: Int)>((0, 0))
        GMPMemory.observeFreedBlocksForTesting { block in
            let nonZero = block.contains { $0 != 0 }
            seen.withLock { $0.blocks += 1; if nonZero { $0.nonZero += 1 } }
        }
        defer { GMPMemory.observeFreedBlocksForTesting(nil) }
        do {
            // A 4096-bit all-ones value: its limbs are non-zero until wiped.
            let secret = BigInt.powerOfTwo(4096) - .one
            var grown = secret
            grown = grown * grown              // forces reallocation paths too
            #expect(grown.bitLength == 8192)
        }
        let result = seen.withLock { $0 }
        #expect(result.blocks >= 2)
        #expect(result.nonZero == 0)
    }
}
