import Bytes
import Hashing
import BigNum
import Paillier
import Secp256k1

// Fig. 7 of ePrint 2021/060 rev. 2024 (auxiliary info and key refresh) as one protocol: AuxGen is
// its first three rounds without the share update (`AuxRefreshMode.auxGen`), KeyRefresh adds the
// share update and the round-4 confirmation (`.refresh`). The entry points are `AuxGen` and
// `KeyRefresh`; the payloads are in AuxRefreshMessages.swift, the rounds in AuxRefreshRounds.swift,
// the checks (with the rechecker) here and in AuxChecks.swift.

/// Which protocol of Fig. 7 a session runs: AuxGen (aux info only, three rounds) or KeyRefresh
/// (aux info and a share update, with the round-4 confirmation).
enum AuxRefreshMode: Sendable, Hashable {
    case auxGen
    case refresh

    /// The number of Y, X, A entries and Schnorr proofs per party.
    func changeCount(committee: Int) -> Int { self == .refresh ? committee : 0 }

    var commitmentDomain: String {
        self == .refresh ? DomainSeparation.keyRefreshCommitment : DomainSeparation.auxGenCommitment
    }
}

/// Fig. 7's round checks: each a function of the mode, the public inputs, the sender's parts and
/// what the sender signed (`SignedView`), called by the live rounds and by `AuxRefreshRechecker` alike.
enum AuxRefreshChecks {
    static let confirmationDomain = DomainSeparation.keyRefreshConfirmation

    static func commitment(mode: AuxRefreshMode, sid: [UInt8], party: PartyID, echo: AuxRefreshEcho,
                           broadcast: AuxRefreshBroadcast) -> [UInt8] {
        AuxChecks.commitment(domain: mode.commitmentDomain, sid: sid, party: party,
                             parts: [echo.fieldEncoding, broadcast.fieldEncoding])
    }

