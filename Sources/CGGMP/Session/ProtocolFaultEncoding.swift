import Bytes

// A versioned encoding of `ProtocolFault` (with its evidence), so a server can file a fault in a
// report and anyone can decode it and re-run `Evidence.verify` (docs/flows.md, "Fault reports").
//
// Layout: "TSSFLT", version 2 (`EncodingHeader.protocolFault`), then wire fields: culprit, round,
// the reason (a tag and its strings; a violation: rule and detail), and every evidence message in
// `SignedMessage.encoded` form, offending message first. Version 1 also listed "supporting message slots"; evidence is now
// exactly the messages the check read, so version 1 reports are refused.

extension ProtocolFault: VersionedEncoding {
    public static var encodingHeader: EncodingHeader { .protocolFault }

    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.write("culprit", bytes: culprit.rawRepresentation)
        writer.appendCount(round)
        FaultReasonCoding.write(reason, to: &writer)
        writer.appendCount(evidence.messages.count)
        for message in evidence.messages { writer.write("message", bytes: message.encoded) }
        return writer.bytes
    }

    /// Decodes `encoded` output. Checks the structure only: whether the evidence proves the
    /// fault is `evidence.verify(…)`'s question.
    public init(encoded bytes: [UInt8]) throws(FaultDecodingError) {
        try self.init(reading: ReportEncoding.open(bytes, header: Self.encodingHeader))
    }

    private init(reading reader: consuming ByteReader) throws(FaultDecodingError) {
        do throws(DecodingError) {
            let culprit = try reader.readPartyID("culprit")
            let round = try reader.readInteger("round")
            let reason = try FaultReasonCoding.read(&reader)
            let count = try reader.readCount("messages", minimumElementSize: 4)
            var messages: [SignedMessage] = []
            for index in 0..<count {
                let field = "message \(index)"
                let bytes = try reader.readLengthPrefixed(field)
                do { messages.append(try SignedMessage(decoding: bytes)) } catch { throw error.nested(in: field) }
            }
            try reader.finish(Self.encodingHeader.name)
            self.init(culprit: culprit, round: round, reason: reason,
                      evidence: Evidence(culprit: culprit, round: round, reason: reason, messages: messages))
        } catch {
            throw .malformed(error)
        }
    }
}

private enum FaultReasonCoding {
    static func write(_ reason: FaultReason, to writer: inout ByteWriter) {
        func tag(_ value: Int) { writer.appendCount(value) }
        func text(_ name: String, _ value: String) { writer.write(name, bytes: Array(value.utf8)) }
        switch reason {
        case .invalidSignature: tag(0)
        case .wrongSession: tag(1)
        case .senderMismatch: tag(2)
        case .unexpectedMessage(let what): tag(3); text("what", what)
        case .duplicateMessage: tag(4)
        case .equivocation: tag(5)
        case .invalidEcho(let what): tag(6); text("what", what)
        case .violation(let violation):
            tag(7)
            text("rule", violation.rule)
            text("detail", violation.detail)
        }
    }

    static func read(_ reader: inout ByteReader) throws(DecodingError) -> FaultReason {
        switch try reader.readInteger("reason") {
        case 0: return .invalidSignature
        case 1: return .wrongSession
        case 2: return .senderMismatch
        case 3: return .unexpectedMessage(try reader.readString("what"))
        case 4: return .duplicateMessage
        case 5: return .equivocation
        case 6: return .invalidEcho(try reader.readString("what"))
        case 7:
            let rule = try reader.readString("rule"), detail = try reader.readString("detail")
            return .violation(RoundViolation(rule: rule, detail: detail))
        case let other:
            throw DecodingError(field: "reason", reason: .invalidValue("unknown fault reason \(other)"))
        }
    }
}

/// Why bytes offered as a fault report (or a fault check context) could not be decoded.
public enum FaultDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not this report's encoding; the error names the field (a nested message's
    /// field as `message i/field`).
    case malformed(DecodingError)

    /// The decoding error, prefixed with what was being decoded.
    public var description: String {
        switch self {
        case .malformed(let error): "malformed fault report: \(error)"
        }
    }
}

/// The framing the report encodings share (`ProtocolFault`, `FaultCheckContext`, TSS's `FlowFault`):
/// `magic ‖ version ‖ wire fields` (a `VersionedEncoding` header), the session's public data as
/// fields, and party lists, which are written sorted and read only in that order, so each value
/// has one encoding.
public enum ReportEncoding {
    /// A reader over the fields of `bytes` after checking `header`'s magic and version.
    /// - Throws: `.malformed` with the header's `DecodingError` (`.wrongMagic`, `.unsupportedVersion`,
    ///   `.truncated`).
    public static func open(_ bytes: [UInt8], header: EncodingHeader) throws(FaultDecodingError) -> ByteReader {
        do throws(DecodingError) { return try ByteReader(bytes, header: header) } catch { throw .malformed(error) }
    }

    /// Session id, protocol tag and committee.
    public static func write(_ publicData: SessionPublicData, to writer: inout ByteWriter) {
        writer.write("session", bytes: publicData.sessionID)
        writer.write("protocol", bytes: Array(publicData.protocolTag.utf8))
        writeParties(publicData.committee, to: &writer)
    }

    /// Reads `write(_:to:)`'s fields.
    /// - Throws: `.invalidValue` (field "parties") for a committee `SessionPublicData` refuses.
    public static func readPublicData(_ reader: inout ByteReader) throws(DecodingError) -> SessionPublicData {
        let sessionID = try reader.readLengthPrefixed("session")
        let tag = try reader.readString("protocol")
        let committee = try readSortedParties(&reader)
        do {
            return try SessionPublicData(sessionID: sessionID, protocolTag: tag, committee: committee)
        } catch {
            throw DecodingError(field: "parties", reason: .invalidValue("\(error)"))
        }
    }

    /// Writes a party list as a count and the parties' key bytes, in the given order; callers pass
    /// sorted lists, since `readSortedParties(_:)` refuses any other order. Never fails.
    static func writeParties(_ parties: [PartyID], to writer: inout ByteWriter) {
        writer.appendCount(parties.count)
        for party in parties { writer.write("party", bytes: party.rawRepresentation) }
    }

    /// A party list in strictly increasing order (the order every list here is written in).
    static func readSortedParties(_ reader: inout ByteReader) throws(DecodingError) -> [PartyID] {
        let count = try reader.readCount("parties", minimumElementSize: 4 + PartyID.byteCount)
        var parties: [PartyID] = []
        for _ in 0..<count {
            let party = try reader.readPartyID("party")
            if let last = parties.last, !(last < party) {
                throw DecodingError(field: "party", reason: .nonCanonical("parties not in strictly increasing order"))
            }
            parties.append(party)
        }
        return parties
    }
}
