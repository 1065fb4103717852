import Secp256k1

/// Signing: one round that spends a presignature (ePrint 2021/060 rev. 2024, Fig. 10).
///
/// Each signer broadcasts σ_i = k̃_i·m + χ̃_i·r; each receiver checks σ_j·Γ = m·Δ̃_j + r·S̃_j, which
/// names a signer whose share is wrong without a further round; the signature is (r, Σ σ_j),
/// normalised to low s, completed with its recovery id and verified with libsecp256k1 before it
/// is returned.
public enum Signing {
    public static let protocolTag = "CGGMP24/Sign/v1"

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
    public static func evidenceRechecker(commitments: PresignatureCommitments, prehash: Prehash) -> some EvidenceRechecker {
        SignRechecker(commitments: commitments, prehash: prehash)
    }

    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// Presigning and signing in one session (rounds 1–3, then the signing round as round 4), for a
/// message known up front.
public enum InteractiveSigning {
    public static let protocolTag = "CGGMP24/InteractiveSign/v1"
    static let signingRound = 4

    public static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, prehash: Prehash,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
        parameters: SchemeParameters
    ) throws(SigningSetupError) -> Session<RecoverableSignature> {
        try makeSession(sessionID: sessionID, keyShare: keyShare, auxInfo: auxInfo, prehash: prehash, signer: signer,
                        verifier: verifier, parameters: parameters, misbehaviour: .none)
    }

    /// With a test-only misbehaviour of this party.
    static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, auxInfo: SigningAuxInfo, prehash: Prehash,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
        parameters: SchemeParameters, misbehaviour: PresignMisbehaviour
    ) throws(SigningSetupError) -> Session<RecoverableSignature> {
        try PresignContext.session(
            sessionID: sessionID, protocolTag: protocolTag, keyShare: keyShare, auxInfo: auxInfo, signer: signer,
            verifier: verifier, parameters: parameters, misbehaviour: misbehaviour
        ) { material in .next(SignRound(number: signingRound, material: material, prehash: prehash)) }
    }

    /// Re-runs the checks of every round (the signing round's from rounds 2 and 3's messages).
    public static func evidenceRechecker(inputs: PresigningPublicInputs, prehash: Prehash,
                                         parameters: SchemeParameters) -> some EvidenceRechecker {
        PresignRechecker(inputs: inputs, parameters: parameters, prehash: prehash)
    }

    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// The signing round: broadcast σ_i, check each σ_j, combine and verify.
struct SignRound: Round, CustomStringConvertible {
    let number: Int
    let material: PresignatureMaterial
    let prehash: Prehash
    var messageKinds: Set<MessageKind> { [.broadcast] }

