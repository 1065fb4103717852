import Bytes
import CGGMP
import Hashing
import Synchronization

/// A server's flow recorded as the inputs that produced it, so a server that crashes mid-flow can
/// rebuild it and finish, byte-identical to an uninterrupted run (``JournaledFlow``).
///
/// Flows are pure and take their randomness as a parameter, so a flow's state is a function of its
/// entry inputs, the generator seed and the order of calls. The journal keeps the session ids the
/// flow claimed, the seed, an optional opaque *entry* (an input the caller cannot get back after a
/// crash, such as a presignature taken from its pool), and every call that changed the flow.
///
/// Once the flow produced its output the journal records `finished`, and the seed and entry are
/// wiped: a finished journal is never restored. A journal whose flow has a one-time output
/// (presigning or signing, see `SessionJournal.oneTimeProtocolTags`) is restored only by *taking* it
/// from a ``FlowJournalStore``, so one stored journal is restored at most once and a spent
/// presignature is never revived.
///
/// - Important: An unfinished journal holds the seed (every secret of the flow can be recomputed
///   from it) and the entry: store it encrypted (TSSStore), never log it. `description`, `dump`
///   and errors print neither.
///
/// Layout (`EncodingHeader.flowJournal`, version 1): `"TSSFJN" ‖ version ‖ lp(id) ‖ one-time flag ‖
/// u32 count ‖ lp(claimed session id)… ‖ seed flag [‖ 32-byte seed] ‖ entry flag [‖ lp(entry)] ‖
/// u32 event count ‖ events`, each event a tag byte then: 1 `madeMessages`: 32-byte digest; 2
/// `received`: lp(deliverer) ‖ lp(`SignedMessage.encoded`); 3 `advanced`; 4 `finished` (last, exactly
/// when neither seed nor entry is present). lp = u32 big-endian length ‖ bytes.
public struct FlowJournal: Sendable, Equatable, VersionedEncoding, CustomStringConvertible, CustomDebugStringConvertible,
                           CustomReflectable {
    /// `EncodingHeader.flowJournal`.
    public static var encodingHeader: EncodingHeader { .flowJournal }
    /// The length of the generator seed.
    public static let seedLength = 32

    /// One call that changed the flow.
    public enum Event: Sendable, Equatable {
        /// `makeMessages` ran; the digest binds the messages made, so a replay that makes
        /// different ones is detected.
        case madeMessages(digest: [UInt8])
        /// `receive` accepted or kept this message, delivered by `deliverer`.
        case received(SignedMessage, deliverer: PartyID)
        /// `advance` ran.
        case advanced
        /// The flow produced its output (always last; seed and entry are gone).
        case finished
    }

    /// The caller's name for the flow (public: it indexes the store).
    public let id: String
    /// Whether the flow's output is one-time (it runs presigning or signing).
    public let isOneTime: Bool
    /// The session ids the flow claimed when it started, in order.
    public let claimedSessionIDs: [SessionID]
    /// The generator seed; nil once finished. Secret.
    public private(set) var seed: SecretBytes?
    /// The caller's entry input; nil when none was given or once finished. Secret.
    public private(set) var entry: SecretBytes?
    /// Every recorded call, in order.
    public internal(set) var events: [Event]

    init(id: String, isOneTime: Bool, claimedSessionIDs: [SessionID], seed: SecretBytes?, entry: SecretBytes?,
         events: [Event] = []) {
        self.id = id
        self.isOneTime = isOneTime
        self.claimedSessionIDs = claimedSessionIDs
        self.seed = seed
        self.entry = entry
        self.events = events
    }

    /// Whether the flow produced its output; such a journal cannot be restored.
    public var isFinished: Bool { events.last == .finished }

    /// Records the end of the flow and drops (wipes) the seed and the entry.
    mutating func markFinished() {
        guard !isFinished else { return }
        events.append(.finished)
        seed = nil
        entry = nil
    }

    /// The digest a `madeMessages` event records: recipients and encoded messages, in order.
    static func digest(of messages: [OutgoingMessage]) -> [UInt8] {
        var hash = DomainSeparatedHash(domain: DomainSeparation.flowJournalMadeMessages)
        for item in messages {
            hash.append(UInt64(item.recipients.count))
            for recipient in item.recipients { hash.appendField(recipient.rawRepresentation) }
            hash.appendField(item.message.encoded)
        }
        return hash.sha256()
    }

    /// Id, event count and whether finished; never the seed or entry.
    public var description: String {
        "FlowJournal(\(id), \(events.count) events\(isFinished ? ", finished" : ""))"
    }
    /// The same as `description`.
    public var debugDescription: String { description }
    /// Only the public fields, so that `dump` prints no seed.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "events": events.count, "finished": isFinished], displayStyle: .struct)
    }

    // MARK: Encoding

    private enum EventTag: UInt8 { case madeMessages = 1, received = 2, advanced = 3, finished = 4 }

    /// The versioned binary form (secret while unfinished).
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.appendLengthPrefixed(Array(id.utf8))
        writer.append(isOneTime ? 1 : 0)
        writer.appendCount(claimedSessionIDs.count)
        for claimed in claimedSessionIDs { writer.appendLengthPrefixed(claimed.rawRepresentation) }
        if let seed {
            writer.append(1)
            seed.withUnsafeBytes { writer.append(fixed: Array($0)) }
        } else {
            writer.append(0)
        }
        if let entry {
            writer.append(1)
            entry.withUnsafeBytes { writer.appendLengthPrefixed(Array($0)) }
        } else {
            writer.append(0)
        }
        writer.appendCount(events.count)
        for event in events {
            switch event {
            case .madeMessages(let digest):
                writer.append(EventTag.madeMessages.rawValue)
                writer.append(fixed: digest)
            case .received(let message, let deliverer):
                writer.append(EventTag.received.rawValue)
                writer.appendLengthPrefixed(deliverer.rawRepresentation)
                writer.appendLengthPrefixed(message.encoded)
            case .advanced:
                writer.append(EventTag.advanced.rawValue)
            case .finished:
                writer.append(EventTag.finished.rawValue)
            }
        }
        return writer.bytes
    }

    /// Decodes a journal, refusing a wrong magic or version, truncation, unknown events, an
    /// undecodable message or party, `finished` anywhere but last, a seed that disagrees with it,
    /// and trailing bytes. (Whether the events replay is checked by ``JournaledFlow``.)
    /// - Throws: a `DecodingError` naming the field (a message's own field as `event i message/field`).
    public init(encoded bytes: [UInt8]) throws(DecodingError) {
        var reader = try ByteReader(bytes, header: Self.encodingHeader)
        let id = try reader.readString("id")
        let oneTime = try reader.readBool("one-time flag")
        var claimed: [SessionID] = []
        for index in 0..<(try reader.readCount("claimed session ids")) {
            let field = "claimed session id \(index)"
            let raw = try reader.readLengthPrefixed(field)
            guard let sessionID = try? SessionID(rawRepresentation: raw) else {
                throw DecodingError(field: field, reason: .invalidValue("not a session id"))
            }
            claimed.append(sessionID)
        }
        let seed = try reader.readBool("seed flag") ? SecretBytes(try reader.readFixed("seed", count: Self.seedLength)) : nil
        let entry = try reader.readBool("entry flag") ? SecretBytes(try reader.readLengthPrefixed("entry")) : nil
        let count = try reader.readCount("events")
        var events: [Event] = []
        for index in 0..<count {
            let tagField = "event \(index) tag"
            let tagByte = try reader.readByte(tagField)
            switch EventTag(rawValue: tagByte) {
            case .madeMessages:
                events.append(.madeMessages(digest: try reader.readFixed("event \(index) digest", count: 32)))
            case .received:
                let delivererField = "event \(index) deliverer"
                let partyBytes = try reader.readLengthPrefixed(delivererField)
                guard let deliverer = try? PartyID(rawRepresentation: partyBytes) else {
                    throw DecodingError(field: delivererField, reason: .invalidValue("not a party id"))
                }
                let field = "event \(index) message"
                let messageBytes = try reader.readLengthPrefixed(field)
                let message: SignedMessage
                do { message = try SignedMessage(encoded: messageBytes) } catch {
                    guard case .malformed(let inner) = error else {
                        throw DecodingError(field: field, reason: .invalidValue("\(error)"))
                    }
                    throw DecodingError(field: "\(field)/\(inner.field)", reason: inner.reason)
                }
                events.append(.received(message, deliverer: deliverer))
            case .advanced:
                events.append(.advanced)
            case .finished:
                guard index == count - 1 else {
                    throw DecodingError(field: tagField, reason: .invalidValue("finished before the last event"))
                }
                events.append(.finished)
            case nil:
                throw DecodingError(field: tagField, reason: .invalidValue("unknown event tag \(tagByte)"))
            }
        }
        try reader.finish(Self.encodingHeader.name)
        let finished = events.last == .finished
        if finished, seed != nil || entry != nil {
            throw DecodingError(field: "seed flag", reason: .invalidValue("a finished journal still holds a seed or entry"))
        }
        if !finished, seed == nil {
            throw DecodingError(field: "seed flag", reason: .invalidValue("an unfinished journal without a seed"))
        }
        self.init(id: id, isOneTime: oneTime, claimedSessionIDs: claimed, seed: seed, entry: entry, events: events)
    }
}