    /// The pad of C_{i,j}: H(sid, ρ, i, j, DH point) reduced mod q.
    static func pad(sid: [UInt8], rho: [UInt8], sender: PartyID, recipient: PartyID, sharedPoint: Point) -> Scalar {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.keyRefreshPad)
        hasher.appendField(sid)
        hasher.appendField(rho)
        hasher.appendField(sender.rawRepresentation)
        hasher.appendField(recipient.rawRepresentation)
        hasher.appendField(sharedPoint.fieldEncodingBytes)
        // 256 bits reduced mod q: bias about 2^-128, as for any hash-to-scalar by reduction.
        return Scalar(reducing: hasher.sha256())
    }

    /// x_{i,j} = C_{i,j} − H(sid, ρ, i, j, y_{j,i}·Y_{i,j}): the recipient's own y_{j,i} live, the
    /// y_{j,i} a complaint reveals in a recheck.
    static func shareChange(paddedShare: Scalar, recipientSecret: Scalar, dealerKey: Point, rho: [UInt8], sid: [UInt8],
                            dealer: PartyID, recipient: PartyID) -> Scalar {
        paddedShare - pad(sid: sid, rho: rho, sender: dealer, recipient: recipient, sharedPoint: recipientSecret * dealerKey)
    }

    /// The digest an "ok" carries: every party's round-2 and round-3 echo-broadcast, committee order.
    static func confirmationDigest(sid: [UInt8], round2: [PartyID: [UInt8]], round3: [PartyID: [UInt8]],
                                   committee: [PartyID]) -> [UInt8] {
        var hasher = DomainSeparatedHash(domain: confirmationDomain)
        hasher.appendField(sid)
        for party in committee {
            hasher.appendField(party.rawRepresentation)
            hasher.appendField(round2[party] ?? [])
            hasher.appendField(round3[party] ?? [])
        }
        return hasher.sha256()
    }

    static func index(of party: PartyID, in committee: [PartyID]) throws(RoundViolation) -> Int {
        guard let index = committee.firstIndex(of: party) else { throw .incompleteView("\(party) in the committee") }
        return index
    }

    /// Round 1: V_j is well-formed.
    static func round1(_ incoming: IncomingPayloads) throws(RoundViolation) -> [UInt8] {
        try KeyInitChecks.commitment(incoming.payload(.echoBroadcast))
    }

    /// Round 2: the reveal opens the sender's own V_j; counts, Σ_k X_{j,k} = 0, aux data and Πprm.
    static func round2(_ incoming: IncomingPayloads, view: inout SignedView, mode: AuxRefreshMode, parameters: SchemeParameters)
        throws(RoundViolation) -> (PublicAuxInfo, AuxRefreshEcho, AuxRefreshBroadcast) {
        let sid = view.publicData.boundSessionID
        let committeeCount = mode.changeCount(committee: view.publicData.committee.count)
        let commitment = try KeyInitChecks.commitment(view.ownPayload(round: 1, kind: .echoBroadcast))
        let echo = try AuxChecks.decode(AuxRefreshEcho.self, incoming.payload(.echoBroadcast), rule: "malformed-reveal")
        let broadcast = try AuxChecks.decode(AuxRefreshBroadcast.self, incoming.payload(.broadcast), rule: "malformed-reveal")
        guard Self.commitment(mode: mode, sid: sid, party: incoming.sender, echo: echo, broadcast: broadcast) == commitment else {
            throw RoundViolation(rule: "decommitment-mismatch", detail: "H(sid, j, reveal_j) ≠ V_j")
        }
        guard echo.elGamalKeys.count == committeeCount, echo.shareChanges.count == committeeCount,
              broadcast.schnorrCommitments.count == committeeCount else {
            throw RoundViolation(rule: "wrong-count", detail: "Y, X and A must have one entry per party")
        }
        guard Point.sum(echo.shareChanges).isIdentity else {
            throw RoundViolation(rule: "nonzero-sum-of-changes", detail: "Σ_k X_{j,k} ≠ 0")
        }
        let info = try AuxChecks.reveal(echo: echo.aux, broadcast: broadcast.aux, sender: incoming.sender, sid: sid,
                                        parameters: parameters)
        return (info, echo, broadcast)
    }

    /// The round-2 values a check of `view.sender` in a later round rests on: everyone's
    /// echo-broadcast as the sender received it, and ρ.
    static func attestedReveals(view: inout SignedView, mode: AuxRefreshMode)
        throws(RoundViolation) -> (reveals: [PartyID: AuxRefreshEcho], rho: [UInt8]) {
        let reveals = try AuxChecks.attested(AuxRefreshEcho.self, round: 2, view: &view)
        let count = mode.changeCount(committee: view.publicData.committee.count)
        for reveal in reveals.values where reveal.elGamalKeys.count != count || reveal.shareChanges.count != count {
            throw .incompleteView("well-formed round-2 reveals")
        }
        return (reveals, AuxChecks.jointRandomness(reveals.values.map(\.aux.rho)))
    }

    /// Round 3's public checks: every Schnorr proof, Πmod against its digest, the recipient's Πfac,
    /// distinct moduli. Returns the decoded direct message.
    static func round3(_ incoming: IncomingPayloads, view: inout SignedView, mode: AuxRefreshMode, parameters: SchemeParameters)
        throws(RoundViolation) -> AuxRefreshDirect {
        let sid = view.publicData.boundSessionID
        let sender = incoming.sender
        guard let recipient = incoming.recipient, recipient != sender else { throw .incompleteView("the recipient of the direct part") }
        let (reveals, rho) = try attestedReveals(view: &view, mode: mode)
        guard let own = reveals[sender], let verifier = reveals[recipient] else { throw .incompleteView("round-2 reveals") }
        guard let ownBroadcast = try? AuxRefreshBroadcast(encoded: view.ownPayload(round: 2, kind: .broadcast)),
              ownBroadcast.schnorrCommitments.count == own.shareChanges.count else {
            throw .incompleteView("\(sender)'s well-formed round-2 broadcast")
        }
        let echo = try AuxChecks.decode(AuxRefreshProofs.self, incoming.payload(.echoBroadcast), rule: "malformed-proofs")
        guard echo.proofs.count == own.shareChanges.count else {
            throw RoundViolation(rule: "wrong-count", detail: "one Schnorr proof per party")
        }
        let context = AuxChecks.proofContext(sid: sid, rho: rho, prover: sender)
        for (index, proof) in echo.proofs.enumerated() {
            guard proof.commitment == ownBroadcast.schnorrCommitments[index] else {
                throw RoundViolation(rule: "schnorr-commitment-mismatch", detail: "proof \(index)")
            }
            do {
                try proof.verify(.init(publicPoint: own.shareChanges[index]), context: context, parameters: parameters)
            } catch {
                throw RoundViolation(rule: "invalid-schnorr-proof", detail: "proof \(index): \(error)")
            }
        }
        try AuxChecks.modulusProof(digestPayload: echo.modulusProofDigest.encoded, proofPayload: incoming.payload(.broadcast),
                                   sender: sender, modulus: own.aux.paillierModulus, rho: rho, sid: sid, parameters: parameters)
        let direct = try AuxChecks.decode(AuxRefreshDirect.self, incoming.payload(.direct), rule: "malformed-direct")
        guard (direct.paddedShare != nil) == (mode == .refresh) else {
            throw RoundViolation(rule: "malformed-direct", detail: "a padded share change exactly in a refresh")
        }
        try AuxChecks.factorProof(direct.factorProof, sender: sender, modulus: own.aux.paillierModulus,
                                  verifierParameters: verifier.aux.ringPedersen, rho: rho, sid: sid, parameters: parameters)
        try AuxChecks.distinctModuli(sender: sender, committee: view.publicData.committee,
                                     moduli: reveals.mapValues(\.aux.paillierModulus))
        return direct
    }

    /// Round 4, the sender's confirmation:
    /// - an "ok" must carry the digest of the round-2 and round-3 echo-broadcasts the sender echoed
    ///   (`confirmation-mismatch`);
    /// - a complaint must be true (`false-complaint`): it carries the accused dealer's signed round-3
    ///   direct message to the sender and a y whose y·G is the sender's own Y_{j,dealer}, and the
    ///   share change that follows does not match the dealer's X_{dealer,j};
    /// - as a dealer (`share-change-mismatch`): if the recipient of the sender's round-3 direct
    ///   message in the view (the checking party, live) complained about the sender, the complaint's
    ///   y must match the Y the sender attested, and then the sender's C must open to its X.
    static func round4(_ incoming: IncomingPayloads, view: inout SignedView, parameters: SchemeParameters,
                       verifier: some IdentitySignatureVerifier) throws(RoundViolation) -> AuxRefreshConfirmation {
        let publicData = view.publicData
        let sid = publicData.boundSessionID
        let committee = publicData.committee
        let sender = incoming.sender
        let confirmation = try AuxChecks.decode(AuxRefreshConfirmation.self, incoming.payload(.echoBroadcast),
                                                rule: "malformed-confirmation")
        let (reveals, rho) = try attestedReveals(view: &view, mode: .refresh)
        guard let own = reveals[sender] else { throw .incompleteView("round-2 reveals") }
        let senderIndex = try index(of: sender, in: committee)
        switch confirmation {
        case .ok(let digest):
            let expected = confirmationDigest(sid: sid, round2: try view.attestedPayloads(round: 2),
                                              round3: try view.attestedPayloads(round: 3), committee: committee)
            guard digest == expected else {
                throw RoundViolation(rule: "confirmation-mismatch", detail: "the ok's digest is not that of the echoed rounds 2 and 3")
            }
        case .complaint(let accused, let secret, let message):
            func falseComplaint(_ why: String) -> RoundViolation { RoundViolation(rule: "false-complaint", detail: why) }
            guard accused != sender, let accusedIndex = committee.firstIndex(of: accused), let dealer = reveals[accused] else {
                throw falseComplaint("the accused is not another committee member")
            }
            guard message.sender == accused, message.sessionID == publicData.sessionID,
                  message.protocolTag == publicData.protocolTag, message.round == 3, message.kind == .direct,
                  message.recipient == sender, message.hasValidSignature(verifier) else {
                throw falseComplaint("the message is not the accused's signed round-3 direct message to the complainant")
            }
            guard Point.generatorMultiple(secret) == own.elGamalKeys[accusedIndex] else {
                throw falseComplaint("y·G is not the complainant's Y for the accused")
            }
            guard let direct = try? AuxRefreshDirect(encoded: message.payload), let paddedShare = direct.paddedShare else {
                // A malformed direct message would have been the dealer's round-3 fault.
                throw falseComplaint("the accused's message does not decode")
            }
            let change = shareChange(paddedShare: paddedShare, recipientSecret: secret,
                                     dealerKey: dealer.elGamalKeys[senderIndex], rho: rho, sid: sid,
                                     dealer: accused, recipient: sender)
            guard Point.generatorMultiple(change) != dealer.shareChanges[senderIndex] else {
                throw falseComplaint("the accused's share change opens to its X")
            }
        }
        try checkComplaintAgainst(sender: sender, own: own, reveals: reveals, rho: rho, view: &view)
        return confirmation
    }

    /// The dealer rule of `round4`: the complaint, if any, of the party the sender's round-3 direct
    /// message in the view went to.
    private static func checkComplaintAgainst(sender: PartyID, own: AuxRefreshEcho, reveals: [PartyID: AuxRefreshEcho],
                                              rho: [UInt8], view: inout SignedView) throws(RoundViolation) {
        let committee = view.publicData.committee
        let direct = try view.ownMessage(round: 3, kind: .direct)
        guard let recipient = direct.recipient, recipient != sender else { throw .incompleteView("the round-3 recipient") }
        guard let complaint = try? AuxRefreshConfirmation(encoded: view.unattestedPayload(round: 4, kind: .echoBroadcast,
                                                                                           from: recipient)) else {
            throw .incompleteView("\(recipient)'s well-formed confirmation")
        }
        guard case .complaint(let accused, let secret, _) = complaint, accused == sender else { return }
        let senderIndex = try index(of: sender, in: committee)
        let recipientIndex = try index(of: recipient, in: committee)
        // y must open the Y the dealer itself attested; otherwise the complaint is not the dealer's concern.
        guard let complainant = reveals[recipient],
              Point.generatorMultiple(secret) == complainant.elGamalKeys[senderIndex] else {
            throw .incompleteView("a complaint whose y matches the Y \(sender) attested")
        }
        guard let paddedShare = (try? AuxRefreshDirect(encoded: direct.payload))?.paddedShare else {
            throw .incompleteView("\(sender)'s decodable round-3 direct message")
        }
        let change = shareChange(paddedShare: paddedShare, recipientSecret: secret,
                                 dealerKey: own.elGamalKeys[recipientIndex], rho: rho, sid: view.publicData.boundSessionID,
                                 dealer: sender, recipient: recipient)
        guard Point.generatorMultiple(change) == own.shareChanges[recipientIndex] else {
            throw RoundViolation(rule: "share-change-mismatch", detail: "(C − pad)·G ≠ X_{j,i} for the complainant i")
        }
    }
}

/// Fig. 7's checks re-run by a third party: the same functions the rounds call. A round or part the
/// protocol does not have proves nothing (`incomplete-view`), never a violation.
struct AuxRefreshRechecker<Verifier: IdentitySignatureVerifier>: EvidenceRechecker {
    let mode: AuxRefreshMode
    let parameters: SchemeParameters
    let verifier: Verifier

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        switch round {
        case 1: _ = try AuxRefreshChecks.round1(incoming)
        case 2: _ = try AuxRefreshChecks.round2(incoming, view: &view, mode: mode, parameters: parameters)
        case 3: _ = try AuxRefreshChecks.round3(incoming, view: &view, mode: mode, parameters: parameters)
        case 4 where mode == .refresh:
            _ = try AuxRefreshChecks.round4(incoming, view: &view, parameters: parameters, verifier: verifier)
        default: throw .incompleteView("no round \(round) in this protocol")
        }
    }
}
