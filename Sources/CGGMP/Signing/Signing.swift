import Bytes
import Secp256k1

/// Signing: one round that spends a presignature (ePrint 2021/060 rev. 2024, Fig. 10).
///
/// Each signer broadcasts the id of its presignature (``PresignatureID``) and σ_i = k̃_i·m + χ̃_i·r;
/// each receiver checks σ_j·Γ = m·Δ̃_j + r·S̃_j, which names a signer whose share is wrong without a
/// further round; the signature is (r, Σ σ_j), normalised to low s, completed with its recovery id
/// and verified with libsecp256k1 before it is returned. A sender that names another presignature
/// is not judged: the session ends with `SessionError.differentPresignatures`, blaming no one.
public enum Signing {
    /// The tag bound into every message of a signing session.
    public static let protocolTag = ProtocolTag.sign

    /// A signing session that consumes `presignature`.
    ///
    /// `keyShare` is the share the caller means to sign with (after any BIP32 tweak): the
    /// presignature must have been made for exactly its public key, signer set and key epoch, else
    /// `.presignatureForAnotherKey` / `.presignatureForAnotherSignerSet` /
    /// `.presignatureForAnotherEpoch` (a presignature from before a KeyRefresh or KeyResharing).
    /// The presignature is consumed either way: it must never be offered again.
    public static func makeSession(
        sessionID: [UInt8], presignature: consuming Presignature, keyShare: AdditiveKeyShare, prehash: Prehash,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier()
    ) throws(SigningSetupError) -> Session<RecoverableSignature> {
        let material = presignature.material
        guard material.owner == signer.partyID, keyShare.owner == signer.partyID else { throw .ownerMismatch }
        guard material.signers == keyShare.signers else { throw .presignatureForAnotherSignerSet }
        guard material.publicKey == keyShare.publicKey else { throw .presignatureForAnotherKey }
        guard material.epoch == keyShare.epoch else { throw .presignatureForAnotherEpoch }
        let publicData: SessionPublicData
        do {
            publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: material.signers)
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: SignRound(number: 1, material: material, prehash: prehash))
        } catch { throw .session(error) }
    }

    /// Re-checks a signature share for third-party verification of `Evidence`, given the
    /// presignature's public commitments (which the presigning session's signed messages attest).
    /// A σ message that names another presignature than `commitments.id` is not judged
    /// (`incomplete-view`: not proven), so commitments of another presignature convict no one.
    public static func evidenceRechecker(commitments: PresignatureCommitments, prehash: Prehash) -> some EvidenceRechecker {
        SignRechecker(commitments: commitments, prehash: prehash)
    }

    /// The public data of a signing session (for `Evidence.verify`).
    /// - Throws: ``SessionSetupError`` for fewer than two parties or a party listed twice.
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// Presigning and signing in one session (rounds 1–3, then the signing round as round 4), for a
/// message known up front.
public enum InteractiveSigning {
    /// The tag bound into every message of an interactive signing session.
    public static let protocolTag = ProtocolTag.interactiveSign
    static let signingRound = 4

    /// A session that runs presigning and then signs `prehash` with the fresh presignature, among the
    /// key share's signers.
    /// - Throws: ``SigningSetupError`` when the key share and aux info belong to another party, their
    ///   signer sets differ, a modulus has the wrong size, the committee is too large, or the session
    ///   cannot be set up (`.session`).
    public static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, prehash: Prehash,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
        parameters: SchemeParameters
    ) throws(SigningSetupError) -> Session<RecoverableSignature> {
        try PresignContext.session(
            sessionID: sessionID, protocolTag: protocolTag, keyShare: keyShare, auxInfo: auxInfo, signer: signer,
            verifier: verifier, parameters: parameters
        ) { material in .next(SignRound(number: signingRound, material: material, prehash: prehash)) }
    }

    /// Re-runs the checks of every round (the signing round's from rounds 2 and 3's messages).
    public static func evidenceRechecker(inputs: PresigningPublicInputs, prehash: Prehash,
                                         parameters: SchemeParameters) -> some EvidenceRechecker {
        PresignRechecker(inputs: inputs, parameters: parameters, prehash: prehash)
    }

    /// The public data of an interactive signing session (for `Evidence.verify`).
    /// - Throws: ``SessionSetupError`` for fewer than two parties or a party listed twice.
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// The signing round: broadcast σ_i, check each σ_j, combine and verify.
struct SignRound: TypedRound {
    let number: Int
    let material: PresignatureMaterial
    let prehash: Prehash
    var messageKinds: Set<MessageKind> { [.broadcast] }

