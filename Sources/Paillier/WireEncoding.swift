import BigNum
import Bytes

// Versioned binary encodings (`VersionedEncoding`). Each starts with a one-byte type tag and a
// version byte (the headers `EncodingHeader.paillierPublicKey`, `.paillierCiphertext`,
// `.ringPedersen` in Bytes/Identifiers.swift), so a value of one type can never be read as
// another, and later versions can be told apart:
//
//   public key      'P' 0x01 | len: UInt16 BE | N (len bytes, big-endian, no leading zero byte)
//   ciphertext      'C' 0x01 | c (exactly ⌈bits(N²)/8⌉ bytes, big-endian) — length fixed by the key
//   ring-Pedersen   'R' 0x01 | len: UInt16 BE | N̂, s, t (len bytes each, big-endian; N̂ minimal)
//
// Decoders take the expected size from the caller's parameters and run the same validation as the
// initialisers, so a decoded value is always usable. Malformed bytes are refused with a
// `DecodingError` naming the field (wrapped in `PaillierError.decoding`); well-formed bytes whose
// value is unusable give the validation's own `PaillierError`.

private extension ByteWriter {
    /// `u16be(len) ‖ N` with N minimal.
    mutating func appendModulus(_ n: [UInt8]) {
        precondition(n.count <= Int(UInt16.max), "modulus too large for its length field")
        appendUInt16(UInt16(n.count))
        append(fixed: n)
    }
}

private extension ByteReader {
    /// A non-zero `u16be` length.
    mutating func readModulusLength(_ field: String) throws(DecodingError) -> Int {
        let length = Int(try readUInt16(field))
        guard length > 0 else { throw DecodingError(field: field, reason: .invalidValue("zero length")) }
        return length
    }

    /// A minimal big-endian modulus (no leading zero byte, so each value has one encoding).
    mutating func readModulus(_ field: String, count: Int) throws(DecodingError) -> BigInt {
        let bytes = try readFixed(field, count: count)
        guard bytes.first != 0 else { throw DecodingError(field: field, reason: .nonCanonical("leading zero byte")) }
        return BigInt(magnitudeBytes: bytes)
    }
}

/// Runs a decoding step, wrapping its `DecodingError` as a `PaillierError`.
private func decoding<T>(_ body: () throws(DecodingError) -> T) throws(PaillierError) -> T {
    do { return try body() } catch { throw .decoding(error) }
}

extension PaillierPublicKey: VersionedEncoding {
    /// `EncodingHeader.paillierPublicKey`: tag `'P'`, version 1.
    public static var encodingHeader: EncodingHeader { .paillierPublicKey }

    /// `'P' ‖ 0x01 ‖ u16be(len) ‖ N`.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.appendModulus(modulus.magnitudeBytes())
        return writer.bytes
    }

    /// Decodes and validates a peer's public key (see ``init(modulus:expectedBits:)``).
    /// - Parameters:
    ///   - bytes: the encoding, as made by ``encoded``.
    ///   - expectedBits: the exact bit length the scheme parameters require of N.
    /// - Throws: ``PaillierError/decoding(_:)`` with a `DecodingError` naming the field (wrong tag,
    ///   unsupported version, truncated, zero length, trailing bytes, a leading zero byte), or the
    ///   validation's ``PaillierError/modulusNotOddPositive`` /
    ///   ``PaillierError/modulusWrongLength(expected:actual:)``.
    public init(encoded bytes: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        let name = Self.encodingHeader.name
        let n = try decoding { () throws(DecodingError) -> BigInt in
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            let length = try reader.readModulusLength("\(name)/length")
            let n = try reader.readModulus("\(name)/N", count: length)
            try reader.finish(name)
            return n
        }
        try self.init(modulus: n, expectedBits: expectedBits)
    }

    /// Bytes in a ciphertext's value field: ⌈bits(N²)/8⌉.
    var ciphertextWidth: Int { (modulusSquared.bitLength + 7) / 8 }
}

