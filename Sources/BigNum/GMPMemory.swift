import CGMP
import CSodium
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GMP's memory functions, replaced so that every block GMP frees or outgrows is wiped first.
///
/// Secret limbs (Paillier primes, masks, shares) otherwise linger in freed heap memory. GMP hands
/// the block size to `realloc` and `free`, so wiping needs no bookkeeping of our own. The functions
/// are installed once, before the first `BigInt` is made; blocks allocated earlier by the system
/// allocator are still released correctly because both paths end in `free`.
public enum GMPMemory {
    /// Installs the wiping allocator. Called by `BigInt`'s storage; idempotent.
    public static func install() { _ = installed }

    private static let installed: Bool = {
        __gmp_set_memory_functions(
            { size in gmpAllocate(size) },
            { old, oldSize, newSize in gmpReallocate(old, oldSize, newSize) },
            { block, size in gmpFree(block, size) })
        return true
    }()

    /// For tests only: observe each block that GMP frees, after it was wiped and before it is
    /// returned to the system allocator. Pass `nil` to stop observing.
    public static func observeFreedBlocksForTesting(_ observer: (@Sendable (UnsafeRawBufferPointer) -> Void)?) {
        freeObserver.withLock { $0 = observer }
    }

    fileprivate static let freeObserver = Mutex<(@Sendable (UnsafeRawBufferPointer) -> Void)?>(nil)
}

private func gmpAllocate(_ size: Int) -> UnsafeMutableRawPointer {
    guard let block = malloc(max(size, 1)) else { fatalError("GMP allocation of \(size) bytes failed") }
    return block
}

private func gmpReallocate(_ old: UnsafeMutableRawPointer?, _ oldSize: Int, _ newSize: Int) -> UnsafeMutableRawPointer {
    // Never grow in place: a moved block would leave the old limbs behind un-wiped.
    let block = gmpAllocate(newSize)
    if let old {
        memcpy(block, old, min(oldSize, newSize))
        gmpFree(old, oldSize)
    }
    return block
}

private func gmpFree(_ block: UnsafeMutableRawPointer?, _ size: Int) {
    guard let block else { return }
    sodium_memzero(block, size)
    if let observer = GMPMemory.freeObserver.withLock({ $0 }) {
        observer(UnsafeRawBufferPointer(start: block, count: size))
    }
    free(block)
}
