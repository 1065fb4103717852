import BigNum
import Paillier
import Secp256k1

/// Turns the finished presigning into the session's output or its next round.
typealias PresignCompletion<Output: Sendable> = @Sendable (PresignatureMaterial) -> RoundTransition<Output>

/// Party i's round-1 secrets: k_i, γ_i, their Paillier randomizers ρ_i, ν_i and the El-Gamal
/// randomness a_i, b_i.
struct PresignSecrets: Sendable, CustomStringConvertible {
    let k: Scalar
    let gamma: Scalar
    let rho: BigInt
    let nu: BigInt
    let a: Scalar
    let b: Scalar
    let message: PresignRound1Echo

    var description: String { "PresignSecrets(…)" }
}

/// Party i's MtA secrets towards one j: β_{j,i}, β̂_{j,i} and the randomizers of D, F, D̂, F̂ (kept
/// for the identifiable-abort rounds).
struct MtASecrets: Sendable, CustomStringConvertible {
    let beta: BigInt
    let betaHat: BigInt
    /// Randomizers of F and F̂ under the sender's own key.
    let r: BigInt
    let rHat: BigInt
    /// Randomizers of D and D̂ under j's key.
    let s: BigInt
    let sHat: BigInt

    var description: String { "MtASecrets(…)" }
}

/// Round 1: sample k_i, γ_i; echo-broadcast K_i, G_i, Y_i, A_i, B_i; send each j ψ⁰, ψ¹.
struct PresignRound1<Output: Sendable>: TypedRound {
    let context: PresignContext
    let completion: PresignCompletion<Output>
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .direct] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<PresignSecrets> {
        // Our own key: K and G are encrypted mod p², q² (CRT) on `.fast`, the same ciphertexts;
        // `.reference` computes every value of the round full width, separately and in order.
        let path = context.path
        let own = PaillierGroup(modulus: context.aux.paillierSecret.modulus, owner: context.aux.paillierSecret, path: path)
        let k = Scalar.random(using: &generator), gamma = Scalar.random(using: &generator)
        let rho = own.randomRandomizer(using: &generator), nu = own.randomRandomizer(using: &generator)
        // The El-Gamal secret y_i is needed by no one (only its public key Y_i is used).
        let y = Point.generatorMultiple(Scalar.random(using: &generator))
        let a = Scalar.random(using: &generator), b = Scalar.random(using: &generator)
        let concurrently = path == .fast
        // Beside the two encryptions, on `.fast`, each peer's committer tables of s and t are built
        // (once per parameters value; the proofs below and in round 2 commit with them).
        let peerSetups = concurrently ? context.others.map { context.inputs.publicAux[$0]!.ringPedersen } : []
        let firstWork = ParallelWork.map(2 + 2 * peerSetups.count, concurrently: concurrently) { index -> BigInt? in
            switch index {
            case 0: return own.encrypt(k.bigInt, randomizer: rho)
            case 1: return own.encrypt(gamma.bigInt, randomizer: nu)
            default:
                peerSetups[(index - 2) / 2].committerTable(forT: index % 2 == 1)
                return nil
            }
        }
        let message = PresignRound1Echo(
            k: PaillierCiphertext(value: firstWork[0]!), g: PaillierCiphertext(value: firstWork[1]!),
            y: y, a1: .generatorMultiple(a), a2: a * y + .generatorMultiple(k),
            b1: .generatorMultiple(b), b2: b * y + .generatorMultiple(gamma))
        let ownKey = context.aux.paillierSecret.publicKey
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        let parameters = context.parameters
        // Every proof's masks are drawn here, in the order the proofs have always been made (ψ⁰
        // then ψ¹, party by party); the proofs are then computed from them, concurrently on `.fast`.
        var jobs: [(statement: EncElgProof.Statement, witness: EncElgProof.Witness, setup: RingPedersenParameters,
                    masks: EncElgProof.Masks)] = []
        for party in context.others {
            let setup = context.inputs.publicAux[party]!.ringPedersen
            for (statement, witness) in [
                (message.kStatement(key: ownKey), EncElgProof.Witness(plaintext: k.bigInt, randomizer: rho, b: a,
                                                                       ownerKey: context.aux.paillierSecret)),
                (message.gStatement(key: ownKey), EncElgProof.Witness(plaintext: gamma.bigInt, randomizer: nu, b: b,
                                                                       ownerKey: context.aux.paillierSecret)),
            ] {
                let masks = EncElgProof.drawMasks(statement, setup: setup, parameters: parameters, using: &generator)
                jobs.append((statement, witness, setup, masks))
            }
        }
        let drawn = jobs
        let proofs = ParallelWork.map(drawn.count, concurrently: concurrently) { index in
            let job = drawn[index]
            return EncElgProof.prove(job.statement, witness: job.witness, setup: job.setup, context: proofContext,
                                     parameters: parameters, masks: job.masks, path: path)
        }
        var direct: [PartyID: [UInt8]] = [:]
        for (index, party) in context.others.enumerated() {
            direct[party] = PresignRound1Direct(psi0: proofs[2 * index], psi1: proofs[2 * index + 1]).encoded
        }
        let secrets = PresignSecrets(k: k, gamma: gamma, rho: rho, nu: nu, a: a, b: b, message: message)
        return TypedPayloads(echoBroadcast: message.encoded, direct: direct, artifact: secrets)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> PresignRound1Echo {
        try PresignChecks.round1(incoming, view: &view, data: context.checkData)
    }

    func finalize(artifact secrets: PresignSecrets, verified: [PartyID: PresignRound1Echo],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        var round1 = verified
        round1[context.me] = secrets.message
        return .next(PresignRound2(context: context, completion: completion, secrets: secrets, round1: round1))
    }

    var description: String { "PresignRound1" }
}

