/// Why a byte string was refused, and which field of it: the one error every decoder in
/// swift-tss throws (or wraps), so a caller always learns *what* was wrong and *where*.
///
/// `field` names the field as the format describes it (for example `"Paillier public key/N"`),
/// never its value: a refused field may hold a secret.
public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong with the field.
    public enum Reason: Sendable, Hashable {
        /// The input ended before the field did.
        case truncated
        /// Bytes were left over after the last field.
        case trailingBytes(count: Int)
        /// The input does not start with this type's magic: it is some other type or no encoding.
        case wrongMagic
        /// The magic matched but the version is not one this library reads.
        case unsupportedVersion(UInt8)
        /// A length or count larger than the bytes that follow could hold.
        case lengthExceedsInput(Int)
        /// A second encoding of a value that has one canonical encoding (a leading zero byte, a
        /// flag byte other than 0 or 1, a negative zero, an unsorted list).
        case nonCanonical(String)
        /// Well-formed bytes whose value the type refuses (out of range, not on the curve,
        /// not coprime, inconsistent with another field).
        case invalidValue(String)
    }

    /// The field that was refused.
    public let field: String
    /// What was wrong with it.
    public let reason: Reason

    /// An error about `field` (the format's name for it, never its value). Never fails.
    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }

    /// `"<field>: <reason>"` in English; never the refused bytes.
    public var description: String {
        switch reason {
        case .truncated: "\(field): truncated"
        case .trailingBytes(let count): "\(field): \(count) trailing byte\(count == 1 ? "" : "s")"
        case .wrongMagic: "\(field): wrong magic (not this type of encoding)"
        case .unsupportedVersion(let version): "\(field): unsupported version \(version)"
        case .lengthExceedsInput(let length): "\(field): length \(length) exceeds the input"
        case .nonCanonical(let what): "\(field): non-canonical encoding (\(what))"
        case .invalidValue(let what): "\(field): \(what)"
        }
    }
}
