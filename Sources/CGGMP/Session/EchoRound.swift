import Bytes

/// The echo step that follows every round with echo-broadcasts.
///
/// Each party sends everyone the committee's signed echo-broadcasts of the round as it received
/// them (its own included), in committee order. A receiver compares each with its own copy: a
/// difference is two messages the same sender signed for one slot, which proves equivocation to
/// anyone. An echo that is malformed or holds a message not signed by the committee member it
/// names is the echoing party's fault (its own signature on the echo proves it).
///
/// Payload: `count(u32) ‖ (len32 ‖ SignedMessage.encoded)*`.
enum EchoRound {
    static func payload(_ messages: [SignedMessage]) -> [UInt8] {
        var writer = ByteWriter()
        writer.appendCount(messages.count)
        for message in messages { SignedMessage.appendField(message.encoded, to: &writer) }
        return writer.bytes
    }

    static func entries(of echo: SignedMessage) throws(MessageDecodingError) -> [SignedMessage] {
        do throws(DecodingError) {
            var reader = ByteReader(echo.payload)
            // Each entry takes at least 4 bytes, so an impossible count is refused before allocating.
            let count = try reader.readCount("echo count", minimumElementSize: 4)
            var entries: [SignedMessage] = []
            for index in 0..<count {
                let field = "echo entry \(index)"
                let bytes = try SignedMessage.readField(&reader, field)
                do { entries.append(try SignedMessage(decoding: bytes)) } catch { throw error.nested(in: field) }
            }
            try reader.finish("echo")
            return entries
        } catch {
            throw .malformed(error)
        }
    }

    /// What is wrong with `echo` on its own (nil when it is well-formed): every committee member's
    /// echo-broadcast for the echo's round, validly signed, in committee order.
    static func problem(in echo: SignedMessage, publicData: SessionPublicData,
                        verifier: some IdentitySignatureVerifier) -> String? {
        let entries: [SignedMessage]
        do { entries = try Self.entries(of: echo) } catch { return "\(error)" }
        guard entries.count == publicData.committee.count else {
            return "\(entries.count) entries for a committee of \(publicData.committee.count)"
        }
        for (entry, member) in zip(entries, publicData.committee) {
            guard entry.sender == member else { return "entries are not in committee order" }
            guard entry.sessionID == publicData.sessionID, entry.protocolTag == publicData.protocolTag,
                  entry.round == echo.round, entry.kind == .echoBroadcast else {
                return "the entry of \(member) is not its echo-broadcast of this round"
            }
            guard entry.hasValidSignature(verifier) else { return "the entry of \(member) is not signed by it" }
        }
        return nil
    }
}
