import Bytes

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

    /// The kind's wire-independent name ("echo-broadcast", …).
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
/// party can check. Encoding (`EncodingHeader.signedMessage`: version 1, no magic), all integers
/// big-endian:
/// `version(1) ‖ len32 ‖ sessionID ‖ len32 ‖ protocolTag(UTF-8) ‖ round(u16) ‖ kind(u8) ‖
/// sender(32) ‖ hasRecipient(u8) ‖ [recipient(32)] ‖ len32 ‖ payload ‖ len32 ‖ signature`.
/// The signature covers `DomainSeparation.signedMessage ‖` the encoding up to the payload.
public struct SignedMessage: Sendable, Hashable, VersionedEncoding {
    /// The session id (signed).
    public let sessionID: [UInt8]
    /// The protocol tag (signed).
    public let protocolTag: String
    /// The round number, from 1 (signed; a u16 on the wire).
    public let round: Int
    /// How the message is distributed (signed).
    public let kind: MessageKind
    /// The signing party (signed; its key verifies `signature`).
    public let sender: PartyID
    /// The addressee of a direct message; nil for broadcasts and echoes.
    public let recipient: PartyID?
    /// The round's payload for this kind (signed); the round's check decodes it.
    public let payload: [UInt8]
    /// The sender's identity signature over everything above.
    public let signature: [UInt8]

    /// Version 1, no magic (messages are framed by the transport).
    public static var encodingHeader: EncodingHeader { .signedMessage }
    static let signatureDomain = Array(DomainSeparation.signedMessage.utf8)
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
        var writer = ByteWriter(header: Self.encodingHeader)
        Self.appendField(sessionID, to: &writer)
        Self.appendField(Array(protocolTag.utf8), to: &writer)
        writer.appendUInt16(UInt16(round))
        writer.append(kind.rawValue)
        writer.append(fixed: sender.rawRepresentation)
        if let recipient {
            writer.append(1)
            writer.append(fixed: recipient.rawRepresentation)
        } else {
            writer.append(0)
        }
        Self.appendField(payload, to: &writer)
        return writer.bytes
    }

    /// The versioned encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.append(fixed: unsignedEncoding)
        Self.appendField(signature, to: &writer)
        return writer.bytes
    }

    /// Decodes `encoded` output. Does not check the signature (see `hasValidSignature`).
    /// - Throws: `.malformed` with the field that was refused.
    public init(encoded bytes: [UInt8]) throws(MessageDecodingError) {
        do throws(DecodingError) { try self.init(decoding: bytes) } catch { throw .malformed(error) }
    }

    /// `init(encoded:)` for an encoding nested in another (a fault report, a journal, an echo),
    /// whose decoder reports the field path.
    init(decoding bytes: [UInt8]) throws(DecodingError) {
        var reader = try ByteReader(bytes, header: Self.encodingHeader)
        let sessionID = try Self.readField(&reader, "session id")
        guard let protocolTag = String(validating: try Self.readField(&reader, "protocol tag"), as: UTF8.self) else {
            throw DecodingError(field: "protocol tag", reason: .invalidValue("not UTF-8"))
        }
        let round = Int(try reader.readUInt16("round"))
        let kindByte = try reader.readByte("kind")
        guard let kind = MessageKind(rawValue: kindByte) else {
            throw DecodingError(field: "kind", reason: .invalidValue("unknown message kind \(kindByte)"))
        }
        let sender = try PartyID(field: "sender", rawRepresentation: try reader.readFixed("sender", count: PartyID.byteCount))
        let recipient: PartyID?
        if try reader.readBool("recipient flag") {
            recipient = try PartyID(field: "recipient", rawRepresentation: try reader.readFixed("recipient", count: PartyID.byteCount))
        } else {
            recipient = nil
        }
        guard (kind == .direct) == (recipient != nil) else {
            throw DecodingError(field: "recipient flag",
                                reason: .invalidValue("a \(kind) message \(recipient == nil ? "lacks" : "has") a recipient"))
        }
        let payload = try Self.readField(&reader, "payload")
        let signature = try Self.readField(&reader, "signature")
        try reader.finish(Self.encodingHeader.name)
        self.init(sessionID: sessionID, protocolTag: protocolTag, round: round, kind: kind, sender: sender,
                  recipient: recipient, payload: payload, signature: signature)
    }

    /// A length-prefixed field of at most `maximumFieldLength` bytes.
    static func appendField(_ value: [UInt8], to writer: inout ByteWriter) {
        precondition(value.count <= maximumFieldLength, "message field too long")
        writer.appendLengthPrefixed(value)
    }

    /// Reads an `appendField` field, refusing one longer than `maximumFieldLength`.
    static func readField(_ reader: inout ByteReader, _ name: String) throws(DecodingError) -> [UInt8] {
        let value = try reader.readLengthPrefixed(name)
        guard value.count <= maximumFieldLength else {
            throw DecodingError(field: name, reason: .invalidValue("longer than \(maximumFieldLength) bytes"))
        }
        return value
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
    /// The bytes are not a message encoding (or an echo payload); the error names the field.
    case malformed(DecodingError)
    /// `PartyID(rawRepresentation:)` was given other than 32 bytes.
    case wrongPartyIDLength(Int)

    /// The decoding error, prefixed with what was being decoded.
    public var description: String {
        switch self {
        case .malformed(let error): "malformed message: \(error)"
        case .wrongPartyIDLength(let count): "party id must be 32 bytes, got \(count)"
        }
    }
}
