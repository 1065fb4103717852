import BigNum
import Paillier
import Secp256k1

/// What party i keeps from round 1 to the end. Schnorr nonces are kept as generator seeds
/// (`SchnorrCommitment` is not copyable), each consumed by one proof in round 3.
struct KeyRefreshSecrets: Sendable, CustomStringConvertible {
    let ringPedersen: RingPedersenSecret
    /// x_{i,j}, committee order.
    let shareChanges: [Scalar]
    /// y_{i,j}, committee order.
    let elGamalSecrets: [Scalar]
    let nonceSeeds: [[UInt8]]
    let echo: KeyRefreshEcho
    let broadcast: KeyRefreshBroadcast
    var description: String { "KeyRefreshSecrets(…)" }
}

/// Round 1: deal shares of zero, make aux data; echo-broadcast V_i.
struct KeyRefreshRound1: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let n = context.publicData.committee.count
        var changes = (0..<(n - 1)).map { _ in Scalar.random(using: &generator) }
        changes.append(Scalar.zero - changes.reduce(Scalar.zero, +))
        let elGamal = (0..<n).map { _ in Scalar.random(using: &generator) }
        let seeds = (0..<n).map { _ in randomBytes(32, using: &generator) }
        let aux = AuxChecks.makeReveal(keys: context.keys, context: ProofContext(sessionID: context.sid, proverID: context.me.bytes),
                                       parameters: context.parameters, misbehaviour: nil, using: &generator)
        let echo = KeyRefreshEcho(aux: aux.echo, elGamalKeys: elGamal.map { .generatorMultiple($0) })
        let broadcast = KeyRefreshBroadcast(aux: aux.broadcast, shareChanges: changes.map { .generatorMultiple($0) },
                                            schnorrCommitments: seeds.map { KeyInitSecrets.schnorrCommitment(seed: $0).point })
        let secrets = KeyRefreshSecrets(ringPedersen: aux.secret, shareChanges: changes, elGamalSecrets: elGamal,
                                        nonceSeeds: seeds, echo: echo, broadcast: broadcast)
        var writer = WireWriter()
        writer.write("V", bytes: KeyRefreshChecks.commitment(sid: context.sid, party: context.me, echo: echo, broadcast: broadcast))
        return OutgoingPayloads(echoBroadcast: writer.bytes, artifact: RoundArtifact(secrets))
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyInitChecks.commitment(incoming.echoBroadcast!))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        .next(KeyRefreshRound2(context: context, secrets: artifact.unwrap(as: KeyRefreshSecrets.self),
                               commitments: verified.mapValues { $0.unwrap(as: [UInt8].self) }))
    }

    var description: String { "KeyRefreshRound1" }
}

/// Round 2: reveal; check each reveal.
struct KeyRefreshRound2: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    let secrets: KeyRefreshSecrets
    let commitments: [PartyID: [UInt8]]
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(echoBroadcast: secrets.echo.serialized(), broadcast: secrets.broadcast.serialized())
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyRefreshChecks.reveal(
            echoPayload: incoming.echoBroadcast!, broadcastPayload: incoming.broadcast!, sender: incoming.sender,
            commitment: commitments[incoming.sender]!, sid: context.sid,
            committeeCount: context.publicData.committee.count, parameters: context.parameters))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        var reveals = verified.mapValues { $0.unwrap(as: (PublicAuxInfo, KeyRefreshEcho, KeyRefreshBroadcast).self) }
        reveals[context.me] = (PublicAuxInfo(paillierKey: context.keys.paillier.publicKey, ringPedersen: secrets.ringPedersen.parameters),
                               secrets.echo, secrets.broadcast)
        let rho = AuxChecks.jointRandomness(reveals.values.map(\.1.aux.rho))
        return .next(KeyRefreshRound3(context: context, secrets: secrets, reveals: reveals, rho: rho))
    }

    var description: String { "KeyRefreshRound2" }
}

