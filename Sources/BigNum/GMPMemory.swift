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
///
/// Nothing here is for other modules: the installation is internal (``BigInt`` does it), and the
/// tests' observer is `@_spi(Testing)`.
public enum GMPMemory {
    /// Installs the wiping allocator. Called by `BigInt`'s storage before its first `mpz_init`;
    /// idempotent and thread-safe (a lazily initialised global). Never fails.
    static func install() { _ = installed }

    private static let installed: Bool = {
        __gmp_set_memory_functions(
            { size in gmpAllocate(size) },
            { old, oldSize, newSize in gmpReallocate(old, oldSize, newSize) },
            { block, size in gmpFree(block, size) })
        return true
    }()

    /// For tests only: observe each block that GMP frees, after it was wiped and before it is
    /// returned to the system allocator. Pass `nil` to stop observing. Never fails.
    @_spi(Testing)
    public static func observeFreedBlocksForTesting(_ observer: (@Sendable (UnsafeRawBufferPointer) -> Void)?) {
        freeObserver.set(observer)
    }

    fileprivate static let freeObserver = FreeObserver()
}

/// The test-only observer of freed blocks. Every GMP free on every thread consults it, so:
/// an atomic flag keeps the common case (no observer) lock-free, and the lock is a pthread mutex
/// rather than `Synchronization.Mutex`, whose contended path on Linux is a futex that
/// ThreadSanitizer cannot see (it reported each contended free as a data race).
fileprivate final class FreeObserver: @unchecked Sendable {
    typealias Observer = @Sendable (UnsafeRawBufferPointer) -> Void
    private let isSet = Atomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var observer: Observer?  // guarded by mutex

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0)
    }

    func set(_ newObserver: Observer?) {
        pthread_mutex_lock(mutex)
        observer = newObserver
        isSet.store(newObserver != nil, ordering: .releasing)
        pthread_mutex_unlock(mutex)
    }

    /// The observer, or nil without taking the lock when none is set.
    func current() -> Observer? {
        guard isSet.load(ordering: .acquiring) else { return nil }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return observer
    }
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
    if let observer = GMPMemory.freeObserver.current() {
        observer(UnsafeRawBufferPointer(start: block, count: size))
    }
    free(block)
}
