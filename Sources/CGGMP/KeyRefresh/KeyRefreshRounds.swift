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

/// A sender's round-2 reveal as this party accepted it.
struct KeyRefreshReveal: Sendable {
    let info: PublicAuxInfo
    let echo: KeyRefreshEcho
    /// The echo-broadcast payload (for the round-4 digest).
    let echoPayload: [UInt8]
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
        let echo = KeyRefreshEcho(aux: aux.echo, elGamalKeys: elGamal.map { .generatorMultiple($0) },
                                  shareChanges: changes.map { .generatorMultiple($0) })
        let broadcast = KeyRefreshBroadcast(aux: aux.broadcast,
                                            schnorrCommitments: seeds.map { KeyInitSecrets.schnorrCommitment(seed: $0).point })
        let secrets = KeyRefreshSecrets(ringPedersen: aux.secret, shareChanges: changes, elGamalSecrets: elGamal,
                                        nonceSeeds: seeds, echo: echo, broadcast: broadcast)
        var writer = WireWriter()
        writer.write("V", bytes: KeyRefreshChecks.commitment(sid: context.sid, party: context.me, echo: echo, broadcast: broadcast))
        return OutgoingPayloads(echoBroadcast: writer.bytes, artifact: RoundArtifact(secrets))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyRefreshChecks.round1(incoming))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        .next(KeyRefreshRound2(context: context, secrets: artifact.unwrap(as: KeyRefreshSecrets.self)))
    }

    var description: String { "KeyRefreshRound1" }
}

/// Round 2: reveal; check each reveal.
struct KeyRefreshRound2: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    let secrets: KeyRefreshSecrets
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(echoBroadcast: secrets.echo.serialized(), broadcast: secrets.broadcast.serialized())
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        let (info, echo, _) = try KeyRefreshChecks.round2(incoming, view: &view, parameters: context.parameters)
        return VerifiedPayload(KeyRefreshReveal(info: info, echo: echo, echoPayload: try incoming.payload(.echoBroadcast)))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        var reveals = verified.mapValues { $0.unwrap(as: KeyRefreshReveal.self) }
        reveals[context.me] = KeyRefreshReveal(
            info: PublicAuxInfo(paillierKey: context.keys.paillier.publicKey, ringPedersen: secrets.ringPedersen.parameters),
            echo: secrets.echo, echoPayload: secrets.echo.serialized())
        let rho = AuxChecks.jointRandomness(reveals.values.map(\.echo.aux.rho))
        return .next(KeyRefreshRound3(context: context, secrets: secrets, reveals: reveals, rho: rho))
    }

    var description: String { "KeyRefreshRound2" }
}

/// What a receiver made of a dealer's round-3 message.
struct KeyRefreshReceipt: Sendable {
    /// x_{j,i} when it matches X_{j,i}; nil when it does not (a complaint follows).
    let change: Scalar?
    /// The dealer's signed direct message (carried by a complaint).
    let direct: SignedMessage
    /// The round-3 echo-broadcast payload (for the round-4 digest).
    let echoPayload: [UInt8]
}

/// Round 3: Schnorr proofs and the Πmod digest (echo-broadcast), Πmod (broadcast), Πfac and C_{i,j}
/// (direct).
struct KeyRefreshRound3: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    let secrets: KeyRefreshSecrets
    let reveals: [PartyID: KeyRefreshReveal]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast, .direct] }

    private var committee: [PartyID] { context.publicData.committee }
    private var myIndex: Int { committee.firstIndex(of: context.me)! }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let proofContext = AuxChecks.proofContext(sid: context.sid, rho: rho, prover: context.me)
        let schnorr = committee.indices.map { index in
            SchnorrProof.prove(secret: secrets.shareChanges[index],
                               statement: .init(publicPoint: secrets.echo.shareChanges[index]),
                               commitment: KeyInitSecrets.schnorrCommitment(seed: secrets.nonceSeeds[index]),
                               context: proofContext, parameters: context.parameters)
        }
        let modulusProof = ModulusProof.prove(key: context.keys.paillier, context: proofContext,
                                              parameters: context.parameters, using: &generator).serialized()
        var direct: [PartyID: [UInt8]] = [:]
        for (index, party) in committee.enumerated() where party != context.me {
            let reveal = reveals[party]!
            let fac = NoSmallFactorProof.prove(key: context.keys.paillier, verifierParameters: reveal.info.ringPedersen,
                                               context: proofContext, parameters: context.parameters, using: &generator)
            let shared = secrets.elGamalSecrets[index] * reveal.echo.elGamalKeys[myIndex]
            let pad = KeyRefreshChecks.pad(sid: context.sid, rho: rho, sender: context.me, recipient: party, sharedPoint: shared)
            direct[party] = KeyRefreshDirect(factorProof: fac, paddedShare: secrets.shareChanges[index] + pad).serialized()
        }
        let echo = KeyRefreshProofs(proofs: schnorr,
                                    modulusProofDigest: ModulusProofDigest(sid: context.sid, prover: context.me, proof: modulusProof))
            .serialized()
        return OutgoingPayloads(echoBroadcast: echo, broadcast: modulusProof, direct: direct, artifact: RoundArtifact(echo))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        let sender = incoming.sender
        let direct = try KeyRefreshChecks.round3(incoming, view: &view, parameters: context.parameters)
        let message = try view.ownMessage(round: 3, kind: .direct)
        // The shared helper a complaint's recheck uses, here with this party's own y_{i,j}.
        guard let senderIndex = committee.firstIndex(of: sender), let reveal = reveals[sender] else {
            throw .incompleteView("\(sender)'s round-2 reveal")
        }
        let change = KeyRefreshChecks.shareChange(paddedShare: direct.paddedShare, recipientSecret: secrets.elGamalSecrets[senderIndex],
                                                  dealerKey: reveal.echo.elGamalKeys[myIndex], rho: rho, sid: context.sid,
                                                  dealer: sender, recipient: context.me)
        let matches = Point.generatorMultiple(change) == reveal.echo.shareChanges[myIndex]
        return VerifiedPayload(KeyRefreshReceipt(change: matches ? change : nil, direct: message,
                                                 echoPayload: try incoming.payload(.echoBroadcast)))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        let receipts = verified.mapValues { $0.unwrap(as: KeyRefreshReceipt.self) }
        let confirmation: KeyRefreshConfirmation
        if let dealer = committee.first(where: { receipts[$0] != nil && receipts[$0]!.change == nil }),
           let dealerIndex = committee.firstIndex(of: dealer) {
            confirmation = .complaint(accused: dealer, secret: secrets.elGamalSecrets[dealerIndex], message: receipts[dealer]!.direct)
        } else {
            var round3 = receipts.mapValues(\.echoPayload)
            round3[context.me] = artifact.unwrap(as: [UInt8].self)
            confirmation = .ok(digest: KeyRefreshChecks.confirmationDigest(
                sid: context.sid, round2: reveals.mapValues(\.echoPayload), round3: round3, committee: committee))
        }
        return .next(KeyRefreshRound4(context: context, secrets: secrets, reveals: reveals,
                                      changes: receipts.compactMapValues(\.change), confirmation: confirmation))
    }

    var description: String { "KeyRefreshRound3" }
}

