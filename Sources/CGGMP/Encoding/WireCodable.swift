import Bytes

/// A value with a canonical binary encoding: proofs, the statements they prove and the payloads of
/// protocol messages.
///
/// `encode(to:)` writes only the fields; `encoded` prefixes the version byte of
/// `EncodingHeader.protocolPayload`. A statement's field encoding is also what a transcript
/// absorbs, so every public input that has an encoding is bound into the challenge.
public protocol WireCodable: Sendable {
    /// Writes the fields, in a fixed order.
    func encode(to writer: inout ByteWriter)
    /// Reads the fields `encode(to:)` wrote, rejecting malformed input with the field's name.
    init(from reader: inout ByteReader) throws(DecodingError)
}

extension WireCodable {
    /// The version byte followed by the fields.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: .protocolPayload)
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes `encoded` output.
    /// - Throws: the `DecodingError` of the header (`.truncated`, `.unsupportedVersion`) or of the
    ///   field that was refused (truncated input, trailing bytes, non-canonical values).
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
