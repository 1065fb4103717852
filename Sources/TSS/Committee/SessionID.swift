import Bytes
import CGGMP
import Hashing
import Secp256k1
import Synchronization

/// Identifies one protocol run, so that a message of one session is never accepted in another.
///
/// A domain-separated SHA-256 over the protocol kind, the sorted participants, the user, the block
/// number (epoch) and the kind's own fields (signing: message hash, BIP32 derivation path, attempt;
/// presigning: public key, key epoch, pool index); every field is length-prefixed
/// (docs/wire-formats.md, "Session ids"). Participants are sorted first, so every party derives
/// the same id whatever order it learnt the committee in.
///
/// Two legitimate sessions must never share an id (an honest party's two messages would look like
/// equivocation, and a session run twice repeats its nonces), and a party never runs an id twice:
/// flows claim their ids in a `SessionIDRegistry` before starting (`UsedSessionIDs`).
public struct SessionID: Sendable, Hashable, CustomStringConvertible {
    /// The length of an id: a SHA-256 output.
    public static let byteCount = 32
    static let context = DomainSeparation.sessionID

    /// What the session runs.
    public enum Kind: Sendable, Hashable {
        /// KeyInit (the founders' t-of-t key).
        case keyGeneration
        /// The old-key handover and KeyResharing.
        case reshare
        /// AuxGen.
        case auxiliaryInfo
        /// Signing the 32-byte `messageHash` under the key derived with the BIP32 `derivationPath`
        /// (as written in the request, e.g. "m/0/7"); `attempt` tells apart retries of one request
        /// (0 for the first).
        case signing(messageHash: [UInt8], derivationPath: String, attempt: UInt64)
        /// A presign-only session filling a pool: for the key `publicKey` (compressed, after any
        /// derivation) at key epoch `epoch`, the `poolIndex`-th presigning of this signer set.
        case presigning(publicKey: Point, epoch: KeyEpoch, poolIndex: UInt64)

        /// The label hashed into the id.
        var label: String {
            switch self {
            case .keyGeneration: "dkg"
            case .reshare: "reshare"
            case .auxiliaryInfo: "aux"
            case .signing: "sign"
            case .presigning: "presign"
            }
        }
    }

    /// The 32 bytes of the id, as sent in messages.
    public let rawRepresentation: [UInt8]

    /// Derives the id of a session.
    ///
    /// - Parameters:
    ///   - kind: what the session runs, with its own fields.
    ///   - participants: every party of the session, in any order; duplicates are refused.
    ///   - user: the account the session acts for, as opaque bytes (e.g. a 32-byte account id).
    ///   - blockNumber: the block (or epoch) the session was requested at.
    /// - Throws: ``SessionIDError/noParticipants``, ``SessionIDError/duplicateParticipant(_:)``,
    ///   ``SessionIDError/wrongMessageHashLength(_:)`` for a signing kind whose hash is not 32 bytes.
    public init(kind: Kind, participants: [PartyID], user: [UInt8], blockNumber: UInt64) throws(SessionIDError) {
        guard !participants.isEmpty else { throw .noParticipants }
        let sorted = participants.sorted()
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] {
            throw .duplicateParticipant(sorted[index])
        }
        var input = DomainSeparatedHash(domain: Self.context)
        input.appendField(Array(kind.label.utf8))
        input.append(UInt64(sorted.count))
        for party in sorted { input.appendField(party.rawRepresentation) }
        input.appendField(user)
        input.append(blockNumber)
        switch kind {
        case .keyGeneration, .reshare, .auxiliaryInfo:
            break
        case .signing(let messageHash, let derivationPath, let attempt):
            guard messageHash.count == 32 else { throw .wrongMessageHashLength(messageHash.count) }
            input.appendField(messageHash)
            input.appendField(Array(derivationPath.utf8))
            input.append(attempt)
        case .presigning(let publicKey, let epoch, let poolIndex):
            input.appendField(publicKey.compressedRepresentation)
            input.appendField(epoch.rawRepresentation)
            input.append(poolIndex)
        }
        rawRepresentation = input.sha256()
    }

    /// An id received from elsewhere (e.g. a subscribe message).
    /// - Throws: ``SessionIDError/wrongLength(_:)`` unless `rawRepresentation` has 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(SessionIDError) {
        guard rawRepresentation.count == Self.byteCount else { throw .wrongLength(rawRepresentation.count) }
        self.rawRepresentation = rawRepresentation
    }

    /// Public (ids are not secret): the first four bytes in hex.
    public var description: String {
        "Session(" + rawRepresentation.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "…)"
    }
}

/// Why a session id could not be made.
public enum SessionIDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The participant list is empty.
    case noParticipants
    /// A party is listed twice.
    case duplicateParticipant(PartyID)
    /// A signing session's message hash must be 32 bytes.
    case wrongMessageHashLength(Int)
    /// A session id must be 32 bytes.
    case wrongLength(Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noParticipants: "a session needs at least one participant"
        case .duplicateParticipant(let party): "participant \(party) is listed twice"
        case .wrongMessageHashLength(let n): "message hash must be 32 bytes, got \(n)"
        case .wrongLength(let n): "session id must be 32 bytes, got \(n)"
        }
    }
}

/// Where a party records the session ids it has run, so it never runs one twice (a replayed or
/// duplicated request, a restarted server): `claim` records the id, atomically, or throws
/// `.sessionIDReused` when it was claimed before. Flows claim their ids before their first session
/// starts. Persist claims across restarts (TSSStore's `markSessionIDUsed` keeps tombstones; an
/// adapter is a few lines where both modules are linked), or a restart forgets them.
public protocol SessionIDRegistry: Sendable {
    /// Records `id` as run by this party, atomically with the check that it was not before.
    /// - Throws: ``FlowError/sessionIDReused(_:)`` when `id` was claimed before;
    ///   ``FlowError/sessionIDRegistry(_:)`` wrapping the registry's own failure (a persistent
    ///   one's storage error).
    func claim(_ id: SessionID) throws(FlowError)
}

/// A process-local `SessionIDRegistry` (tests, and as a cache in front of a persistent one).
public final class UsedSessionIDs: SessionIDRegistry, CustomStringConvertible {
    private let used = Mutex<Set<SessionID>>([])

    /// An empty registry.
    public init() {}

    /// Records `id`; thread-safe.
    /// - Throws: ``FlowError/sessionIDReused(_:)`` when `id` was claimed before.
    public func claim(_ id: SessionID) throws(FlowError) {
        let inserted = used.withLock { $0.insert(id).inserted }
        guard inserted else { throw .sessionIDReused(id) }
    }

    /// Whether `id` has been claimed.
    public func contains(_ id: SessionID) -> Bool { used.withLock { $0.contains(id) } }

    /// The number of ids claimed.
    public var count: Int { used.withLock { $0.count } }

    /// The type and the number of ids claimed.
    public var description: String { "UsedSessionIDs(\(count))" }
}
