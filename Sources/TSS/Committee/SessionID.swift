import CGGMP

/// Identifies one protocol run, so that a message of one session is never accepted in another.
///
/// A domain-separated SHA-256 over the protocol kind, the sorted participants, the user, the block
/// number (epoch) and, for signing, the message hash; every field is length-prefixed
/// (docs/wire-formats.md, "Session ids"). Participants are sorted first, so every party derives
/// the same id whatever order it learnt the committee in.
public struct SessionID: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 32
    static let context = "swift-tss/session-id/v1"

    /// What the session runs. Signing carries the 32-byte hash being signed.
    public enum Kind: Sendable, Hashable {
        case keyGeneration
        case reshare
        case auxiliaryInfo
        case signing(messageHash: [UInt8])

        /// The label hashed into the id.
        var label: String {
            switch self {
            case .keyGeneration: "dkg"
            case .reshare: "reshare"
            case .auxiliaryInfo: "aux"
            case .signing: "sign"
            }
        }
    }

    public let bytes: [UInt8]

    /// Derives the id of a session.
    ///
    /// - Parameters:
    ///   - participants: every party of the session, in any order; duplicates are refused.
    ///   - user: the account the session acts for, as opaque bytes (e.g. a 32-byte account id).
    ///   - blockNumber: the block (or epoch) the session was requested at.
    /// - Throws: `.noParticipants`, `.duplicateParticipant`, `.wrongMessageHashLength`.
    public init(kind: Kind, participants: [PartyID], user: [UInt8], blockNumber: UInt64) throws(SessionIDError) {
        guard !participants.isEmpty else { throw .noParticipants }
        let sorted = participants.sorted()
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] {
            throw .duplicateParticipant(sorted[index])
        }
        var input = DomainSeparatedInput(context: Self.context)
        input.appendField(Array(kind.label.utf8))
        input.appendInteger(UInt64(sorted.count))
        for party in sorted { input.appendField(party.bytes) }
        input.appendField(user)
        input.appendInteger(blockNumber)
        if case .signing(let messageHash) = kind {
            guard messageHash.count == 32 else { throw .wrongMessageHashLength(messageHash.count) }
            input.appendField(messageHash)
        }
        bytes = input.sha256
    }

    /// An id received from elsewhere (e.g. a subscribe message).
    /// - Throws: `.wrongLength` unless `bytes` has 32 bytes.
    public init(bytes: [UInt8]) throws(SessionIDError) {
        guard bytes.count == Self.byteCount else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// Public (ids are not secret): the first four bytes in hex.
    public var description: String {
        "Session(" + bytes.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "…)"
    }
}

/// Why a session id could not be made.
public enum SessionIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case noParticipants
    case duplicateParticipant(PartyID)
    /// A signing session's message hash must be 32 bytes.
    case wrongMessageHashLength(Int)
    /// A session id must be 32 bytes.
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .noParticipants: "a session needs at least one participant"
        case .duplicateParticipant(let party): "participant \(party) is listed twice"
        case .wrongMessageHashLength(let n): "message hash must be 32 bytes, got \(n)"
        case .wrongLength(let n): "session id must be 32 bytes, got \(n)"
        }
    }
}
