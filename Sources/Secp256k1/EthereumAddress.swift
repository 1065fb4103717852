import Hashing

/// A 20-byte Ethereum account address: the last 20 bytes of Keccak-256 of the 64-byte x‖y public
/// key.
public struct EthereumAddress: Sendable, Hashable {
    /// The address: exactly 20 bytes.
    public let rawRepresentation: [UInt8]

    /// The address of `publicKey`.
    /// - Throws: ``PointError/identity`` for the identity, which is no key.
    public init(publicKey: Point) throws(PointError) {
        guard !publicKey.isIdentity else { throw .identity }
        let uncompressed = publicKey.x963Representation
        rawRepresentation = Array(Keccak256.hash(uncompressed[1...]).suffix(20))
    }

    /// The EIP-55 mixed-case checksummed form, "0x" + 40 hex digits.
    public var checksummed: String {
        let lower = Array(rawRepresentation.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined().utf8)
        let digest = Keccak256.hash(lower)
        var out = "0x"
        for (i, character) in lower.enumerated() {
            let nibble = i % 2 == 0 ? digest[i / 2] >> 4 : digest[i / 2] & 0x0F
            let isLetter = character >= UInt8(ascii: "a")
            out.unicodeScalars.append(Unicode.Scalar(isLetter && nibble >= 8 ? character - 32 : character))
        }
        return out
    }
}

extension EthereumAddress: CustomStringConvertible {
    public var description: String { checksummed }
}
