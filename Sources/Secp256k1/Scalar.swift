import BigNum

/// An integer modulo the secp256k1 group order
/// n = 0xFFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFE_BAAEDCE6_AF48A03B_BFD25E8C_D0364141.
///
/// Secret keys, shares, nonces and their products are scalars, so every arithmetic operation is
/// constant time: four 64-bit limbs, always fully reduced, with carries taken from
/// `addingReportingOverflow` / `multipliedFullWidth` and conditional corrections applied through
/// all-ones/all-zero masks instead of branches. Multiplication is Montgomery (CIOS) with a masked
/// final subtraction; inversion is Fermat (x^(n−2)) over a fixed, public exponent. See
/// `docs/secp256k1.md` for how this was checked. Conversions to and from `BigInt`
/// (``init(reducing:)-(BigInt)``, ``bigInt``) reveal only the `BigInt`'s size (its limb count),
/// as every `BigInt` does; the reduction itself is this type's constant-time arithmetic.
///
/// `description` never prints the value.
public struct Scalar: Sendable {
    // Little-endian 64-bit limbs of the value, always < n.
    @usableFromInline internal var l0: UInt64
    @usableFromInline internal var l1: UInt64
    @usableFromInline internal var l2: UInt64
    @usableFromInline internal var l3: UInt64

    @inlinable
    internal init(limbs l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    /// 0.
    public static let zero = Scalar(limbs: 0, 0, 0, 0)
    /// 1.
    public static let one = Scalar(limbs: 1, 0, 0, 0)

    /// The group order n as a `BigInt`.
    public static let groupOrder: BigInt = BigInt(magnitudeBytes: ScalarField.orderBytes)

    /// The small integer `value` reduced mod n (negative values wrap: `Scalar(-1) == -Scalar.one`).
    /// Never fails.
    public init(_ value: Int) {
        let magnitude = Scalar(limbs: value.magnitude.toUInt64, 0, 0, 0)
        self = value < 0 ? -magnitude : magnitude
    }

    /// The value `value` (< 2^64 < n, so no reduction is needed). Never fails.
    public init(_ value: UInt64) {
        self.init(limbs: value, 0, 0, 0)
    }

    // MARK: Encodings

    /// Strict decoding of the 32-byte big-endian ``rawRepresentation``: rejects values ≥ n rather
    /// than reducing them.
    /// - Throws: ``ScalarError/wrongLength(expected:actual:)`` unless 32 bytes;
    ///   ``ScalarError/notBelowGroupOrder`` for a value ≥ n.
    public init(rawRepresentation: some Collection<UInt8>) throws(ScalarError) {
        guard rawRepresentation.count == 32 else {
            throw .wrongLength(expected: 32, actual: rawRepresentation.count)
        }
        let limbs = ScalarField.limbs(bigEndian: Array(rawRepresentation))
        // Public outcome (valid/invalid), so the branch is fine; the comparison itself is masked.
        guard ScalarField.isBelowOrder(limbs) else { throw .notBelowGroupOrder }
        self.init(limbs: limbs.0, limbs.1, limbs.2, limbs.3)
    }

    /// Strict decoding that additionally rejects zero (secret keys, nonces).
    /// - Throws: the errors of ``init(rawRepresentation:)``, and ``ScalarError/zero`` for zero.
    public init(nonzeroRawRepresentation rawRepresentation: some Collection<UInt8>) throws(ScalarError) {
        try self.init(rawRepresentation: rawRepresentation)
        guard !isZero else { throw .zero }
    }

    /// Any number of big-endian bytes (typically a hash output of 32 or 64 bytes) reduced mod n.
    ///
    /// A 32-byte input is reduced the way ECDSA reduces a prehash; use 64 bytes (or more) when a
    /// near-uniform scalar is needed from a hash (the bias is then below 2^-250). Constant time
    /// for a given length; never fails (no bytes is zero).
    public init(reducing bytes: some Collection<UInt8>) {
        let all = Array(bytes)
        var accumulator = Scalar.zero
        // Horner in 256-bit blocks from the most significant end: acc ← acc·2^256 + block (mod n).
        // The block count depends only on the public length.
        var start = 0
        let firstBlockLength = all.count % 32 == 0 ? min(32, all.count) : all.count % 32
        var blockLength = firstBlockLength
        while start < all.count {
            var block = [UInt8](repeating: 0, count: 32 - blockLength)
            block.append(contentsOf: all[start..<(start + blockLength)])
            let limbs = ScalarField.limbs(bigEndian: block)
            let reducedBlock = ScalarField.reduceOnce(limbs)
            // montgomeryMultiply(acc, R²) = acc·R = acc·2^256 mod n.
            let shifted = ScalarField.montgomeryMultiply(accumulator.limbs, ScalarField.rSquared)
            accumulator = Scalar(ScalarField.add(shifted, reducedBlock))
            start += blockLength
            blockLength = 32
        }
        self = accumulator
    }

    /// The 32-byte big-endian encoding (swift-crypto's name for a fixed-width raw form).
    public var rawRepresentation: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafeBigEndianBytes { source in
            for i in 0..<32 { out[i] = source[i] }
        }
        return out
    }

