@_spi(Testing) import BigNum
import Synchronization
import Testing

/// Freed GMP blocks must be wiped: secret limbs must not linger in the heap. Serialized: both
/// tests install the one process-wide observer.
@Suite(.serialized) struct GMPMemoryTests {
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

    /// Regression (ThreadSanitizer, `make sanitize-thread`): frees on many threads while an observer
    /// is installed and removed. The observer's lock was a `Synchronization.Mutex`, whose contended
    /// futex path ThreadSanitizer cannot see; it reported the concurrent frees as data races.
    private static let seen = Atomic<Int>(0)
    private static func count(_: UnsafeRawBufferPointer) { seen.add(1, ordering: .relaxed) }

    @Test func concurrentFreesWhileObserving() async throws {
        GMPMemory.observeFreedBlocksForTesting(Self.count)
        defer { GMPMemory.observeFreedBlocksForTesting(nil) }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<50 {
                        var value = BigInt.powerOfTwo(512 + 64 * worker + round) - .one
                        value = value * value
                        #expect(value.bitLength == 2 * (512 + 64 * worker + round))
                    }
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    GMPMemory.observeFreedBlocksForTesting(Self.count)
                    GMPMemory.observeFreedBlocksForTesting(nil)
                }
            }
        }
        GMPMemory.observeFreedBlocksForTesting(Self.count)
        do {
            var grown = BigInt.powerOfTwo(4096) - .one
            grown = grown * grown
            #expect(grown.bitLength == 8192)
        }
        #expect(Self.seen.load(ordering: .relaxed) > 0)
    }
}
