import CGMP

// Explicit encodings. There is deliberately no `Codable`: every wire format names its width.
extension BigInt {
    /// The unsigned big-endian integer in `bytes` (leading zeros allowed; empty means zero).
    /// Never fails: every byte string is some integer (a decoder that wants a canonical width
    /// checks the length itself).
    public init(magnitudeBytes bytes: some Collection<UInt8>) {
        storage = Storage()
        let array = Array(bytes)
        guard !array.isEmpty else { return }
        array.withUnsafeBytes { raw in
            __gmpz_import(storage.mpz, raw.count, 1, 1, 1, 0, raw.baseAddress)
        }
        storage.declassifySize()
    }

    /// Minimal big-endian bytes of |self| (empty for zero). The sign is not encoded; never fails.
    public func magnitudeBytes() -> [UInt8] {
        if isZero { return [] }
        let count = (bitLength + 7) / 8
        var out = [UInt8](repeating: 0, count: count)
        var written = 0
        out.withUnsafeMutableBytes { raw in
            _ = __gmpz_export(raw.baseAddress, &written, 1, 1, 1, 0, mpz)
        }
        precondition(written == count)
        return out
    }

    /// Big-endian bytes of a non-negative value left-padded to exactly `width` bytes.
    /// - Throws: ``BigNumError/doesNotFit(width:)`` if negative or wider than `width` bytes.
    public func bigEndianBytes(width: Int) throws(BigNumError) -> [UInt8] {
        guard !isNegative, (bitLength + 7) / 8 <= width else { throw .doesNotFit(width: width) }
        let minimal = magnitudeBytes()
        return [UInt8](repeating: 0, count: width - minimal.count) + minimal
    }

    /// Two's-complement big-endian bytes in exactly `width` bytes (for signed wire fields).
    /// - Throws: ``BigNumError/doesNotFit(width:)`` if the value is outside [−2^(8w−1), 2^(8w−1)).
    /// - Precondition: `width` ≥ 1.
    public func twosComplementBytes(width: Int) throws(BigNumError) -> [UInt8] {
        let limit = BigInt.powerOfTwo(8 * width - 1)
        guard self < limit, self >= -limit else { throw .doesNotFit(width: width) }
        let value = isNegative ? self + BigInt.powerOfTwo(8 * width) : self
        return try value.bigEndianBytes(width: width)
    }

    /// The two's-complement big-endian integer in `bytes` (empty means zero). Never fails.
    public init(twosComplementBytes bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        let unsigned = BigInt(magnitudeBytes: array)
        if let first = array.first, first & 0x80 != 0 {
            self = unsigned - BigInt.powerOfTwo(8 * array.count)
        } else {
            self = unsigned
        }
    }

    /// Parses an optionally signed number: `-` prefix allowed; in base 16 an `0x` prefix too.
    /// - Throws: ``BigNumError/malformedText(base:position:)`` naming the first bad character
    ///   (or the end, for empty digits).
    /// - Precondition: `radix` is 10 or 16 (a trap: the radix is the caller's constant).
    public init(text: String, radix: Int) throws(BigNumError) {
        precondition(radix == 10 || radix == 16, "only decimal and hex are supported")
        var scalars = Array(text.utf8)
        var negative = false
        var offset = 0
        if scalars.first == UInt8(ascii: "-") { negative = true; scalars.removeFirst(); offset += 1 }
        if radix == 16, scalars.count >= 2, scalars[0] == UInt8(ascii: "0"),
           scalars[1] == UInt8(ascii: "x") || scalars[1] == UInt8(ascii: "X") {
            scalars.removeFirst(2); offset += 2
        }
        guard !scalars.isEmpty else { throw .malformedText(base: radix, position: offset) }
        for (i, c) in scalars.enumerated() {
            let ok: Bool
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): ok = true
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): ok = radix == 16
            default: ok = false
            }
            if !ok { throw .malformedText(base: radix, position: offset + i) }
        }
        storage = Storage()
        let status = (scalars + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { __gmpz_set_str(storage.mpz, $0.baseAddress, Int32(radix)) }
        }
        guard status == 0 else { throw .malformedText(base: radix, position: offset) }
        if negative { __gmpz_neg(storage.mpz, storage.mpz) }
    }

    /// Parses hex, optionally `-` and `0x` prefixed.
    /// - Throws: ``BigNumError/malformedText(base:position:)``.
    public init(hex: String) throws(BigNumError) { try self.init(text: hex, radix: 16) }

    /// Parses decimal, optionally `-` prefixed.
    /// - Throws: ``BigNumError/malformedText(base:position:)``.
    public init(decimal: String) throws(BigNumError) { try self.init(text: decimal, radix: 10) }

    /// Lowercase hex, `-` prefixed when negative, `0` for zero.
    public var hexString: String { string(radix: 16) }

    /// Decimal, `-` prefixed when negative.
    public var decimalString: String { string(radix: 10) }

    private func string(radix: Int32) -> String {
        let capacity = Int(__gmpz_sizeinbase(mpz, radix)) + 2
        var buffer = [CChar](repeating: 0, count: capacity + 1)
        buffer.withUnsafeMutableBufferPointer { _ = __gmpz_get_str($0.baseAddress, radix, mpz) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
