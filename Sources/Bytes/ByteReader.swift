/// Reads the fields ``ByteWriter`` wrote, refusing anything truncated, oversized or
/// non-canonical with a ``DecodingError`` that names the field.
///
/// Lengths and counts are checked against the bytes that remain *before* anything is allocated
/// for them, so a hostile length prefix cannot make a decoder reserve gigabytes.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    /// A reader positioned at the first byte of `bytes` (copied). Never fails.
    public init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    /// A reader positioned after `header`, which must open `bytes` exactly.
    /// - Throws: ``DecodingError/Reason/truncated``, ``DecodingError/Reason/wrongMagic`` or
    ///   ``DecodingError/Reason/unsupportedVersion(_:)``, with `header.name` as the field.
    public init(_ bytes: some Collection<UInt8>, header: EncodingHeader) throws(DecodingError) {
        self.init(bytes)
        _ = try readHeader(header, accepting: [header.version])
    }

    /// Bytes not yet read (never negative).
    public var remaining: Int { bytes.count - position }

    /// Checks `header`'s magic and a version byte from `versions`, and returns that version.
    /// - Throws: ``DecodingError/Reason/truncated``, ``DecodingError/Reason/wrongMagic`` or
    ///   ``DecodingError/Reason/unsupportedVersion(_:)``, with `header.name` as the field.
    public mutating func readHeader(_ header: EncodingHeader, accepting versions: Set<UInt8>) throws(DecodingError) -> UInt8 {
        guard remaining >= header.magic.count + 1 else { throw DecodingError(field: header.name, reason: .truncated) }
        guard Array(bytes[position..<position + header.magic.count]) == header.magic else {
            throw DecodingError(field: header.name, reason: .wrongMagic)
        }
        position += header.magic.count
        let version = bytes[position]
        guard versions.contains(version) else {
            throw DecodingError(field: header.name, reason: .unsupportedVersion(version))
        }
        position += 1
        return version
    }

    /// Exactly `count` bytes.
    /// - Throws: ``DecodingError/Reason/truncated`` when fewer remain or `count` is negative.
    public mutating func readFixed(_ field: String, count: Int) throws(DecodingError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw DecodingError(field: field, reason: .truncated) }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// One byte.
    /// - Throws: ``DecodingError/Reason/truncated`` when none remains.
    public mutating func readByte(_ field: String) throws(DecodingError) -> UInt8 {
        guard remaining >= 1 else { throw DecodingError(field: field, reason: .truncated) }
        defer { position += 1 }
        return bytes[position]
    }

    /// A flag written by ``ByteWriter/write(_:_:)``: 0 or 1, nothing else.
    /// - Throws: ``DecodingError/Reason/truncated``, or ``DecodingError/Reason/nonCanonical(_:)``
    ///   for any other byte.
    public mutating func readBool(_ field: String) throws(DecodingError) -> Bool {
        switch try readByte(field) {
        case 0: return false
        case 1: return true
        case let other: throw DecodingError(field: field, reason: .nonCanonical("flag byte \(other)"))
        }
    }

    /// Two bytes, big-endian.
    /// - Throws: ``DecodingError/Reason/truncated``.
    public mutating func readUInt16(_ field: String) throws(DecodingError) -> UInt16 {
        let b = try readFixed(field, count: 2)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    /// Four bytes, big-endian.
    /// - Throws: ``DecodingError/Reason/truncated``.
    public mutating func readUInt32(_ field: String) throws(DecodingError) -> UInt32 {
        let b = try readFixed(field, count: 4)
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    /// Eight bytes, big-endian.
    /// - Throws: ``DecodingError/Reason/truncated``.
    public mutating func readUInt64(_ field: String) throws(DecodingError) -> UInt64 {
        try readFixed(field, count: 8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A byte string written by ``ByteWriter/appendLengthPrefixed(_:)`` or
    /// ``ByteWriter/write(_:bytes:)``.
    /// - Throws: ``DecodingError/Reason/truncated``, or ``DecodingError/Reason/lengthExceedsInput(_:)``
    ///   before anything is copied.
    public mutating func readLengthPrefixed(_ field: String) throws(DecodingError) -> [UInt8] {
        let length = Int(try readUInt32(field))
        guard length <= remaining else { throw DecodingError(field: field, reason: .lengthExceedsInput(length)) }
        return try readFixed(field, count: length)
    }

    /// A count written by ``ByteWriter/appendCount(_:)`` of elements that follow, each at least
    /// `minimumElementSize` bytes: a count the remaining bytes cannot hold is refused before
    /// anything is allocated for it.
    /// - Throws: ``DecodingError/Reason/truncated``, or ``DecodingError/Reason/lengthExceedsInput(_:)``
    ///   when `count × minimumElementSize` exceeds the remaining bytes.
    public mutating func readCount(_ field: String, minimumElementSize: Int = 1) throws(DecodingError) -> Int {
        let count = Int(try readUInt32(field))
        guard count <= remaining / max(minimumElementSize, 1) else {
            throw DecodingError(field: field, reason: .lengthExceedsInput(count))
        }
        return count
    }

    /// A small integer written by ``ByteWriter/appendCount(_:)`` that counts nothing that
    /// follows (a tag, a round, a threshold): not checked against the remaining bytes, so the
    /// caller range-checks it.
    /// - Throws: ``DecodingError/Reason/truncated``.
    public mutating func readInteger(_ field: String) throws(DecodingError) -> Int {
        Int(try readUInt32(field))
    }

    /// Fails unless every byte was read.
    /// - Throws: ``DecodingError/Reason/trailingBytes(count:)``, with `what` as the field.
    public func finish(_ what: String) throws(DecodingError) {
        guard remaining == 0 else { throw DecodingError(field: what, reason: .trailingBytes(count: remaining)) }
    }
}
