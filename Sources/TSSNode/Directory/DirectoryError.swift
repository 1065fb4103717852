/// Why a directory file was refused. Each case names the field (a JSON path such as
/// `members[1].channel_key`); none carries a secret (a directory holds none).
public enum DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not a JSON document of the expected shape at the top level.
    case malformedJSON(String)
    /// A required field is absent.
    case missingField(String)
    /// A field the format does not define (a typo, or a newer format).
    case unknownField(String)
    /// A field has the wrong type or an invalid value; the reason says which.
    case invalidField(String, reason: String)

    /// The field, when the error is about one.
    public var field: String? {
        switch self {
        case .missingField(let field), .unknownField(let field), .invalidField(let field, _): field
        case .unreadable, .malformedJSON: nil
        }
    }

    /// A one-line explanation naming the field.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read directory \(path): \(reason)"
        case .malformedJSON(let reason): "directory is not valid JSON: \(reason)"
        case .missingField(let field): "directory: missing field \(field)"
        case .unknownField(let field): "directory: unknown field \(field)"
        case .invalidField(let field, let reason): "directory: \(field): \(reason)"
        }
    }
}
