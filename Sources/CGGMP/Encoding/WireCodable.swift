/// A value with a canonical binary encoding: proofs and the statements they prove.
///
/// `encode(to:)` writes only the fields; `serialized()` prefixes the format version. A statement's
/// field encoding is also what a transcript absorbs, so every public input that has an encoding is
/// bound into the challenge.
public protocol WireCodable: Sendable {
    /// Writes the fields, in a fixed order.
    func encode(to writer: inout WireWriter)
    /// Reads the fields `encode(to:)` wrote, rejecting malformed input.
    init(from reader: inout WireReader) throws(ProofError)
}

/// The version byte that starts every serialized proof or statement.
public let wireFormatVersion: UInt8 = 1

extension WireCodable {
    /// The version byte followed by the fields.
    public func serialized() -> [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return [wireFormatVersion] + writer.bytes
    }

    /// Decodes `serialized()` output.
    /// - Throws: `.unsupportedVersion` or `.malformedEncoding` (truncated input, trailing bytes,
    ///   non-canonical values).
    public init(serialized bytes: [UInt8]) throws(ProofError) {
        guard let version = bytes.first else { throw .malformedEncoding("empty input") }
        guard version == wireFormatVersion else { throw .unsupportedVersion(version) }
        var reader = WireReader(Array(bytes.dropFirst()))
        self = try Self(from: &reader)
        try reader.finish()
    }

    /// The field encoding alone (what a transcript absorbs).
    public var fieldEncoding: [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// The names of the fields, in encoding order.
    var fieldNames: [String] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.fieldNames
    }

    /// Test hook: this value with field `index` changed (see `WireWriter.init(perturbingField:)`),
    /// or the decoding error when the changed field no longer decodes.
    func perturbed(field index: Int) -> Result<Self, ProofError> {
        var writer = WireWriter(perturbingField: index)
        encode(to: &writer)
        var reader = WireReader(writer.bytes)
        do throws(ProofError) {
            let value = try Self(from: &reader)
            try reader.finish()
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}