    /// Calls `body` with the 32-byte big-endian encoding in a stack buffer (no allocation; the
    /// buffer is wiped afterwards).
    @inlinable
    public func withUnsafeBigEndianBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (l3.bigEndian, l2.bigEndian, l1.bigEndian, l0.bigEndian)
        defer { buffer = (0, 0, 0, 0) }
        return try withUnsafeBytes(of: &buffer) { raw in
            try body(raw.bindMemory(to: UInt8.self))
        }
    }

    // MARK: BigInt

    /// `value` reduced mod n (negative values included: −1 gives n − 1). Never fails.
    ///
    /// The magnitude's limbs (`BigInt.magnitudeLimbBytes()`, no significant-bit count) are
    /// reduced with this type's constant-time arithmetic (``init(reducing:)-(Collection<UInt8>)``)
    /// and the sign is applied with a masked select, so only the value's size (its limb count,
    /// public for a `BigInt`) affects the time. MtA shares α, β reach this initialiser.
    public init(reducing value: BigInt) {
        let magnitude = Scalar(reducing: value.magnitudeLimbBytes())
        // The sign bit of GMP's size field, without a branch on it.
        let negative = value.withMPZ { UInt64(bitPattern: Int64($0.pointee._mp_size)) >> 63 }
        let negated = -magnitude
        self = Scalar(ScalarField.select(0 &- negative, negated.limbs, magnitude.limbs))
    }

    /// The value as a non-negative `BigInt` in [0, n). Never fails. The `BigInt`'s limb count
    /// reveals how many leading zero limbs the value has (GMP normalises); nothing else depends on
    /// the value.
    public var bigInt: BigInt { BigInt(magnitudeBytes: rawRepresentation) }

    // MARK: Random

    /// A uniformly random nonzero scalar (rejection sampling of 256-bit values from `generator`).
    /// Never fails.
    public static func random(using generator: inout some RandomNumberGenerator) -> Scalar {
        while true {
            let candidate = (generator.next() as UInt64, generator.next() as UInt64,
                             generator.next() as UInt64, generator.next() as UInt64)
            // Rejection happens with probability < 2^-127; the loop count reveals nothing useful.
            if ScalarField.isBelowOrder(candidate) {
                let scalar = Scalar(candidate)
                if !scalar.isZero { return scalar }
            }
        }
    }

    // MARK: Predicates

    /// Whether the value is zero (the answer is revealed; computing it does not branch on limbs).
    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// Whether the value exceeds n/2 (ECDSA "high s"). Signature components are public.
    public var isHigh: Bool {
        let (_, borrow) = ScalarField.subtract(ScalarField.halfOrder, limbs)
        return borrow == 1
    }

    // MARK: Arithmetic

    /// The sum mod n, in constant time.
    public static func + (lhs: Scalar, rhs: Scalar) -> Scalar {
        Scalar(ScalarField.add(lhs.limbs, rhs.limbs))
    }

    /// The difference mod n, in constant time.
    public static func - (lhs: Scalar, rhs: Scalar) -> Scalar {
        Scalar(ScalarField.sub(lhs.limbs, rhs.limbs))
    }

    /// The negation mod n (zero stays zero), in constant time.
    public static prefix func - (value: Scalar) -> Scalar {
        Scalar(ScalarField.sub(Scalar.zero.limbs, value.limbs))
    }

    /// The product mod n (Montgomery, CIOS), in constant time.
    public static func * (lhs: Scalar, rhs: Scalar) -> Scalar {
        // (a·b·R⁻¹)·R²·R⁻¹ = a·b.
        let reduced = ScalarField.montgomeryMultiply(lhs.limbs, rhs.limbs)
        return Scalar(ScalarField.montgomeryMultiply(reduced, ScalarField.rSquared))
    }

    /// Adds `rhs` to `lhs` mod n.
    public static func += (lhs: inout Scalar, rhs: Scalar) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs` mod n.
    public static func -= (lhs: inout Scalar, rhs: Scalar) { lhs = lhs - rhs }
    /// Multiplies `lhs` by `rhs` mod n.
    public static func *= (lhs: inout Scalar, rhs: Scalar) { lhs = lhs * rhs }

    /// The multiplicative inverse, x^(n−2) mod n (constant time in x).
    /// - Throws: ``ScalarError/zero`` for zero, which has no inverse.
    public func inverted() throws(ScalarError) -> Scalar {
        guard !isZero else { throw .zero }
        return Scalar(ScalarField.invert(limbs))
    }

    // MARK: Internals

    @usableFromInline
    internal typealias Limbs = ScalarField.Limbs

    @inlinable
    internal init(_ limbs: Limbs) { self.init(limbs: limbs.0, limbs.1, limbs.2, limbs.3) }

    @inlinable
    internal var limbs: Limbs { (l0, l1, l2, l3) }
}

extension Scalar: Hashable {
    /// Constant-time equality (no early exit on the first differing limb).
    public static func == (lhs: Scalar, rhs: Scalar) -> Bool {
        ((lhs.l0 ^ rhs.l0) | (lhs.l1 ^ rhs.l1) | (lhs.l2 ^ rhs.l2) | (lhs.l3 ^ rhs.l3)) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(l0)
        hasher.combine(l1)
        hasher.combine(l2)
        hasher.combine(l3)
    }
}

extension Scalar: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Only the type name: a scalar may be secret.
    public var description: String { "Scalar(…)" }
    public var debugDescription: String { description }
    /// No children, so `dump` and other reflection never show the limbs.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension UInt {
    @usableFromInline
    internal var toUInt64: UInt64 { UInt64(truncatingIfNeeded: self) }
}
