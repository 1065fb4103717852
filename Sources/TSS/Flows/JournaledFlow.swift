import BigNum
import Bytes
import CGGMP
import Synchronization

/// A flow that records itself in a ``FlowJournal`` as it runs, so a server can persist it after
/// every call and, after a crash, rebuild it (``restore(_:makeFlow:)``,
/// ``restore(takingFrom:id:makeFlow:)``) and finish byte-identical to an uninterrupted run.
///
/// Its randomness comes from the journal's seed (a `ChaChaRandom`), never from the generator the
/// `Flow` methods are given: replaying the calls on the same seed is what rebuilds the state.
/// Save ``journal`` after every call that changed it (before sending what `makeMessages` returned).
public struct JournaledFlow<Wrapped: Flow>: Flow, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The wrapped flow's output.
    public typealias Output = Wrapped.Output
    /// Builds the flow from its entry inputs: it must claim its session ids in `usedSessionIDs`
    /// (as every flow's initialiser does) and may read the journal's `entry`.
    public typealias MakeFlow = @Sendable (_ usedSessionIDs: any SessionIDRegistry, _ entry: SecretBytes?) throws(FlowError) -> Wrapped

    /// The flow, in its current state.
    public private(set) var flow: Wrapped
    /// The journal so far. Secret while unfinished.
    public private(set) var journal: FlowJournal
    /// For a restored flow: every message the flow made before the restart, made again by the
    /// replay (the same bytes, in order); empty for a new flow. A server re-sends them after a
    /// restart, so a message that was made and journaled but lost with the crashed process before
    /// it went out still arrives; a peer that has one already takes the copy as a duplicate.
    public private(set) var replayedMessages: [OutgoingMessage] = []
    private var generator: ChaChaRandom?

    /// Starts a journaled flow.
    /// - Parameters:
    ///   - id: the journal's id in the store (public; for example the flow kind and its first
    ///     session id in hex).
    ///   - seed: 32 random bytes, the flow's only randomness. Secret.
    ///   - entry: an input the caller could not get back after a crash (a presignature taken from
    ///     its pool), kept in the journal until the flow finishes. Secret.
    ///   - usedSessionIDs: this server's registry; the session ids the flow claims are recorded.
    ///   - makeFlow: builds the flow.
    /// - Throws: ``FlowJournalError/wrongSeedLength(_:)``, or ``FlowJournalError/setupFailed(_:)``
    ///   with the flow's error.
    public init(id: String, seed: SecretBytes, entry: SecretBytes? = nil, usedSessionIDs: some SessionIDRegistry,
                makeFlow: MakeFlow) throws(FlowJournalError) {
        guard seed.count == FlowJournal.seedLength else { throw .wrongSeedLength(seed.count) }
        let recorder = ClaimRecorder(inner: usedSessionIDs)
        do { flow = try makeFlow(recorder, entry) } catch { throw .setupFailed(error) }
        journal = FlowJournal(id: id, isOneTime: Self.isOneTime(flow), claimedSessionIDs: recorder.claims, seed: seed,
                              entry: entry)
        generator = ChaChaRandom(seed: seed.withUnsafeBytes { Array($0) })
    }

    private static func isOneTime(_ flow: Wrapped) -> Bool {
        flow.routes.contains { SessionJournal.oneTimeProtocolTags.contains($0.protocolTag) }
    }

    // MARK: Flow

    /// The wrapped flow's party.
    public var me: PartyID { flow.me }
    /// The wrapped flow's routes.
    public var routes: Set<MessageRoute> { flow.routes }
    /// The wrapped flow's output.
    public var output: Wrapped.Output? { flow.output }
    /// Whether the wrapped flow has messages to send.
    public var hasMessagesToSend: Bool { flow.hasMessagesToSend }
    /// Whether the wrapped flow may advance.
    public var isReadyToAdvance: Bool { flow.isReadyToAdvance }
    /// Whom the wrapped flow waits for.
    public var waitingFor: [PartyID] { flow.waitingFor }

    /// The wrapped flow's messages, made with the journal's generator (`generator` is not used);
    /// recorded.
    /// - Throws: as `Flow.makeMessages(using:)`; ``FlowError/outOfOrder(_:)`` once finished.
    public mutating func makeMessages(using _: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        guard generator != nil else { throw .outOfOrder("the journaled flow finished") }
        let messages = try flow.makeMessages(using: &generator!)
        journal.events.append(.madeMessages(digest: FlowJournal.digest(of: messages)))
        return messages
    }

    /// The wrapped flow's `receive`; recorded when the message was accepted or kept for later.
    /// - Throws: as `Flow.receive(_:from:)`.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        let receipt = try flow.receive(message, from: deliverer)
        if receipt == .accepted || receipt == .deferred { journal.events.append(.received(message, deliverer: deliverer)) }
        return receipt
    }

    /// The wrapped flow's `advance` on the journal's generator (`generator` is not used);
    /// recorded. When the flow finishes, the journal is marked finished and its seed and entry
    /// wiped.
    /// - Throws: as `Flow.advance(using:)`; ``FlowError/outOfOrder(_:)`` once finished.
    public mutating func advance(using _: inout some RandomNumberGenerator) throws(FlowError) {
        guard generator != nil else { throw .outOfOrder("the journaled flow finished") }
        try flow.advance(using: &generator!)
        journal.events.append(.advanced)
        if flow.output != nil {
            journal.markFinished()
            generator = nil
        }
    }

    // MARK: Restoring

    /// Rebuilds a flow without a one-time output (registration) from its journal: `makeFlow` must
    /// build it from the same entry inputs as the original; it may re-claim exactly the session ids
    /// the journal recorded (the journal is this server's proof that it claimed them), and the
    /// recorded calls are replayed on the journal's seed.
    /// - Throws: ``FlowJournalError/finished``, ``FlowJournalError/oneTimeJournalMustBeTaken``, and
    ///   the replay's errors (``FlowJournalError/setupFailed(_:)``, ``FlowJournalError/wrongFlow``,
    ///   ``FlowJournalError/diverged(event:_:)``).
    public static func restore(_ journal: FlowJournal, makeFlow: MakeFlow) throws(FlowJournalError) -> Self {
        guard !journal.isFinished else { throw .finished }
        guard !journal.isOneTime else { throw .oneTimeJournalMustBeTaken }
        return try replay(journal, makeFlow: makeFlow)
    }

    /// Takes the journal `id` out of `store` (removing it) and replays it: the only way to restore
    /// a presigning or signing flow, and usable for every flow. The journal is gone from the store
    /// whether or not the replay succeeds: save the restored flow's journal after its next call. A
    /// crash before that loses the flow (start afresh under a new session id) rather than risk
    /// running it twice.
    /// - Throws: ``FlowJournalError/noJournal``, ``FlowJournalError/storeFailed(_:)``, and the
    ///   errors of ``restore(_:makeFlow:)`` except the one-time refusal.
    public static func restore(takingFrom store: some FlowJournalStore, id: String,
                               makeFlow: MakeFlow) throws(FlowJournalError) -> Self {
        let taken: FlowJournal?
        do { taken = try store.takeFlowJournal(id: id) } catch { throw .storeFailed(error) }
        guard let journal = taken else { throw .noJournal }
        guard !journal.isFinished else { throw .finished }
        return try replay(journal, makeFlow: makeFlow)
    }

    private static func replay(_ journal: FlowJournal, makeFlow: MakeFlow) throws(FlowJournalError) -> Self {
        guard let seed = journal.seed else { throw .finished }
        let registry = ReplayRegistry(expected: journal.claimedSessionIDs)
        var restored = try Self(id: journal.id, seed: seed, entry: journal.entry, usedSessionIDs: registry, makeFlow: makeFlow)
        guard restored.journal.claimedSessionIDs == journal.claimedSessionIDs,
              restored.journal.isOneTime == journal.isOneTime else { throw .wrongFlow }
        var unused = SystemRandomNumberGenerator()
        for (index, event) in journal.events.enumerated() {
            func replayed<T>(_ call: () throws(FlowError) -> T) throws(FlowJournalError) -> T {
                do { return try call() } catch { throw .diverged(event: index, "\(error)") }
            }
            switch event {
            case .madeMessages(let digest):
                let messages = try replayed { () throws(FlowError) in try restored.makeMessages(using: &unused) }
                guard FlowJournal.digest(of: messages) == digest else {
                    throw .diverged(event: index, "the replayed flow made different messages")
                }
                restored.replayedMessages += messages
            case .received(let message, let deliverer):
                let receipt = try replayed { () throws(FlowError) in try restored.receive(message, from: deliverer) }
                guard receipt == .accepted || receipt == .deferred else {
                    throw .diverged(event: index, "a recorded message was \(receipt)")
                }
            case .advanced:
                try replayed { () throws(FlowError) in try restored.advance(using: &unused) }
                // An unfinished journal never replays to the output: that would re-create it.
                guard restored.output == nil else { throw .finished }
            case .finished:
                throw .finished
            }
        }
        return restored
    }

    /// The journal's description: no seed, no entry, no output.
    public var description: String { "JournaledFlow(\(journal))" }
    /// The same as `description`.
    public var debugDescription: String { description }
    /// An empty mirror, so that `dump` prints neither the seed nor the flow's secrets.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Why a flow could not be journaled or restored.
