import Bytes
import BigNum
import Hashing
import CSodium
import Synchronization

/// A party's session recorded as the inputs that produced it, so a server can persist the session
/// between rounds and rebuild it later.
///
/// Protocols are pure and take their randomness as a parameter, so a session's state is a function
/// of its entry inputs, the generator seed and the order of calls. The journal keeps the seed and
/// that order; `JournaledSession.restore` rebuilds the session from the same entry inputs and
/// replays the calls, which reproduces the state bit for bit.
///
/// A journal is for an *unfinished* session. Once the session produced its output the journal
/// records a `finished` event and drops its seed, and a finished journal is never restored
/// (`SessionJournalReplayError.finished`): replaying it would make the same output again, and for
/// presigning or signing that is one nonce used twice, which reveals the key share. Journals of
/// protocols with a one-time output (`oneTimeProtocolTags`) are restored only by *taking* them out
/// of a `SessionJournalStore`, so one stored journal is restored at most once.
///
/// - Important: An unfinished journal holds the generator seed, from which every secret of the
///   session (nonces, share polynomials, Paillier randomness) can be recomputed. It is as secret as
///   the session's secrets: store it encrypted (e.g. in TSSStore), never log it.
///
/// Layout (version 2, `EncodingHeader.sessionJournal`): `"TSSJNL" ‖ version ‖ u32 length ‖
/// protocol tag (UTF-8) ‖ u32 length ‖ session id ‖ seed flag (1: a 32-byte seed follows; 0: none, the session finished) ‖ u32 event
/// count ‖ events`, each event a tag byte then:
/// 1 `madeMessages`: u16 round ‖ 32-byte digest of the messages made;
/// 2 `accepted`: u32 length ‖ `SignedMessage.encoded`;
/// 3 `advanced`: u16 round that was finalised;
/// 4 `finished`: nothing (the last event; exactly when the seed flag is 0). Integers are big-endian.
/// Version 1 (no `finished` event, seed always present) is refused.
public struct SessionJournal: Sendable, Equatable, VersionedEncoding, CustomStringConvertible, CustomDebugStringConvertible {
    /// The journal's magic and version (version 1 journals are refused as unsupported).
    public static var encodingHeader: EncodingHeader { .sessionJournal }
    /// The length of the generator seed a journal holds.
    public static let seedLength = 32
    static let digestLength = 32

    /// Protocols whose output may be produced once only (a presignature, or a signature made with
    /// one): their journals are restored only with `JournaledSession.restore(takingFrom:makeSession:)`.
    public static let oneTimeProtocolTags: Set<String> = [
        Presigning.protocolTag, Signing.protocolTag, InteractiveSigning.protocolTag,
    ]

    /// One call that changed the session.
    public enum Event: Sendable, Equatable {
        /// `makeMessages` ran in `round`; `digest` binds the messages it made, so a replay that makes
        /// different ones is detected.
        case madeMessages(round: Int, digest: [UInt8])
        /// `receive` accepted this message.
        case accepted(SignedMessage)
        /// `finalize` ended `round`.
        case advanced(round: Int)
        /// The session produced its output (always the last event; the seed is gone).
        case finished
    }

    /// The journaled session's protocol tag.
    public let protocolTag: String
    /// The journaled session's id.
    public let sessionID: [UInt8]
    /// The 32-byte seed of the session's `ChaChaRandom`, or nil once the session finished. Secret.
    public private(set) var seed: [UInt8]?
    /// Every recorded call, in order.
    public internal(set) var events: [Event]

    /// - Precondition: `seed` has 32 bytes (checked by `JournaledSession.init`, which is the way in).
    init(protocolTag: String, sessionID: [UInt8], seed: [UInt8], events: [Event] = []) {
        precondition(seed.count == Self.seedLength)
        self.protocolTag = protocolTag
        self.sessionID = sessionID
        self.seed = seed
        self.events = events
    }