/// Where a server keeps flow journals, with *take* semantics for restoring: `takeFlowJournal`
/// removes the journal and returns it in one atomic step, so two restorers never both get it.
/// Encrypt what you store (TSSStore does).
public protocol FlowJournalStore: Sendable {
    /// Stores `journal` under its id, replacing an earlier one.
    func saveFlowJournal(_ journal: FlowJournal) throws
    /// Removes and returns the journal stored under `id`, or nil. Atomic.
    func takeFlowJournal(id: String) throws -> FlowJournal?
}

/// A process-local ``FlowJournalStore`` (tests, the in-memory demo). One lock makes `take`
/// atomic. Journals are kept in memory unencrypted.
public final class InMemoryFlowJournalStore: FlowJournalStore, CustomStringConvertible, CustomDebugStringConvertible,
                                             CustomReflectable {
    private let journals = Mutex<[String: FlowJournal]>([:])

    /// An empty store.
    public init() {}

    /// Stores `journal` under its id, replacing an earlier one.
    public func saveFlowJournal(_ journal: FlowJournal) {
        journals.withLock { $0[journal.id] = journal }
    }

    /// Removes and returns the journal stored under `id`, or nil.
    public func takeFlowJournal(id: String) -> FlowJournal? {
        journals.withLock { $0.removeValue(forKey: id) }
    }

    /// How many journals are held; never their contents.
    public var description: String { "InMemoryFlowJournalStore(\(journals.withLock { $0.count }) journals)" }
    /// The same as `description`.
    public var debugDescription: String { description }
    /// An empty mirror, so that `dump` prints no seed.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
