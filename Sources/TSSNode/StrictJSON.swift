import Foundation

/// A JSON object type whose decoding refuses members it does not define (``Strict``).
protocol StrictDecodable: Decodable {
    /// The member names the type defines.
    static var fieldNames: Set<String> { get }
}

/// Decodes `Value` after checking that the object has no member `Value` does not define: the
/// directory file and every request body are read through it, so a typo is an error, not a
/// silently ignored field.
struct Strict<Value: StrictDecodable>: Decodable {
    let value: Value

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if let unknown = container.allKeys.first(where: { !Value.fieldNames.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [unknown],
                                                    debugDescription: StrictJSON.unknownFieldMarker))
        }
        value = try Value(from: decoder)
    }
}

/// Any member name.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}

/// What went wrong decoding a JSON document, with the path of the field (`members[1].channel_key`).
struct JSONFieldProblem: Error, Sendable, Equatable {
    /// What kind of problem.
    enum Kind: Sendable, Equatable {
        case malformed, missing, unknown, invalid
    }

    let kind: Kind
    /// The JSON path ("" for the document itself).
    let field: String
    let reason: String
}

enum StrictJSON {
    static let unknownFieldMarker = "unknown field"

    /// Decodes `bytes` as a strict `Value`.
    static func decode<Value: StrictDecodable>(_: Value.Type, from bytes: some Collection<UInt8>) throws(JSONFieldProblem) -> Value {
        do {
            return try JSONDecoder().decode(Strict<Value>.self, from: Data(bytes)).value
        } catch let error as DecodingError {
            throw problem(error)
        } catch let error as JSONFieldProblem {
            throw error
        } catch {
            throw JSONFieldProblem(kind: .malformed, field: "", reason: "not a JSON document")
        }
    }

    /// The path of a coding path: `a.b[2].c`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    static func problem(_ error: DecodingError) -> JSONFieldProblem {
        switch error {
        case .keyNotFound(let key, let context):
            return JSONFieldProblem(kind: .missing, field: path(context.codingPath + [key]), reason: "missing")
        case .typeMismatch(let type, let context):
            return JSONFieldProblem(kind: context.codingPath.isEmpty ? .malformed : .invalid, field: path(context.codingPath),
                                    reason: "wrong type (expected \(typeName(type)))")
        case .valueNotFound(let type, let context):
            return JSONFieldProblem(kind: .invalid, field: path(context.codingPath), reason: "null (expected \(typeName(type)))")
        case .dataCorrupted(let context):
            if context.debugDescription == unknownFieldMarker {
                return JSONFieldProblem(kind: .unknown, field: path(context.codingPath), reason: "unknown field")
            }
            if context.codingPath.isEmpty {
                return JSONFieldProblem(kind: .malformed, field: "", reason: "not a JSON document of the expected shape")
            }
            return JSONFieldProblem(kind: .invalid, field: path(context.codingPath), reason: "invalid value")
        @unknown default:
            return JSONFieldProblem(kind: .malformed, field: "", reason: "not a JSON document")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is UInt64.Type, is Int64.Type, is UInt.Type: "integer"
        case is Bool.Type: "boolean"
        default:
            String(describing: type).contains("Array") ? "array" : (String(describing: type).contains("Dictionary") ? "object" : "object")
        }
    }
}

/// Lowercase or uppercase hex to bytes; nil for odd length or a non-hex character.
func decodeHex(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    result.reserveCapacity(utf8.count / 2)
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
    var index = 0
    while index < utf8.count {
        guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
        result.append(high << 4 | low)
        index += 2
    }
    return result
}
