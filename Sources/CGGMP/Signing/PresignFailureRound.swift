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
struct PresignFailureRound<Output: Sendable>: Round, CustomStringConvertible {
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

    var view: PresignFailureView {
        PresignFailureView(kind: kind == .delta ? .delta : .chi, committee: context.committee, inputs: context.inputs,
                           round1: round1, round2: round2, round3: round3, gamma: gamma)
    }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let view = self.view
        let statements = view.statements(prover: context.me)
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        let multiplier = kind == .delta ? secrets.gamma : context.keyShare.secretShare
        let secretKey = context.aux.paillierSecret
        let own = PaillierGroup(modulus: secretKey.modulus)
        // K^x · D: the ciphertext of y under our key; we open it with our secret key.
        let full = PaillierCiphertext(value: own.add(own.scaleSecret(round1[context.me]!.k.value, by: multiplier.bigInt),
                                                     statements.dec.d.value))
        do {
            let plaintext = try secretKey.decrypt(full)
            let randomizer = try secretKey.recoverRandomness(of: full)
            let dec = try DecProof.prove(statements.dec, witness: .init(x: multiplier.bigInt, y: plaintext, rho: randomizer),
                                         context: proofContext, parameters: context.parameters, using: &generator)
            var affine: [AffGStarProof] = []
            for (party, statement) in zip(view.others(of: context.me), statements.affine) {
                let secret = mta[party]!
                affine.append(try AffGStarProof.prove(
                    statement, witness: .init(x: multiplier.bigInt, y: kind == .delta ? secret.beta : secret.betaHat,
                                              rho: kind == .delta ? secret.s : secret.sHat,
                                              mu: kind == .delta ? secret.r : secret.rHat),
                    context: proofContext, parameters: context.parameters, using: &generator))
            }
            return OutgoingPayloads(echoBroadcast: PresignFailureMessage(dec: dec, affine: affine).serialized())
        } catch {
            preconditionFailure("our own ciphertexts passed every check: \(error)")
        }
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        try PresignChecks.failure(incoming.echoBroadcast!, sender: incoming.sender, view: view, round: number,
                                  epid: context.epid, parameters: context.parameters)
        return VerifiedPayload(())
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
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
/// verifiers and a third party re-checking evidence).
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

    /// The statements prover ℓ must prove; nil entries never occur for complete views.
    func statements(prover: PartyID) -> (dec: DecProof.Statement, affine: [AffGStarProof.Statement]) {
        let key = inputs.publicAux[prover]!.paillierKey
        let group = PaillierGroup(modulus: key.modulus)
        let others = others(of: prover)
        let isDelta = kind == .delta
        var product = BigInt.one
        for party in others {
            // D_{ℓ,j}: j's MtA ciphertext for ℓ; F_{j,ℓ}: ℓ's ciphertext of the β it gave j.
            product = group.add(product, (isDelta ? round2[party]!.d[prover]! : round2[party]!.dHat[prover]!).value)
            product = group.add(product, (isDelta ? round2[prover]!.f[party]! : round2[prover]!.fHat[party]!).value)
        }
        let x = isDelta ? round2[prover]!.gamma : inputs.publicShares[prover]!
        let dec = DecProof.Statement(
            key: key, k: round1[prover]!.k, x: x, d: PaillierCiphertext(value: product),
            s: isDelta ? Point.generatorMultiple(round3[prover]!.delta) : round3[prover]!.s,
            gamma: isDelta ? .generator : gamma, partyCount: committee.count)
        let affine = others.map { party in
            AffGStarProof.Statement(
                verifierKey: inputs.publicAux[party]!.paillierKey, proverKey: key, c: round1[party]!.k,
                d: isDelta ? round2[prover]!.d[party]! : round2[prover]!.dHat[party]!,
                y: isDelta ? round2[prover]!.f[party]! : round2[prover]!.fHat[party]!, x: x)
        }
        return (dec, affine)
    }
}

extension PresignChecks {
    /// The failure round: Πdec and every Πaff-g* of the sender. Supported by every earlier
    /// echo-broadcast and broadcast (K, Γ, D, F, δ, S of everyone).
    static func failure(_ payload: [UInt8], sender: PartyID, view: PresignFailureView, round: Int, epid: [UInt8],
                        parameters: SchemeParameters) throws(RoundViolation) {
        let support = view.committee.flatMap { party in
            [MessageSlot(round: 1, kind: .echoBroadcast, sender: party),
             MessageSlot(round: 2, kind: .echoBroadcast, sender: party), MessageSlot(round: 2, kind: .broadcast, sender: party),
             MessageSlot(round: 3, kind: .echoBroadcast, sender: party), MessageSlot(round: 3, kind: .broadcast, sender: party)]
        }
        let message: PresignFailureMessage = try decode(payload, "failure-proofs")
        let statements = view.statements(prover: sender)
        guard message.affine.count == statements.affine.count else {
            throw RoundViolation(rule: "wrong-aff-g-star-count", supportingMessages: support)
        }
        let context = context(epid: epid, prover: sender)
        for (proof, statement) in zip(message.affine, statements.affine) {
            do { try proof.verify(statement, context: context, parameters: parameters) } catch {
                throw RoundViolation(rule: "invalid-aff-g-star", detail: "\(error)", supportingMessages: support)
            }
        }
        do { try message.dec.verify(statements.dec, context: context, parameters: parameters) } catch {
            throw RoundViolation(rule: "invalid-dec", detail: "\(error)", supportingMessages: support)
        }
    }

    /// Round 2's public values decoded without re-checking the proofs (for evidence re-checks of
    /// later rounds: the proofs were checked by everyone in round 2).
    static func round2Values(echo: [UInt8], broadcast: [UInt8], sender: PartyID,
                             committee: [PartyID]) -> PresignRound2Public? {
        guard let first = try? PresignRound2Echo(serialized: echo),
              let second = try? PresignRound2Broadcast(serialized: broadcast) else { return nil }
        let recipients = committee.filter { $0 != sender }
        guard first.f.count == recipients.count, first.fHat.count == recipients.count,
              second.d.count == recipients.count, second.dHat.count == recipients.count else { return nil }
        return PresignRound2Public(
            gamma: first.gamma, d: Dictionary(uniqueKeysWithValues: zip(recipients, second.d)),
            dHat: Dictionary(uniqueKeysWithValues: zip(recipients, second.dHat)),
            f: Dictionary(uniqueKeysWithValues: zip(recipients, first.f)),
            fHat: Dictionary(uniqueKeysWithValues: zip(recipients, first.fHat)))
    }
}