/// Round 4: confirm (or complain); after the echo step, if every holder said "ok", output.
struct KeyRefreshRound4: Round, CustomStringConvertible {
    let context: KeyRefreshContext
    let secrets: KeyRefreshSecrets
    let reveals: [PartyID: KeyRefreshReveal]
    /// x_{j,i} from every other dealer whose change matched.
    let changes: [PartyID: Scalar]
    let confirmation: KeyRefreshConfirmation
    var number: Int { 4 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    private var committee: [PartyID] { context.publicData.committee }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(echoBroadcast: confirmation.serialized())
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try KeyRefreshChecks.round4(incoming, view: &view, parameters: context.parameters,
                                                    verifier: context.verifier))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<KeyRefreshOutput> {
        var confirmations = verified.mapValues { $0.unwrap(as: KeyRefreshConfirmation.self) }
        confirmations[context.me] = confirmation
        for party in committee {
            if case .complaint(let accused, _, _) = confirmations[party] {
                // A complaint that passed the round-4 check is true: the dealer's share change is bad.
                return .aborted("KeyRefresh: \(party) showed that \(accused)'s share change does not match its X; no share is replaced")
            }
        }
        let myIndex = committee.firstIndex(of: context.me)!
        var secret = context.keyShare.secretShare + secrets.shareChanges[myIndex]
        for value in changes.values { secret += value }
        var publicShares = context.keyShare.publicShares
        for (index, party) in committee.enumerated() {
            publicShares[party] = publicShares[party]! + Point.sum(reveals.values.map { $0.echo.shareChanges[index] })
        }
        do {
            let share = try AdditiveKeyShare(owner: context.me, secretShare: secret, publicShares: publicShares)
            let aux = try AuxInfo(owner: context.me, parameters: context.parameters,
                                  paillierSecretKey: context.keys.paillier, ringPedersenSecret: secrets.ringPedersen,
                                  ringPedersenPrimes: context.keys.ringPedersenPrimes, publicInfo: reveals.mapValues(\.info))
            return .finished(KeyRefreshOutput(keyShare: share, auxInfo: aux))
        } catch {
            return .aborted("KeyRefresh output unusable: \(error)")
        }
    }

    var description: String { "KeyRefreshRound4" }
}

/// KeyRefresh's checks re-run by a third party: the same functions the rounds call. A round or part
/// KeyRefresh does not have proves nothing (`incomplete-view`), never a violation.
struct KeyRefreshRechecker<Verifier: IdentitySignatureVerifier>: EvidenceRechecker {
    let parameters: SchemeParameters
    let verifier: Verifier

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        switch round {
        case 1: _ = try KeyRefreshChecks.round1(incoming)
        case 2: _ = try KeyRefreshChecks.round2(incoming, view: &view, parameters: parameters)
        case 3: _ = try KeyRefreshChecks.round3(incoming, view: &view, parameters: parameters)
        case 4: _ = try KeyRefreshChecks.round4(incoming, view: &view, parameters: parameters, verifier: verifier)
        default: throw .incompleteView("KeyRefresh has no round \(round)")
        }
    }
}