/// What round 2 keeps locally: the MtA secrets and its own payloads.
struct PresignRound2Artifact: Sendable {
    let mta: [PartyID: MtASecrets]
    let values: PresignRound2Public
    var gamma: Point { values.gamma }
}

/// What round 2 accepted from one sender: its public values and the decrypted α, α̂ for us.
struct PresignRound2Received: Sendable, CustomStringConvertible {
    let values: PresignRound2Public
    let alpha: Scalar
    let alphaHat: Scalar
    var description: String { "PresignRound2Received(…)" }
}

/// Round 2: the MtA ciphertexts with Πaff-g, Γ_i with Πelog.
struct PresignRound2<Output: Sendable>: TypedRound {
    let context: PresignContext
    let completion: PresignCompletion<Output>
    let secrets: PresignSecrets
    let round1: [PartyID: PresignRound1Echo]
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<PresignRound2Artifact> {
        let parameters = context.parameters, path = context.path
        let ownKey = context.aux.paillierSecret.publicKey
        let own = PaillierGroup(modulus: ownKey.modulus, owner: context.aux.paillierSecret, path: path)
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        let gammaPoint = Point.generatorMultiple(secrets.gamma)
        let x = context.keyShare.secretShare
        let ownerKey = context.aux.paillierSecret
        let ownShare = context.keyShare.publicShares[context.me]!
        // Randomness first, in the order it has always been drawn (per party: β, β̂, r, r̂, s, ŝ, then
        // ψ's masks, then ψ̂'s; Πelog's last); then every party's F, D, ψ and F̂, D̂, ψ̂ and Πelog are
        // computed from it — concurrently on `.fast` — so a seed gives the same messages either way.
        var mta: [PartyID: MtASecrets] = [:]
        var jobs: [MtAJob] = []
        for party in context.others {
            let targetKey = context.key(party)
            let target = PaillierGroup(modulus: targetKey.modulus)
            let setup = context.inputs.publicAux[party]!.ringPedersen
            let secret = MtASecrets(
                beta: BigInt.random(signedBits: parameters.ellPrime, using: &generator),
                betaHat: BigInt.random(signedBits: parameters.ellPrime, using: &generator),
                r: own.randomRandomizer(using: &generator), rHat: own.randomRandomizer(using: &generator),
                s: target.randomRandomizer(using: &generator), sHat: target.randomRandomizer(using: &generator))
            mta[party] = secret
            let kCiphertext = round1.entry(for: party).k
            for hat in [false, true] {
                let masks = AffGProof.drawMasks(verifierKey: targetKey, proverKey: ownKey, setup: setup,
                                                parameters: parameters, using: &generator)
                jobs.append(MtAJob(
                    targetKey: targetKey, setup: setup, kCiphertext: kCiphertext,
                    multiplier: hat ? x : secrets.gamma, multiplierPoint: hat ? ownShare : gammaPoint,
                    beta: hat ? secret.betaHat : secret.beta, r: hat ? secret.rHat : secret.r,
                    s: hat ? secret.sHat : secret.s, masks: masks))
            }
        }
        let mine = round1.entry(for: context.me)
        let elogMasks = ElogProof.drawMasks(using: &generator)
        let elogStatement = ElogProof.Statement(L: mine.b1, M: mine.b2, X: mine.y, Y: gammaPoint, h: .generator)
        let drawn = jobs
        let results = ParallelWork.map(drawn.count + 1, concurrently: context.path == .fast) { index -> MtAResult in
            guard index < drawn.count else {
                return .elog(ElogProof.prove(y: secrets.gamma, lambda: secrets.b, statement: elogStatement,
                                             context: proofContext, parameters: parameters, masks: elogMasks))
            }
            return drawn[index].run(own: own, ownKey: ownKey, ownerKey: ownerKey, context: proofContext,
                                   parameters: parameters, path: path)
        }
        var f: [PaillierCiphertext] = [], fHat: [PaillierCiphertext] = []
        var d: [PaillierCiphertext] = [], dHat: [PaillierCiphertext] = []
        var psi: [AffGProof] = [], psiHat: [AffGProof] = []
        var elogProof: ElogProof?
        for (index, result) in results.enumerated() {
            switch result {
            case .mta(let partyF, let partyD, let proof) where index % 2 == 0:
                f.append(partyF); d.append(partyD); psi.append(proof)
            case .mta(let partyF, let partyD, let proof):
                fHat.append(partyF); dHat.append(partyD); psiHat.append(proof)
            case .elog(let proof):
                elogProof = proof
            }
        }
        guard let elog = elogProof else { preconditionFailure("the last job is Πelog") }
        let echo = PresignRound2Echo(gamma: gammaPoint, f: f, fHat: fHat, d: d, dHat: dHat)
        guard let ownValues = PresignRound2Public(echo, sender: context.me, committee: context.committee) else {
            preconditionFailure("one MtA entry per other signer")
        }
        return TypedPayloads(
            echoBroadcast: echo.encoded,
            broadcast: PresignRound2Broadcast(psi: psi, psiHat: psiHat, elog: elog).encoded,
            artifact: PresignRound2Artifact(mta: mta, values: ownValues))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> PresignRound2Received {
        let values = try PresignChecks.round2(incoming, view: &view, data: context.checkData)
        // D and D̂ passed Πaff-g's unit checks under our key, so they decrypt (local work only; the
        // two side by side on `.fast`).
        let secretKey = context.aux.paillierSecret
        guard let d = values.d[context.me], let dHat = values.dHat[context.me] else {
            throw RoundViolation(rule: "undecryptable-mta", detail: "D or D̂ for us does not decrypt")
        }
        let plaintexts = ParallelWork.map(2, concurrently: context.path == .fast) { index in
            try? secretKey.decrypt(index == 0 ? d : dHat)
        }
        guard let alpha = plaintexts[0], let alphaHat = plaintexts[1] else {
            throw RoundViolation(rule: "undecryptable-mta", detail: "D or D̂ for us does not decrypt")
        }
        return PresignRound2Received(values: values, alpha: Scalar(reducing: alpha), alphaHat: Scalar(reducing: alphaHat))
    }

    func finalize(artifact own: PresignRound2Artifact, verified received: [PartyID: PresignRound2Received],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        let gamma = received.values.reduce(own.gamma) { $0 + $1.values.gamma }
        var delta = secrets.gamma * secrets.k
        var chi = context.keyShare.secretShare * secrets.k
        for (party, value) in received {
            let mta = own.mta.entry(for: party)
            delta += value.alpha + Scalar(reducing: mta.beta)
            chi += value.alphaHat + Scalar(reducing: mta.betaHat)
        }
        var round2 = received.mapValues(\.values)
        round2[context.me] = own.values
        return .next(PresignRound3(context: context, completion: completion, secrets: secrets, round1: round1,
                                   round2: round2, mta: own.mta, gamma: gamma, delta: delta, chi: chi))
    }

    var description: String { "PresignRound2" }
}

/// One MtA towards one j in round 2 (for γ_i or for x_i), with its Πaff-g masks already drawn.
private struct MtAJob: Sendable {
    let targetKey: PaillierPublicKey
    let setup: RingPedersenParameters
    /// K_j.
    let kCiphertext: PaillierCiphertext
    /// γ_i (for D) or x_i (for D̂), and its point Γ_i or X_i.
    let multiplier: Scalar
    let multiplierPoint: Point
    /// β (or β̂) and its randomizers r under our key, s under j's.
    let beta: BigInt
    let r: BigInt
    let s: BigInt
    let masks: AffGProof.Masks

