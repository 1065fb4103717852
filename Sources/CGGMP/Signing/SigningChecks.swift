import Secp256k1

/// Standalone signing's check re-run from the signed σ message and the presignature commitments
/// (a public input: the presigning session's signed round-3 echoes attest them). The live round's
/// function: a σ whose message names another presignature than these commitments' is not judged.
struct SignRechecker: EvidenceRechecker {
    let commitments: PresignatureCommitments
    let prehash: Prehash

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        guard round == 1 else { throw .incompleteView("a check of round \(round) (signing has one round)") }
        let check = try PresignChecks.presignedSignatureShare(incoming.payload(.broadcast), sender: incoming.sender,
                                                              commitments: commitments, prehash: prehash)
        if case .otherPresignature(let named) = check {
            throw .incompleteView("the commitments of presignature \(named), which the σ message names (given: \(commitments.id))")
        }
    }
}

/// Presigning's (and interactive signing's) checks re-run over the culprit's `SignedView`: the very
/// functions the live rounds' `verify(_:view:)` call.
struct PresignRechecker: EvidenceRechecker {
    let inputs: PresigningPublicInputs
    let parameters: SchemeParameters
    /// Set for interactive signing, whose round 4 checks signature shares.
    let prehash: Prehash?

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        let data = PresignCheckData(inputs: inputs, parameters: parameters, publicData: view.publicData)
        switch round {
        case 1: _ = try PresignChecks.round1(incoming, view: &view, data: data)
        case 2: _ = try PresignChecks.round2(incoming, view: &view, data: data)
        case 3: _ = try PresignChecks.round3(incoming, view: &view, data: data)
        case 5, 6: try PresignChecks.failure(round: round, incoming, view: &view, data: data)
        case InteractiveSigning.signingRound:
            guard let prehash else { throw .incompleteView("a check of round \(round) (presigning has none)") }
            _ = try PresignChecks.interactiveSignatureShare(incoming, view: &view, committee: data.committee,
                                                            prehash: prehash)
        default:
            throw .incompleteView("a check of round \(round)")
        }
    }
}
