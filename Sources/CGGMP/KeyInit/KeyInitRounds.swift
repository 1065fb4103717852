import Bytes
import BigNum
import Secp256k1

/// The secrets party i keeps from round 1 to round 3. τ_i is kept as the seed of the generator that
/// drew it, because `SchnorrCommitment` is deliberately not copyable or storable; the round that
/// consumes the seed makes the proof once.
struct KeyInitSecrets: Sendable, CustomStringConvertible {
    let x: Scalar
    let nonceSeed: [UInt8]
    let decommitment: KeyInitDecommitment

    var description: String { "KeyInitSecrets(…)" }

    func schnorrCommitment() -> SchnorrCommitment { Self.schnorrCommitment(seed: nonceSeed) }

    static func schnorrCommitment(seed: [UInt8]) -> SchnorrCommitment {
        var generator = ChaChaRandom(seed: seed)
        return SchnorrCommitment(using: &generator)
    }
}

/// Round 1: sample x_i, τ_i, ρ_i, u_i; echo-broadcast V_i.
struct KeyInitRound1: TypedRound {
    let context: KeyInitContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<KeyInitSecrets> {
        let x = Scalar.random(using: &generator)
        let nonceSeed = randomBytes(32, using: &generator)
        let rho = randomBytes(KeyInitDecommitment.randomnessByteCount, using: &generator)
        let blinding = randomBytes(KeyInitDecommitment.randomnessByteCount, using: &generator)
        let secrets = KeyInitSecrets(x: x, nonceSeed: nonceSeed, decommitment: KeyInitDecommitment(
            rho: rho, publicShare: .generatorMultiple(x),
            schnorrCommitment: KeyInitSecrets.schnorrCommitment(seed: nonceSeed).point, blinding: blinding))
        var writer = ByteWriter()
        writer.write("V", bytes: secrets.decommitment.hash(sid: context.sid, party: context.me))
        return TypedPayloads(echoBroadcast: writer.bytes, artifact: secrets)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> [UInt8] {
        try KeyInitChecks.round1(incoming)
    }

    func finalize(artifact secrets: KeyInitSecrets, verified: [PartyID: [UInt8]],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AdditiveKeyShare> {
        .next(KeyInitRound2(context: context, secrets: secrets))
    }

    var description: String { "KeyInitRound1" }
}

/// Round 2: broadcast (ρ_i, X_i, A_i, u_i); check each received one against V_j.
struct KeyInitRound2: TypedRound {
    let context: KeyInitContext
    let secrets: KeyInitSecrets
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        TypedPayloads(broadcast: secrets.decommitment.encoded)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> KeyInitDecommitment {
        try KeyInitChecks.round2(incoming, view: &view, sid: context.sid)
    }

    func finalize(artifact: Void, verified: [PartyID: KeyInitDecommitment],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AdditiveKeyShare> {
        var decommitments = verified
        decommitments[context.me] = secrets.decommitment
        let rho = KeyInitChecks.jointRandomness(decommitments.values)
        return .next(KeyInitRound3(context: context, secrets: secrets, decommitments: decommitments, rho: rho))
    }

    var description: String { "KeyInitRound2" }
}

/// Round 3: echo-broadcast ψ_i; check each ψ_j; after the echo step, output x_i and every X_j.
struct KeyInitRound3: TypedRound {
    let context: KeyInitContext
    let secrets: KeyInitSecrets
    let decommitments: [PartyID: KeyInitDecommitment]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        let proof = SchnorrProof.prove(
            secret: secrets.x, statement: SchnorrProof.Statement(publicPoint: secrets.decommitment.publicShare),
            commitment: secrets.schnorrCommitment(),
            context: KeyInitChecks.proofContext(sid: context.sid, rho: rho, prover: context.me),
            parameters: context.parameters)
        return TypedPayloads(echoBroadcast: proof.encoded)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        try KeyInitChecks.round3(incoming, view: &view, sid: context.sid, parameters: context.parameters)
    }

    func finalize(artifact: Void, verified: [PartyID: Void],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AdditiveKeyShare> {
        do {
            return .finished(try AdditiveKeyShare(owner: context.me, secretShare: secrets.x,
                                                  publicShares: decommitments.mapValues(\.publicShare)))
        } catch {
            return .aborted("KeyInit output unusable: \(error)")
        }
    }

    var description: String { "KeyInitRound3" }
}
