import CGMP

/// A signed arbitrary-precision integer with value semantics, backed by a GMP `mpz_t`.
///
/// Copies share storage until one of them is mutated (copy-on-write). Freed limbs are wiped
/// (``GMPMemory``). `description` never prints the value, since a `BigInt` may hold a secret: use
/// ``decimalString`` or ``hexString`` when printing is intended.
///
/// Misuse by our own code (division by zero through `/`, a negative shift or bit index) is a
/// precondition failure; every operation that takes a peer's value through a modulus
/// (``power(_:modulo:)``, ``inverseVariableTime(modulo:)``, ``jacobiVariableTime(_:)``) throws a
/// ``BigNumError`` instead.
///
/// Timing: constant time unless the name says variable time. ``power(_:modulo:)`` (which hides the
/// exponent's sign too), ``modulo(_:)``, ``centred(modulo:)``, ``inverse(modulo:)`` and
/// ``dividedExactly(by:)`` are GMP's `mpn_sec_*` on fixed limb counts; ``powerPublicSign(_:modulo:)``
/// is too, but branches on the exponent's sign; ``powerVariableTime(_:modulo:)``,
/// ``productOfPowersVariableTime(_:modulo:)``, ``moduloVariableTime(_:)``, ``inverseVariableTime(modulo:)``,
/// ``gcdVariableTime(_:)``, ``lcmVariableTime(_:)``, ``jacobiVariableTime(_:)`` and
/// ``isProbablePrimeVariableTime(rounds:using:)`` depend on their operands' bits. The remaining
/// GMP arithmetic (`+ − ×`, truncating division, comparison) depends on the operands' sizes
/// (limb counts), which are treated as public, and may exit early on comparison.
public struct BigInt: Sendable {
    @usableFromInline
    internal var storage: Storage

    /// Zero.
    public init() { storage = Storage() }

    /// The value of `value`. Never fails.
    public init(_ value: Int) {
        storage = Storage()
        __gmpz_set_si(storage.mpz, value)
    }

    /// The value of `value`. Never fails.
    public init(_ value: UInt) {
        storage = Storage()
        __gmpz_set_ui(storage.mpz, value)
    }

    /// A fresh value built by `body`, which writes into an initialised `mpz_t`.
    @inlinable
    internal init(building body: (UnsafeMutablePointer<__mpz_struct>) throws(BigNumError) -> Void) throws(BigNumError) {
        storage = Storage()
        try body(storage.mpz)
        storage.declassifySize()
    }

    /// A fresh value built by `body` (non-throwing form).
    @inlinable
    internal init(unchecked body: (UnsafeMutablePointer<__mpz_struct>) -> Void) {
        storage = Storage()
        body(storage.mpz)
        storage.declassifySize()
    }

    /// Mutable access to the limbs, copying first if the storage is shared.
    @inlinable
    internal mutating func withMutableMPZ<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) -> R) -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
        defer { storage.declassifySize() }
        return body(storage.mpz)
    }

    /// Read access to the GMP `mpz_t`, for code that calls GMP directly (tests, benchmarks).
    /// Do not mutate through the pointer or let it escape `body`; errors of `body` propagate.
    @inlinable
    public func withMPZ<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try body(storage.mpz)
    }

    @usableFromInline
    internal var mpz: UnsafeMutablePointer<__mpz_struct> { storage.mpz }

    // MARK: Properties

    /// 0.
    public static let zero = BigInt()
    /// 1.
    public static let one = BigInt(1)

    /// -1, 0 or +1.
    public var signum: Int {
        let size = storage.mpz.pointee._mp_size
        return size > 0 ? 1 : (size < 0 ? -1 : 0)
    }

    /// Whether the value is 0.
    public var isZero: Bool { storage.mpz.pointee._mp_size == 0 }
    /// Whether the value is below 0.
    public var isNegative: Bool { storage.mpz.pointee._mp_size < 0 }
    /// Whether the value is odd (negative values by their magnitude: −3 is odd).
    public var isOdd: Bool { __gmpz_tstbit(storage.mpz, 0) == 1 && !isZero }
    /// Whether the value is even (zero is even).
    public var isEven: Bool { !isOdd }

    /// Number of bits in |self|; zero for zero.
    public var bitLength: Int {
        isZero ? 0 : Int(__gmpz_sizeinbase(storage.mpz, 2))
    }

    /// Bit `index` of the two's-complement representation (negative values have infinitely many
    /// leading ones).
    /// - Precondition: `index` ≥ 0.
    public func testBit(_ index: Int) -> Bool {
        precondition(index >= 0, "bit index must be non-negative")
        return __gmpz_tstbit(storage.mpz, mp_bitcnt_t(index)) == 1
    }

    /// |self|.
    public var magnitude: BigInt { BigInt(unchecked: { __gmpz_abs($0, mpz) }) }

    /// The value as an `Int`, or `nil` if it does not fit.
    public var intValue: Int? {
        __gmpz_fits_slong_p(mpz) != 0 ? __gmpz_get_si(mpz) : nil
    }

    /// 2^exponent.
    /// - Precondition: `exponent` ≥ 0.
    public static func powerOfTwo(_ exponent: Int) -> BigInt {
        precondition(exponent >= 0)
        return BigInt(unchecked: { __gmpz_setbit($0, mp_bitcnt_t(exponent)) })
    }
}

extension BigInt: ExpressibleByIntegerLiteral {
    /// The literal's value.
    public init(integerLiteral value: Int) { self.init(value) }
}

extension BigInt: Equatable, Hashable, Comparable {
    /// Value equality (`mpz_cmp`: variable time, exits at the first differing limb).
    public static func == (lhs: BigInt, rhs: BigInt) -> Bool { __gmpz_cmp(lhs.mpz, rhs.mpz) == 0 }
    /// Numeric order (`mpz_cmp`: variable time, exits at the first differing limb).
    public static func < (lhs: BigInt, rhs: BigInt) -> Bool { __gmpz_cmp(lhs.mpz, rhs.mpz) < 0 }

    /// Hashes the sign and the magnitude's bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(signum)
        hasher.combine(magnitudeBytes())
    }
}

extension BigInt: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the value: a `BigInt` may be secret. Use `decimalString` / `hexString` deliberately.
    public var description: String { "BigInt(\(bitLength > 0 ? "…" : "0"))" }
    /// The same as ``description``: never the value.
    public var debugDescription: String { description }
    /// No children, so `dump` and other reflection print only the type name.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Owns one initialised `mpz_t`; cleared (and so wiped, see `GMPMemory`) when released.
@usableFromInline
final class Storage: @unchecked Sendable {
    @usableFromInline let mpz: UnsafeMutablePointer<__mpz_struct>

    @usableFromInline init() {
        GMPMemory.install()
        mpz = .allocate(capacity: 1)
        __gmpz_init(mpz)
    }

    @usableFromInline init(copying other: Storage) {
        GMPMemory.install()
        mpz = .allocate(capacity: 1)
        __gmpz_init_set(mpz, other.mpz)
    }

    /// Tells valgrind memcheck that the header (size and sign: public) is defined; a no-op unless
    /// built for `make ct` (CGMP's shim.h).
    @usableFromInline func declassifySize() {
        bignum_declassify(mpz, MemoryLayout<__mpz_struct>.size)
    }

    deinit {
        __gmpz_clear(mpz)
        mpz.deallocate()
    }
}
