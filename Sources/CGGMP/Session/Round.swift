import Bytes
import Hashing
/// One round of a round-based protocol, as a value.
///
/// A round (after the manul round model) makes its outgoing messages with an injected generator,
/// checks one incoming message at a time *without changing state* (so a caller may check messages
/// from different senders in parallel), and is finalised with what it sent and what it accepted,
/// giving the next round or the protocol's output. Secrets made while sending stay in the
/// `RoundArtifact`, which never leaves the party. Each protocol's entry point is the only way to
/// build its first round.
protocol Round<Output>: Sendable {
    associatedtype Output: Sendable

    /// The round number carried by this round's messages (1 for the first round).
    var number: Int { get }
    /// The parts every party sends to every other party in this round: a subset of
    /// `.echoBroadcast`, `.broadcast` and `.direct`.
    var messageKinds: Set<MessageKind> { get }

    /// This party's payloads for the round, and the local artifact `finalize` receives.
    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads

    /// Checks `incoming` (which holds exactly the parts `messageKinds` names) against what its
    /// sender signed earlier (`view`) and returns what `finalize` needs from it. The check reads
    /// other parties' values only through `view`, and calls the same function the protocol's
    /// `EvidenceRechecker` calls, so the live check and a third party's recheck cannot differ.
    /// - Throws: the protocol rule the sender broke.
    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload

    /// Ends the round: `verified` holds one entry for every other party.
    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output>
}

/// What a round finalises into.
enum RoundTransition<Output: Sendable>: Sendable {
    case next(any Round<Output>)
    case finished(Output)
    /// The round cannot produce a result although every message passed its checks (an event of
    /// negligible probability, such as a key summing to the identity); no one is blamed.
    case aborted(String)
    /// Standalone signing: other signers' σ messages name another presignature than this party's;
    /// no one is blamed (`SessionError.differentPresignatures`).
    case differentPresignatures(PresignatureMismatch)
}

/// A round's outgoing payloads before the session signs them.
struct OutgoingPayloads: Sendable {
    var echoBroadcast: [UInt8]?
    var broadcast: [UInt8]?
    /// One payload for every other party when the round has direct messages.
    var direct: [PartyID: [UInt8]]
    var artifact: RoundArtifact

    init(echoBroadcast: [UInt8]? = nil, broadcast: [UInt8]? = nil, direct: [PartyID: [UInt8]] = [:],
                artifact: RoundArtifact = RoundArtifact(())) {
        self.echoBroadcast = echoBroadcast
        self.broadcast = broadcast
        self.direct = direct
        self.artifact = artifact
    }
}

/// The payloads one sender sent in a round (signatures and envelope already checked).
public struct IncomingPayloads: Sendable {
    /// The party whose parts these are.
    public let sender: PartyID
    /// The echo-broadcast part's payload, if the round has one.
    public let echoBroadcast: [UInt8]?
    /// The broadcast part's payload, if the round has one.
    public let broadcast: [UInt8]?
    /// The direct part's payload (addressed to ``recipient``), if the round has one.
    public let direct: [UInt8]?
    /// The addressee of the direct part (the checking party, live; the accuser, in evidence).
    public let recipient: PartyID?
    /// The signed messages the payloads came from.
    let messages: [SignedMessage]

    init(sender: PartyID, parts: [MessageKind: SignedMessage]) {
        self.sender = sender
        echoBroadcast = parts[.echoBroadcast]?.payload
        broadcast = parts[.broadcast]?.payload
        direct = parts[.direct]?.payload
        recipient = parts[.direct]?.recipient
        messages = MessageKind.allCases.compactMap { parts[$0] }
    }

    /// The kinds of part present.
    public var kinds: Set<MessageKind> {
        var present: Set<MessageKind> = []
        if echoBroadcast != nil { present.insert(.echoBroadcast) }
        if broadcast != nil { present.insert(.broadcast) }
        if direct != nil { present.insert(.direct) }
        return present
    }

    /// Refuses parts other than `expected` (a round the protocol does not have, or evidence holding
    /// other parts of the culprit's round): `incomplete-view` (not proven), never a violation.
    func require(_ expected: Set<MessageKind>?, protocolName: String, round: Int) throws(RoundViolation) {
        guard let expected, kinds == expected else {
            throw .incompleteView("\(protocolName) has no round \(round) made of \(kinds.map(\.description).sorted())")
        }
    }

