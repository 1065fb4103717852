import BigNum
import Paillier
import Secp256k1

/// Round 2's public values from one sender, as every party sees them (indexed by recipient).
struct PresignRound2Public: Sendable {
    let gamma: Point
    let d: [PartyID: PaillierCiphertext]
    let dHat: [PartyID: PaillierCiphertext]
    let f: [PartyID: PaillierCiphertext]
    let fHat: [PartyID: PaillierCiphertext]

    /// The echo-broadcast of `sender`, with its lists indexed by recipient.
    init?(_ echo: PresignRound2Echo, sender: PartyID, committee: [PartyID]) {
        let recipients = committee.filter { $0 != sender }
        guard echo.f.count == recipients.count, echo.fHat.count == recipients.count, echo.d.count == recipients.count,
              echo.dHat.count == recipients.count else { return nil }
        gamma = echo.gamma
        d = Dictionary(uniqueKeysWithValues: zip(recipients, echo.d))
        dHat = Dictionary(uniqueKeysWithValues: zip(recipients, echo.dHat))
        f = Dictionary(uniqueKeysWithValues: zip(recipients, echo.f))
        fHat = Dictionary(uniqueKeysWithValues: zip(recipients, echo.fHat))
    }
}

/// Round 3's public values from one sender.
typealias PresignRound3Public = PresignRound3Echo

/// The public facts every presigning check depends on (the same live and for a third party).
struct PresignCheckData: Sendable {
    let inputs: PresigningPublicInputs
    let parameters: SchemeParameters
    let committee: [PartyID]
    let epid: [UInt8]
    /// The checking party and its ring-Pedersen trapdoor, when it is a live signer that knows it:
    /// proofs made for that party's parameters are then verified mod p̂, q̂ (same verdicts). Nil for
    /// a third party re-checking evidence.
    let ownSetup: (party: PartyID, secret: RingPedersenSecret)?
    /// The checking party's Paillier secret key (with `ownSetup`, the same party): Πaff-g's
    /// equation under the verifier's own N0 is then checked mod p², q² (same verdicts).
    let ownKey: PaillierSecretKey?
    /// `.fast`: the proofs of one message are checked concurrently; `.reference`: in order. Same
    /// verdict and same (first in order) violation either way.
    let path: ArithmeticPath

    init(inputs: PresigningPublicInputs, parameters: SchemeParameters, publicData: SessionPublicData,
         ownSetup: (party: PartyID, secret: RingPedersenSecret)? = nil, ownKey: PaillierSecretKey? = nil,
         path: ArithmeticPath = .fast) {
        self.inputs = inputs
        self.parameters = parameters
        self.ownSetup = ownSetup
        self.ownKey = ownSetup == nil ? nil : ownKey
        self.path = path
        committee = publicData.committee
        epid = inputs.epid(publicData: publicData, parameters: parameters)
    }

    func aux(_ party: PartyID) throws(RoundViolation) -> PublicAuxInfo {
        guard let aux = inputs.publicAux[party] else { throw .incompleteView("public aux info of \(party)") }
        return aux
    }

    /// The trapdoor of `party`'s ring-Pedersen parameters, when the checking party is `party`.
    func ownSecret(for party: PartyID) -> RingPedersenSecret? {
        guard let ownSetup, ownSetup.party == party else { return nil }
        return ownSetup.secret
    }

    /// The Paillier secret key of `party`, when the checking party is `party` and holds it.
    func ownPaillierKey(for party: PartyID) -> PaillierSecretKey? {
        guard let ownSetup, ownSetup.party == party else { return nil }
        return ownKey
    }

    func publicShare(_ party: PartyID) throws(RoundViolation) -> Point {
        guard let share = inputs.publicShares[party] else { throw .incompleteView("public key share of \(party)") }
        return share
    }
}

/// The checks of each round, one function per round of (public inputs, the sender's parts, the
/// sender's `SignedView`). The live rounds' `verify(_:view:)` and `PresignRechecker` call the same
/// functions. Other parties' values are read only as the sender attested them (its signed echoes),
/// and the sender's own earlier values only from its own signed messages, so evidence cannot be
/// assembled from messages an accuser substituted.
enum PresignChecks {
    /// Decodes a part of the checked round: a malformed part is the sender's fault.
    static func decode<T: WireCodable>(_ payload: [UInt8], _ what: String) throws(RoundViolation) -> T {
        do { return try T(encoded: payload) } catch {
            throw RoundViolation(rule: "malformed-\(what)", detail: "\(error)")
        }
    }

