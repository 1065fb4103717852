/// How a message is distributed in its round.
public enum MessageKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Sent to every other party; afterwards every party echoes what it received (see
    /// `EchoRound`), so a sender cannot show different contents to different parties.
    case echoBroadcast = 1
    /// Sent to every other party with no consistency check.
    case broadcast = 2
    /// Sent to one party.
    case direct = 3
    /// A party's echo of the echo-broadcasts it received in a round.
    case echo = 4

    public var description: String {
        switch self {
        case .echoBroadcast: "echo-broadcast"
        case .broadcast: "broadcast"
        case .direct: "direct"
        case .echo: "echo"
        }
    }
}

/// One protocol message, signed by its sender's identity key over everything else it carries.
///
/// The session id, protocol tag, round and kind are signed with the payload, so a message cannot
/// be replayed into another session, protocol or round, and a signed message is evidence a third
/// party can check. Encoding (version 1), all integers big-endian:
/// `version(1) ‖ len32 ‖ sessionID ‖ len32 ‖ protocolTag(UTF-8) ‖ round(u16) ‖ kind(u8) ‖
/// sender(32) ‖ hasRecipient(u8) ‖ [recipient(32)] ‖ len32 ‖ payload ‖ len32 ‖ signature`.
/// The signature covers `"swift-tss/CGGMP/signed-message/v1" ‖` the encoding up to the payload.
public struct SignedMessage: Sendable, Hashable {
    public let sessionID: [UInt8]
    public let protocolTag: String
    public let round: Int
    public let kind: MessageKind
    public let sender: PartyID
    /// The addressee of a direct message; nil for broadcasts and echoes.
    public let recipient: PartyID?
    public let payload: [UInt8]
    public let signature: [UInt8]

    public static let formatVersion: UInt8 = 1
    static let signatureDomain = Array("swift-tss/CGGMP/signed-message/v1".utf8)
    /// A session id, tag or payload longer than this is rejected before it is read.
    public static let maximumFieldLength = 1 << 26

    /// Signs a new message.
    public init(sessionID: [UInt8], protocolTag: String, round: Int, kind: MessageKind,
                recipient: PartyID?, payload: [UInt8], signer: some IdentitySigner) {
        precondition((0...Int(UInt16.max)).contains(round), "round number out of range")
        precondition((kind == .direct) == (recipient != nil), "only direct messages have a recipient")
        let unsigned = SignedMessage(sessionID: sessionID, protocolTag: protocolTag, round: round, kind: kind,
                                     sender: signer.partyID, recipient: recipient, payload: payload, signature: [])
        self = unsigned.replacingSignature(signer.sign(unsigned.signedBytes))
    }

    private init(sessionID: [UInt8], protocolTag: String, round: Int, kind: MessageKind, sender: PartyID,
                 recipient: PartyID?, payload: [UInt8], signature: [UInt8]) {
        self.sessionID = sessionID
        self.protocolTag = protocolTag
        self.round = round
        self.kind = kind
        self.sender = sender
        self.recipient = recipient
        self.payload = payload
        self.signature = signature
    }

    /// A copy with another signature (for tests that forge messages).
    public func replacingSignature(_ signature: [UInt8]) -> SignedMessage {
        SignedMessage(sessionID: sessionID, protocolTag: protocolTag, round: round, kind: kind, sender: sender,
                      recipient: recipient, payload: payload, signature: signature)
    }

    /// The same envelope with another payload, signed by `signer` (for misbehaviour tests, and for
    /// the simulation's hooks).
    public func replacingPayload(_ payload: [UInt8], signer: some IdentitySigner) -> SignedMessage {
        SignedMessage(sessionID: sessionID, protocolTag: protocolTag, round: round, kind: kind,
                      recipient: recipient, payload: payload, signer: signer)
    }

    /// Whether the signature is the sender's signature of the rest.
    public func hasValidSignature(_ verifier: some IdentitySignatureVerifier) -> Bool {
        verifier.isValidSignature(signature, of: signedBytes, by: sender)
    }

    /// Everything except the signature, as signed.
    var signedBytes: [UInt8] { Self.signatureDomain + unsignedEncoding }

    /// True when both messages claim the same slot (session, protocol, round, kind, sender,
    /// recipient): an honest sender signs one message per slot.
    func occupiesSameSlot(as other: SignedMessage) -> Bool {
        sessionID == other.sessionID && protocolTag == other.protocolTag && round == other.round
            && kind == other.kind && sender == other.sender && recipient == other.recipient
    }

