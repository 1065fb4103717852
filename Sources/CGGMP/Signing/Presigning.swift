import BigNum
import Paillier
import Secp256k1

/// Presigning: three rounds that produce, without the message, everything a one-round signing
/// needs (ePrint 2021/060 rev. 2024, Fig. 8 "ECDSA Pre-Signing"; compare synedrion
/// `protocols/interactive_signing.rs`).
///
/// Party i samples k_i, γ_i and:
/// 1. echo-broadcasts K_i = enc_i(k_i), G_i = enc_i(γ_i), an El-Gamal key Y_i and El-Gamal
///    commitments A_i to k_i and B_i to γ_i; sends each j the proofs ψ⁰, ψ¹ (Πenc-elg, under j's
///    ring-Pedersen setup) that K_i, G_i encrypt the committed values, in range;
/// 2. echo-broadcasts Γ_i = γ_i·G, F_{j,i} = enc_i(β_{j,i}), F̂_{j,i} = enc_i(β̂_{j,i}) and the MtA
///    ciphertexts D_{j,i} = K_j^{γ_i}·enc_j(−β_{j,i}), D̂_{j,i} = K_j^{x_i}·enc_j(−β̂_{j,i}); broadcasts
///    their Πaff-g proofs (under j's setup) and Πelog that Γ_i opens B_i;
/// 3. with α_{i,j} = dec_i(D_{i,j}), α̂ likewise: δ_i = γ_i k_i + Σ(α + β), χ_i = x_i k_i + Σ(α̂ + β̂);
///    echo-broadcasts δ_i, Δ_i = k_i·Γ (Γ = Σ Γ_j) and S_i = χ_i·Γ; broadcasts Πelog that Δ_i opens A_i.
/// Every value a later check depends on is echo-broadcast, so all honest parties hold the same
/// values and a sender's signed echo attests what it received (see `PresignChecks`).
/// Every party then checks δ·G = Σ Δ_j (δ = Σ δ_j) and Σ S_j = δ·X — before δ ≠ 0, so a rushed δ
/// that cancels the others reaches the failure round — and keeps Γ, k̃_i = k_i/δ,
/// χ̃_i = χ_i/δ and every Δ̃_j, S̃_j. Since δ = kγ and Σ χ_j = kx, the signature of m is
/// (r, Σ σ_j) with R = Γ and σ_j = k̃_j·m + χ̃_j·r.
public enum Presigning {
    public static let protocolTag = "CGGMP24/Presign/v2"

    /// A presigning session among the key share's signers; its output holds the `Presignature`.
    public static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters
    ) throws(SigningSetupError) -> Session<PresignatureSlot> {
        try PresignContext.session(
            sessionID: sessionID, protocolTag: protocolTag, keyShare: keyShare, auxInfo: auxInfo, signer: signer,
            verifier: verifier, parameters: parameters) { material in .finished(PresignatureSlot(material)) }
    }

    /// Re-runs presigning's checks for third-party verification of `Evidence`.
    public static func evidenceRechecker(inputs: PresigningPublicInputs,
                                         parameters: SchemeParameters) -> some EvidenceRechecker {
        PresignRechecker(inputs: inputs, parameters: parameters, prehash: nil)
    }

    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// The public facts presigning depends on, which a third party needs to re-check evidence: every
/// signer's public key share and public aux info.
public struct PresigningPublicInputs: Sendable, Hashable {
    public let publicShares: [PartyID: Point]
    public let publicAux: [PartyID: PublicAuxInfo]

    public init(publicShares: [PartyID: Point], publicAux: [PartyID: PublicAuxInfo]) {
        self.publicShares = publicShares
        self.publicAux = publicAux
    }

    public var publicKey: Point { Point.sum(publicShares.values) }

