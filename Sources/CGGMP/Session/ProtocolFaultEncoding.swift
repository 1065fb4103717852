// A versioned encoding of `ProtocolFault` (with its evidence), so a server can file a fault in a
// report and anyone can decode it and re-run `Evidence.verify` (docs/flows.md, "Fault reports").
//
// Layout: "TSSFLT", version 2, then wire fields: culprit, round, the reason (a tag and its
// strings; a violation: rule and detail), and every evidence message in `SignedMessage.encoded`
// form, offending message first. Version 1 also listed "supporting message slots"; evidence is now
// exactly the messages the check read, so version 1 reports are refused.

extension ProtocolFault {
    static let magic: [UInt8] = Array("TSSFLT".utf8)
    public static let encodingVersion: UInt8 = 2

    public func encoded() -> [UInt8] {
        var writer = WireWriter()
        writer.write("culprit", bytes: culprit.bytes)
        writer.writeCount(round)
        FaultReasonCoding.write(reason, to: &writer)
        writer.writeCount(evidence.messages.count)
        for message in evidence.messages { writer.write("message", bytes: message.encoded) }
        return Self.magic + [Self.encodingVersion] + writer.bytes
    }

    /// Decodes `encoded()` output. Checks the structure only: whether the evidence proves the
    /// fault is `evidence.verify(…)`'s question.
    public init(encoded bytes: [UInt8]) throws(FaultDecodingError) {
        var reader = try ReportEncoding.open(bytes, magic: Self.magic, version: Self.encodingVersion, what: "ProtocolFault")
        do {
            let culprit = try FaultReasonCoding.party(&reader, "culprit")
            let round = try reader.readInteger("round")
            let reason = try FaultReasonCoding.read(&reader)
            let count = try reader.readCount("messages", minimumElementSize: 4)
            var messages: [SignedMessage] = []
            for _ in 0..<count { messages.append(try SignedMessage(encoded: try reader.readBytes("message"))) }
            try reader.finish()
            self.init(culprit: culprit, round: round, reason: reason,
                      evidence: Evidence(culprit: culprit, round: round, reason: reason, messages: messages))
        } catch let error as FaultDecodingError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }
}

private enum FaultReasonCoding {
    static func write(_ reason: FaultReason, to writer: inout WireWriter) {
        func tag(_ value: Int) { writer.writeCount(value) }
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

    static func read(_ reader: inout WireReader) throws -> FaultReason {
        func text(_ name: String) throws -> String {
            guard let value = String(validating: try reader.readBytes(name), as: UTF8.self) else {
                throw FaultDecodingError.malformed("\(name) is not UTF-8")
            }
            return value
        }
        switch try reader.readInteger("reason") {
        case 0: return .invalidSignature
        case 1: return .wrongSession
        case 2: return .senderMismatch
        case 3: return .unexpectedMessage(try text("what"))
        case 4: return .duplicateMessage
        case 5: return .equivocation
        case 6: return .invalidEcho(try text("what"))
        case 7:
            let rule = try text("rule"), detail = try text("detail")
            return .violation(RoundViolation(rule: rule, detail: detail))
        case let other:
            throw FaultDecodingError.malformed("unknown fault reason \(other)")
        }
    }

    static func party(_ reader: inout WireReader, _ name: String) throws -> PartyID {
        do { return try PartyID(bytes: try reader.readBytes(name)) }
        catch { throw FaultDecodingError.malformed("\(name): \(error)") }
    }
}

/// Why bytes offered as a fault report could not be decoded.
public enum FaultDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion(UInt8)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed fault report: \(what)"
        case .unsupportedVersion(let version): "unsupported fault report version \(version)"
        }
    }
}

/// The framing the report encodings share (`ProtocolFault`, `FaultCheckContext`, TSS's `FlowFault`):
/// `magic ‖ version ‖ wire fields`, the session's public data as fields, and party lists, which are
/// written sorted and read only in that order, so each value has one encoding.
public enum ReportEncoding {
    /// A reader over the fields of `bytes` after checking its magic and version.
    /// - Throws: `.malformed` (not this encoding, naming `what`), `.unsupportedVersion`.
    public static func open(_ bytes: [UInt8], magic: [UInt8], version: UInt8,
                            what: String) throws(FaultDecodingError) -> WireReader {
        guard bytes.count > magic.count, Array(bytes.prefix(magic.count)) == magic else {
            throw .malformed("not a \(what) encoding")
        }
        guard bytes[magic.count] == version else { throw .unsupportedVersion(bytes[magic.count]) }
        return WireReader(Array(bytes.dropFirst(magic.count + 1)))
    }

    /// Session id, protocol tag and committee.
    public static func write(_ publicData: SessionPublicData, to writer: inout WireWriter) {
        writer.write("session", bytes: publicData.sessionID)
        writer.write("protocol", bytes: Array(publicData.protocolTag.utf8))
        writeParties(publicData.committee, to: &writer)
    }

    /// Reads `write(_:to:)`'s fields.
    public static func readPublicData(_ reader: inout WireReader) throws -> SessionPublicData {
        let sessionID = try reader.readBytes("session")
        guard let tag = String(validating: try reader.readBytes("protocol"), as: UTF8.self) else {
            throw FaultDecodingError.malformed("protocol tag is not UTF-8")
        }
        return try SessionPublicData(sessionID: sessionID, protocolTag: tag, committee: readSortedParties(&reader))
    }

    public static func writeParties(_ parties: [PartyID], to writer: inout WireWriter) {
        writer.writeCount(parties.count)
        for party in parties { writer.write("party", bytes: party.bytes) }
    }

    /// A party list in strictly increasing order (the order every list here is written in).
    public static func readSortedParties(_ reader: inout WireReader) throws -> [PartyID] {
        let count = try reader.readCount("parties", minimumElementSize: 4 + PartyID.byteCount)
        var parties: [PartyID] = []
        for _ in 0..<count {
            let party = try PartyID(bytes: try reader.readBytes("party"))
            if let last = parties.last, !(last < party) {
                throw FaultDecodingError.malformed("parties not in strictly increasing order")
            }
            parties.append(party)
        }
        return parties
    }
}
