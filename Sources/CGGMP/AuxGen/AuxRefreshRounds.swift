import Bytes
import Hashing
import BigNum
import Paillier
import Secp256k1

extension AuxChecks {
    /// V = H(sid, i, echo part, broadcast part) under a protocol's domain.
    static func commitment(domain: String, sid: [UInt8], party: PartyID, parts: [[UInt8]]) -> [UInt8] {
        var hasher = DomainSeparatedHash(domain: domain)
        hasher.appendField(sid)
        hasher.appendField(party.rawRepresentation)
        for part in parts { hasher.appendField(part) }
        return hasher.sha256()
    }

    static func decode<T: WireCodable>(_ type: T.Type, _ payload: [UInt8], rule: String) throws(RoundViolation) -> T {
        do { return try T(encoded: payload) } catch { throw RoundViolation(rule: rule, detail: "\(error)") }
    }
}

/// What a Fig. 7 run outputs: `AuxInfo` (AuxGen) or `KeyRefreshOutput` (KeyRefresh).
protocol AuxRefreshResult: Sendable {
    /// The output from the new aux info and, in a refresh, the new key share (nil when the mode and
    /// the output type do not fit, which the entry points rule out).
    static func make(auxInfo: AuxInfo, keyShare: AdditiveKeyShare?) -> Self?
}

extension AuxInfo: AuxRefreshResult {
    static func make(auxInfo: AuxInfo, keyShare: AdditiveKeyShare?) -> AuxInfo? { keyShare == nil ? auxInfo : nil }
}

/// What every round of a Fig. 7 run knows.
struct AuxRefreshContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let parameters: SchemeParameters
    let keys: AuxKeyMaterial
    /// The share to refresh; nil for AuxGen.
    let keyShare: AdditiveKeyShare?
    /// Checks the dealer's signature on a round-3 message a complaint carries.
    let verifier: any IdentitySignatureVerifier
    let sid: [UInt8]

    init(publicData: SessionPublicData, me: PartyID, parameters: SchemeParameters, keys: AuxKeyMaterial,
         keyShare: AdditiveKeyShare?, verifier: any IdentitySignatureVerifier) {
        self.publicData = publicData
        self.me = me
        self.parameters = parameters
        self.keys = keys
        self.keyShare = keyShare
        self.verifier = verifier
        self.sid = publicData.boundSessionID
    }

    var mode: AuxRefreshMode { keyShare == nil ? .auxGen : .refresh }
    var committee: [PartyID] { publicData.committee }
    /// This party's index in the committee (the entry points checked membership).
    var myIndex: Int { committee.firstIndex(of: me)! }
}

/// What party i keeps from round 1 to the end. Schnorr nonces are kept as generator seeds
/// (`SchnorrCommitment` is not copyable), each consumed by one proof in round 3. The share-update
/// lists are empty for AuxGen.
struct AuxRefreshSecrets: Sendable, CustomStringConvertible {
    let ringPedersen: RingPedersenSecret
    /// x_{i,j}, committee order.
    let shareChanges: [Scalar]
    /// y_{i,j}, committee order.
    let elGamalSecrets: [Scalar]
    let nonceSeeds: [[UInt8]]
    let echo: AuxRefreshEcho
    let broadcast: AuxRefreshBroadcast
    var description: String { "AuxRefreshSecrets(…)" }
}

/// A sender's round-2 reveal as this party accepted it.
struct AuxRefreshReveal: Sendable {
    let info: PublicAuxInfo
    let echo: AuxRefreshEcho
    /// The echo-broadcast payload (for the round-4 digest).
    let echoPayload: [UInt8]
}

/// Round 1: make aux data (and, in a refresh, deal shares of zero); echo-broadcast V_i.
struct AuxRefreshRound1<Output: AuxRefreshResult>: TypedRound {
    let context: AuxRefreshContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<AuxRefreshSecrets> {
        let n = context.mode.changeCount(committee: context.committee.count)
        var changes: [Scalar] = []
        if n > 0 {
            changes = (0..<(n - 1)).map { _ in Scalar.random(using: &generator) }
            changes.append(Scalar.zero - changes.reduce(Scalar.zero, +))
        }
        let elGamal = (0..<n).map { _ in Scalar.random(using: &generator) }
        let seeds = (0..<n).map { _ in randomBytes(32, using: &generator) }
        let aux = AuxChecks.makeReveal(keys: context.keys, context: ProofContext(sessionID: context.sid, proverID: context.me.rawRepresentation),
                                       parameters: context.parameters, using: &generator)
        let echo = AuxRefreshEcho(aux: aux.echo, elGamalKeys: elGamal.map { .generatorMultiple($0) },
                                  shareChanges: changes.map { .generatorMultiple($0) })
        let broadcast = AuxRefreshBroadcast(aux: aux.broadcast,
                                            schnorrCommitments: seeds.map { KeyInitSecrets.schnorrCommitment(seed: $0).point })
        let secrets = AuxRefreshSecrets(ringPedersen: aux.secret, shareChanges: changes, elGamalSecrets: elGamal,
                                        nonceSeeds: seeds, echo: echo, broadcast: broadcast)
        var writer = ByteWriter()
        writer.write("V", bytes: AuxRefreshChecks.commitment(mode: context.mode, sid: context.sid, party: context.me,
                                                             echo: echo, broadcast: broadcast))
        return TypedPayloads(echoBroadcast: writer.bytes, artifact: secrets)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> [UInt8] {
        try AuxRefreshChecks.round1(incoming)
    }

    func finalize(artifact secrets: AuxRefreshSecrets, verified: [PartyID: [UInt8]],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        .next(AuxRefreshRound2<Output>(context: context, secrets: secrets))
    }

    var description: String { "AuxRefreshRound1" }
}

/// Round 2: reveal; check each reveal.
struct AuxRefreshRound2<Output: AuxRefreshResult>: TypedRound {
    let context: AuxRefreshContext
    let secrets: AuxRefreshSecrets
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        TypedPayloads(echoBroadcast: secrets.echo.encoded, broadcast: secrets.broadcast.encoded)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> AuxRefreshReveal {
        let (info, echo, _) = try AuxRefreshChecks.round2(incoming, view: &view, mode: context.mode, parameters: context.parameters)
        return AuxRefreshReveal(info: info, echo: echo, echoPayload: try incoming.payload(.echoBroadcast))
    }

