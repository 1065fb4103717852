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
struct KeyInitRound1: Round, CustomStringConvertible {
    let context: KeyInitContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let x = Scalar.random(using: &generator)
        let nonceSeed = randomBytes(32, using: &generator)
        let rho = randomBytes(KeyInitDecommitment.randomnessByteCount, using: &generator)
        let blinding = randomBytes(KeyInitDecommitment.randomnessByteCount, using: &generator)
        let secrets = KeyInitSecrets(x: x, nonceSeed: nonceSeed, decommitment: KeyInitDecommitment(
            rho: rho, publicShare: .generatorMultiple(x),
            schnorrCommitment: KeyInitSecrets.schnorrCommitment(seed: nonceSeed).point, blinding: blinding))
        var writer = WireWriter()
        writer.write("V", bytes: secrets.decommitment.hash(sid: context.sid, party: context.me))
        return OutgoingPayloads(echoBroadcast: writer.bytes, artifact: RoundArtifact(secrets))
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyInitChecks.commitment(incoming.echoBroadcast!))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AdditiveKeyShare> {
        let secrets = artifact.unwrap(as: KeyInitSecrets.self)
        var commitments = verified.mapValues { $0.unwrap(as: [UInt8].self) }
        commitments[context.me] = secrets.decommitment.hash(sid: context.sid, party: context.me)
        return .next(KeyInitRound2(context: context, secrets: secrets, commitments: commitments))
    }

    var description: String { "KeyInitRound1" }
}

/// Round 2: broadcast (ρ_i, X_i, A_i, u_i); check each received one against V_j.
struct KeyInitRound2: Round, CustomStringConvertible {
    let context: KeyInitContext
    let secrets: KeyInitSecrets
    let commitments: [PartyID: [UInt8]]
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(broadcast: secrets.decommitment.serialized())
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyInitChecks.decommitment(incoming.broadcast!, sender: incoming.sender,
                                                       commitment: commitments[incoming.sender]!, sid: context.sid))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AdditiveKeyShare> {
        var decommitments = verified.mapValues { $0.unwrap(as: KeyInitDecommitment.self) }
        decommitments[context.me] = secrets.decommitment
        let rho = KeyInitChecks.jointRandomness(decommitments.values)
        return .next(KeyInitRound3(context: context, secrets: secrets, decommitments: decommitments, rho: rho))
    }

    var description: String { "KeyInitRound2" }
}

/// Round 3: broadcast ψ_i; check each ψ_j; output x_i and every X_j.
struct KeyInitRound3: Round, CustomStringConvertible {
    let context: KeyInitContext
    let secrets: KeyInitSecrets
    let decommitments: [PartyID: KeyInitDecommitment]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let proof = SchnorrProof.prove(
            secret: secrets.x, statement: SchnorrProof.Statement(publicPoint: secrets.decommitment.publicShare),
            commitment: secrets.schnorrCommitment(),
            context: KeyInitChecks.proofContext(sid: context.sid, rho: rho, prover: context.me),
            parameters: context.parameters)
        return OutgoingPayloads(broadcast: proof.serialized())
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        try KeyInitChecks.proof(incoming.broadcast!, sender: incoming.sender,
                                decommitment: decommitments[incoming.sender]!, rho: rho,
                                committee: context.publicData.committee, sid: context.sid,
                                parameters: context.parameters)
        return VerifiedPayload(())
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
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

/// KeyInit's checks re-run from signed messages alone.
struct KeyInitRechecker: LegacyEvidenceRechecker {
    let parameters: SchemeParameters

    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation? {
        let sid = publicData.boundSessionID
        func find(_ round: Int, _ kind: MessageKind, _ sender: PartyID) -> SignedMessage? {
            supporting.first { $0.round == round && $0.kind == kind && $0.sender == sender }
        }
        do throws(RoundViolation) {
            switch (offending.round, offending.kind) {
            case (1, .echoBroadcast):
                _ = try KeyInitChecks.commitment(offending.payload)
            case (2, .broadcast):
                guard let round1 = find(1, .echoBroadcast, offending.sender),
                      let commitment = try? KeyInitChecks.commitment(round1.payload) else { return nil }
                _ = try KeyInitChecks.decommitment(offending.payload, sender: offending.sender,
                                                   commitment: commitment, sid: sid)
            case (3, .broadcast):
                // Every party's decommitment must itself be valid (else round 2 should have failed
                // and this evidence proves nothing about round 3).
                var decommitments: [PartyID: KeyInitDecommitment] = [:]
                for party in publicData.committee {
                    guard let round1 = find(1, .echoBroadcast, party), let round2 = find(2, .broadcast, party),
                          let commitment = try? KeyInitChecks.commitment(round1.payload),
                          let decommitment = try? KeyInitChecks.decommitment(round2.payload, sender: party,
                                                                             commitment: commitment, sid: sid)
                    else { return nil }
                    decommitments[party] = decommitment
                }
                try KeyInitChecks.proof(offending.payload, sender: offending.sender,
                                        decommitment: decommitments[offending.sender]!,
                                        rho: KeyInitChecks.jointRandomness(decommitments.values),
                                        committee: publicData.committee, sid: sid, parameters: parameters)
            default:
                return RoundViolation(rule: "unexpected-message", detail: "KeyInit has no \(offending.kind) in round \(offending.round)")
            }
            return nil
        } catch {
            return error
        }
    }
}