    var isInteractive: Bool { number == InteractiveSigning.signingRound }

    /// Standalone signing names the presignature σ was made with; interactive signing made it in
    /// this very session, so its message is σ alone.
    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        let sigma = material.signatureShare(for: prehash)
        if isInteractive { return TypedPayloads(broadcast: SignatureShareMessage(sigma: sigma).encoded) }
        return TypedPayloads(broadcast: PresignedSignatureShareMessage(presignature: material.commitments.id,
                                                                       sigma: sigma).encoded)
    }

    /// Standalone signing checks σ against the presignature's commitments (public input of its
    /// rechecker) when the sender names this presignature, and does not judge a σ made with another
    /// one; interactive signing rebuilds the commitments from the values the sender attested in
    /// rounds 2 and 3 (which equal ours: the echo steps compared them).
    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> SignatureShareCheck {
        if isInteractive {
            return .share(try PresignChecks.interactiveSignatureShare(
                incoming, view: &view, committee: material.signers, prehash: prehash))
        }
        return try PresignChecks.presignedSignatureShare(
            incoming.payload(.broadcast), sender: incoming.sender, commitments: material.commitments, prehash: prehash)
    }

    func finalize(artifact: Void, verified: [PartyID: SignatureShareCheck],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<RecoverableSignature> {
        var s = material.signatureShare(for: prehash)
        var others: [PartyID: PresignatureID] = [:]
        for (party, check) in verified {
            switch check {
            case .share(let sigma): s = s + sigma
            case .otherPresignature(let id): others[party] = id
            }
        }
        if !others.isEmpty {
            // No one is to blame: each sender signed which presignature it used, and its σ was not judged.
            return .differentPresignatures(PresignatureMismatch(own: material.commitments.id, others: others))
        }
        do {
            let signature = try ECDSASignature(r: material.commitments.r, s: s)
            let recoverable = try RecoverableSignature(signature: signature, publicKey: material.publicKey,
                                                       prehash: prehash)
            guard recoverable.signature.isValid(for: prehash, publicKey: material.publicKey) else {
                return .aborted("the combined signature does not verify")
            }
            return .finished(recoverable)
        } catch {
            // Every share passed its check, so this is a negligible-probability event (r or s zero).
            return .aborted("the combined signature is unusable: \(error)")
        }
    }

    var description: String { "SignRound" }
}

/// Signers of one standalone signing session that signed with different presignatures (each named
/// the id of its own in its σ message). Not a fault: a receiver cannot tell which signer took the
/// wrong presignature (the network or a corrupt party may have made honest signers pick different
/// ones), and a σ made with another presignature proves nothing against its sender. Agree on the
/// presignature (by ``PresignatureID``) and sign again with fresh presignatures.
public struct PresignatureMismatch: Sendable, Equatable, CustomStringConvertible {
    /// The id of this party's presignature.
    public let own: PresignatureID
    /// Every other signer whose σ message names another presignature, with the id it named.
    public let others: [PartyID: PresignatureID]

    /// A mismatch from its parts. Never fails.
    public init(own: PresignatureID, others: [PartyID: PresignatureID]) {
        self.own = own
        self.others = others
    }

    /// The count of signers that named another presignature, and this party's id (public).
    public var description: String {
        "\(others.count) signer(s) used another presignature than \(own)"
    }
}
