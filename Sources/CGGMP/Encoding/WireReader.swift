import BigNum

/// Reads what `WireWriter` wrote, rejecting anything non-canonical: every value has exactly one
/// accepted encoding, so re-encoding a decoded proof gives back the same bytes.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - position }

    /// An integer written by `WireWriter.write(_:_: BigInt)`.
    public mutating func readBigInt(_ name: String) throws(ProofError) -> BigInt {
        let sign = try readByte(name)
        guard sign <= 1 else { throw .malformedEncoding("\(name): sign byte \(sign)") }
        let magnitude = try readLengthPrefixed(name)
        if let first = magnitude.first, first == 0 {
            throw .malformedEncoding("\(name): integer has a leading zero byte")
        }
        if magnitude.isEmpty && sign == 1 { throw .malformedEncoding("\(name): negative zero") }
        let value = BigInt(magnitudeBytes: magnitude)
        return sign == 1 ? -value : value
    }

    /// A byte string written by `WireWriter.write(_:bytes:)`.
    public mutating func readBytes(_ name: String) throws(ProofError) -> [UInt8] {
        try readLengthPrefixed(name)
    }

    /// A flag written by `WireWriter.write(_:_: Bool)`.
    public mutating func readBool(_ name: String) throws(ProofError) -> Bool {
        switch try readByte(name) {
        case 0: return false
        case 1: return true
        case let other: throw .malformedEncoding("\(name): flag byte \(other)")
        }
    }

    /// A count written by `WireWriter.writeCount`. Each element takes at least
    /// `minimumElementSize` bytes, so a count the remaining bytes cannot hold is rejected before
    /// anything is allocated for it.
    public mutating func readCount(_ name: String, minimumElementSize: Int = 1) throws(ProofError) -> Int {
        let count = Int(try readUInt32(name))
        guard count <= remaining / max(minimumElementSize, 1) else {
            throw .malformedEncoding("\(name): count \(count) exceeds the remaining bytes")
        }
        return count
    }

    /// A plain integer written by `WireWriter.writeCount` (a tag, a round, a threshold): no check
    /// against the remaining bytes, since it counts nothing that follows.
    public mutating func readInteger(_ name: String) throws(ProofError) -> Int {
        Int(try readUInt32(name))
    }

    /// A nested value.
    public mutating func read<T: WireCodable>(_ type: T.Type = T.self) throws(ProofError) -> T {
        try T(from: &self)
    }

    /// Fails unless every byte was read.
    public func finish() throws(ProofError) {
        guard remaining == 0 else { throw .malformedEncoding("\(remaining) trailing bytes") }
    }

    mutating func readFixed(_ name: String, count: Int) throws(ProofError) -> [UInt8] {
        guard remaining >= count else { throw .malformedEncoding("\(name): truncated") }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func readByte(_ name: String) throws(ProofError) -> UInt8 {
        try readFixed(name, count: 1)[0]
    }

    mutating func readUInt32(_ name: String) throws(ProofError) -> UInt32 {
        let b = try readFixed(name, count: 4)
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    mutating func readLengthPrefixed(_ name: String) throws(ProofError) -> [UInt8] {
        let length = Int(try readUInt32(name))
        guard length <= remaining else { throw .malformedEncoding("\(name): length \(length) exceeds the input") }
        return try readFixed(name, count: length)
    }
}
