import BigNum

/// Writes the versioned binary encoding of proofs and statements.
///
/// Every value is self-delimiting (length-prefixed or fixed-width), so an encoding is unambiguous
/// and can be absorbed into a transcript as it is. Each value is a named *field*; the writer keeps
/// the names in order, which gives tests a generic "change field i" hook (`perturbingField`) so no
/// field of any proof is forgotten.
public struct WireWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// The names of the fields written, in order.
    public private(set) var fieldNames: [String] = []
    /// Test hook: the index of the field to write with a different (but well-formed) value.
    let perturbedField: Int?

    public init() { perturbedField = nil }

    /// A writer that writes field `index` with a changed value: a BigInt plus one, a flipped
    /// flag, bytes with their first bit flipped, a point plus the generator, a scalar plus one.
    init(perturbingField index: Int) { perturbedField = index }

    /// Starts the next field; true when this field is the one to perturb.
    mutating func beginField(_ name: String) -> Bool {
        fieldNames.append(name)
        return perturbedField == fieldNames.count - 1
    }

    /// An integer of any sign: a sign byte (0 non-negative, 1 negative), then the magnitude,
    /// big-endian and minimal (no leading zero byte), length-prefixed.
    public mutating func write(_ name: String, _ value: BigInt) {
        let value = beginField(name) ? value + .one : value
        appendInteger(value)
    }

    /// An opaque byte string, length-prefixed.
    public mutating func write(_ name: String, bytes value: [UInt8]) {
        var value = value
        if beginField(name) {
            if value.isEmpty { value = [0] } else { value[0] ^= 1 }
        }
        appendLengthPrefixed(value)
    }

    /// A flag: one byte, 0 or 1.
    public mutating func write(_ name: String, _ flag: Bool) {
        let flag = beginField(name) ? !flag : flag
        bytes.append(flag ? 1 : 0)
    }

    /// A count of the elements that follow (structural, not a field: changing it breaks decoding
    /// rather than verification, and repetition counts are tested on their own).
    public mutating func writeCount(_ count: Int) {
        precondition(count >= 0 && count <= Int(UInt32.max))
        appendUInt32(UInt32(count))
    }

    /// A nested value, its fields numbered after the ones written so far.
    public mutating func write(_ value: some WireCodable) {
        value.encode(to: &self)
    }

    /// Raw bytes of a fixed width, as a field (used for points and scalars).
    mutating func appendFixed(_ value: [UInt8]) { bytes += value }

    mutating func appendInteger(_ value: BigInt) {
        bytes.append(value.isNegative ? 1 : 0)
        appendLengthPrefixed(value.magnitudeBytes())
    }

    mutating func appendLengthPrefixed(_ value: [UInt8]) {
        precondition(value.count <= Int(UInt32.max))
        appendUInt32(UInt32(value.count))
        bytes += value
    }

    mutating func appendUInt32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
