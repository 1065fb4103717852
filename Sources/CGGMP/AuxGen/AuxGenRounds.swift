import BigNum
import Paillier

extension AuxChecks {
    /// V = H(sid, i, echo part, broadcast part) under a protocol's domain.
    static func commitment(domain: String, sid: [UInt8], party: PartyID, parts: [[UInt8]]) -> [UInt8] {
        var hasher = SHA256Hasher(domain: domain)
        hasher.append(sid)
        hasher.append(party.bytes)
        for part in parts { hasher.append(part) }
        return hasher.finalize()
    }

    static func decode<T: WireCodable>(_ type: T.Type, _ payload: [UInt8], rule: String) throws(RoundViolation) -> T {
        do { return try T(serialized: payload) } catch { throw RoundViolation(rule: rule, detail: "\(error)") }
    }
}

/// AuxGen's round checks: each a function of the public inputs, the sender's parts of the round
/// and what the sender signed (`SignedView`). The live rounds and `AuxGenRechecker` call these same
/// functions, so a third party re-runs exactly the live check.
enum AuxGenChecks {
    static let commitmentDomain = "swift-tss/CGGMP/AuxGen/commitment/v1"

    static func commitment(sid: [UInt8], party: PartyID, echo: AuxRevealEcho, broadcast: AuxRevealBroadcast) -> [UInt8] {
        AuxChecks.commitment(domain: commitmentDomain, sid: sid, party: party,
                             parts: [echo.fieldEncoding, broadcast.fieldEncoding])
    }

    /// Round 1: V_j is well-formed.
    static func round1(_ incoming: IncomingPayloads) throws(RoundViolation) -> [UInt8] {
        try KeyInitChecks.commitment(incoming.payload(.echoBroadcast))
    }

    /// Round 2: the reveal opens the sender's own V_j; N_j, (N̂_j, s_j, t_j) and ψ̂_j are valid.
    static func round2(_ incoming: IncomingPayloads, view: inout SignedView,
                       parameters: SchemeParameters) throws(RoundViolation) -> (PublicAuxInfo, AuxRevealEcho) {
        let sid = view.publicData.boundSessionID
        let commitment = try KeyInitChecks.commitment(view.ownPayload(round: 1, kind: .echoBroadcast))
        let echo = try AuxChecks.decode(AuxRevealEcho.self, incoming.payload(.echoBroadcast), rule: "malformed-reveal")
        let broadcast = try AuxChecks.decode(AuxRevealBroadcast.self, incoming.payload(.broadcast), rule: "malformed-reveal")
        guard Self.commitment(sid: sid, party: incoming.sender, echo: echo, broadcast: broadcast) == commitment else {
            throw RoundViolation(rule: "decommitment-mismatch", detail: "H(sid, j, reveal_j) ≠ V_j")
        }
        let info = try AuxChecks.reveal(echo: echo, broadcast: broadcast, sender: incoming.sender, sid: sid,
                                        parameters: parameters)
        return (info, echo)
    }

    /// Round 3: the sender's Πmod (broadcast, matching its echo-broadcast digest) and its Πfac to
    /// the recipient (direct), under N_j, ρ and the recipient's ring-Pedersen parameters as the
    /// sender received them (its signed round-2 echo); then no N repeats an earlier party's.
    static func round3(_ incoming: IncomingPayloads, view: inout SignedView,
                       parameters: SchemeParameters) throws(RoundViolation) {
        let sid = view.publicData.boundSessionID
        let sender = incoming.sender
        guard let recipient = incoming.recipient, recipient != sender else { throw .incompleteView("the recipient of the direct part") }
        let reveals = try AuxChecks.attested(AuxRevealEcho.self, round: 2, view: &view)
        guard let own = reveals[sender], let verifier = reveals[recipient] else { throw .incompleteView("round-2 reveals") }
        let rho = AuxChecks.jointRandomness(view.publicData.committee.compactMap { reveals[$0]?.rho })
        try AuxChecks.modulusProof(digestPayload: incoming.payload(.echoBroadcast), proofPayload: incoming.payload(.broadcast),
                                   sender: sender, modulus: own.paillierModulus, rho: rho, sid: sid, parameters: parameters)
        let proof = try AuxChecks.decode(NoSmallFactorProof.self, incoming.payload(.direct), rule: "invalid-fac-proof")
        try AuxChecks.factorProof(proof, sender: sender, modulus: own.paillierModulus, verifierParameters: verifier.ringPedersen,
                                  rho: rho, sid: sid, parameters: parameters)
        try AuxChecks.distinctModuli(sender: sender, committee: view.publicData.committee,
                                     moduli: reveals.mapValues(\.paillierModulus))
    }
}

