/// Appends the fields of a binary encoding: fixed-width big-endian integers, fixed-width byte
/// strings, and byte strings prefixed with their 32-bit big-endian length.
///
/// Every value it writes is self-delimiting, so an encoding is unambiguous and can be hashed or
/// absorbed into a transcript as it is. ``ByteReader`` reads the same fields back.
///
/// Each value written through a `write` method is a named *field*; the writer keeps the names in
/// order (``fieldNames``), which gives tests a generic "change field i" hook
/// (``init(perturbingField:)``) so no field of any proof is forgotten by a tamper test.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// The names of the fields written through `write`/``beginField(_:)``, in order.
    public private(set) var fieldNames: [String] = []
    /// Test hook: the index of the field to write with a different (but well-formed) value.
    public let perturbedField: Int?

    /// An empty writer.
    public init() { perturbedField = nil }

    /// A writer whose output starts with `header`'s magic and version (see ``VersionedEncoding``).
    public init(header: EncodingHeader) {
        perturbedField = nil
        bytes = header.magic + [header.version]
    }

    /// Test hook: a writer that writes field `index` with a changed but well-formed value (each
    /// field kind says how it changes: a flipped flag, bytes with their first bit flipped, an
    /// integer plus one, a point plus the generator).
    public init(perturbingField index: Int) { perturbedField = index }

    /// Starts the next named field; returns true when this is the field to perturb. For field
    /// kinds defined in other modules (a point, an integer); never fails.
    public mutating func beginField(_ name: String) -> Bool {
        fieldNames.append(name)
        return perturbedField == fieldNames.count - 1
    }

    // MARK: Named fields

    /// A byte string, length-prefixed (`u32be(count) ‖ value`), as field `name`.
    /// - Precondition: `value` is shorter than 4 GiB (see ``appendLengthPrefixed(_:)``).
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
        append(flag ? 1 : 0)
    }

    // MARK: Raw appends (structural, not perturbed)

    /// One byte.
    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Bytes as they are: for fixed-width values whose width the format fixes.
    public mutating func append(fixed value: some Collection<UInt8>) { bytes.append(contentsOf: value) }

    /// `u32be(value.count) ‖ value`.
    /// - Precondition: the length fits in 32 bits (callers encode values they made themselves).
    public mutating func appendLengthPrefixed(_ value: some Collection<UInt8>) {
        precondition(value.count <= Int(UInt32.max), "a field longer than 4 GiB")
        appendUInt32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// A count of the elements that follow (or a small integer such as a round number), as
    /// `u32be`. Structural: changing it breaks decoding rather than verification.
    /// - Precondition: `0 ≤ count ≤ UInt32.max`.
    public mutating func appendCount(_ count: Int) {
        precondition(count >= 0 && count <= Int(UInt32.max), "count out of range")
        appendUInt32(UInt32(count))
    }

    /// Two bytes, big-endian.
    public mutating func appendUInt16(_ value: UInt16) {
        bytes += [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Four bytes, big-endian.
    public mutating func appendUInt32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Eight bytes, big-endian.
    public mutating func appendUInt64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
