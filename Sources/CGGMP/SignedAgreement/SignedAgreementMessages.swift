import Bytes

/// Round 1's echo-broadcast payload: a sender's value, length-prefixed (`len32 ‖ value`); a
/// receiver that is not a sender sends an empty payload.
enum SignedAgreementPayload {
    static func encode(_ value: [UInt8]?) -> [UInt8] {
        guard let value else { return [] }
        var writer = ByteWriter()
        writer.write("value", bytes: value)
        return writer.bytes
    }

    static func decode(_ payload: [UInt8]) throws(DecodingError) -> [UInt8] {
        var reader = ByteReader(payload)
        let value = try reader.readLengthPrefixed("value")
        try reader.finish("payload")
        return value
    }
}
