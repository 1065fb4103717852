import CSecp256k1

/// A point of the secp256k1 group, including the identity (the point at infinity).
///
/// libsecp256k1 cannot represent the identity, so it is an explicit case here; every other point
/// is kept as a parsed `secp256k1_pubkey`, so arithmetic calls straight into libsecp256k1 without
/// re-parsing. Points are public values: `description` prints the compressed encoding.
public struct Point: Sendable {
    @usableFromInline
    internal enum Representation: Sendable {
        case identity
        case affine(secp256k1_pubkey)
    }

    @usableFromInline
    internal let representation: Representation

    @inlinable
    internal init(_ representation: Representation) { self.representation = representation }

    /// The point at infinity: the neutral element of addition.
    public static let identity = Point(.identity)

    /// The standard generator G.
    public static let generator: Point = {
        let compressed: [UInt8] = [0x02,
            0x79, 0xBE, 0x66, 0x7E, 0xF9, 0xDC, 0xBB, 0xAC, 0x55, 0xA0, 0x62, 0x95, 0xCE, 0x87, 0x0B, 0x07,
            0x02, 0x9B, 0xFC, 0xDB, 0x2D, 0xCE, 0x28, 0xD9, 0x59, 0xF2, 0x81, 0x5B, 0x16, 0xF8, 0x17, 0x98]
        do { return try Point(sec1Representation: compressed) } catch { preconditionFailure("generator must parse") }
    }()

    /// Whether this is the point at infinity.
    public var isIdentity: Bool {
        if case .identity = representation { return true }
        return false
    }

    // MARK: Decoding

    /// Strict SEC1 decoding of a public key: either the 33-byte ``compressedRepresentation``
    /// (02/03) or the 65-byte uncompressed ``x963Representation`` (04). The hybrid prefixes 06/07
    /// are rejected, and so is the identity encoding `00`.
    /// - Throws: ``PointError/identity`` for `00`; ``PointError/wrongLength(_:)``,
    ///   ``PointError/badPrefix(_:)``, ``PointError/coordinateNotInField`` or
    ///   ``PointError/notOnCurve`` for anything else that is not a point.
    public init(sec1Representation: some Collection<UInt8>) throws(PointError) {
        let encoded = Array(sec1Representation)
        if encoded == [0x00] { throw .identity }
        self = try Point.decodeNonIdentity(encoded)
    }

    /// Like ``init(sec1Representation:)``, but also accepts the SEC1 identity encoding (the single
    /// byte 00), for protocol messages in which the identity is a legitimate value.
    /// - Throws: the errors of ``init(sec1Representation:)`` other than ``PointError/identity``.
    public init(sec1RepresentationAllowingIdentity sec1Representation: some Collection<UInt8>) throws(PointError) {
        let encoded = Array(sec1Representation)
        if encoded == [0x00] { self = .identity; return }
        self = try Point.decodeNonIdentity(encoded)
    }