    func finalize(artifact: Void, verified: [PartyID: AuxRefreshReveal],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        var reveals = verified
        reveals[context.me] = AuxRefreshReveal(
            info: PublicAuxInfo(paillierKey: context.keys.paillier.publicKey, ringPedersen: secrets.ringPedersen.parameters),
            echo: secrets.echo, echoPayload: secrets.echo.encoded)
        let rho = AuxChecks.jointRandomness(reveals.values.map(\.echo.aux.rho))
        return .next(AuxRefreshRound3<Output>(context: context, secrets: secrets, reveals: reveals, rho: rho))
    }

    var description: String { "AuxRefreshRound2" }
}

/// What a receiver made of a sender's round-3 message.
struct AuxRefreshReceipt: Sendable {
    /// In a refresh: x_{j,i} when it matches X_{j,i}, nil when it does not (a complaint follows).
    let change: Scalar?
    /// The sender's signed direct message (carried by a complaint).
    let direct: SignedMessage
    /// The round-3 echo-broadcast payload (for the round-4 digest).
    let echoPayload: [UInt8]
}

/// Round 3: Schnorr proofs (refresh) and the Πmod digest (echo-broadcast), Πmod (broadcast), Πfac and
/// (refresh) C_{i,j} (direct). AuxGen outputs after this round's echo step; a refresh goes on to the
/// confirmation.
struct AuxRefreshRound3<Output: AuxRefreshResult>: TypedRound {
    let context: AuxRefreshContext
    let secrets: AuxRefreshSecrets
    let reveals: [PartyID: AuxRefreshReveal]
    let rho: [UInt8]
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast, .direct] }

    private var committee: [PartyID] { context.committee }

    /// The artifact is this party's own round-3 echo-broadcast payload (for the round-4 digest).
    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<[UInt8]> {
        let proofContext = AuxChecks.proofContext(sid: context.sid, rho: rho, prover: context.me)
        let schnorr = secrets.shareChanges.indices.map { index in
            SchnorrProof.prove(secret: secrets.shareChanges[index],
                               statement: .init(publicPoint: secrets.echo.shareChanges[index]),
                               commitment: KeyInitSecrets.schnorrCommitment(seed: secrets.nonceSeeds[index]),
                               context: proofContext, parameters: context.parameters)
        }
        let modulusProof = ModulusProof.prove(key: context.keys.paillier, context: proofContext,
                                              parameters: context.parameters, using: &generator).encoded
        var direct: [PartyID: [UInt8]] = [:]
        for (index, party) in committee.enumerated() where party != context.me {
            let reveal = reveals.entry(for: party)
            let fac = NoSmallFactorProof.prove(key: context.keys.paillier, verifierParameters: reveal.info.ringPedersen,
                                               context: proofContext, parameters: context.parameters, using: &generator)
            var paddedShare: Scalar?
            if context.mode == .refresh {
                let shared = secrets.elGamalSecrets[index] * reveal.echo.elGamalKeys[context.myIndex]
                paddedShare = secrets.shareChanges[index]
                    + AuxRefreshChecks.pad(sid: context.sid, rho: rho, sender: context.me, recipient: party, sharedPoint: shared)
            }
            direct[party] = AuxRefreshDirect(factorProof: fac, paddedShare: paddedShare).encoded
        }
        let echo = AuxRefreshProofs(proofs: schnorr,
                                    modulusProofDigest: ModulusProofDigest(sid: context.sid, prover: context.me, proof: modulusProof))
            .encoded
        return TypedPayloads(echoBroadcast: echo, broadcast: modulusProof, direct: direct, artifact: echo)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> AuxRefreshReceipt {
        let sender = incoming.sender
        let direct = try AuxRefreshChecks.round3(incoming, view: &view, mode: context.mode, parameters: context.parameters)
        let message = try view.ownMessage(round: 3, kind: .direct)
        var change: Scalar?
        if let paddedShare = direct.paddedShare {
            guard let senderIndex = committee.firstIndex(of: sender), let reveal = reveals[sender] else {
                throw .incompleteView("\(sender)'s round-2 reveal")
            }
            // The helper a complaint's recheck uses, here with this party's own y_{i,j}.
            let value = AuxRefreshChecks.shareChange(paddedShare: paddedShare, recipientSecret: secrets.elGamalSecrets[senderIndex],
                                                     dealerKey: reveal.echo.elGamalKeys[context.myIndex], rho: rho, sid: context.sid,
                                                     dealer: sender, recipient: context.me)
            if Point.generatorMultiple(value) == reveal.echo.shareChanges[context.myIndex] { change = value }
        }
        return AuxRefreshReceipt(change: change, direct: message, echoPayload: try incoming.payload(.echoBroadcast))
    }

    func finalize(artifact ownEcho: [UInt8], verified receipts: [PartyID: AuxRefreshReceipt],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        guard context.mode == .refresh else {
            return AuxRefreshOutputs.finish(context: context, secrets: secrets, reveals: reveals, changes: [:])
        }
        let confirmation: AuxRefreshConfirmation
        if let (dealerIndex, dealer) = committee.enumerated().first(where: { receipts[$0.element].map { $0.change == nil } ?? false }),
           let receipt = receipts[dealer] {
            confirmation = .complaint(accused: dealer, secret: secrets.elGamalSecrets[dealerIndex], message: receipt.direct)
        } else {
            var round3 = receipts.mapValues(\.echoPayload)
            round3[context.me] = ownEcho
            confirmation = .ok(digest: AuxRefreshChecks.confirmationDigest(
                sid: context.sid, round2: reveals.mapValues(\.echoPayload), round3: round3, committee: committee))
        }
        return .next(AuxRefreshRound4<Output>(context: context, secrets: secrets, reveals: reveals,
                                              changes: receipts.compactMapValues(\.change), confirmation: confirmation))
    }

    var description: String { "AuxRefreshRound3" }
}

