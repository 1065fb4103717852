import Hashing

/// Builds the input of a domain-separated hash: a fixed context label, then every field
/// length-prefixed, so no two different field lists can produce the same byte string.
///
/// Lengths and integers are 8-byte big-endian. Shared by session ids and committee selection so
/// that both follow one documented rule (docs/wire-formats.md).
struct DomainSeparatedInput: Sendable {
    private(set) var bytes: [UInt8] = []

    /// Starts with `context` (itself length-prefixed).
    init(context: String) {
        appendField(Array(context.utf8))
    }

    /// `u64be(field.count) ‖ field`.
    mutating func appendField(_ field: some Collection<UInt8>) {
        appendInteger(UInt64(field.count))
        bytes.append(contentsOf: field)
    }

    /// `u64be(value)`: fixed width, so no prefix is needed.
    mutating func appendInteger(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    var sha256: [UInt8] { SHA256.hash(bytes) }
    var sha512: [UInt8] { SHA512.hash(bytes) }
}
