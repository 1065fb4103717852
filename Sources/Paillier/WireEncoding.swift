import BigNum

// Versioned binary encodings. Each starts with a type tag and a version byte, so a value of one
// type can never be read as another, and later versions can be told apart:
//
//   public key      'P' 0x01 | len: UInt16 BE | N (len bytes, big-endian, no leading zero byte)
//   ciphertext      'C' 0x01 | c (exactly ⌈bits(N²)/8⌉ bytes, big-endian) — length fixed by the key
//   ring-Pedersen   'R' 0x01 | len: UInt16 BE | N̂, s, t (len bytes each, big-endian; N̂ minimal)
//
// Decoders take the expected size from the caller's parameters and run the same validation as the
// initialisers, so a decoded value is always usable.

enum WireTag: UInt8 {
    case publicKey = 0x50       // "P"
    case ciphertext = 0x43      // "C"
    case ringPedersen = 0x52    // "R"
}

/// The only encoding version written and read.
let currentEncodingVersion: UInt8 = 1

/// Reads the fields of an encoding front to back.
struct WireReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    /// Checks the tag and version.
    mutating func header(_ tag: WireTag, what: String) throws(PaillierError) {
        guard bytes.count >= 2 else { throw .malformedEncoding(reason: "\(what): shorter than its header") }
        guard bytes[0] == tag.rawValue else { throw .malformedEncoding(reason: "not a \(what) (wrong type tag)") }
        guard bytes[1] == currentEncodingVersion else { throw .unsupportedVersion(bytes[1]) }
        position = 2
    }

    mutating func length(what: String) throws(PaillierError) -> Int {
        let field = Array(try take(2, what: what))
        let length = Int(field[0]) << 8 | Int(field[1])
        guard length > 0 else { throw .malformedEncoding(reason: "\(what): zero length") }
        return length
    }

    mutating func take(_ count: Int, what: String) throws(PaillierError) -> ArraySlice<UInt8> {
        guard bytes.count - position >= count else { throw .malformedEncoding(reason: "\(what): truncated") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// A minimal big-endian modulus (no leading zero byte, so each value has one encoding).
    mutating func modulus(_ count: Int, what: String) throws(PaillierError) -> BigInt {
        let field = try take(count, what: what)
        guard field.first != 0 else { throw .malformedEncoding(reason: "\(what): leading zero byte") }
        return BigInt(magnitudeBytes: field)
    }

    func finish(what: String) throws(PaillierError) {
        guard position == bytes.count else { throw .malformedEncoding(reason: "\(what): trailing bytes") }
    }
}

private func lengthField(_ length: Int) -> [UInt8] {
    precondition(length <= Int(UInt16.max), "modulus too large for its length field")
    return [UInt8(length >> 8), UInt8(length & 0xff)]
}

extension PaillierPublicKey {
    public func encoded() -> [UInt8] {
        let n = modulus.magnitudeBytes()
        return [WireTag.publicKey.rawValue, currentEncodingVersion] + lengthField(n.count) + n
    }

    /// Decodes and validates a peer's public key (see `init(modulus:expectedBits:)`).
    /// - Throws: `.malformedEncoding`, `.unsupportedVersion`, or a validation error.
    public init(encoding: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        let what = "Paillier public key"
        var reader = WireReader(encoding)
        try reader.header(.publicKey, what: what)
        let length = try reader.length(what: what)
        let n = try reader.modulus(length, what: what)
        try reader.finish(what: what)
        try self.init(modulus: n, expectedBits: expectedBits)
    }

    /// Bytes in a ciphertext's value field: ⌈bits(N²)/8⌉.
    var ciphertextWidth: Int { (modulusSquared.bitLength + 7) / 8 }
}

extension PaillierCiphertext {
    /// The fixed-width encoding under `publicKey` (the value must be below N², as every ciphertext
    /// made or validated by that key is).
    public func encoded(for publicKey: PaillierPublicKey) -> [UInt8] {
        let value = try! self.value.bigEndianBytes(width: publicKey.ciphertextWidth)
        return [WireTag.ciphertext.rawValue, currentEncodingVersion] + value
    }

    /// Decodes and validates a peer's ciphertext under `publicKey`.
    /// - Throws: `.malformedEncoding`, `.unsupportedVersion`, `.ciphertextOutOfRange`, `.ciphertextNotCoprime`.
    public init(encoding: some Collection<UInt8>, for publicKey: PaillierPublicKey) throws(PaillierError) {
        let what = "Paillier ciphertext"
        var reader = WireReader(encoding)
        try reader.header(.ciphertext, what: what)
        let value = BigInt(magnitudeBytes: try reader.take(publicKey.ciphertextWidth, what: what))
        try reader.finish(what: what)
        self.init(value: value)
        try publicKey.validate(self)
    }
}

extension RingPedersenParameters {
    public func encoded() -> [UInt8] {
        let n = modulus.magnitudeBytes()
        return [WireTag.ringPedersen.rawValue, currentEncodingVersion] + lengthField(n.count) + n
            + (try! s.bigEndianBytes(width: n.count)) + (try! t.bigEndianBytes(width: n.count))
    }

    /// Decodes and validates a peer's parameters (see `init(modulus:s:t:expectedBits:)`).
    /// - Throws: `.malformedEncoding`, `.unsupportedVersion`, or a validation error.
    public init(encoding: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        let what = "ring-Pedersen parameters"
        var reader = WireReader(encoding)
        try reader.header(.ringPedersen, what: what)
        let length = try reader.length(what: what)
        let n = try reader.modulus(length, what: what)
        let s = BigInt(magnitudeBytes: try reader.take(length, what: what))
        let t = BigInt(magnitudeBytes: try reader.take(length, what: what))
        try reader.finish(what: what)
        try self.init(modulus: n, s: s, t: t, expectedBits: expectedBits)
    }
}