/// Round 3: Schnorr proofs (echo-broadcast), Πmod (broadcast), Πfac and C_{i,j} (direct); output.
struct KeyRefreshRound3: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    let secrets: KeyRefreshSecrets
    let reveals: [PartyID: (PublicAuxInfo, KeyRefreshEcho, KeyRefreshBroadcast)]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast, .direct] }

    private var committee: [PartyID] { context.publicData.committee }
    private var myIndex: Int { committee.firstIndex(of: context.me)! }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let proofContext = AuxChecks.proofContext(sid: context.sid, rho: rho, prover: context.me)
        let schnorr = committee.indices.map { index in
            SchnorrProof.prove(secret: secrets.shareChanges[index],
                               statement: .init(publicPoint: secrets.broadcast.shareChanges[index]),
                               commitment: KeyInitSecrets.schnorrCommitment(seed: secrets.nonceSeeds[index]),
                               context: proofContext, parameters: context.parameters)
        }
        let modulusProof = ModulusProof.prove(key: context.keys.paillier, context: proofContext,
                                              parameters: context.parameters, using: &generator)
        var direct: [PartyID: [UInt8]] = [:]
        for (index, party) in committee.enumerated() where party != context.me {
            let (info, echo, _) = reveals[party]!
            let fac = NoSmallFactorProof.prove(key: context.keys.paillier, verifierParameters: info.ringPedersen,
                                               context: proofContext, parameters: context.parameters, using: &generator)
            let shared = secrets.elGamalSecrets[index] * echo.elGamalKeys[myIndex]
            let pad = KeyRefreshChecks.pad(sid: context.sid, rho: rho, sender: context.me, recipient: party, sharedPoint: shared)
            direct[party] = KeyRefreshDirect(factorProof: fac, paddedShare: secrets.shareChanges[index] + pad).serialized()
        }
        return OutgoingPayloads(echoBroadcast: KeyRefreshProofs(proofs: schnorr).serialized(),
                                broadcast: modulusProof.serialized(), direct: direct)
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        let sender = incoming.sender
        let (_, senderEcho, senderBroadcast) = reveals[sender]!
        let direct = try KeyRefreshChecks.proofs(
            echoPayload: incoming.echoBroadcast!, broadcastPayload: incoming.broadcast!, directPayload: incoming.direct!,
            sender: sender, reveal: senderBroadcast, verifierParameters: .init(secrets.ringPedersen.parameters),
            rho: rho, sid: context.sid, parameters: context.parameters)
        let senderIndex = committee.firstIndex(of: sender)!
        let shared = secrets.elGamalSecrets[senderIndex] * senderEcho.elGamalKeys[myIndex]
        let change = direct.paddedShare - KeyRefreshChecks.pad(sid: context.sid, rho: rho, sender: sender,
                                                               recipient: context.me, sharedPoint: shared)
        guard Point.generatorMultiple(change) == senderBroadcast.shareChanges[myIndex] else {
            // Proving this to a third party would need the receiver's y_{j,i}; see docs/protocols.md.
            throw RoundViolation(rule: "share-change-mismatch", detail: "(C − pad)·G ≠ X_{j,i}")
        }
        return VerifiedPayload(change)
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        var secret = context.keyShare.secretShare + secrets.shareChanges[myIndex]
        for value in verified.values { secret += value.unwrap(as: Scalar.self) }
        var publicShares = context.keyShare.publicShares
        for (index, party) in committee.enumerated() {
            publicShares[party] = publicShares[party]! + Point.sum(reveals.values.map { $0.2.shareChanges[index] })
        }
        do {
            let share = try AdditiveKeyShare(owner: context.me, secretShare: secret, publicShares: publicShares)
            let aux = try AuxInfo(owner: context.me, parameters: context.parameters,
                                  paillierSecretKey: context.keys.paillier, ringPedersenSecret: secrets.ringPedersen,
                                  ringPedersenPrimes: context.keys.ringPedersenPrimes, publicInfo: reveals.mapValues(\.0))
            return .finished(KeyRefreshOutput(keyShare: share, auxInfo: aux))
        } catch {
            return .aborted("KeyRefresh output unusable: \(error)")
        }
    }

    var description: String { "KeyRefreshRound3" }
}

/// KeyRefresh's checks re-run from signed messages alone.
struct KeyRefreshRechecker<Verifier: IdentitySignatureVerifier>: LegacyEvidenceRechecker {
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
            switch (offending.round, offending.kind) {
            case (1, .echoBroadcast):
                _ = try KeyInitChecks.commitment(offending.payload)
            case (2, .echoBroadcast), (2, .broadcast):
                guard let echo = find(2, .echoBroadcast, sender), let broadcast = find(2, .broadcast, sender),
                      let round1 = find(1, .echoBroadcast, sender),
                      let commitment = try? KeyInitChecks.commitment(round1.payload) else { return nil }
                _ = try KeyRefreshChecks.reveal(echoPayload: echo.payload, broadcastPayload: broadcast.payload, sender: sender,
                                                commitment: commitment, sid: sid, committeeCount: publicData.committee.count,
                                                parameters: parameters)
            case (3, .echoBroadcast), (3, .broadcast), (3, .direct):
                guard let proofs = find(3, .echoBroadcast, sender), let modulus = find(3, .broadcast, sender),
                      let direct = find(3, .direct, sender), let recipient = direct.recipient, recipient != sender,
                      let round2 = find(2, .broadcast, sender), let echo = find(2, .echo, sender),
                      let reveal = try? KeyRefreshBroadcast(serialized: round2.payload),
                      let echoed = AuxChecks.echoedRound2(echo, publicData: publicData, verifier: verifier,
                                                          decode: { try? KeyRefreshEcho(serialized: $0) }),
                      let verifierEcho = echoed[recipient]
                else { return nil }
                _ = try KeyRefreshChecks.proofs(
                    echoPayload: proofs.payload, broadcastPayload: modulus.payload, directPayload: direct.payload,
                    sender: sender, reveal: reveal, verifierParameters: verifierEcho.aux.ringPedersen,
                    rho: AuxChecks.jointRandomness(echoed.values.map(\.aux.rho)), sid: sid, parameters: parameters)
            default:
                return RoundViolation(rule: "unexpected-message", detail: "KeyRefresh has no \(offending.kind) in round \(offending.round)")
            }
            return nil
        } catch {
            return error
        }
    }
}
