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
        let own = PaillierGroup(modulus: secretKey.modulus, owner: secretKey, path: .fast)
        // K^x · D: the ciphertext of y under our key; we open it with our secret key.
        let full = PaillierCiphertext(value: own.add(own.scaleSecret(round1.entry(for: context.me).k.value, byNonNegative: multiplier.bigInt),
                                                     statements.dec.d.value))
        do {
            let plaintext = try secretKey.decrypt(full)
            let randomizer = try secretKey.recoverRandomness(of: full)
            let dec = try DecProof.prove(statements.dec, witness: .init(x: multiplier.bigInt, y: plaintext, rho: randomizer, ownerKey: secretKey),
                                         context: proofContext, parameters: context.parameters, using: &generator)
            var affine: [AffGStarProof] = []
            for (party, statement) in zip(view.others(of: context.me), statements.affine) {
                let secret = mta.entry(for: party)
                affine.append(try AffGStarProof.prove(
                    statement, witness: .init(x: multiplier.bigInt, y: kind == .delta ? secret.beta : secret.betaHat,
                                              rho: kind == .delta ? secret.s : secret.sHat,
                                              mu: kind == .delta ? secret.r : secret.rHat, ownerKey: secretKey),
                    context: proofContext, parameters: context.parameters, using: &generator))
            }
            return TypedPayloads(echoBroadcast: PresignFailureMessage(dec: dec, affine: affine).encoded)
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
