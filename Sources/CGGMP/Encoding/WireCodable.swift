import Bytes

/// A value with a canonical binary encoding: proofs, the statements they prove, the payloads of
/// protocol messages, and the dealer's ``FeldmanCommitment`` and ``DealtShare``.
///
/// `encode(to:)` writes only the fields (with `Bytes.ByteWriter`); ``encoded`` prefixes the
/// version byte of `EncodingHeader.protocolPayload`. Every value has exactly one accepted
/// encoding, so decoding and re-encoding gives back the same bytes. A statement's field encoding
/// is also what a proof's Fiat–Shamir transcript absorbs, so every public input that has an
/// encoding is bound into the challenge.
///
/// To embed a value in a larger encoding, write it with `ByteWriter.write(_:)` and read it back
/// with `ByteReader.read(_:)` (both in this module): its fields follow the enclosing ones, with no
/// header of their own.
public protocol WireCodable: Sendable {
    /// Writes the fields, in a fixed order. Never fails.
    func encode(to writer: inout ByteWriter)
    /// Reads the fields `encode(to:)` wrote.
    /// - Throws: the `DecodingError` (module Bytes) of the first field that was refused, naming it:
    ///   `.truncated` when the input ends early, `.nonCanonical` for an encoding other than the one
    ///   `encode(to:)` writes, `.invalidValue` for a value outside its type (a point off the curve,
    ///   a scalar not below the group order, a count out of range).
    init(from reader: inout ByteReader) throws(DecodingError)
}

extension WireCodable {
    /// The version byte of `EncodingHeader.protocolPayload` followed by the fields. Never fails.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: .protocolPayload)
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes ``encoded`` output: the header, the fields, and nothing after them.
    /// - Throws: the `DecodingError` (module Bytes) of the header (`.truncated`,
    ///   `.unsupportedVersion`), of the field that was refused (see ``init(from:)``), or of trailing
    ///   bytes after the last field.
    public init(encoded bytes: [UInt8]) throws(DecodingError) {
        var reader = try ByteReader(bytes, header: .protocolPayload)
        self = try Self(from: &reader)
        try reader.finish("\(Self.self)")
    }

    /// The field encoding alone (what a transcript absorbs).
    var fieldEncoding: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// The names of the fields, in encoding order.
    var fieldNames: [String] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.fieldNames
    }

    /// Test hook: this value with field `index` changed (see `ByteWriter.init(perturbingField:)`),
    /// or the decoding error when the changed field no longer decodes.
    func perturbed(field index: Int) -> Result<Self, DecodingError> {
        var writer = ByteWriter(perturbingField: index)
        encode(to: &writer)
        var reader = ByteReader(writer.bytes)
        do throws(DecodingError) {
            let value = try Self(from: &reader)
            try reader.finish("\(Self.self)")
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}