/// Round 4 (refresh only): confirm (or complain); after the echo step, if every holder said "ok",
/// output.
struct AuxRefreshRound4<Output: AuxRefreshResult>: TypedRound {
    let context: AuxRefreshContext
    let secrets: AuxRefreshSecrets
    let reveals: [PartyID: AuxRefreshReveal]
    /// x_{j,i} from every other dealer whose change matched.
    let changes: [PartyID: Scalar]
    let confirmation: AuxRefreshConfirmation
    var number: Int { 4 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        TypedPayloads(echoBroadcast: confirmation.encoded)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> AuxRefreshConfirmation {
        try AuxRefreshChecks.round4(incoming, view: &view, parameters: context.parameters, verifier: context.verifier)
    }

    func finalize(artifact: Void, verified: [PartyID: AuxRefreshConfirmation],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        var confirmations = verified
        confirmations[context.me] = confirmation
        for party in context.committee {
            if case .complaint(let accused, _, _) = confirmations[party] {
                // A complaint that passed the round-4 check is true: the dealer's share change is bad.
                return .aborted("KeyRefresh: \(party) showed that \(accused)'s share change does not match its X; no share is replaced")
            }
        }
        return AuxRefreshOutputs.finish(context: context, secrets: secrets, reveals: reveals, changes: changes)
    }

    var description: String { "AuxRefreshRound4" }
}

enum AuxRefreshOutputs {
    /// The new aux info and, in a refresh, x_i + Σ_j x_{j,i} with every X_k moved by Σ_j X_{j,k}.
    static func finish<Output: AuxRefreshResult>(context: AuxRefreshContext, secrets: AuxRefreshSecrets,
                                                 reveals: [PartyID: AuxRefreshReveal], changes: [PartyID: Scalar])
        -> RoundTransition<Output> {
        do {
            var share: AdditiveKeyShare?
            if let old = context.keyShare {
                var secret = old.secretShare + secrets.shareChanges[context.myIndex]
                for value in changes.values { secret += value }
                var publicShares = old.publicShares
                for (index, party) in context.committee.enumerated() {
                    publicShares[party] = publicShares[party]! + Point.sum(reveals.values.map { $0.echo.shareChanges[index] })
                }
                share = try AdditiveKeyShare(owner: context.me, secretShare: secret, publicShares: publicShares)
            }
            let aux = try AuxInfo(owner: context.me, parameters: context.parameters,
                                  paillierSecretKey: context.keys.paillier, ringPedersenSecret: secrets.ringPedersen,
                                  ringPedersenPrimes: context.keys.ringPedersenPrimes, publicInfo: reveals.mapValues(\.info))
            guard let output = Output.make(auxInfo: aux, keyShare: share) else { return .aborted("output type does not fit the mode") }
            return .finished(output)
        } catch {
            return .aborted("\(context.mode == .refresh ? "KeyRefresh" : "AuxGen") output unusable: \(error)")
        }
    }
}