public enum FlowJournalError: Error, Sendable, CustomStringConvertible {
    /// The seed was not 32 bytes (the length given).
    case wrongSeedLength(Int)
    /// `makeFlow` threw.
    case setupFailed(FlowError)
    /// The rebuilt flow claimed other session ids than the journal recorded, or has another
    /// one-time status: the entry inputs belong to another flow.
    case wrongFlow
    /// Event `event` did not replay as recorded.
    case diverged(event: Int, String)
    /// The journal's flow already finished; restoring it would produce its output again.
    case finished
    /// A presigning or signing journal offered to ``JournaledFlow/restore(_:makeFlow:)``: it must be
    /// taken from its store so it is restored at most once.
    case oneTimeJournalMustBeTaken
    /// The store holds no journal under this id (never saved, or already taken).
    case noJournal
    /// The store threw; its error.
    case storeFailed(any Error & Sendable)

    /// The reason in words.
    public var description: String {
        switch self {
        case .wrongSeedLength(let count): "flow journal seed must be 32 bytes, got \(count)"
        case .setupFailed(let error): "rebuilding the flow failed: \(error)"
        case .wrongFlow: "the rebuilt flow is not the journal's flow"
        case .diverged(let event, let why): "flow journal replay diverged at event \(event): \(why)"
        case .finished: "the journal's flow already finished; it cannot be restored"
        case .oneTimeJournalMustBeTaken: "a presigning or signing journal must be taken from its store to be restored"
        case .noJournal: "no flow journal stored under this id"
        case .storeFailed(let why): "flow journal store: \(why)"
        }
    }
}

/// Passes claims to the server's registry and records them for the journal.
private final class ClaimRecorder: SessionIDRegistry {
    private let inner: any SessionIDRegistry
    private let recorded = Mutex<[SessionID]>([])

    init(inner: any SessionIDRegistry) { self.inner = inner }

    var claims: [SessionID] { recorded.withLock { $0 } }

    func claim(_ id: SessionID) throws(FlowError) {
        try inner.claim(id)
        recorded.withLock { $0.append(id) }
    }
}

/// During a replay: accepts exactly the claims the journal recorded, in order (the server claimed
/// them when the flow first started), and refuses any other.
private final class ReplayRegistry: SessionIDRegistry {
    private let expected: [SessionID]
    private let next = Mutex(0)

    init(expected: [SessionID]) { self.expected = expected }

    func claim(_ id: SessionID) throws(FlowError) {
        let accepted = next.withLock { index -> Bool in
            guard index < expected.count, expected[index] == id else { return false }
            index += 1
            return true
        }
        guard accepted else { throw .sessionIDReused(id) }
    }
}