    /// Decodes a value of an earlier round (every party checked it then): undecodable means the view
    /// is not what the session accepted, so "not proven", never a fault of this round.
    static func earlier<T: WireCodable>(_ payload: [UInt8], _ what: String) throws(RoundViolation) -> T {
        do { return try T(encoded: payload) } catch { throw .incompleteView("a decodable \(what)") }
    }

    static func context(epid: [UInt8], prover: PartyID) -> ProofContext {
        ProofContext(sessionID: epid, proverID: prover.rawRepresentation)
    }

    /// `party`'s round-1 values as the checked sender attested them (its own when `party` is it).
    static func round1Values(_ view: inout SignedView, _ party: PartyID) throws(RoundViolation) -> PresignRound1Echo {
        try earlier(view.attestedPayload(round: 1, from: party), "round-1 echo-broadcast")
    }

    /// `party`'s round-2 values as the checked sender attested them.
    static func round2Values(_ view: inout SignedView, _ party: PartyID,
                             committee: [PartyID]) throws(RoundViolation) -> PresignRound2Public {
        let echo: PresignRound2Echo = try earlier(view.attestedPayload(round: 2, from: party), "round-2 echo-broadcast")
        guard let values = PresignRound2Public(echo, sender: party, committee: committee) else {
            throw .incompleteView("a well-formed round-2 echo-broadcast of \(party)")
        }
        return values
    }

    /// Γ = Σ Γ_j over the round-2 values the checked sender attested.
    static func gamma(_ view: inout SignedView, committee: [PartyID]) throws(RoundViolation) -> Point {
        var sum = Point.identity
        for party in committee {
            let echo: PresignRound2Echo = try earlier(view.attestedPayload(round: 2, from: party), "round-2 echo-broadcast")
            sum += echo.gamma
        }
        return sum
    }

    /// Round 1: ψ⁰ and ψ¹ (made for the direct part's recipient, under its ring-Pedersen setup)
    /// prove that K and G encrypt the values A and B commit to, in range.
    static func round1(_ incoming: IncomingPayloads, view: inout SignedView,
                       data: PresignCheckData) throws(RoundViolation) -> PresignRound1Echo {
        let sender = incoming.sender
        let message: PresignRound1Echo = try decode(incoming.payload(.echoBroadcast), "round1-echo")
        let proofs: PresignRound1Direct = try decode(incoming.payload(.direct), "round1-proofs")
        guard let recipient = incoming.recipient else { throw .incompleteView("the direct part's recipient") }
        let senderAux = try data.aux(sender), recipientAux = try data.aux(recipient)
        let context = context(epid: data.epid, prover: sender)
        let own = data.ownSecret(for: recipient)
        let setup = recipientAux.ringPedersen, parameters = data.parameters
        // ψ⁰ then ψ¹: checked concurrently on `.fast`, the first failure in this order reported.
        let checks = [(proofs.psi0, message.kStatement(key: senderAux.paillierKey), "invalid-enc-elg-K"),
                      (proofs.psi1, message.gStatement(key: senderAux.paillierKey), "invalid-enc-elg-G")]
        let failure = ParallelWork.firstFailure(checks.count, concurrently: data.path == .fast) { index -> RoundViolation? in
            let (proof, statement, rule) = checks[index]
            do {
                if let own {
                    try proof.verify(statement, ownSetup: own, context: context, parameters: parameters)
                } else {
                    try proof.verify(statement, setup: setup, context: context, parameters: parameters)
                }
                return nil
            } catch { return RoundViolation(rule: rule, detail: "\(error)") }
        }
        if let failure { throw failure }
        return message
    }