    /// The part of `kind`.
    /// - Throws: the `incomplete-view` violation when the sender's message has no such part (evidence
    ///   that leaves it out proves nothing).
    public func payload(_ kind: MessageKind) throws(RoundViolation) -> [UInt8] {
        let value: [UInt8]? = switch kind {
        case .echoBroadcast: echoBroadcast
        case .broadcast: broadcast
        case .direct: direct
        case .echo: nil
        }
        guard let value else { throw .incompleteView("\(sender)'s \(kind) part") }
        return value
    }
}

/// A round's local secrets from `makeMessages`, handed back to `finalize`; opaque to the session
/// (the protocols' rounds are `TypedRound`s, whose adapter alone stores and recovers the value).
struct RoundArtifact: Sendable {
    let value: any Sendable
    init(_ value: any Sendable) { self.value = value }
}

/// What `verify` extracted from one sender's message; opaque to the session.
struct VerifiedPayload: Sendable {
    let value: any Sendable
    init(_ value: any Sendable) { self.value = value }
}

/// A protocol rule broken by a message's sender, as a round reports it: what was wrong and which
/// earlier signed messages a third party needs to re-run the check.
public struct RoundViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable name of the rule ("decommitment-mismatch", …).
    public let rule: String
    /// More detail (never secret values).
    public let detail: String
    /// Set when the sender's message carried proof that *another* party broke `rule` (a valid
    /// complaint): the session names `accused`, with `accusedEvidence` — the accused's own signed
    /// messages, offending message first — as the evidence. Never encoded; a rechecker must not throw
    /// it against the sender.
    public let accused: PartyID?
    /// The accused's own signed messages, offending message first (empty unless ``accused`` is set).
    public let accusedEvidence: [SignedMessage]

    /// A violation of `rule` (a stable kebab-case name), optionally naming another party the sender's
    /// message proves guilty. Never fails.
    public init(rule: String, detail: String = "",
                accused: PartyID? = nil, accusedEvidence: [SignedMessage] = []) {
        self.rule = rule
        self.detail = detail
        self.accused = accused
        self.accusedEvidence = accusedEvidence
    }

    /// The rule, followed by the detail when there is one.
    public var description: String { detail.isEmpty ? rule : "\(rule): \(detail)" }
}

/// Names a message received earlier in the session: who sent it, in which round, of which kind.
struct MessageSlot: Sendable, Hashable {
    let round: Int
    let kind: MessageKind
    let sender: PartyID
    init(round: Int, kind: MessageKind, sender: PartyID) {
        self.round = round
        self.kind = kind
        self.sender = sender
    }
}

/// The public facts every participant and any third party agree on for one session.
public struct SessionPublicData: Sendable, Hashable {
    /// Chosen by the caller; must be unique per session (for example a block hash and a counter).
    public let sessionID: [UInt8]
    /// The protocol's tag (such as `KeyInit.protocolTag`), signed into every message.
    public let protocolTag: String
    /// All participants, sorted by identity key.
    public let committee: [PartyID]

    /// - Throws: `.duplicateParty` or `.committeeTooSmall` (fewer than two parties).
    public init(sessionID: [UInt8], protocolTag: String, committee: [PartyID]) throws(SessionSetupError) {
        let sorted = committee.sorted()
        guard sorted.count >= 2 else { throw .committeeTooSmall(sorted.count) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a == b { throw .duplicateParty(a) }
        self.sessionID = sessionID
        self.protocolTag = protocolTag
        self.committee = sorted
    }

    /// The identifier bound into hashes and proofs: the session id together with the protocol tag
    /// and the committee, so that agreeing on it means agreeing on all three.
    public var boundSessionID: [UInt8] {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.protocolSessionID)
        hasher.appendField(sessionID)
        hasher.appendField(Array(protocolTag.utf8))
        for party in committee { hasher.appendField(party.rawRepresentation) }
        return hasher.sha256()
    }
}

/// Why a session could not be set up (caller mistakes, reported rather than trapped).
public enum SessionSetupError: Error, Equatable, Sendable {
    /// Fewer than two parties (the count given).
    case committeeTooSmall(Int)
    /// The committee lists this party twice.
    case duplicateParty(PartyID)
    /// The signer's identity is not a committee member.
    case signerNotInCommittee(PartyID)
}
