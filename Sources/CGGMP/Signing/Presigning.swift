import Bytes
import Hashing
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
    /// The tag bound into every message of a presigning session.
    public static let protocolTag = ProtocolTag.presign

    /// A presigning session among the key share's signers; its output holds the `Presignature`.
    public static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters
    ) throws(SigningSetupError) -> Session<PresignatureSlot> {
        try makeSession(sessionID: sessionID, keyShare: keyShare, auxInfo: auxInfo, signer: signer, verifier: verifier,
                        parameters: parameters, path: .fast)
    }

    /// The same session on an explicit path: `.reference` computes and checks a round's proofs one
    /// after the other (the oracle the concurrent `.fast` path is tested against).
    static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters, path: ArithmeticPath
    ) throws(SigningSetupError) -> Session<PresignatureSlot> {
        try PresignContext.session(
            sessionID: sessionID, protocolTag: protocolTag, keyShare: keyShare, auxInfo: auxInfo, signer: signer,
            verifier: verifier, parameters: parameters, path: path) { material in .finished(PresignatureSlot(material)) }
    }

    /// Re-runs presigning's checks for third-party verification of `Evidence`.
    public static func evidenceRechecker(inputs: PresigningPublicInputs,
                                         parameters: SchemeParameters) -> some EvidenceRechecker {
        PresignRechecker(inputs: inputs, parameters: parameters, prehash: nil)
    }

    /// The public data of a presigning session (for `Evidence.verify`).
    /// - Throws: ``SessionSetupError`` for fewer than two parties or a party listed twice.
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// The public facts presigning depends on, which a third party needs to re-check evidence: every
/// signer's public key share and public aux info.
public struct PresigningPublicInputs: Sendable, Hashable {
    /// X_j for every signer j.
    public let publicShares: [PartyID: Point]
    /// Every signer's public aux info.
    public let publicAux: [PartyID: PublicAuxInfo]

    /// The inputs from their parts. Checks nothing here: a check that finds an entry missing reports
    /// the `incomplete-view` rule, so the evidence is not proven.
    public init(publicShares: [PartyID: Point], publicAux: [PartyID: PublicAuxInfo]) {
        self.publicShares = publicShares
        self.publicAux = publicAux
    }

    /// X = Σ_j X_j.
    public var publicKey: Point { Point.sum(publicShares.values) }

    /// The identifier every proof of the session is bound to: the session id (with protocol tag and
    /// committee), the parameter set, and every signer's public share and aux data — so a proof
    /// is only valid for exactly these keys (the "epid" of synedrion, Remark 4.1 of the paper).
    func epid(publicData: SessionPublicData, parameters: SchemeParameters) -> [UInt8] {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.presignatureID)
        hasher.appendField(publicData.boundSessionID)
        hasher.appendField(Array(parameters.name.utf8))
        for party in publicData.committee {
            hasher.appendField(party.rawRepresentation)
            hasher.appendField(publicShares[party]?.compressedRepresentation ?? [])
            if let aux = publicAux[party] {
                hasher.appendField(aux.paillierKey.modulus.magnitudeBytes())
                hasher.appendField(aux.ringPedersen.modulus.magnitudeBytes())
                hasher.appendField(aux.ringPedersen.s.magnitudeBytes())
                hasher.appendField(aux.ringPedersen.t.magnitudeBytes())
            }
        }
        return hasher.sha256()
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
    /// `.fast`: the independent proofs of a round are computed and checked concurrently (issue
    /// #13); `.reference`: one after the other, the oracle (same messages, same verdicts).
    var path: ArithmeticPath = .fast

    var committee: [PartyID] { publicData.committee }
    var checkData: PresignCheckData {
        PresignCheckData(inputs: inputs, parameters: parameters, publicData: publicData,
                         ownSetup: aux.ringPedersenSecret.map { (me, $0) }, ownKey: aux.paillierSecret, path: path)
    }
    var others: [PartyID] { committee.filter { $0 != me } }

    func key(_ party: PartyID) -> PaillierPublicKey { inputs.publicAux[party]!.paillierKey }

    /// Checks the inputs and builds a session whose first round is presigning's round 1;
    /// `completion` turns the finished presignature into the protocol's next step or output.
    static func session<Output: Sendable>(
        sessionID: [UInt8], protocolTag: String, keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier, parameters: SchemeParameters,
        path: ArithmeticPath = .fast,
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
            epid: inputs.epid(publicData: publicData, parameters: parameters), keyShare: keyShare, aux: auxInfo,
            path: path)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: PresignRound1(context: context, completion: completion))
        } catch { throw .session(error) }
    }
}