    /// In the interactive protocol a third party finds Γ, δ_j, Δ_j and S_j in rounds 2 and 3.
    var support: [MessageSlot] {
        guard number == InteractiveSigning.signingRound else { return [] }
        return material.signers.flatMap {
            [MessageSlot(round: 2, kind: .echoBroadcast, sender: $0), MessageSlot(round: 3, kind: .echoBroadcast, sender: $0),
             MessageSlot(round: 3, kind: .broadcast, sender: $0)]
        }
    }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        OutgoingPayloads(broadcast: SignatureShareMessage(sigma: material.signatureShare(for: prehash)).serialized())
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        VerifiedPayload(try PresignChecks.signatureShare(
            incoming.broadcast!, sender: incoming.sender, commitments: material.commitments, prehash: prehash,
            support: support))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<RecoverableSignature> {
        let s = verified.values.reduce(material.signatureShare(for: prehash)) { $0 + $1.unwrap(as: Scalar.self) }
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

/// Standalone signing's check re-run from the signed σ message and the presignature commitments.
struct SignRechecker: LegacyEvidenceRechecker {
    let commitments: PresignatureCommitments
    let prehash: Prehash

    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation? {
        guard offending.round == 1, offending.kind == .broadcast else { return nil }
        do {
            _ = try PresignChecks.signatureShare(offending.payload, sender: offending.sender, commitments: commitments,
                                                 prehash: prehash, support: [])
            return nil
        } catch { return error }
    }
}

/// Presigning's (and interactive signing's) checks re-run from signed messages alone.
struct PresignRechecker: LegacyEvidenceRechecker {
    let inputs: PresigningPublicInputs
    let parameters: SchemeParameters
    /// Set for interactive signing, whose round 4 checks signature shares.
    let prehash: Prehash?

    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation? {
        let epid = inputs.epid(publicData: publicData, parameters: parameters)
        let committee = publicData.committee
        let all = [offending] + supporting
        func find(_ round: Int, _ kind: MessageKind, _ sender: PartyID) -> SignedMessage? {
            all.first { $0.round == round && $0.kind == kind && $0.sender == sender }
        }
        func round1(_ party: PartyID) -> PresignRound1Echo? {
            find(1, .echoBroadcast, party).flatMap { try? PresignRound1Echo(serialized: $0.payload) }
        }
        func gamma() -> Point? {
            var sum = Point.identity
            for party in committee {
                guard let echo = find(2, .echoBroadcast, party),
                      let message = try? PresignRound2Echo(serialized: echo.payload) else { return nil }
                sum += message.gamma
            }
            return sum
        }
        let sender = offending.sender
        do throws(RoundViolation) {
            switch offending.round {
            case 1:
                guard let echo = find(1, .echoBroadcast, sender), let direct = find(1, .direct, sender),
                      let recipient = direct.recipient else { return nil }
                _ = try PresignChecks.round1(echo: echo.payload, direct: direct.payload, sender: sender,
                                             recipient: recipient, inputs: inputs, epid: epid, parameters: parameters)
            case 2:
                guard let echo = find(2, .echoBroadcast, sender), let broadcast = find(2, .broadcast, sender) else {
                    return nil
                }
                var round1s: [PartyID: PresignRound1Echo] = [:]
                for party in committee {
                    guard let message = round1(party) else { return nil }
                    round1s[party] = message
                }
                _ = try PresignChecks.round2(echo: echo.payload, broadcast: broadcast.payload, sender: sender,
                                             round1: round1s, committee: committee, inputs: inputs, epid: epid,
                                             parameters: parameters)
            case 3:
                guard let echo = find(3, .echoBroadcast, sender), let broadcast = find(3, .broadcast, sender),
                      let senderRound1 = round1(sender), let gamma = gamma() else { return nil }
                _ = try PresignChecks.round3(echo: echo.payload, broadcast: broadcast.payload, sender: sender,
                                             senderRound1: senderRound1, gamma: gamma, committee: committee,
                                             epid: epid, parameters: parameters)
            case 5, 6:
                guard offending.kind == .echoBroadcast, let gamma = gamma() else { return nil }
                var round1s: [PartyID: PresignRound1Echo] = [:]
                var round2s: [PartyID: PresignRound2Public] = [:]
                var round3s: [PartyID: PresignRound3Public] = [:]
                for party in committee {
                    guard let first = round1(party), let echo2 = find(2, .echoBroadcast, party),
                          let broadcast2 = find(2, .broadcast, party),
                          let second = PresignChecks.round2Values(echo: echo2.payload, broadcast: broadcast2.payload,
                                                                  sender: party, committee: committee),
                          let echo3 = find(3, .echoBroadcast, party), let broadcast3 = find(3, .broadcast, party),
                          let delta = try? PresignRound3Echo(serialized: echo3.payload),
                          let third = try? PresignRound3Broadcast(serialized: broadcast3.payload) else { return nil }
                    round1s[party] = first
                    round2s[party] = second
                    round3s[party] = PresignRound3Public(delta: delta.delta, bigDelta: third.bigDelta, s: third.s)
                }
                guard Set(inputs.publicAux.keys) == Set(committee), Set(inputs.publicShares.keys) == Set(committee) else {
                    return nil
                }
                let view = PresignFailureView(kind: offending.round == 5 ? .delta : .chi, committee: committee,
                                              inputs: inputs, round1: round1s, round2: round2s, round3: round3s,
                                              gamma: gamma)
                try PresignChecks.failure(offending.payload, sender: sender, view: view, round: offending.round,
                                          epid: epid, parameters: parameters)
            case InteractiveSigning.signingRound:
                guard let prehash, offending.kind == .broadcast, let gamma = gamma() else { return nil }
                var round3: [PartyID: PresignRound3Public] = [:]
                for party in committee {
                    guard let echo = find(3, .echoBroadcast, party), let broadcast = find(3, .broadcast, party),
                          let first = try? PresignRound3Echo(serialized: echo.payload),
                          let second = try? PresignRound3Broadcast(serialized: broadcast.payload) else { return nil }
                    round3[party] = PresignRound3Public(delta: first.delta, bigDelta: second.bigDelta, s: second.s)
                }
                guard let (_, commitments) = PresignChecks.commitments(gamma: gamma, round3: round3) else { return nil }
                _ = try PresignChecks.signatureShare(offending.payload, sender: sender, commitments: commitments,
                                                     prehash: prehash, support: [])
            default:
                return nil
            }
            return nil
        } catch {
            return error
        }
    }
}
