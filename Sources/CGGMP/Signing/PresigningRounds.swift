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
        // Our own key: K and G are encrypted mod p², q² (CRT), the same ciphertexts.
        let own = PaillierGroup(modulus: context.aux.paillierSecret.modulus, owner: context.aux.paillierSecret, path: .fast)
        let k = Scalar.random(using: &generator), gamma = Scalar.random(using: &generator)
        let rho = own.randomRandomizer(using: &generator), nu = own.randomRandomizer(using: &generator)
        // The El-Gamal secret y_i is needed by no one (only its public key Y_i is used).
        let y = Point.generatorMultiple(Scalar.random(using: &generator))
        let a = Scalar.random(using: &generator), b = Scalar.random(using: &generator)
        let message = PresignRound1Echo(
            k: PaillierCiphertext(value: own.encrypt(k.bigInt, randomizer: rho)),
            g: PaillierCiphertext(value: own.encrypt(gamma.bigInt, randomizer: nu)),
            y: y, a1: .generatorMultiple(a), a2: a * y + .generatorMultiple(k),
            b1: .generatorMultiple(b), b2: b * y + .generatorMultiple(gamma))
        let ownKey = context.aux.paillierSecret.publicKey
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        var direct: [PartyID: [UInt8]] = [:]
        for party in context.others {
            let setup = context.inputs.publicAux[party]!.ringPedersen
            let psi0 = EncElgProof.prove(
                message.kStatement(key: ownKey), witness: .init(plaintext: k.bigInt, randomizer: rho, b: a, ownerKey: context.aux.paillierSecret),
                setup: setup, context: proofContext, parameters: context.parameters, using: &generator)
            let psi1 = EncElgProof.prove(
                message.gStatement(key: ownKey), witness: .init(plaintext: gamma.bigInt, randomizer: nu, b: b, ownerKey: context.aux.paillierSecret),
                setup: setup, context: proofContext, parameters: context.parameters, using: &generator)
            direct[party] = PresignRound1Direct(psi0: psi0, psi1: psi1).encoded
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
        let parameters = context.parameters
        let ownKey = context.aux.paillierSecret.publicKey
        let own = PaillierGroup(modulus: ownKey.modulus, owner: context.aux.paillierSecret, path: .fast)
        let proofContext = PresignChecks.context(epid: context.epid, prover: context.me)
        let gammaPoint = Point.generatorMultiple(secrets.gamma)
        let x = context.keyShare.secretShare
        var mta: [PartyID: MtASecrets] = [:]
        var f: [PaillierCiphertext] = [], fHat: [PaillierCiphertext] = []
        var d: [PaillierCiphertext] = [], dHat: [PaillierCiphertext] = []
        var psi: [AffGProof] = [], psiHat: [AffGProof] = []
        for party in context.others {
            let targetKey = context.key(party)
            let target = PaillierGroup(modulus: targetKey.modulus)
            let setup = context.inputs.publicAux[party]!.ringPedersen
            let kCiphertext = round1.entry(for: party).k
            let secret = MtASecrets(
                beta: BigInt.random(signedBits: parameters.ellPrime, using: &generator),
                betaHat: BigInt.random(signedBits: parameters.ellPrime, using: &generator),
                r: own.randomRandomizer(using: &generator), rHat: own.randomRandomizer(using: &generator),
                s: target.randomRandomizer(using: &generator), sHat: target.randomRandomizer(using: &generator))
            mta[party] = secret
            func affine(_ multiplier: Scalar, _ beta: BigInt, _ s: BigInt) -> PaillierCiphertext {
                PaillierCiphertext(value: target.add(target.scaleSecret(kCiphertext.value, byNonNegative: multiplier.bigInt),
                                                     target.encrypt(-beta, randomizer: s)))
            }
            let partyF = PaillierCiphertext(value: own.encrypt(secret.beta, randomizer: secret.r))
            let partyFHat = PaillierCiphertext(value: own.encrypt(secret.betaHat, randomizer: secret.rHat))
            let partyD = affine(secrets.gamma, secret.beta, secret.s)
            let partyDHat = affine(x, secret.betaHat, secret.sHat)
            do {
                psi.append(try AffGProof.prove(
                    AffGProof.Statement(verifierKey: targetKey, proverKey: ownKey, c: kCiphertext, d: partyD,
                                        y: partyF, x: gammaPoint),
                    witness: .init(x: secrets.gamma.bigInt, y: secret.beta, rho: secret.s, rhoY: secret.r,
                                   ownerKey: context.aux.paillierSecret),
                    setup: setup, context: proofContext, parameters: parameters, using: &generator))
                psiHat.append(try AffGProof.prove(
                    AffGProof.Statement(verifierKey: targetKey, proverKey: ownKey, c: kCiphertext, d: partyDHat,
                                        y: partyFHat, x: context.keyShare.publicShares[context.me]!),
                    witness: .init(x: x.bigInt, y: secret.betaHat, rho: secret.sHat, rhoY: secret.rHat,
                                   ownerKey: context.aux.paillierSecret),
                    setup: setup, context: proofContext, parameters: parameters, using: &generator))
            } catch {
                preconditionFailure("K_j passed Πenc-elg's unit check in round 1: \(error)")
            }
            f.append(partyF); fHat.append(partyFHat); d.append(partyD); dHat.append(partyDHat)
        }
        let echo = PresignRound2Echo(gamma: gammaPoint, f: f, fHat: fHat, d: d, dHat: dHat)
        guard let ownValues = PresignRound2Public(echo, sender: context.me, committee: context.committee) else {
            preconditionFailure("one MtA entry per other signer")
        }
        let mine = round1.entry(for: context.me)
        let elog = ElogProof.prove(
            y: secrets.gamma, lambda: secrets.b,
            statement: .init(L: mine.b1, M: mine.b2, X: mine.y, Y: gammaPoint, h: .generator),
            context: proofContext, parameters: parameters, using: &generator)
        return TypedPayloads(
            echoBroadcast: echo.encoded,
            broadcast: PresignRound2Broadcast(psi: psi, psiHat: psiHat, elog: elog).encoded,
            artifact: PresignRound2Artifact(mta: mta, values: ownValues))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> PresignRound2Received {
        let values = try PresignChecks.round2(incoming, view: &view, data: context.checkData)
        // D and D̂ passed Πaff-g's unit checks under our key, so they decrypt (local work only).
        let secretKey = context.aux.paillierSecret
        guard let d = values.d[context.me], let dHat = values.dHat[context.me],
              let alpha = try? secretKey.decrypt(d), let alphaHat = try? secretKey.decrypt(dHat) else {
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
