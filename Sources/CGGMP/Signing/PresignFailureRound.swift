import BigNum
import Paillier
import Secp256k1

/// The identifiable-abort rounds of presigning (ePrint 2021/060 rev. 2024, Fig. 9 for δ and §4.3.1
/// for χ; synedrion rounds 5 and 6).
///
/// Reached when δ·G ≠ Σ Δ_j (round 5) or Σ S_j ≠ δ·X (round 6). Every party ℓ re-opens its share
/// of the product without revealing secrets:
/// - for every j, Πaff-g* that D_{j,ℓ} = K_j^{x}·enc_j(−β) and F_{j,ℓ} = enc_ℓ(β) use the x committed
///   in X (X = Γ_ℓ for δ, X_ℓ for χ) — setup-free, so everyone can check it;
/// - Πdec that K_ℓ^{x}·Π_j D_{ℓ,j}·Π_j F_{j,ℓ} (under N_ℓ) decrypts to the y with S = y·base
///   (δ_ℓ with S = δ_ℓ·G for δ; χ_ℓ with S = S_ℓ and base Γ for χ).
/// A party whose δ_ℓ or S_ℓ does not match what its ciphertexts hold cannot make the Πdec, and one
/// that cheated in an MtA cannot make the Πaff-g*, so its message fails the check and names it.
struct PresignFailureRound<Output: Sendable>: TypedRound {
    enum Kind: Sendable, Equatable {
        case delta, chi
        var roundNumber: Int { self == .delta ? 5 : 6 }
    }

    let kind: Kind
    let context: PresignContext
    let secrets: PresignSecrets
    let round1: [PartyID: PresignRound1Echo]
    let round2: [PartyID: PresignRound2Public]
    let round3: [PartyID: PresignRound3Public]
    let mta: [PartyID: MtASecrets]
    let gamma: Point
    var number: Int { kind.roundNumber }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        let view = PresignFailureView(kind: kind == .delta ? .delta : .chi, committee: context.committee,
                                      inputs: context.inputs, round1: round1, round2: round2, round3: round3, gamma: gamma)
        let statements: (dec: DecProof.Statement, affine: [AffGStarProof.Statement])
        do { statements = try view.statements(prover: context.me) } catch {
            preconditionFailure("our own view is complete: \(error)")
        }
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        let multiplier = kind == .delta ? secrets.gamma : context.keyShare.secretShare
        let secretKey = context.aux.paillierSecret
        let own = PaillierGroup(modulus: secretKey.modulus)
        // K^x · D: the ciphertext of y under our key; we open it with our secret key.
        let full = PaillierCiphertext(value: own.add(own.scaleSecret(round1.entry(for: context.me).k.value, by: multiplier.bigInt),
                                                     statements.dec.d.value))
        do {
            let plaintext = try secretKey.decrypt(full)
            let randomizer = try secretKey.recoverRandomness(of: full)
            let dec = try DecProof.prove(statements.dec, witness: .init(x: multiplier.bigInt, y: plaintext, rho: randomizer),
                                         context: proofContext, parameters: context.parameters, using: &generator)
            var affine: [AffGStarProof] = []
            for (party, statement) in zip(view.others(of: context.me), statements.affine) {
                let secret = mta.entry(for: party)
                affine.append(try AffGStarProof.prove(
                    statement, witness: .init(x: multiplier.bigInt, y: kind == .delta ? secret.beta : secret.betaHat,
                                              rho: kind == .delta ? secret.s : secret.sHat,
                                              mu: kind == .delta ? secret.r : secret.rHat),
                    context: proofContext, parameters: context.parameters, using: &generator))
            }
            return TypedPayloads(echoBroadcast: PresignFailureMessage(dec: dec, affine: affine).serialized())
        } catch {
            preconditionFailure("our own ciphertexts passed every check: \(error)")
        }
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        try PresignChecks.failure(round: number, incoming, view: &view, data: context.checkData)
    }

    func finalize(artifact: Void, verified: [PartyID: Void],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        // Every other party proved its values; only our own could be wrong, and our code is honest.
        .aborted("the \(kind == .delta ? "δ" : "χ") check failed but every party's failure-round proofs verify")
    }

    var description: String { "PresignFailureRound(\(kind))" }
}

/// Πdec and the Πaff-g* proofs of the failure round.
struct PresignFailureMessage: Sendable, Hashable, WireCodable {
    let dec: DecProof
    let affine: [AffGStarProof]

    init(dec: DecProof, affine: [AffGStarProof]) { self.dec = dec; self.affine = affine }

    func encode(to writer: inout WireWriter) {
        writer.write(dec)
        writer.writeCount(affine.count)
        for proof in affine { writer.write(proof) }
    }

    init(from reader: inout WireReader) throws(ProofError) {
        dec = try reader.read()
        var affine: [AffGStarProof] = []
        for _ in 0..<(try reader.readCount("aff-g* count", minimumElementSize: 4)) { affine.append(try reader.read()) }
        self.affine = affine
    }
}

