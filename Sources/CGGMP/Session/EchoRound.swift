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
        var out: [UInt8] = []
        let count = UInt32(messages.count)
        out += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
        for message in messages { SignedMessage.appendLengthPrefixed(message.encoded, to: &out) }
        return out
    }

    static func entries(of echo: SignedMessage) throws(MessageDecodingError) -> [SignedMessage] {
        var reader = ByteReader(echo.payload)
        let count = try reader.uint32("echo count")
        // Each entry takes at least 4 bytes, so an impossible count is refused before allocating.
        guard count <= reader.remaining / 4 else { throw .malformed("echo count \(count) exceeds the payload") }
        var entries: [SignedMessage] = []
        for _ in 0..<count { entries.append(try SignedMessage(encoded: reader.lengthPrefixed("echo entry"))) }
        guard reader.remaining == 0 else { throw .malformed("\(reader.remaining) trailing bytes in echo") }
        return entries
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