    /// Round 2: every echoed D, D̂ with its Πaff-g proof (under the recipient's setup, against the
    /// recipient's K as the sender attested it), and Πelog that Γ opens the sender's own B.
    static func round2(_ incoming: IncomingPayloads, view: inout SignedView,
                       data: PresignCheckData) throws(RoundViolation) -> PresignRound2Public {
        let sender = incoming.sender
        let first: PresignRound2Echo = try decode(incoming.payload(.echoBroadcast), "round2-echo")
        let second: PresignRound2Broadcast = try decode(incoming.payload(.broadcast), "round2-broadcast")
        let recipients = data.committee.filter { $0 != sender }
        guard let values = PresignRound2Public(first, sender: sender, committee: data.committee),
              second.psi.count == recipients.count, second.psiHat.count == recipients.count else {
            throw RoundViolation(rule: "wrong-mta-count", detail: "expected \(recipients.count) entries")
        }
        let senderAux = try data.aux(sender), senderShare = try data.publicShare(sender)
        let senderRound1 = try round1Values(&view, sender)
        let context = context(epid: data.epid, prover: sender)
        let parameters = data.parameters
        // The statements are gathered in the order the checks have always run; a missing input
        // (`incomplete-view`) stops the gathering and is reported only if no earlier proof fails.
        // The proofs gathered are then checked concurrently on `.fast`, the first failure in
        // order reported — the same violation as checking them one after the other.
        var checks: [RoundTwoCheck] = []
        var stop: RoundViolation?
        do throws(RoundViolation) {
            for (index, recipient) in recipients.enumerated() {
                let recipientAux = try data.aux(recipient)
                let recipientK = try round1Values(&view, recipient).k
                // ψ for D (multiplier Γ's γ) and ψ̂ for D̂ (multiplier the sender's key share).
                for (proof, d, y, x, rule) in [(second.psi[index], first.d[index], first.f[index], first.gamma, "invalid-aff-g"),
                                               (second.psiHat[index], first.dHat[index], first.fHat[index], senderShare,
                                                "invalid-aff-g-hat")] {
                    let statement = AffGProof.Statement(verifierKey: recipientAux.paillierKey, proverKey: senderAux.paillierKey,
                                                        c: recipientK, d: d, y: y, x: x)
                    checks.append(.affG(proof, statement, setup: recipientAux.ringPedersen, own: data.ownSecret(for: recipient),
                                        ownKey: data.ownPaillierKey(for: recipient), rule: rule, detail: "\(rule == "invalid-aff-g" ? "D" : "D̂") for \(recipient)"))
                }
            }
            let elog = ElogProof.Statement(L: senderRound1.b1, M: senderRound1.b2, X: senderRound1.y, Y: first.gamma,
                                           h: .generator)
            checks.append(.elog(second.elog, elog))
        } catch { stop = error }
        let gathered = checks
        let failure = ParallelWork.firstFailure(gathered.count, concurrently: data.path == .fast) { index in
            gathered[index].failure(context: context, parameters: parameters)
        }
        if let failure = failure ?? stop { throw failure }
        return values
    }

    /// Round 3: Πelog shows the echoed Δ_j = k_j·Γ for the k_j committed in the sender's A_j, with
    /// Γ summed from the round-2 values the sender attested.
    static func round3(_ incoming: IncomingPayloads, view: inout SignedView,
                       data: PresignCheckData) throws(RoundViolation) -> PresignRound3Public {
        let sender = incoming.sender
        let first: PresignRound3Echo = try decode(incoming.payload(.echoBroadcast), "round3-echo")
        let second: PresignRound3Broadcast = try decode(incoming.payload(.broadcast), "round3-broadcast")
        let senderRound1 = try round1Values(&view, sender)
        let gamma = try gamma(&view, committee: data.committee)
        let statement = ElogProof.Statement(L: senderRound1.a1, M: senderRound1.a2, X: senderRound1.y,
                                            Y: first.bigDelta, h: gamma)
        do {
            try second.elog.verify(statement, context: context(epid: data.epid, prover: sender), parameters: data.parameters)
        } catch {
            throw RoundViolation(rule: "invalid-elog-delta", detail: "\(error)")
        }
        return first
    }

    /// The normalised commitments from every signer's round-3 values (nil when δ = 0), for the
    /// presigning session whose bound id is `sessionID`.
    static func commitments(sessionID: [UInt8], gamma: Point,
                            round3: [PartyID: PresignRound3Public]) -> (delta: Scalar, PresignatureCommitments)? {
        let delta = round3.values.reduce(Scalar.zero) { $0 + $1.delta }
        guard let inverse = try? delta.inverted() else { return nil }
        return (delta, PresignatureCommitments(presigningSessionID: sessionID, nonce: gamma,
                                               nonceShares: round3.mapValues { inverse * $0.bigDelta },
                                               keyNonceShares: round3.mapValues { inverse * $0.s }))
    }