    /// F = enc_i(β; r), D = K_j^{multiplier}·enc_j(−β; s) and Πaff-g for them (pure). On `.fast`,
    /// D's two powers under j's key share their squarings (`scaleSecretAndEncrypt`); same bytes.
    func run(own: PaillierGroup, ownKey: PaillierPublicKey, ownerKey: PaillierSecretKey, context: ProofContext,
             parameters: SchemeParameters, path: ArithmeticPath) -> MtAResult {
        let target = PaillierGroup(modulus: targetKey.modulus)
        let f = PaillierCiphertext(value: own.encrypt(beta, randomizer: r))
        let d = PaillierCiphertext(value: target.scaleSecretAndEncrypt(
            kCiphertext.value, byNonNegative: multiplier.bigInt, plaintext: -beta, randomizer: s, path: path))
        do {
            let proof = try AffGProof.prove(
                AffGProof.Statement(verifierKey: targetKey, proverKey: ownKey, c: kCiphertext, d: d, y: f, x: multiplierPoint),
                witness: .init(x: multiplier.bigInt, y: beta, rho: s, rhoY: r, ownerKey: ownerKey),
                setup: setup, context: context, parameters: parameters, masks: masks, path: path)
            return .mta(f: f, d: d, proof: proof)
        } catch {
            preconditionFailure("K_j passed Πenc-elg's unit check in round 1: \(error)")
        }
    }
}

/// What one of round 2's concurrent jobs made.
private enum MtAResult: Sendable {
    case mta(f: PaillierCiphertext, d: PaillierCiphertext, proof: AffGProof)
    case elog(ElogProof)
}

/// Round 3: δ_i, Δ_i with Πelog, S_i; then the consistency checks and the presignature.
struct PresignRound3<Output: Sendable>: TypedRound {
    let context: PresignContext
    let completion: PresignCompletion<Output>
    let secrets: PresignSecrets
    let round1: [PartyID: PresignRound1Echo]
    /// Every signer's round-2 values (for the failure rounds).
    let round2: [PartyID: PresignRound2Public]
    let mta: [PartyID: MtASecrets]
    /// Γ = Σ Γ_j.
    let gamma: Point
    let delta: Scalar
    let chi: Scalar
    var number: Int { 3 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .broadcast] }