    private static func decodeNonIdentity(_ encoded: [UInt8]) throws(PointError) -> Point {
        switch encoded.count {
        case 33:
            guard encoded[0] == 0x02 || encoded[0] == 0x03 else { throw .badPrefix(encoded[0]) }
            guard isBelowFieldPrime(encoded[1..<33]) else { throw .coordinateNotInField }
        case 65:
            guard encoded[0] == 0x04 else { throw .badPrefix(encoded[0]) }
            guard isBelowFieldPrime(encoded[1..<33]), isBelowFieldPrime(encoded[33..<65]) else {
                throw .coordinateNotInField
            }
        default:
            throw .wrongLength(encoded.count)
        }
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, encoded, encoded.count) == 1 else {
            throw .notOnCurve
        }
        return Point(.affine(key))
    }

    /// p = 2^256 − 2^32 − 977, big-endian.
    private static let fieldPrime: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFC, 0x2F,
    ]

    private static func isBelowFieldPrime(_ coordinate: ArraySlice<UInt8>) -> Bool {
        // Public data: a lexicographic comparison of equal-length big-endian strings suffices.
        coordinate.lexicographicallyPrecedes(fieldPrime)
    }

    // MARK: Encoding

    /// The 33-byte SEC1 compressed encoding (swift-crypto's `compressedRepresentation`); the
    /// identity encodes as the single byte 00.
    public var compressedRepresentation: [UInt8] { serialize(compressed: true) }

    /// The 65-byte SEC1 uncompressed encoding 04‖x‖y (swift-crypto's `x963Representation`, the
    /// ANSI X9.63 form); the identity encodes as the single byte 00.
    public var x963Representation: [UInt8] { serialize(compressed: false) }

    /// The 32-byte big-endian affine x coordinate, or nil for the identity.
    public var xCoordinateBytes: [UInt8]? {
        guard case .affine = representation else { return nil }
        return Array(serialize(compressed: true)[1...])
    }

    private func serialize(compressed: Bool) -> [UInt8] {
        guard case .affine(var key) = representation else { return [0x00] }
        var output = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var length = output.count
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        _ = secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &output, &length, &key, flags)
        return output
    }

    // MARK: Group operations

    /// The group sum (the identity when the points are opposite). Never fails.
    public static func + (lhs: Point, rhs: Point) -> Point {
        guard case .affine(let a) = lhs.representation else { return rhs }
        guard case .affine(let b) = rhs.representation else { return lhs }
        return withUnsafePointer(to: a) { pa in
            withUnsafePointer(to: b) { pb in
                // Two pointers on the stack: no array allocation on this hot path.
                var pointers: (UnsafePointer<secp256k1_pubkey>?, UnsafePointer<secp256k1_pubkey>?) = (pa, pb)
                return withUnsafeBytes(of: &pointers) { raw in
                    combine(raw.bindMemory(to: UnsafePointer<secp256k1_pubkey>?.self))
                }
            }
        }
    }

    /// The negation (the identity stays the identity). Never fails.
    public static prefix func - (point: Point) -> Point {
        guard case .affine(var key) = point.representation else { return point }
        _ = secp256k1_ec_pubkey_negate(Secp256k1Context.shared.pointer, &key)
        return Point(.affine(key))
    }

    /// `lhs + (−rhs)`. Never fails.
    public static func - (lhs: Point, rhs: Point) -> Point { lhs + (-rhs) }

    /// Adds `rhs` to `lhs`.
    public static func += (lhs: inout Point, rhs: Point) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`.
    public static func -= (lhs: inout Point, rhs: Point) { lhs = lhs - rhs }

    /// The sum of all `points` (the identity for none), in one libsecp256k1 call.
    public static func sum(_ points: some Sequence<Point>) -> Point {
        var keys: [secp256k1_pubkey] = []
        for point in points {
            if case .affine(let key) = point.representation { keys.append(key) }
        }
        switch keys.count {
        case 0: return .identity
        case 1: return Point(.affine(keys[0]))
        default:
            return keys.withUnsafeBufferPointer { buffer in
                let pointers: [UnsafePointer<secp256k1_pubkey>?] = (0..<buffer.count).map { buffer.baseAddress! + $0 }
                return pointers.withUnsafeBufferPointer(combine)
            }
        }
    }

    /// secp256k1_ec_pubkey_combine fails exactly when the sum is the point at infinity.
    private static func combine(_ pointers: UnsafeBufferPointer<UnsafePointer<secp256k1_pubkey>?>) -> Point {
        var result = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_combine(Secp256k1Context.shared.pointer, &result, pointers.baseAddress!, pointers.count) == 1 else {
            return .identity
        }
        return Point(.affine(result))
    }

    /// k·P, constant time in k (libsecp256k1's `ecmult_const` through `pubkey_tweak_mul`; k·G uses
    /// the blinded generator table instead). Zero or the identity give the identity; never fails.
    public static func * (scalar: Scalar, point: Point) -> Point {
        guard case .affine(var key) = point.representation else { return .identity }
        if point == generator { return generatorMultiple(scalar) }
        // Zero is the only scalar libsecp256k1 refuses here; whether a scalar is zero is revealed
        // by the result anyway.
        guard !scalar.isZero else { return .identity }
        let ok = scalar.withUnsafeBigEndianBytes { tweak in
            secp256k1_ec_pubkey_tweak_mul(Secp256k1Context.shared.pointer, &key, tweak.baseAddress!)
        }
        precondition(ok == 1, "tweak_mul rejected a nonzero scalar below n")
        return Point(.affine(key))
    }

    /// k·P with the operands in the other order; the same constant-time multiplication.
    public static func * (point: Point, scalar: Scalar) -> Point { scalar * point }

    /// k·G, constant time in k (libsecp256k1's blinded `ecmult_gen` through `pubkey_create`).
    /// Zero gives the identity; never fails.
    public static func generatorMultiple(_ scalar: Scalar) -> Point {
        guard !scalar.isZero else { return .identity }
        var key = secp256k1_pubkey()
        let ok = scalar.withUnsafeBigEndianBytes { secret in
            secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &key, secret.baseAddress!)
        }
        precondition(ok == 1, "pubkey_create rejected a nonzero scalar below n")
        return Point(.affine(key))
    }

    // MARK: Internals

    /// The parsed key for libsecp256k1 calls, or nil for the identity.
    @usableFromInline
    internal var publicKey: secp256k1_pubkey? {
        guard case .affine(let key) = representation else { return nil }
        return key
    }
}

extension Point: Hashable {
    /// libsecp256k1 stores a parsed key as its normalized affine coordinates
    /// (`secp256k1_ge_to_storage` of normalized field elements), a unique 64-byte value per point,
    /// so comparing those bytes is point equality without serializing.
    public static func == (lhs: Point, rhs: Point) -> Bool {
        switch (lhs.representation, rhs.representation) {
        case (.identity, .identity): return true
        case let (.affine(a), .affine(b)):
            return withUnsafeBytes(of: a.data) { ra in withUnsafeBytes(of: b.data) { rb in ra.elementsEqual(rb) } }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch representation {
        case .identity: hasher.combine(0 as UInt8)
        case .affine(let key):
            hasher.combine(1 as UInt8)
            withUnsafeBytes(of: key.data) { hasher.combine(bytes: $0) }
        }
    }
}

extension Point: CustomStringConvertible {
    public var description: String {
        guard !isIdentity else { return "Point(identity)" }
        return "Point(" + compressedRepresentation.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined() + ")"
    }
}
