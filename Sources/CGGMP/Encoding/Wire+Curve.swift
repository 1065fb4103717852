import Secp256k1

// Curve values on the wire: a point as its length-prefixed SEC1 compressed encoding (the identity
// as the single byte 00), a scalar as exactly 32 big-endian bytes below the group order.
extension WireWriter {
    public mutating func write(_ name: String, _ point: Point) {
        let point = beginField(name) ? point + .generator : point
        appendLengthPrefixed(point.compressedBytes)
    }

    public mutating func write(_ name: String, _ scalar: Scalar) {
        let scalar = beginField(name) ? scalar + .one : scalar
        appendFixed(scalar.bytes)
    }
}

extension WireReader {
    /// A point; only the compressed form (or the identity byte) is accepted, so the encoding is
    /// canonical.
    public mutating func readPoint(_ name: String) throws(ProofError) -> Point {
        let bytes = try readLengthPrefixed(name)
        guard bytes.count == 33 || bytes == [0] else {
            throw .malformedEncoding("\(name): point is not 33-byte compressed SEC1")
        }
        do {
            return try Point(bytesAllowingIdentity: bytes)
        } catch {
            throw .malformedEncoding("\(name): \(error)")
        }
    }

    /// A scalar: 32 bytes, rejected when ≥ the group order (never silently reduced).
    public mutating func readScalar(_ name: String) throws(ProofError) -> Scalar {
        let bytes = try readFixed(name, count: 32)
        do {
            return try Scalar(bytes: bytes)
        } catch {
            throw .malformedEncoding("\(name): scalar not below the group order")
        }
    }
}

extension Transcript {
    /// Absorbs a point: its compressed encoding; the identity's single byte 00 cannot collide with
    /// any 33-byte encoding.
    public mutating func append(_ label: String, _ point: Point) {
        append(pointLabel: label, point.compressedBytes)
    }
}