    /// A finished journal (no seed, `finished` last), as decoded.
    private init(protocolTag: String, sessionID: [UInt8], finishedEvents events: [Event]) {
        self.protocolTag = protocolTag
        self.sessionID = sessionID
        self.seed = nil
        self.events = events
    }

    /// Whether the session produced its output; such a journal cannot be restored.
    public var isFinished: Bool { events.last == .finished }

    /// Whether the protocol's output is one-time (see `oneTimeProtocolTags`).
    public var isOneTime: Bool { Self.oneTimeProtocolTags.contains(protocolTag) }

    /// Records the end of the session and drops the seed. The zeroing below reaches only a buffer
    /// this journal owns alone: a Swift array shares its buffer with earlier copies (the caller's
    /// seed, a decoded journal, `encoded` bytes), and writing to a shared one copies it first, so
    /// those copies are not wiped and stay the caller's to discard.
    mutating func markFinished() {
        guard !isFinished else { return }
        events.append(.finished)
        if seed != nil {
            seed!.withUnsafeMutableBytes { buffer in
                if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
            }
        }
        seed = nil
    }

    /// Protocol tag and event count; never the seed.
    public var description: String {
        "SessionJournal(\(protocolTag), \(events.count) events\(isFinished ? ", finished" : ""))"
    }
    /// The same as `description`: no seed.
    public var debugDescription: String { description }

    // MARK: Encoding

