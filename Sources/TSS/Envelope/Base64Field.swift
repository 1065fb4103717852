import Foundation

/// Strict base64 for envelope fields: standard alphabet, padded, and canonical (re-encoding gives
/// the same text), so one value has exactly one encoding.
enum Base64Field {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// The bytes of `text`, or nil when it is not canonical padded base64 of `expectedCount`
    /// bytes (any count when nil).
    static func decode(_ text: String, expectedCount: Int? = nil) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        if let expectedCount, data.count != expectedCount { return nil }
        return Array(data)
    }
}
