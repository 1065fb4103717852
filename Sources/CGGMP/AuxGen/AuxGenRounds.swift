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

/// AuxGen's round-2 reveal as a receiver checks it.
enum AuxGenChecks {
    static let commitmentDomain = "swift-tss/CGGMP/AuxGen/commitment/v1"

    static func commitment(sid: [UInt8], party: PartyID, echo: AuxRevealEcho, broadcast: AuxRevealBroadcast) -> [UInt8] {
        AuxChecks.commitment(domain: commitmentDomain, sid: sid, party: party,
                             parts: [echo.fieldEncoding, broadcast.fieldEncoding])
    }

    static func reveal(echoPayload: [UInt8], broadcastPayload: [UInt8], sender: PartyID, commitment: [UInt8],
                       sid: [UInt8], parameters: SchemeParameters) throws(RoundViolation) -> (PublicAuxInfo, AuxRevealEcho) {
        let echo = try AuxChecks.decode(AuxRevealEcho.self, echoPayload, rule: "malformed-reveal")
        let broadcast = try AuxChecks.decode(AuxRevealBroadcast.self, broadcastPayload, rule: "malformed-reveal")
        let support = [MessageSlot(round: 1, kind: .echoBroadcast, sender: sender)]
        guard Self.commitment(sid: sid, party: sender, echo: echo, broadcast: broadcast) == commitment else {
            throw RoundViolation(rule: "decommitment-mismatch", detail: "H(sid, j, reveal_j) ≠ V_j", supportingMessages: support)
        }
        let info = try AuxChecks.reveal(echo: echo, broadcast: broadcast, sender: sender, sid: sid,
                                        parameters: parameters, support: support)
        return (info, echo)
    }

    /// Round 3: the sender's Πmod (broadcast) and its Πfac for this verifier (direct). Evidence
    /// needs the sender's round-2 broadcast (N_j) and the sender's own round-2 echo, which shows
    /// the ρ_k and the verifier's ring-Pedersen parameters exactly as the sender received them.
    static func proofs(broadcastPayload: [UInt8], directPayload: [UInt8], sender: PartyID, modulus: BigInt,
                       verifierParameters: RingPedersenProof.Statement, rho: [UInt8], sid: [UInt8],
                       parameters: SchemeParameters) throws(RoundViolation) {
        let support = [MessageSlot(round: 2, kind: .broadcast, sender: sender), MessageSlot(round: 2, kind: .echo, sender: sender)]
        try AuxChecks.modulusProof(broadcastPayload, sender: sender, modulus: modulus, rho: rho, sid: sid,
                                   parameters: parameters, support: support)
        let proof: NoSmallFactorProof
        do { proof = try NoSmallFactorProof(serialized: directPayload) }
        catch { throw RoundViolation(rule: "invalid-fac-proof", detail: "\(error)", supportingMessages: support) }
        try AuxChecks.factorProof(proof, sender: sender, modulus: modulus, verifierParameters: verifierParameters,
                                  rho: rho, sid: sid, parameters: parameters, support: support)
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

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyInitChecks.commitment(incoming.echoBroadcast!))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<AuxInfo> {
        .next(AuxGenRound2(context: context, secrets: artifact.unwrap(as: AuxGenSecrets.self),
                           commitments: verified.mapValues { $0.unwrap(as: [UInt8].self) }))
    }

    var description: String { "AuxGenRound1" }
}

/// Round 2: reveal; check each party's reveal against its V_j and check its aux data and Πprm.
struct AuxGenRound2: Round, CustomStringConvertible {
    let context: AuxGenContext
    let secrets: AuxGenSecrets
    let commitments: [PartyID: [UInt8]]
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(echoBroadcast: secrets.echo.serialized(), broadcast: secrets.broadcast.serialized())
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try AuxGenChecks.reveal(echoPayload: incoming.echoBroadcast!, broadcastPayload: incoming.broadcast!,
                                                sender: incoming.sender, commitment: commitments[incoming.sender]!,
                                                sid: context.sid, parameters: context.parameters))
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

/// Round 3: broadcast Πmod, send each peer Πfac under its parameters; check what arrives; output.
struct AuxGenRound3: Round, CustomStringConvertible {
    let context: AuxGenContext
    let secrets: AuxGenSecrets
    let publicInfo: [PartyID: PublicAuxInfo]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.broadcast, .direct] }

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
        return OutgoingPayloads(broadcast: modulusProof.serialized(), direct: direct)
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        try AuxGenChecks.proofs(broadcastPayload: incoming.broadcast!, directPayload: incoming.direct!,
                                sender: incoming.sender, modulus: publicInfo[incoming.sender]!.paillierKey.modulus,
                                verifierParameters: .init(secrets.ringPedersen.parameters), rho: rho,
                                sid: context.sid, parameters: context.parameters)
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

/// AuxGen's checks re-run from signed messages alone.
struct AuxGenRechecker<Verifier: IdentitySignatureVerifier>: LegacyEvidenceRechecker {
    let parameters: SchemeParameters
    let verifier: Verifier

    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation? {
        let sid = publicData.boundSessionID
        let all = [offending] + supporting
        let sender = offending.sender
        func find(_ round: Int, _ kind: MessageKind, _ sender: PartyID) -> SignedMessage? {
            all.first { $0.round == round && $0.kind == kind && $0.sender == sender }
        }
        do throws(RoundViolation) {
            switch offending.round {
            case 1:
                guard offending.kind == .echoBroadcast else { return unexpected(offending) }
                _ = try KeyInitChecks.commitment(offending.payload)
            case 2:
                guard offending.kind == .echoBroadcast || offending.kind == .broadcast else { return unexpected(offending) }
                guard let echo = find(2, .echoBroadcast, sender), let broadcast = find(2, .broadcast, sender),
                      let round1 = find(1, .echoBroadcast, sender),
                      let commitment = try? KeyInitChecks.commitment(round1.payload) else { return nil }
                _ = try AuxGenChecks.reveal(echoPayload: echo.payload, broadcastPayload: broadcast.payload, sender: sender,
                                            commitment: commitment, sid: sid, parameters: parameters)
            case 3:
                guard offending.kind == .broadcast || offending.kind == .direct else { return unexpected(offending) }
                guard let proofBroadcast = find(3, .broadcast, sender), let direct = find(3, .direct, sender),
                      let recipient = direct.recipient, recipient != sender,
                      let round2 = find(2, .broadcast, sender), let echo = find(2, .echo, sender),
                      let reveal = try? AuxRevealBroadcast(serialized: round2.payload),
                      let echoed = AuxChecks.echoedRound2(echo, publicData: publicData, verifier: verifier,
                                                          decode: { try? AuxRevealEcho(serialized: $0) }),
                      let verifierEcho = echoed[recipient]
                else { return nil }
                try AuxGenChecks.proofs(broadcastPayload: proofBroadcast.payload, directPayload: direct.payload,
                                        sender: sender, modulus: reveal.paillierModulus,
                                        verifierParameters: verifierEcho.ringPedersen,
                                        rho: AuxChecks.jointRandomness(echoed.values.map(\.rho)),
                                        sid: sid, parameters: parameters)
            default:
                return unexpected(offending)
            }
            return nil
        } catch {
            return error
        }
    }

    private func unexpected(_ message: SignedMessage) -> RoundViolation {
        RoundViolation(rule: "unexpected-message", detail: "AuxGen has no \(message.kind) in round \(message.round)")
    }
}
