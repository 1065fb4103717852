import BigNum
import Bytes

// CGGMP's field kinds on top of `Bytes.ByteWriter`/`ByteReader`: integers of any sign, nested
// `WireCodable` values and party ids (points and scalars are in Wire+Curve.swift, Paillier values
// in Wire+Paillier.swift). Every value has exactly one accepted encoding, so re-encoding a decoded
// proof gives back the same bytes.

extension ByteWriter {
    /// An integer of any sign: a sign byte (0 non-negative, 1 negative), then the magnitude,
    /// big-endian and minimal (no leading zero byte), length-prefixed. Perturbed: plus one.
    mutating func write(_ name: String, _ value: BigInt) {
        let value = beginField(name) ? value + .one : value
        appendInteger(value)
    }

    /// Writes a nested ``WireCodable`` value: its fields, without a header, numbered after the
    /// fields written so far. Read it back with `ByteReader.read(_:)`. Never fails.
    public mutating func write(_ value: some WireCodable) {
        value.encode(to: &self)
    }

    /// An integer in the layout of `write(_:_: BigInt)`, not as a field (not perturbed).
    mutating func appendInteger(_ value: BigInt) {
        append(value.isNegative ? 1 : 0)
        appendLengthPrefixed(value.magnitudeBytes())
    }
}

extension ByteReader {
    /// An integer written by `ByteWriter.write(_:_: BigInt)`.
    /// - Throws: `.nonCanonical` for a sign byte other than 0 or 1, a leading zero byte or a
    ///   negative zero.
    mutating func readBigInt(_ name: String) throws(DecodingError) -> BigInt {
        let sign = try readByte(name)
        guard sign <= 1 else { throw DecodingError(field: name, reason: .nonCanonical("sign byte \(sign)")) }
        let magnitude = try readLengthPrefixed(name)
        if let first = magnitude.first, first == 0 {
            throw DecodingError(field: name, reason: .nonCanonical("leading zero byte"))
        }
        if magnitude.isEmpty && sign == 1 { throw DecodingError(field: name, reason: .nonCanonical("negative zero")) }
        let value = BigInt(magnitudeBytes: magnitude)
        return sign == 1 ? -value : value
    }

    /// Reads a nested ``WireCodable`` value written by `ByteWriter.write(_:)`.
    /// - Throws: the value's own `DecodingError` from ``WireCodable/init(from:)``, naming the field
    ///   that was refused.
    public mutating func read<T: WireCodable>(_ type: T.Type = T.self) throws(DecodingError) -> T {
        try T(from: &self)
    }

    /// Reads a ``PartyID`` written as `write(name, bytes: party.rawRepresentation)` (length-prefixed).
    /// - Throws: `DecodingError` for field `name`: `.truncated` when the input ends early,
    ///   `.invalidValue` unless the id has ``PartyID/byteCount`` bytes.
    public mutating func readPartyID(_ name: String) throws(DecodingError) -> PartyID {
        let bytes = try readLengthPrefixed(name)
        return try PartyID(field: name, rawRepresentation: bytes)
    }

    /// Reads a UTF-8 string written as `write(name, bytes: Array(string.utf8))` (length-prefixed).
    /// - Throws: `DecodingError` for field `name`: `.truncated` when the input ends early,
    ///   `.invalidValue` when the bytes are not valid UTF-8.
    public mutating func readString(_ name: String) throws(DecodingError) -> String {
        guard let value = String(validating: try readLengthPrefixed(name), as: UTF8.self) else {
            throw DecodingError(field: name, reason: .invalidValue("not UTF-8"))
        }
        return value
    }
}

extension PartyID {
    /// A party id decoded as field `field` of some encoding.
    /// - Throws: `.invalidValue` unless `rawRepresentation` has 32 bytes.
    init(field: String, rawRepresentation: [UInt8]) throws(DecodingError) {
        do { try self.init(rawRepresentation: rawRepresentation) } catch {
            throw DecodingError(field: field, reason: .invalidValue("a party id has \(PartyID.byteCount) bytes, got \(rawRepresentation.count)"))
        }
    }
}

extension DecodingError {
    /// This error of a value nested in field `field` of an enclosing encoding: the field path is
    /// `field/inner field`, the reason unchanged.
    func nested(in field: String) -> DecodingError {
        DecodingError(field: "\(field)/\(self.field)", reason: reason)
    }
}