    // MARK: Encoding

    private var unsignedEncoding: [UInt8] {
        var out: [UInt8] = [Self.formatVersion]
        Self.appendLengthPrefixed(sessionID, to: &out)
        Self.appendLengthPrefixed(Array(protocolTag.utf8), to: &out)
        out += [UInt8(truncatingIfNeeded: round >> 8), UInt8(truncatingIfNeeded: round)]
        out.append(kind.rawValue)
        out += sender.bytes
        if let recipient {
            out.append(1)
            out += recipient.bytes
        } else {
            out.append(0)
        }
        Self.appendLengthPrefixed(payload, to: &out)
        return out
    }

    /// The versioned encoding.
    public var encoded: [UInt8] {
        var out = unsignedEncoding
        Self.appendLengthPrefixed(signature, to: &out)
        return out
    }

    /// Decodes `encoded` output. Does not check the signature (see `hasValidSignature`).
    public init(encoded bytes: [UInt8]) throws(MessageDecodingError) {
        var reader = ByteReader(bytes)
        let version = try reader.byte("version")
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        let sessionID = try reader.lengthPrefixed("session id")
        guard let protocolTag = String(validating: try reader.lengthPrefixed("protocol tag"), as: UTF8.self) else {
            throw .malformed("protocol tag is not UTF-8")
        }
        let round = Int(try reader.byte("round")) << 8 | Int(try reader.byte("round"))
        let kindByte = try reader.byte("kind")
        guard let kind = MessageKind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        let sender = try PartyID(bytes: try reader.fixed("sender", count: PartyID.byteCount))
        let recipient: PartyID?
        switch try reader.byte("recipient flag") {
        case 0: recipient = nil
        case 1: recipient = try PartyID(bytes: try reader.fixed("recipient", count: PartyID.byteCount))
        case let flag: throw .malformed("recipient flag \(flag)")
        }
        guard (kind == .direct) == (recipient != nil) else {
            throw .malformed("a \(kind) message \(recipient == nil ? "lacks" : "has") a recipient")
        }
        let payload = try reader.lengthPrefixed("payload")
        let signature = try reader.lengthPrefixed("signature")
        guard reader.remaining == 0 else { throw .malformed("\(reader.remaining) trailing bytes") }
        self.init(sessionID: sessionID, protocolTag: protocolTag, round: round, kind: kind, sender: sender,
                  recipient: recipient, payload: payload, signature: signature)
    }

    static func appendLengthPrefixed(_ value: [UInt8], to out: inout [UInt8]) {
        precondition(value.count <= maximumFieldLength, "message field too long")
        let count = UInt32(value.count)
        out += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
        out += value
    }
}

extension SignedMessage: CustomStringConvertible {
    public var description: String {
        "SignedMessage(\(protocolTag) round \(round) \(kind) from \(sender)"
            + (recipient.map { " to \($0)" } ?? "") + ", \(payload.count) payload bytes)"
    }
}

/// What was wrong with bytes offered as a message (or a party id).
public enum MessageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedVersion(UInt8)
    case truncated(field: String)
    case fieldTooLong(field: String, length: Int)
    case unknownKind(UInt8)
    case wrongPartyIDLength(Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version): "unsupported message encoding version \(version)"
        case .truncated(let field): "message truncated in \(field)"
        case .fieldTooLong(let field, let length): "\(field) length \(length) exceeds the limit or the input"
        case .unknownKind(let kind): "unknown message kind \(kind)"
        case .wrongPartyIDLength(let count): "party id must be 32 bytes, got \(count)"
        case .malformed(let what): "malformed message: \(what)"
        }
    }
}

/// A bounds-checked cursor for the session layer's small fixed layouts.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func fixed(_ field: String, count: Int) throws(MessageDecodingError) -> [UInt8] {
        guard count <= remaining else { throw .truncated(field: field) }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func byte(_ field: String) throws(MessageDecodingError) -> UInt8 {
        try fixed(field, count: 1)[0]
    }

    mutating func uint32(_ field: String) throws(MessageDecodingError) -> Int {
        let b = try fixed(field, count: 4)
        return Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
    }

    mutating func lengthPrefixed(_ field: String) throws(MessageDecodingError) -> [UInt8] {
        let length = try uint32(field)
        guard length <= remaining, length <= SignedMessage.maximumFieldLength else {
            throw .fieldTooLong(field: field, length: length)
        }
        return try fixed(field, count: length)
    }
}