extension PaillierCiphertext {
    /// `'C' ‖ 0x01`. Not a `VersionedEncoding`: the value's width is fixed by the key, which the
    /// ciphertext does not know, so the encoding is ``encoded(for:)`` rather than a property.
    public static var encodingHeader: EncodingHeader { .paillierCiphertext }

    /// The fixed-width encoding under `publicKey`: `'C' ‖ 0x01 ‖ c`, c in exactly ⌈bits(N²)/8⌉
    /// big-endian bytes.
    /// - Precondition: the value is in [0, N²), as every ciphertext made or validated by that key is.
    public func encoded(for publicKey: PaillierPublicKey) -> [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.append(fixed: try! value.bigEndianBytes(width: publicKey.ciphertextWidth))
        return writer.bytes
    }

    /// Decodes and validates a peer's ciphertext under `publicKey`.
    /// - Parameters:
    ///   - bytes: the encoding, as made by ``encoded(for:)`` with the same key.
    ///   - publicKey: the key the ciphertext is under; it fixes the width.
    /// - Throws: ``PaillierError/decoding(_:)`` naming the field (wrong tag or version, wrong
    ///   length), then ``PaillierError/ciphertextOutOfRange`` or
    ///   ``PaillierError/ciphertextNotCoprime`` from `PaillierPublicKey.validate(_:)`.
    public init(encoded bytes: some Collection<UInt8>, for publicKey: PaillierPublicKey) throws(PaillierError) {
        let name = Self.encodingHeader.name
        let value = try decoding { () throws(DecodingError) -> BigInt in
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            let value = BigInt(magnitudeBytes: try reader.readFixed("\(name)/c", count: publicKey.ciphertextWidth))
            try reader.finish(name)
            return value
        }
        self.init(value: value)
        try publicKey.validate(self)
    }
}

extension RingPedersenParameters: VersionedEncoding {
    /// `EncodingHeader.ringPedersen`: tag `'R'`, version 1.
    public static var encodingHeader: EncodingHeader { .ringPedersen }

    /// `'R' ‖ 0x01 ‖ u16be(len) ‖ N̂ ‖ s ‖ t`, each `len` bytes.
    public var encoded: [UInt8] {
        let n = modulus.magnitudeBytes()
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.appendModulus(n)
        writer.append(fixed: try! s.bigEndianBytes(width: n.count))
        writer.append(fixed: try! t.bigEndianBytes(width: n.count))
        return writer.bytes
    }

    /// Decodes and validates a peer's parameters (see ``init(modulus:s:t:expectedBits:)``).
    /// - Parameters:
    ///   - bytes: the encoding, as made by ``encoded``.
    ///   - expectedBits: the exact bit length the scheme parameters require of N̂.
    /// - Throws: ``PaillierError/decoding(_:)`` naming the field (wrong tag or version, truncated,
    ///   zero length, trailing bytes, a leading zero byte in N̂), or the validation's
    ///   ``PaillierError/modulusNotOddPositive``,
    ///   ``PaillierError/modulusWrongLength(expected:actual:)`` or
    ///   ``PaillierError/ringPedersenParameterInvalid(name:)``.
    public init(encoded bytes: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        let name = Self.encodingHeader.name
        let (n, s, t) = try decoding { () throws(DecodingError) -> (BigInt, BigInt, BigInt) in
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            let length = try reader.readModulusLength("\(name)/length")
            let n = try reader.readModulus("\(name)/N̂", count: length)
            let s = BigInt(magnitudeBytes: try reader.readFixed("\(name)/s", count: length))
            let t = BigInt(magnitudeBytes: try reader.readFixed("\(name)/t", count: length))
            try reader.finish(name)
            return (n, s, t)
        }
        try self.init(modulus: n, s: s, t: t, expectedBits: expectedBits)
    }
}
