/// The 32-byte message digest that ECDSA signs (the "prehash").
public struct Prehash: Sendable, Hashable {
    /// Exactly 32 bytes.
    public let bytes: [UInt8]

    /// A prehash from a digest.
    /// - Throws: ``SignatureError/wrongLength(expected:actual:)`` unless `bytes` has exactly 32 bytes.
    public init(bytes: some Collection<UInt8>) throws(SignatureError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        self.bytes = Array(bytes)
    }

    /// The digest as ECDSA uses it: the 256-bit big-endian value reduced mod n.
    public var scalar: Scalar { Scalar(reducing: bytes) }
}
