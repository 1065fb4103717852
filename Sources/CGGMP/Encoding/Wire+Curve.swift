import Bytes
import Secp256k1

// Curve values on the wire: a point as its length-prefixed SEC1 compressed encoding (the identity
// as the single byte 00), a scalar as exactly 32 big-endian bytes below the group order.
extension ByteWriter {
    /// A point. Perturbed: plus the generator.
    mutating func write(_ name: String, _ point: Point) {
        let point = beginField(name) ? point + .generator : point
        appendLengthPrefixed(point.compressedRepresentation)
    }

    /// A scalar. Perturbed: plus one.
    mutating func write(_ name: String, _ scalar: Scalar) {
        let scalar = beginField(name) ? scalar + .one : scalar
        append(fixed: scalar.rawRepresentation)
    }
}

extension ByteReader {
    /// A point; only the compressed form (or the identity byte) is accepted, so the encoding is
    /// canonical.
    mutating func readPoint(_ name: String) throws(DecodingError) -> Point {
        let bytes = try readLengthPrefixed(name)
        guard bytes.count == 33 || bytes == [0] else {
            throw DecodingError(field: name, reason: .nonCanonical("point is not 33-byte compressed SEC1"))
        }
        do {
            return try Point(sec1RepresentationAllowingIdentity: bytes)
        } catch {
            throw DecodingError(field: name, reason: .invalidValue("\(error)"))
        }
    }

    /// A scalar: 32 bytes, rejected when ≥ the group order (never silently reduced).
    mutating func readScalar(_ name: String) throws(DecodingError) -> Scalar {
        let bytes = try readFixed(name, count: 32)
        do {
            return try Scalar(rawRepresentation: bytes)
        } catch {
            throw DecodingError(field: name, reason: .invalidValue("scalar not below the group order"))
        }
    }
}

extension Transcript {
    /// Absorbs a point: its compressed encoding; the identity's single byte 00 cannot collide with
    /// any 33-byte encoding.
    mutating func append(_ label: String, _ point: Point) {
        append(pointLabel: label, point.compressedRepresentation)
    }
}