/// The public values the failure round's statements are built from (the same for the prover, the
/// verifiers and a third party re-checking evidence). Only the prover's round-3 entry is read.
struct PresignFailureView: Sendable {
    enum Kind: Sendable { case delta, chi }
    let kind: Kind
    let committee: [PartyID]
    let inputs: PresigningPublicInputs
    let round1: [PartyID: PresignRound1Echo]
    let round2: [PartyID: PresignRound2Public]
    let round3: [PartyID: PresignRound3Public]
    let gamma: Point

    func others(of party: PartyID) -> [PartyID] { committee.filter { $0 != party } }

    /// The statements prover ℓ must prove.
    /// - Throws: `incomplete-view` when a value is missing (a third party's inputs lack a signer).
    func statements(prover: PartyID) throws(RoundViolation) -> (dec: DecProof.Statement, affine: [AffGStarProof.Statement]) {
        func need<T>(_ value: T?, _ what: String) throws(RoundViolation) -> T {
            guard let value else { throw .incompleteView(what) }
            return value
        }
        let key = try need(inputs.publicAux[prover], "aux info of \(prover)").paillierKey
        let group = PaillierGroup(modulus: key.modulus)
        let others = others(of: prover)
        let isDelta = kind == .delta
        let own = try need(round2[prover], "round-2 values of \(prover)")
        var product = BigInt.one
        for party in others {
            // D_{ℓ,j}: j's MtA ciphertext for ℓ; F_{j,ℓ}: ℓ's ciphertext of the β it gave j.
            let theirs = try need(round2[party], "round-2 values of \(party)")
            product = group.add(product, try need(isDelta ? theirs.d[prover] : theirs.dHat[prover], "D for \(prover)").value)
            product = group.add(product, try need(isDelta ? own.f[party] : own.fHat[party], "F for \(party)").value)
        }
        let x = isDelta ? own.gamma : try need(inputs.publicShares[prover], "public share of \(prover)")
        let third = try need(round3[prover], "round-3 values of \(prover)")
        let dec = DecProof.Statement(
            key: key, k: try need(round1[prover], "round-1 values of \(prover)").k, x: x,
            d: PaillierCiphertext(value: product),
            s: isDelta ? Point.generatorMultiple(third.delta) : third.s,
            gamma: isDelta ? .generator : gamma, partyCount: committee.count)
        var affine: [AffGStarProof.Statement] = []
        for party in others {
            affine.append(AffGStarProof.Statement(
                verifierKey: try need(inputs.publicAux[party], "aux info of \(party)").paillierKey, proverKey: key,
                c: try need(round1[party], "round-1 values of \(party)").k,
                d: try need(isDelta ? own.d[party] : own.dHat[party], "D of \(prover) for \(party)"),
                y: try need(isDelta ? own.f[party] : own.fHat[party], "F of \(prover) for \(party)"), x: x))
        }
        return (dec, affine)
    }
}

extension PresignChecks {
    /// The failure round (5 for δ, 6 for χ): Πdec and every Πaff-g* of the sender, against the
    /// statement rebuilt from what the sender signed: its own K, Γ, D, F, δ, S and everyone's K, Γ
    /// and D for it as its signed echoes of rounds 1–3 hold them.
    static func failure(round: Int, _ incoming: IncomingPayloads, view: inout SignedView,
                        data: PresignCheckData) throws(RoundViolation) {
        let sender = incoming.sender
        let message: PresignFailureMessage = try decode(incoming.payload(.echoBroadcast), "failure-proofs")
        var round1: [PartyID: PresignRound1Echo] = [:]
        var round2: [PartyID: PresignRound2Public] = [:]
        var gamma = Point.identity
        for party in data.committee {
            round1[party] = try round1Values(&view, party)
            let values = try round2Values(&view, party, committee: data.committee)
            round2[party] = values
            gamma += values.gamma
        }
        let third: PresignRound3Echo = try earlier(view.attestedPayload(round: 3, from: sender), "round-3 echo-broadcast")
        let failureView = PresignFailureView(
            kind: round == 5 ? .delta : .chi, committee: data.committee,
            inputs: data.inputs, round1: round1, round2: round2, round3: [sender: third], gamma: gamma)
        let statements = try failureView.statements(prover: sender)
        guard message.affine.count == statements.affine.count else {
            throw RoundViolation(rule: "wrong-aff-g-star-count")
        }
        let context = context(epid: data.epid, prover: sender)
        for (proof, statement) in zip(message.affine, statements.affine) {
            do { try proof.verify(statement, context: context, parameters: data.parameters) } catch {
                throw RoundViolation(rule: "invalid-aff-g-star", detail: "\(error)")
            }
        }
        do { try message.dec.verify(statements.dec, context: context, parameters: data.parameters) } catch {
            throw RoundViolation(rule: "invalid-dec", detail: "\(error)")
        }
    }
}
