/// Rejected parameters of the hash, MAC and KDF constructors.
public enum HashingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A MAC key longer than the function accepts.
    case keyTooLong(byteCount: Int, maximum: Int)
    /// A requested digest length outside what the function supports.
    case unsupportedDigestLength(byteCount: Int, supported: ClosedRange<Int>)
    /// HKDF-Expand asked for more than 255 × HashLen bytes.
    case outputTooLong(byteCount: Int, maximum: Int)
    /// A negative output length.
    case negativeOutputLength(byteCount: Int)
    /// HKDF-Expand given a pseudorandom key shorter than HashLen (RFC 5869 §2.3).
    case pseudoRandomKeyTooShort(byteCount: Int, minimum: Int)

    /// A one-line English description with the offending and allowed lengths.
    public var description: String {
        switch self {
        case let .keyTooLong(byteCount, maximum):
            "key of \(byteCount) bytes is longer than the maximum of \(maximum)"
        case let .unsupportedDigestLength(byteCount, supported):
            "digest length \(byteCount) is outside the supported \(supported.lowerBound)...\(supported.upperBound) bytes"
        case let .outputTooLong(byteCount, maximum):
            "requested output of \(byteCount) bytes exceeds the maximum of \(maximum)"
        case let .negativeOutputLength(byteCount):
            "requested output length \(byteCount) is negative"
        case let .pseudoRandomKeyTooShort(byteCount, minimum):
            "pseudorandom key of \(byteCount) bytes is shorter than the hash length \(minimum)"
        }
    }
}