    /// Signing: σ_j·Γ = m·Δ̃_j + r·S̃_j.
    static func signatureShare(_ sigma: Scalar, sender: PartyID, commitments: PresignatureCommitments,
                               prehash: Prehash) throws(RoundViolation) -> Scalar {
        guard let nonceShare = commitments.nonceShares[sender],
              let keyNonceShare = commitments.keyNonceShares[sender] else {
            throw .incompleteView("the presignature commitments of \(sender)")
        }
        guard sigma * commitments.nonce == prehash.scalar * nonceShare + commitments.r * keyNonceShare else {
            throw RoundViolation(rule: "invalid-signature-share", detail: "σ_j·Γ ≠ m·Δ̃_j + r·S̃_j")
        }
        return sigma
    }

    /// Standalone signing: the sender's message names the presignature its σ was made with. When
    /// that is the presignature of `commitments` (same ``PresignatureID``), σ is checked against
    /// them (`invalid-signature-share`); when it is another, σ is not judged at all — the sender
    /// signed which one it used, so a σ that "fails" against other commitments proves nothing.
    static func presignedSignatureShare(_ payload: [UInt8], sender: PartyID, commitments: PresignatureCommitments,
                                        prehash: Prehash) throws(RoundViolation) -> SignatureShareCheck {
        let message: PresignedSignatureShareMessage = try decode(payload, "signature-share")
        guard message.presignature == commitments.id else { return .otherPresignature(message.presignature) }
        return .share(try signatureShare(message.sigma, sender: sender, commitments: commitments, prehash: prehash))
    }

    /// Interactive signing's round 4: the sender's σ against the presignature commitments rebuilt
    /// from the round-2 and round-3 values the sender attested (Γ, every δ_j, its Δ and S).
    static func interactiveSignatureShare(_ incoming: IncomingPayloads, view: inout SignedView, committee: [PartyID],
                                          prehash: Prehash) throws(RoundViolation) -> Scalar {
        let gamma = try gamma(&view, committee: committee)
        var round3: [PartyID: PresignRound3Public] = [:]
        for party in committee {
            round3[party] = try earlier(view.attestedPayload(round: 3, from: party), "round-3 echo-broadcast")
        }
        guard let (_, commitments) = commitments(sessionID: view.publicData.boundSessionID, gamma: gamma,
                                                 round3: round3) else {
            throw .incompleteView("round-3 values with δ ≠ 0")
        }
        let message: SignatureShareMessage = try decode(incoming.payload(.broadcast), "signature-share")
        return try signatureShare(message.sigma, sender: incoming.sender, commitments: commitments, prehash: prehash)
    }
}

/// One proof of a round-2 message with its statement, as `PresignChecks.round2` checks it.
private enum RoundTwoCheck: Sendable {
    case affG(AffGProof, AffGProof.Statement, setup: RingPedersenParameters, own: RingPedersenSecret?,
              ownKey: PaillierSecretKey?, rule: String, detail: String)
    case elog(ElogProof, ElogProof.Statement)

    /// The violation this proof makes, or nil when it verifies.
    func failure(context: ProofContext, parameters: SchemeParameters) -> RoundViolation? {
        switch self {
        case .affG(let proof, let statement, let setup, let own, let ownKey, let rule, let detail):
            do {
                if let own {
                    try proof.verify(statement, ownSetup: own, ownKey: ownKey, context: context, parameters: parameters)
                } else {
                    try proof.verify(statement, setup: setup, context: context, parameters: parameters)
                }
                return nil
            } catch { return RoundViolation(rule: rule, detail: "\(detail): \(error)") }
        case .elog(let proof, let statement):
            do { try proof.verify(statement, context: context, parameters: parameters) } catch {
                return RoundViolation(rule: "invalid-elog-gamma", detail: "\(error)")
            }
            return nil
        }
    }
}

/// What standalone signing's check found in one sender's message.
enum SignatureShareCheck: Sendable, Equatable {
    /// σ, made with this party's presignature and checked against its commitments.
    case share(Scalar)
    /// The sender signed a σ made with another presignature (this id): not judged.
    case otherPresignature(PresignatureID)
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
