/// The 32-byte message digest that ECDSA signs (the "prehash").
public struct Prehash: Sendable, Hashable {
    /// The digest: exactly 32 bytes.
    public let rawRepresentation: [UInt8]

    /// A prehash from a digest.
    /// - Throws: ``SignatureError/wrongLength(expected:actual:)`` unless `rawRepresentation` has
    ///   exactly 32 bytes.
    public init(rawRepresentation: some Collection<UInt8>) throws(SignatureError) {
        guard rawRepresentation.count == 32 else {
            throw .wrongLength(expected: 32, actual: rawRepresentation.count)
        }
        self.rawRepresentation = Array(rawRepresentation)
    }

    /// The digest as ECDSA uses it: the 256-bit big-endian value reduced mod n.
    public var scalar: Scalar { Scalar(reducing: rawRepresentation) }
}