    /// The versioned binary form.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.appendLengthPrefixed(Array(protocolTag.utf8))
        writer.appendLengthPrefixed(sessionID)
        if let seed {
            writer.append(1)
            writer.append(fixed: seed)
        } else {
            writer.append(0)
        }
        writer.appendCount(events.count)
        for event in events {
            switch event {
            case .madeMessages(let round, let digest):
                writer.append(EventTag.madeMessages.rawValue)
                writer.appendUInt16(Self.roundField(round))
                writer.append(fixed: digest)
            case .accepted(let message):
                writer.append(EventTag.accepted.rawValue)
                writer.appendLengthPrefixed(message.encoded)
            case .advanced(let round):
                writer.append(EventTag.advanced.rawValue)
                writer.appendUInt16(Self.roundField(round))
            case .finished:
                writer.append(EventTag.finished.rawValue)
            }
        }
        return writer.bytes
    }

    private static func roundField(_ round: Int) -> UInt16 {
        precondition(round >= 0 && round <= Int(UInt16.max), "round number out of range")
        return UInt16(round)
    }

    /// Decodes `encoded` output, rejecting a wrong magic or version (version 1 included), truncation,
    /// unknown events, undecodable messages, a `finished` event anywhere but last, a seed flag that
    /// disagrees with it, and trailing bytes. (Whether the events replay is checked by
    /// `JournaledSession.restore`.)
    /// - Throws: `.malformed` naming the field (an accepted message's own field as
    ///   `event i message/field`).
    public init(encoded bytes: [UInt8]) throws(SessionJournalDecodingError) {
        do throws(DecodingError) { try self.init(decoding: bytes) } catch { throw .malformed(error) }
    }

    private init(decoding bytes: [UInt8]) throws(DecodingError) {
        var reader = try ByteReader(bytes, header: Self.encodingHeader)
        let tag = try reader.readString("protocol tag")
        let sessionID = try reader.readLengthPrefixed("session id")
        let seed: [UInt8]? = try reader.readBool("seed flag") ? try reader.readFixed("seed", count: Self.seedLength) : nil
        // Every event takes at least one byte, so a count the input cannot hold is refused; nothing
        // is reserved ahead (an event is far larger in memory than its one-byte minimum).
        let count = try reader.readCount("events")
        var events: [Event] = []
        for index in 0..<count {
            let tagField = "event \(index) tag"
            let tagByte = try reader.readByte(tagField)
            switch EventTag(rawValue: tagByte) {
            case .madeMessages:
                let round = Int(try reader.readUInt16("event \(index) round"))
                events.append(.madeMessages(round: round, digest: try reader.readFixed("event \(index) digest", count: Self.digestLength)))
            case .accepted:
                let field = "event \(index) message"
                let messageBytes = try reader.readLengthPrefixed(field)
                do { events.append(.accepted(try SignedMessage(decoding: messageBytes))) } catch { throw error.nested(in: field) }
            case .advanced:
                events.append(.advanced(round: Int(try reader.readUInt16("event \(index) round"))))
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
        switch (seed, events.last == .finished) {
        case (let seed?, false): self.init(protocolTag: tag, sessionID: sessionID, seed: seed, events: events)
        case (nil, true): self.init(protocolTag: tag, sessionID: sessionID, finishedEvents: events)
        case (_?, true): throw DecodingError(field: "seed flag", reason: .invalidValue("a finished journal still holds a seed"))
        case (nil, false): throw DecodingError(field: "seed flag", reason: .invalidValue("an unfinished journal without a seed"))
        }
    }

    private enum EventTag: UInt8 { case madeMessages = 1, accepted = 2, advanced = 3, finished = 4 }

    /// The digest a `madeMessages` event records: recipients and encoded messages, in order.
    static func digest(of messages: [OutgoingMessage]) -> [UInt8] {
        var hash = DomainSeparatedHash(domain: DomainSeparation.journalMadeMessages)
        for item in messages {
            // The direct recipient, or nothing for a broadcast (as in version 2's first layout).
            hash.appendField(item.message.kind == .direct ? item.message.recipient?.rawRepresentation ?? [] : [])
            hash.appendField(item.message.encoded)
        }
        return hash.sha256()
    }
}

/// What was wrong with bytes offered as a session journal.
public enum SessionJournalDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a session journal encoding; the error names the field (wrong magic and
    /// unsupported versions included).
    case malformed(DecodingError)

    /// The decoding error, prefixed with what was being decoded.
    public var description: String {
        switch self {
        case .malformed(let error): "malformed session journal: \(error)"
        }
    }
}

/// Where a server keeps session journals between rounds, with *take* semantics for restoring.
///
/// `takeJournal` must remove the journal and return it in one atomic step (a transaction, a lock),
/// so that two restorers (a crash loop, a failover replica, two threads) never both receive it:
/// a journal restored twice is a session run twice, and for presigning or signing that re-creates
/// the same nonce. Encrypt what you store (TSSStore's `saveJournal`/`takeJournal` do; an adapter
/// to this protocol is a few lines in the layer that links both). `InMemorySessionJournalStore` is
/// a process-local implementation.
public protocol SessionJournalStore: Sendable {
    /// Stores `encoded` as the journal of (`protocolTag`, `sessionID`), replacing an earlier one.
    func saveJournal(_ encoded: [UInt8], protocolTag: String, sessionID: [UInt8]) throws
    /// Removes and returns the journal of (`protocolTag`, `sessionID`), or nil when there is none.
    /// Atomic: concurrent callers never both receive it.
    func takeJournal(protocolTag: String, sessionID: [UInt8]) throws -> [UInt8]?
}

/// A process-local `SessionJournalStore` (tests, single-process servers). One lock makes `take`
/// atomic. The bytes are kept in memory unencrypted.
public final class InMemorySessionJournalStore: SessionJournalStore, CustomStringConvertible, CustomDebugStringConvertible,
                                                CustomReflectable {
    private struct Key: Hashable { let protocolTag: String; let sessionID: [UInt8] }
    private let journals = Mutex<[Key: [UInt8]]>([:])

    /// An empty store.
    public init() {}

    /// Stores `encoded`, replacing an earlier journal of the same session. Never fails.
    public func saveJournal(_ encoded: [UInt8], protocolTag: String, sessionID: [UInt8]) {
        journals.withLock { $0[Key(protocolTag: protocolTag, sessionID: sessionID)] = encoded }
    }

    /// Removes and returns the session's journal under the lock; nil when there is none.
    public func takeJournal(protocolTag: String, sessionID: [UInt8]) -> [UInt8]? {
        journals.withLock { $0.removeValue(forKey: Key(protocolTag: protocolTag, sessionID: sessionID)) }
    }

    /// How many journals are stored.
    public var count: Int { journals.withLock { $0.count } }

    /// The number of journals only, never their bytes.
    public var description: String { "InMemorySessionJournalStore(\(count) journals)" }
    /// The same as `description`.
    public var debugDescription: String { description }
    /// An empty mirror, so that `dump` prints no journal bytes.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// A `Session` that runs on its own seeded generator and records every call that changes it in a
/// `SessionJournal`, so it can be persisted between rounds and restored with `restore`.
///
/// Only calls that succeed are recorded. A call that throws `.fault` or `.aborted` ends the
/// protocol for this party; such a session is abandoned, not persisted. When `finalize` returns the
/// output, the journal records `finished` and the seed is wiped (journal and generator): persist
/// that finished journal (`save(to:)` refuses it, so overwrite or delete the stored copy) *before*
/// the output is stored or used, or a crash in between leaves an unfinished journal that replays
/// to the same output.
public struct JournaledSession<Output: Sendable>: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
                                                  CustomReflectable {
    /// The journaled session (read it; change it only through this type's methods, which record).
    public private(set) var session: Session<Output>
    /// Nil once the session finished (the seed is wiped).
    private var generator: ChaChaRandom?
    /// Everything needed to rebuild this session (with its entry inputs). Secret: see `SessionJournal`.
    public private(set) var journal: SessionJournal
    /// The protocol's output once the last round was finalised.
    public private(set) var output: Output?

    /// Journals `session`, which must be fresh (no call made on it yet), running it on a
    /// `ChaChaRandom` seeded with `seed`. The caller draws the seed from a secure generator and must
    /// keep it (inside the journal) encrypted.
    /// - Throws: `.wrongSeedLength` unless `seed` has 32 bytes.
    public init(session: Session<Output>, seed: [UInt8]) throws(SessionJournalReplayError) {
        guard seed.count == SessionJournal.seedLength else { throw .wrongSeedLength(seed.count) }
        self.session = session
        self.generator = ChaChaRandom(seed: seed)
        self.journal = SessionJournal(protocolTag: session.publicData.protocolTag,
                                      sessionID: session.publicData.sessionID, seed: seed)
    }

    /// `Session.me`.
    public var me: PartyID { session.me }
    /// `Session.roundNumber`.
    public var roundNumber: Int { session.roundNumber }
    /// `Session.hasMessagesToSend`.
    public var hasMessagesToSend: Bool { session.hasMessagesToSend }
    /// `Session.isReadyToFinalize`.
    public var isReadyToFinalize: Bool { session.isReadyToFinalize }
    /// `Session.isFinished`.
    public var isFinished: Bool { session.isFinished }

    /// `Session.makeMessages` on the session's own generator, recorded.
    public mutating func makeMessages() throws(SessionError) -> [OutgoingMessage] {
        guard generator != nil else { throw .outOfOrder("the journaled session finished") }
        let round = session.roundNumber
        let messages = try session.makeMessages(using: &generator!)
        journal.events.append(.madeMessages(round: round, digest: SessionJournal.digest(of: messages)))
        return messages
    }

    /// `Session.check`: pure, so nothing is recorded.
    public func check(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> MessageCheck {
        try session.check(message, from: deliverer)
    }

    /// `Session.receive`, recorded when the message is accepted.
    @discardableResult
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(SessionError) -> MessageReceipt {
        let receipt = try session.receive(message, from: deliverer)
        // A deferred message is kept by the session and delivered to itself later: the replay
        // must keep it too.
        if receipt == .accepted || receipt == .deferred { journal.events.append(.accepted(message)) }
        return receipt
    }

    /// `Session.finalize` on the session's own generator, recorded. When it returns the output, the
    /// journal is marked finished and the seed wiped.
    public mutating func finalize() throws(SessionError) -> SessionStatus<Output> {
        guard generator != nil else { throw .outOfOrder("the journaled session finished") }
        let round = session.roundNumber
        let status = try session.finalize(using: &generator!)
        journal.events.append(.advanced(round: round))
        if case .finished(let result) = status {
            output = result
            journal.markFinished()
            generator = nil  // its key is the seed (an array; dropped, not wiped: see docs/security.md)
        }
        return status
    }

    /// Stores the journal in `store` (between rounds). A finished journal is refused (`.finished`):
    /// delete the stored one instead (`takeJournal` and drop it).
    public func save(to store: some SessionJournalStore) throws(SessionJournalReplayError) {
        guard !journal.isFinished else { throw .finished }
        do {
            try store.saveJournal(journal.encoded, protocolTag: journal.protocolTag, sessionID: journal.sessionID)
        } catch { throw .storeFailed(error) }
    }

    /// Rebuilds a session from its journal: `makeSession` must build the session from the same entry
    /// inputs (parameters, committee, signer, shares) as the original; the journal's events are then
    /// replayed on a generator with the journal's seed. For protocols without a one-time output
    /// (KeyInit, AuxGen, KeyRefresh, KeyResharing); presigning and signing journals must be taken
    /// from their store with `restore(takingFrom:makeSession:)`.
    /// - Throws: `.finished` for a finished journal, `.oneTimeJournalMustBeTaken` for a presigning
    ///   or signing journal, `.wrongSession` if the built session has another protocol tag or session
    ///   id, `.sessionSetupFailed` if `makeSession` throws, `.diverged` if an event does not replay
    ///   as recorded (a message no longer accepted, different messages made, a round out of step).
    public static func restore(journal: SessionJournal,
                               makeSession: () throws -> Session<Output>) throws(SessionJournalReplayError) -> Self {
        guard !journal.isFinished else { throw .finished }
        guard !journal.isOneTime else { throw .oneTimeJournalMustBeTaken(journal.protocolTag) }
        let session: Session<Output>
        do { session = try makeSession() } catch { throw .sessionSetupFailed(error) }
        return try replay(journal, on: session)
    }

    /// Takes the journal of the session `makeSession` builds out of `store` (removing it: see
    /// `SessionJournalStore.takeJournal`) and replays it. The only way to restore presigning,
    /// signing and interactive signing, and usable for every protocol. The journal is gone from
    /// the store whether or not the replay succeeds: save the restored session's journal again
    /// after its next step. A crash before that loses the session (it must be started afresh
    /// under a new session id) rather than risk running it twice.
    /// - Throws: `.noJournal` when the store has none for this session, `.undecodable`, `.finished`,
    ///   `.storeFailed`, and the errors of `restore(journal:makeSession:)`.
    public static func restore(takingFrom store: some SessionJournalStore,
                               makeSession: () throws -> Session<Output>) throws(SessionJournalReplayError) -> Self {
        let session: Session<Output>
        do { session = try makeSession() } catch { throw .sessionSetupFailed(error) }
        let bytes: [UInt8]?
        do {
            bytes = try store.takeJournal(protocolTag: session.publicData.protocolTag, sessionID: session.publicData.sessionID)
        } catch { throw .storeFailed(error) }
        guard let bytes else { throw .noJournal }
        let journal: SessionJournal
        do { journal = try SessionJournal(encoded: bytes) } catch { throw .undecodable(error) }
        guard !journal.isFinished else { throw .finished }
        return try replay(journal, on: session)
    }

    private static func replay(_ journal: SessionJournal, on session: Session<Output>) throws(SessionJournalReplayError) -> Self {
        guard session.publicData.protocolTag == journal.protocolTag,
              session.publicData.sessionID == journal.sessionID else { throw .wrongSession }
        guard let seed = journal.seed else { throw .finished }
        var restored = try Self(session: session, seed: seed)
        for (index, event) in journal.events.enumerated() {
            switch event {
            case .madeMessages(let round, let digest):
                guard restored.roundNumber == round else {
                    throw .diverged(event: index, "messages recorded in round \(round), session is in round \(restored.roundNumber)")
                }
                let messages: [OutgoingMessage]
                do { messages = try restored.makeMessages() } catch {
                    throw .diverged(event: index, "making messages failed: \(error)")
                }
                guard SessionJournal.digest(of: messages) == digest else {
                    throw .diverged(event: index, "the replayed session made different messages")
                }
            case .accepted(let message):
                let receipt: MessageReceipt
                do { receipt = try restored.receive(message, from: message.sender) } catch {
                    throw .diverged(event: index, "an accepted message was refused: \(error)")
                }
                guard receipt == .accepted || receipt == .deferred else {
                    throw .diverged(event: index, "a recorded message was \(receipt)")
                }
            case .advanced(let round):
                guard restored.roundNumber == round else {
                    throw .diverged(event: index, "round \(round) finalised, session is in round \(restored.roundNumber)")
                }
                do { _ = try restored.finalize() } catch {
                    throw .diverged(event: index, "finalising failed: \(error)")
                }
                // An unfinished journal never replays to the output: that would re-create it.
                guard !restored.isFinished else { throw .finished }
            case .finished:
                throw .finished
            }
        }
        // `restored.journal` was rebuilt event by event; equal by construction of the checks above.
        return restored
    }

    /// The journal's description: no seed, no output.
    public var description: String { "JournaledSession(\(journal))" }
    /// The same as `description`.
    public var debugDescription: String { description }
    /// An empty mirror, so that `dump` prints neither the seed nor the generator.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Why a session could not be journaled or restored from a journal.
public enum SessionJournalReplayError: Error, Sendable, CustomStringConvertible {
    /// The seed given to `init(session:seed:)` was not 32 bytes (the length given).
    case wrongSeedLength(Int)
    /// The session `makeSession` built has another protocol tag or session id than the journal.
    case wrongSession
    /// The `makeSession` closure given to a restore threw; its error (the caller's type).
    case sessionSetupFailed(any Error)
    /// Event `event` did not replay as recorded: the journal or the entry inputs differ from the
    /// original run.
    case diverged(event: Int, String)
    /// The journal's session already produced its output; restoring it would produce it again.
    case finished
    /// A presigning or signing journal offered to `restore(journal:)`: it must be taken from its
    /// store (`restore(takingFrom:)`) so it is restored at most once.
    case oneTimeJournalMustBeTaken(String)
    /// The store holds no journal for this session (never saved, or already taken).
    case noJournal
    /// The stored bytes are not a session journal.
    case undecodable(SessionJournalDecodingError)
    /// The `SessionJournalStore` threw; its error (the store's type, e.g. `StoreError`).
    case storeFailed(any Error)

    /// The reason in words.
    public var description: String {
        switch self {
        case .wrongSeedLength(let count): "journal seed must be 32 bytes, got \(count)"
        case .wrongSession: "the rebuilt session belongs to another protocol run than the journal"
        case .sessionSetupFailed(let why): "rebuilding the session failed: \(why)"
        case .diverged(let event, let why): "journal replay diverged at event \(event): \(why)"
        case .finished: "the journal's session already finished; it cannot be restored"
        case .oneTimeJournalMustBeTaken(let tag): "a \(tag) journal must be taken from its store to be restored"
        case .noJournal: "no journal stored for this session"
        case .undecodable(let error): "stored journal: \(error)"
        case .storeFailed(let why): "journal store: \(why)"
        }
    }
}
