/// What a check of one sender's round may rest on: values that sender itself signed.
///
/// A round's check of party C's message reads, through this view only:
/// - C's own signed messages of the session (`ownPayload`), its direct message to the checking
///   party included;
/// - for every earlier echo-broadcast round, everyone's echo-broadcast *as C received it*, taken
///   from the echo message C signed (`attestedPayload`). C signed that echo before it sent any
///   later message, so an accuser cannot substitute a re-signed message of its own: a third party
///   rebuilds exactly the values C's message was computed from;
/// - messages other parties signed that are not attested by C (`unattestedPayload`). A check may use
///   them only to open a commitment C attested (a hash it echoed), so a substitute fails to open.
///
/// The live check (`Session`) and the third-party recheck (`Evidence.verdict`) both build a view
/// and call the same check function with it; the view records what the check read, and exactly
/// those messages become the fault's evidence.
public struct SignedView: Sendable {
    /// The party whose message is checked (the culprit, if the check fails).
    public let sender: PartyID
    /// The session the viewed messages belong to.
    public let publicData: SessionPublicData
    private let own: [OwnSlot: SignedMessage]
    /// Echo-broadcast entries of C's echoes: round → original sender → message.
    private let attested: [Int: [PartyID: SignedMessage]]
    /// C's echo messages by round (the evidence for `attested`).
    private let echoes: [Int: SignedMessage]
    private let unattested: [MessageSlot: SignedMessage]
    /// Messages the check read, in the order it read them (evidence).
    public private(set) var used: [SignedMessage] = []
    private var usedSet: Set<SignedMessage> = []

    struct OwnSlot: Hashable, Sendable {
        let round: Int
        let kind: MessageKind
    }

    init(sender: PartyID, publicData: SessionPublicData, own: [OwnSlot: SignedMessage],
         attested: [Int: [PartyID: SignedMessage]], echoes: [Int: SignedMessage],
         unattested: [MessageSlot: SignedMessage]) {
        self.sender = sender
        self.publicData = publicData
        self.own = own
        self.attested = attested
        self.echoes = echoes
        self.unattested = unattested
    }

    /// Builds a view from evidence messages for a third party. Every message must be in the
    /// session, signed by its sender (a committee member); C's echoes must be well-formed; C may
    /// hold at most one message per (round, kind) (two would be equivocation, a different fault).
    /// - Returns: nil with the reason when the messages cannot form a view.
    static func fromEvidence(sender: PartyID, publicData: SessionPublicData, messages: [SignedMessage],
                             verifier: some IdentitySignatureVerifier) -> Result<SignedView, EvidenceError> {
        var own: [OwnSlot: SignedMessage] = [:]
        var attested: [Int: [PartyID: SignedMessage]] = [:]
        var echoes: [Int: SignedMessage] = [:]
        var unattested: [MessageSlot: SignedMessage] = [:]
        for message in messages {
            guard message.sessionID == publicData.sessionID, message.protocolTag == publicData.protocolTag else {
                return .failure(.notProven("a message belongs to another session"))
            }
            guard publicData.committee.contains(message.sender) else {
                return .failure(.notProven("a message's sender is not in the committee"))
            }
            guard message.hasValidSignature(verifier) else { return .failure(.badSignature(message.sender)) }
            if message.sender == sender {
                if message.kind == .echo {
                    if let problem = EchoRound.problem(in: message, publicData: publicData, verifier: verifier) {
                        return .failure(.notProven("the culprit's echo is malformed: \(problem)"))
                    }
                    guard echoes[message.round] == nil || echoes[message.round] == message,
                          let entries = try? EchoRound.entries(of: message) else {
                        return .failure(.notProven("two echoes for one round"))
                    }
                    echoes[message.round] = message
                    attested[message.round] = Dictionary(entries.map { ($0.sender, $0) }, uniquingKeysWith: { a, _ in a })
                } else {
                    let slot = OwnSlot(round: message.round, kind: message.kind)
                    guard own[slot] == nil || own[slot] == message else {
                        return .failure(.notProven("two messages of the culprit for one slot"))
                    }
                    own[slot] = message
                }
            } else if message.kind != .echo, message.kind != .direct {
                let slot = MessageSlot(round: message.round, kind: message.kind, sender: message.sender)
                guard unattested[slot] == nil || unattested[slot] == message else {
                    return .failure(.notProven("two messages of \(message.sender) for one slot"))
                }
                unattested[slot] = message
            }
        }
        return .success(SignedView(sender: sender, publicData: publicData, own: own, attested: attested,
                                   echoes: echoes, unattested: unattested))
    }

    private mutating func use(_ message: SignedMessage) {
        if usedSet.insert(message).inserted { used.append(message) }
    }

    /// The payload C signed for (`round`, `kind`).
    /// - Throws: the `incomplete-view` violation when the view lacks it.
    public mutating func ownPayload(round: Int, kind: MessageKind) throws(RoundViolation) -> [UInt8] {
        try ownMessage(round: round, kind: kind).payload
    }

    /// C's signed message for (`round`, `kind`) (for a direct message: the one to the checking party).
    public mutating func ownMessage(round: Int, kind: MessageKind) throws(RoundViolation) -> SignedMessage {
        guard let message = own[OwnSlot(round: round, kind: kind)] else {
            throw .incompleteView("\(sender)'s \(kind) of round \(round)")
        }
        use(message)
        return message
    }

    /// `party`'s echo-broadcast of `round` as C received it (C's own when `party` is C), read from the
    /// echo C signed.
    public mutating func attestedPayload(round: Int, from party: PartyID) throws(RoundViolation) -> [UInt8] {
        try attestedMessage(round: round, from: party).payload
    }

    /// `party`'s signed echo-broadcast of `round` as C received it: the entry of the echo C signed
    /// (C's own message when `party` is C). For a check that must hand the signed message on, for
    /// instance as evidence against `party`.
    public mutating func attestedMessage(round: Int, from party: PartyID) throws(RoundViolation) -> SignedMessage {
        if party == sender { return try ownMessage(round: round, kind: .echoBroadcast) }
        guard let echo = echoes[round], let entry = attested[round]?[party] else {
            throw .incompleteView("\(sender)'s echo of round \(round)")
        }
        use(echo)
        return entry
    }

    /// Every committee member's attested echo-broadcast of `round`, by party.
    public mutating func attestedPayloads(round: Int) throws(RoundViolation) -> [PartyID: [UInt8]] {
        var out: [PartyID: [UInt8]] = [:]
        for party in publicData.committee { out[party] = try attestedPayload(round: round, from: party) }
        return out
    }

    /// A message `party` signed that C did not attest. Use it only to open a commitment C attested,
    /// so that a substituted message fails to open.
    public mutating func unattestedPayload(round: Int, kind: MessageKind, from party: PartyID) throws(RoundViolation) -> [UInt8] {
        if party == sender { return try ownPayload(round: round, kind: kind) }
        guard let message = unattested[MessageSlot(round: round, kind: kind, sender: party)] else {
            throw .incompleteView("\(party)'s \(kind) of round \(round)")
        }
        use(message)
        return message.payload
    }
}

extension RoundViolation {
    /// The rule a view reports when it lacks a message a check needs. Never a fault: live, the
    /// session has every message; in evidence, a missing message means "not proven".
    public static let incompleteViewRule = "incomplete-view"

    static func incompleteView(_ what: String) -> RoundViolation {
        RoundViolation(rule: incompleteViewRule, detail: "missing \(what)")
    }
}