    /// The identifier every proof of the session is bound to: the session id (with protocol tag and
    /// committee), the parameter set, and every signer's public share and aux data — so a proof
    /// is only valid for exactly these keys (the "epid" of synedrion, Remark 4.1 of the paper).
    func epid(publicData: SessionPublicData, parameters: SchemeParameters) -> [UInt8] {
        var hasher = SHA256Hasher(domain: "swift-tss/CGGMP/presign/epid/v1")
        hasher.append(publicData.boundSessionID)
        hasher.append(Array(parameters.name.utf8))
        for party in publicData.committee {
            hasher.append(party.bytes)
            hasher.append(publicShares[party]?.compressedBytes ?? [])
            if let aux = publicAux[party] {
                hasher.append(aux.paillierKey.modulus.magnitudeBytes())
                hasher.append(aux.ringPedersen.modulus.magnitudeBytes())
                hasher.append(aux.ringPedersen.s.magnitudeBytes())
                hasher.append(aux.ringPedersen.t.magnitudeBytes())
            }
        }
        return hasher.finalize()
    }
}

/// What every presigning round knows.
struct PresignContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let parameters: SchemeParameters
    let inputs: PresigningPublicInputs
    let epid: [UInt8]
    let keyShare: AdditiveKeyShare
    let aux: SigningAuxInfo

    var committee: [PartyID] { publicData.committee }
    var checkData: PresignCheckData { PresignCheckData(inputs: inputs, parameters: parameters, publicData: publicData) }
    var others: [PartyID] { committee.filter { $0 != me } }

    func key(_ party: PartyID) -> PaillierPublicKey { inputs.publicAux[party]!.paillierKey }

    /// Checks the inputs and builds a session whose first round is presigning's round 1;
    /// `completion` turns the finished presignature into the protocol's next step or output.
    static func session<Output: Sendable>(
        sessionID: [UInt8], protocolTag: String, keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier, parameters: SchemeParameters,
        completion: @escaping @Sendable (PresignatureMaterial) -> RoundTransition<Output>
    ) throws(SigningSetupError) -> Session<Output> {
        guard keyShare.owner == signer.partyID, auxInfo.owner == signer.partyID else { throw .ownerMismatch }
        guard Set(keyShare.signers) == Set(auxInfo.publicAux.keys) else { throw .signerSetMismatch }
        // Πdec's bound (failure rounds) holds only up to this size (SchemeParameters.decBoundHolds).
        guard keyShare.signers.count <= SchemeParameters.maximumCommitteeSize,
              parameters.decBoundHolds(partyCount: keyShare.signers.count) else {
            throw .committeeTooLarge(keyShare.signers.count, maximum: SchemeParameters.maximumCommitteeSize)
        }
        for party in auxInfo.publicAux.keys.sorted() {
            let aux = auxInfo.publicAux[party]!
            guard aux.paillierKey.modulus.bitLength == parameters.modulusBits,
                  aux.ringPedersen.modulus.bitLength == parameters.modulusBits else { throw .auxInfoWrongSize(party) }
        }
        let publicData: SessionPublicData
        do {
            publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: keyShare.signers)
        } catch { throw .session(error) }
        let inputs = PresigningPublicInputs(publicShares: keyShare.publicShares, publicAux: auxInfo.publicAux)
        let context = PresignContext(
            publicData: publicData, me: signer.partyID, parameters: parameters, inputs: inputs,
            epid: inputs.epid(publicData: publicData, parameters: parameters), keyShare: keyShare, aux: auxInfo)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: PresignRound1(context: context, completion: completion))
        } catch { throw .session(error) }
    }
}

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

    init(inputs: PresigningPublicInputs, parameters: SchemeParameters, publicData: SessionPublicData) {
        self.inputs = inputs
        self.parameters = parameters
        committee = publicData.committee
        epid = inputs.epid(publicData: publicData, parameters: parameters)
    }

    func aux(_ party: PartyID) throws(RoundViolation) -> PublicAuxInfo {
        guard let aux = inputs.publicAux[party] else { throw .incompleteView("public aux info of \(party)") }
        return aux
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
        do { return try T(serialized: payload) } catch {
            throw RoundViolation(rule: "malformed-\(what)", detail: "\(error)")
        }
    }

    /// Decodes a value of an earlier round (every party checked it then): undecodable means the view
    /// is not what the session accepted, so "not proven", never a fault of this round.
    static func earlier<T: WireCodable>(_ payload: [UInt8], _ what: String) throws(RoundViolation) -> T {
        do { return try T(serialized: payload) } catch { throw .incompleteView("a decodable \(what)") }
    }

    static func context(epid: [UInt8], prover: PartyID) -> ProofContext {
        ProofContext(sessionID: epid, proverID: prover.bytes)
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
        do {
            try proofs.psi0.verify(message.kStatement(key: senderAux.paillierKey), setup: recipientAux.ringPedersen,
                                   context: context, parameters: data.parameters)
        } catch { throw RoundViolation(rule: "invalid-enc-elg-K", detail: "\(error)") }
        do {
            try proofs.psi1.verify(message.gStatement(key: senderAux.paillierKey), setup: recipientAux.ringPedersen,
                                   context: context, parameters: data.parameters)
        } catch { throw RoundViolation(rule: "invalid-enc-elg-G", detail: "\(error)") }
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
        for (index, recipient) in recipients.enumerated() {
            let recipientAux = try data.aux(recipient)
            let recipientK = try round1Values(&view, recipient).k
            let statement = AffGProof.Statement(
                verifierKey: recipientAux.paillierKey, proverKey: senderAux.paillierKey, c: recipientK,
                d: first.d[index], y: first.f[index], x: first.gamma)
            do {
                try second.psi[index].verify(statement, setup: recipientAux.ringPedersen, context: context,
                                             parameters: data.parameters)
            } catch {
                throw RoundViolation(rule: "invalid-aff-g", detail: "D for \(recipient): \(error)")
            }
            let hatStatement = AffGProof.Statement(
                verifierKey: recipientAux.paillierKey, proverKey: senderAux.paillierKey, c: recipientK,
                d: first.dHat[index], y: first.fHat[index], x: senderShare)
            do {
                try second.psiHat[index].verify(hatStatement, setup: recipientAux.ringPedersen, context: context,
                                                parameters: data.parameters)
            } catch {
                throw RoundViolation(rule: "invalid-aff-g-hat", detail: "D̂ for \(recipient): \(error)")
            }
        }
        let elog = ElogProof.Statement(L: senderRound1.b1, M: senderRound1.b2, X: senderRound1.y, Y: first.gamma,
                                       h: .generator)
        do {
            try second.elog.verify(elog, context: context, parameters: data.parameters)
        } catch {
            throw RoundViolation(rule: "invalid-elog-gamma", detail: "\(error)")
        }
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

    /// The normalised commitments from every signer's round-3 values (nil when δ = 0).
    static func commitments(gamma: Point, round3: [PartyID: PresignRound3Public]) -> (delta: Scalar, PresignatureCommitments)? {
        let delta = round3.values.reduce(Scalar.zero) { $0 + $1.delta }
        guard let inverse = try? delta.inverted() else { return nil }
        return (delta, PresignatureCommitments(nonce: gamma, nonceShares: round3.mapValues { inverse * $0.bigDelta },
                                               keyNonceShares: round3.mapValues { inverse * $0.s }))
    }

    /// Signing: σ_j·Γ = m·Δ̃_j + r·S̃_j.
    static func signatureShare(_ payload: [UInt8], sender: PartyID, commitments: PresignatureCommitments,
                               prehash: Prehash) throws(RoundViolation) -> Scalar {
        let message: SignatureShareMessage = try decode(payload, "signature-share")
        guard let nonceShare = commitments.nonceShares[sender],
              let keyNonceShare = commitments.keyNonceShares[sender] else {
            throw .incompleteView("the presignature commitments of \(sender)")
        }
        guard message.sigma * commitments.nonce == prehash.scalar * nonceShare + commitments.r * keyNonceShare else {
            throw RoundViolation(rule: "invalid-signature-share", detail: "σ_j·Γ ≠ m·Δ̃_j + r·S̃_j")
        }
        return message.sigma
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
        guard let (_, commitments) = commitments(gamma: gamma, round3: round3) else {
            throw .incompleteView("round-3 values with δ ≠ 0")
        }
        return try signatureShare(incoming.payload(.broadcast), sender: incoming.sender, commitments: commitments,
                                  prehash: prehash)
    }
}
