/// What travels inside a peer channel's Noise plaintext (docs/deployment.md, "Peer channels"):
/// records of `kind (1 byte) ‖ body length (4 bytes, big-endian) ‖ body`.
///
/// The Noise layer carries a plaintext of any length as 65,519-byte chunks, one transport message
/// each, concatenated in one WebSocket binary frame; the record's length prefix lets a receiver
/// recover a message whatever the frames it arrived in (a sender here writes one record per frame,
/// but a record may be split over several frames, and a frame may hold several records).
enum PeerRecord: Sendable, Equatable {
    /// The responder's answer after a handshake it accepted (empty body); the initiator sends
    /// nothing before it.
    case accept
    /// One protocol message (a flow's `SignedMessage` encoding).
    case message([UInt8])

    static let acceptKind: UInt8 = 0x01
    static let messageKind: UInt8 = 0x02
    static let headerLength = 5

    /// The record's bytes.
    var encoded: [UInt8] {
        let (kind, body): (UInt8, [UInt8]) = switch self {
        case .accept: (Self.acceptKind, [])
        case .message(let bytes): (Self.messageKind, bytes)
        }
        let length = UInt32(body.count)
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.headerLength + body.count)
        bytes.append(kind)
        bytes.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        bytes.append(contentsOf: body)
        return bytes
    }
}

/// Why a peer's records were refused (the connection is then closed).
enum PeerRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A record kind this version does not know.
    case unknownKind(UInt8)
    /// An accept record with a body.
    case acceptWithBody
    /// A record longer than the transport's limit (the length announced).
    case tooLong(Int)

    var description: String {
        switch self {
        case .unknownKind(let kind): "unknown record kind \(kind)"
        case .acceptWithBody: "an accept record carried a body"
        case .tooLong(let length): "a record of \(length) bytes exceeds the limit"
        }
    }
}

/// Collects decrypted plaintext and cuts it into records; a partial record waits for more bytes.
/// Holds at most one record of `maxBodyLength` plus its header.
struct PeerRecordReassembler: Sendable {
    let maxBodyLength: Int
    private var buffer: [UInt8] = []

    init(maxBodyLength: Int) {
        self.maxBodyLength = maxBodyLength
    }

    /// Whether bytes of an unfinished record are waiting.
    var hasPartialRecord: Bool { !buffer.isEmpty }

    /// Appends `bytes` and returns the records now complete, in order.
    /// - Throws: ``PeerRecordError`` for an unknown kind, an accept with a body or an announced
    ///   length above `maxBodyLength` (checked from the header, before the body is buffered).
    mutating func append(_ bytes: [UInt8]) throws(PeerRecordError) -> [PeerRecord] {
        buffer.append(contentsOf: bytes)
        var records: [PeerRecord] = []
        var start = 0
        while buffer.count - start >= PeerRecord.headerLength {
            let kind = buffer[start]
            let length = buffer[(start + 1)..<(start + 5)].reduce(0) { $0 << 8 | Int($1) }
            switch kind {
            case PeerRecord.acceptKind: guard length == 0 else { throw .acceptWithBody }
            case PeerRecord.messageKind: guard length <= maxBodyLength else { throw .tooLong(length) }
            default: throw .unknownKind(kind)
            }
            let end = start + PeerRecord.headerLength + length
            guard buffer.count >= end else { break }
            records.append(kind == PeerRecord.acceptKind ? .accept : .message(Array(buffer[(start + 5)..<end])))
            start = end
        }
        buffer.removeFirst(start)
        return records
    }
}