/// What party i keeps from round 1 to round 3.
struct AuxGenSecrets: Sendable, CustomStringConvertible {
    let ringPedersen: RingPedersenSecret
    let echo: AuxRevealEcho
    let broadcast: AuxRevealBroadcast
    var description: String { "AuxGenSecrets(…)" }
}

/// Round 1: make the ring-Pedersen parameters and Πprm; echo-broadcast V_i.
struct AuxGenRound1: Round, CustomStringConvertible {
    let context: AuxGenContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let reveal = AuxChecks.makeReveal(keys: context.keys, context: ProofContext(sessionID: context.sid, proverID: context.me.bytes),
                                          parameters: context.parameters, misbehaviour: context.misbehaviour, using: &generator)
        let secrets = AuxGenSecrets(ringPedersen: reveal.secret, echo: reveal.echo, broadcast: reveal.broadcast)
        var writer = WireWriter()
        writer.write("V", bytes: AuxGenChecks.commitment(sid: context.sid, party: context.me, echo: reveal.echo, broadcast: reveal.broadcast))
        return OutgoingPayloads(echoBroadcast: writer.bytes, artifact: RoundArtifact(secrets))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try AuxGenChecks.round1(incoming))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AuxInfo> {
        .next(AuxGenRound2(context: context, secrets: artifact.unwrap(as: AuxGenSecrets.self)))
    }

    var description: String { "AuxGenRound1" }
}

/// Round 2: reveal; check each party's reveal against its V_j and check its aux data and Πprm.
struct AuxGenRound2: Round, CustomStringConvertible {
    let context: AuxGenContext
    let secrets: AuxGenSecrets
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(echoBroadcast: secrets.echo.serialized(), broadcast: secrets.broadcast.serialized())
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try AuxGenChecks.round2(incoming, view: &view, parameters: context.parameters))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AuxInfo> {
        let reveals = verified.mapValues { $0.unwrap(as: (PublicAuxInfo, AuxRevealEcho).self) }
        var publicInfo = reveals.mapValues(\.0)
        publicInfo[context.me] = PublicAuxInfo(paillierKey: context.keys.paillier.publicKey,
                                               ringPedersen: secrets.ringPedersen.parameters)
        let rho = AuxChecks.jointRandomness([secrets.echo.rho] + reveals.values.map(\.1.rho))
        return .next(AuxGenRound3(context: context, secrets: secrets, publicInfo: publicInfo, rho: rho))
    }

    var description: String { "AuxGenRound2" }
}

/// Round 3: echo-broadcast H(Πmod), broadcast Πmod, send each peer Πfac under its parameters;
/// check what arrives; after the echo step (every party has checked every round-3 message), output.
struct AuxGenRound3: Round, CustomStringConvertible {
    let context: AuxGenContext
    let secrets: AuxGenSecrets
    let publicInfo: [PartyID: PublicAuxInfo]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast, .direct] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let proofContext = AuxChecks.proofContext(sid: context.sid, rho: rho, prover: context.me)
        let modulusProof = ModulusProof.prove(key: context.keys.paillier, context: proofContext,
                                              parameters: context.parameters, using: &generator)
        var direct: [PartyID: [UInt8]] = [:]
        for party in context.publicData.committee where party != context.me {
            direct[party] = NoSmallFactorProof.prove(
                key: context.keys.paillier, verifierParameters: publicInfo[party]!.ringPedersen,
                context: proofContext, parameters: context.parameters, using: &generator).serialized()
        }
        let proof = modulusProof.serialized()
        return OutgoingPayloads(echoBroadcast: ModulusProofDigest(sid: context.sid, prover: context.me, proof: proof).serialized(),
                                broadcast: proof, direct: direct)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        try AuxGenChecks.round3(incoming, view: &view, parameters: context.parameters)
        return VerifiedPayload(())
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AuxInfo> {
        do {
            return .finished(try AuxInfo(owner: context.me, parameters: context.parameters,
                                         paillierSecretKey: context.keys.paillier, ringPedersenSecret: secrets.ringPedersen,
                                         ringPedersenPrimes: context.keys.ringPedersenPrimes, publicInfo: publicInfo))
        } catch {
            return .aborted("AuxGen output unusable: \(error)")
        }
    }

    var description: String { "AuxGenRound3" }
}

/// AuxGen's checks re-run by a third party: the same functions the rounds call. A round or part
/// AuxGen does not have proves nothing (`incomplete-view`), never a violation.
struct AuxGenRechecker: EvidenceRechecker {
    let parameters: SchemeParameters

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        switch round {
        case 1: _ = try AuxGenChecks.round1(incoming)
        case 2: _ = try AuxGenChecks.round2(incoming, view: &view, parameters: parameters)
        case 3: try AuxGenChecks.round3(incoming, view: &view, parameters: parameters)
        default: throw .incompleteView("AuxGen has no round \(round)")
        }
    }
}
