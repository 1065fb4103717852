/// A round whose local artifact and checked payloads have types: what every protocol's rounds
/// implement. `TypedRoundAdapter` turns one into a `Round` for the session, which keeps both
/// values opaque; the adapter is the only place that stores them type-erased and casts them back.
protocol TypedRound<Output>: Sendable, CustomStringConvertible {
    associatedtype Output: Sendable
    /// The local secrets `makeMessages` hands to `finalize` (they never leave the party).
    associatedtype Artifact: Sendable = Void
    /// What `verify` extracts from one sender's message for `finalize`.
    associatedtype Verified: Sendable = Void

    /// The round number carried by this round's messages (1 for the first round).
    var number: Int { get }
    /// The parts every party sends in this round (see `Round.messageKinds`).
    var messageKinds: Set<MessageKind> { get }

    /// This party's payloads for the round, and the artifact `finalize` receives.
    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Artifact>

    /// Checks one sender's parts against what it signed earlier (`view`); see `Round.verify`.
    /// - Throws: the protocol rule the sender broke.
    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> Verified

    /// Ends the round: `verified` holds one entry for every other party.
    func finalize(artifact: Artifact, verified: [PartyID: Verified],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output>
}

/// A typed round's outgoing payloads before the session signs them.
struct TypedPayloads<Artifact: Sendable>: Sendable {
    var echoBroadcast: [UInt8]?
    var broadcast: [UInt8]?
    /// One payload for every other party when the round has direct messages.
    var direct: [PartyID: [UInt8]]
    var artifact: Artifact

    init(echoBroadcast: [UInt8]? = nil, broadcast: [UInt8]? = nil, direct: [PartyID: [UInt8]] = [:], artifact: Artifact) {
        self.echoBroadcast = echoBroadcast
        self.broadcast = broadcast
        self.direct = direct
        self.artifact = artifact
    }
}

extension TypedPayloads where Artifact == Void {
    init(echoBroadcast: [UInt8]? = nil, broadcast: [UInt8]? = nil, direct: [PartyID: [UInt8]] = [:]) {
        self.init(echoBroadcast: echoBroadcast, broadcast: broadcast, direct: direct, artifact: ())
    }
}

/// Presents a `TypedRound` as a `Round`: wraps its artifact and checked payloads for the session
/// and casts them back for `finalize`. The session hands a round back only what that round made,
/// so a failed cast is a bug in the session, never a peer's doing.
struct TypedRoundAdapter<Typed: TypedRound>: Round, CustomStringConvertible {
    typealias Output = Typed.Output
    let typed: Typed

    init(_ typed: Typed) { self.typed = typed }

    var number: Int { typed.number }
    var messageKinds: Set<MessageKind> { typed.messageKinds }
    var description: String { typed.description }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let payloads = typed.makeMessages(using: &generator)
        return OutgoingPayloads(echoBroadcast: payloads.echoBroadcast, broadcast: payloads.broadcast,
                                direct: payloads.direct, artifact: RoundArtifact(payloads.artifact))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try typed.verify(incoming, view: &view))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        guard let ownArtifact = artifact.value as? Typed.Artifact else {
            preconditionFailure("\(typed): the artifact is not a \(Typed.Artifact.self)")
        }
        let checked = verified.mapValues { payload in
            guard let value = payload.value as? Typed.Verified else {
                preconditionFailure("\(typed): a checked payload is not a \(Typed.Verified.self)")
            }
            return value
        }
        return typed.finalize(artifact: ownArtifact, verified: checked, using: &generator)
    }
}

extension RoundTransition {
    /// Goes on to a typed round.
    static func next<Next: TypedRound>(_ round: Next) -> Self where Next.Output == Output {
        .next(TypedRoundAdapter(round))
    }
}

extension Session {
    /// Used by protocol entry points, which build the first (typed) round.
    init(publicData: SessionPublicData, signer: some IdentitySigner, verifier: some IdentitySignatureVerifier,
         firstRound: some TypedRound<Output>) throws(SessionSetupError) {
        try self.init(publicData: publicData, signer: signer, verifier: verifier,
                      firstRound: TypedRoundAdapter(firstRound) as any Round<Output>)
    }
}

extension Dictionary where Key == PartyID {
    /// The entry for `party` in a per-party table a round built from its own values and the
    /// checked payloads `finalize` received — one from every other party, by the session's
    /// guarantee. A missing entry is a bug in this party's code, never a peer's doing.
    func entry(for party: PartyID) -> Value {
        guard let value = self[party] else { preconditionFailure("no entry for \(party): every party's entry is filled in finalize") }
        return value
    }
}