    var ownValues: PresignRound3Public { PresignRound3Echo(delta: delta, bigDelta: secrets.k * gamma, s: chi * gamma) }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        let mine = round1.entry(for: context.me)
        let values = ownValues
        let elog = ElogProof.prove(
            y: secrets.k, lambda: secrets.a,
            statement: .init(L: mine.a1, M: mine.a2, X: mine.y, Y: values.bigDelta, h: gamma),
            context: PresignChecks.context(epid: context.epid, prover: context.me),
            parameters: context.parameters, using: &generator)
        return TypedPayloads(
            echoBroadcast: values.encoded,
            broadcast: PresignRound3Broadcast(elog: elog).encoded)
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> PresignRound3Public {
        try PresignChecks.round3(incoming, view: &view, data: context.checkData)
    }

    func finalize(artifact: Void, verified: [PartyID: PresignRound3Public],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<Output> {
        var round3 = verified
        round3[context.me] = ownValues
        // δ·G = Σ Δ_j holds when every δ_j is right; Σ S_j = δ·X when every χ_j is. Both are checked
        // before δ = 0: a rushing cheater who sends δ_i = −Σ_{j≠i} δ_j makes δ = 0, and must reach the
        // failure round (which names it) rather than an unattributable abort.
        let delta = round3.values.reduce(Scalar.zero) { $0 + $1.delta }
        let failure: PresignFailureRound<Output>.Kind? =
            Point.generatorMultiple(delta) != Point.sum(round3.values.map(\.bigDelta)) ? .delta
            : Point.sum(round3.values.map(\.s)) != delta * context.inputs.publicKey ? .chi : nil
        if let failure {
            return .next(PresignFailureRound<Output>(
                kind: failure, context: context, secrets: secrets, round1: round1, round2: round2, round3: round3,
                mta: mta, gamma: gamma))
        }
        // δ·G = Σ Δ_j = k·Γ with δ = 0 or Γ = 0 means k·γ = 0: negligible for honest randomness.
        guard !gamma.isIdentity, let (_, commitments) = PresignChecks.commitments(
                  sessionID: context.publicData.boundSessionID, gamma: gamma, round3: round3),
              let inverse = try? delta.inverted() else { return .aborted("δ = 0 or Γ is the identity") }
        return completion(PresignatureMaterial(
            owner: context.me, signers: context.committee, parameterSetName: context.parameters.name,
            publicKey: context.inputs.publicKey, epoch: context.keyShare.epoch,
            kTilde: secrets.k * inverse, chiTilde: chi * inverse, commitments: commitments))
    }

    var description: String { "PresignRound3" }
}
