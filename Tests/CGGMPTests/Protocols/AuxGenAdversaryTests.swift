import Bytes
import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
import CGGMPAdversary
@_spi(Benchmarks) @testable import CGGMP

/// What the corrupt party (and the network) do in one adversarial run.
enum AuxAttack: String, CaseIterable, Sendable {
    case none
    /// Another round-1 V to the victim only.
    case equivocateEcho
    /// An invalid Πmod to the victim only, under the digest everyone else got.
    case splitRound3Proof
    /// An invalid Πmod and its own digest to the victim only.
    case splitRound3ProofMatchingDigest
    /// An invalid Πmod (with its digest) to everyone.
    case badModulusProof
    /// An invalid Πfac to the victim.
    case badFactorProof
    /// An invalid Πprm, committed in round 1.
    case badRingPedersenProof
    /// The culprit withholds its round-2 broadcast from the victim.
    case dropOne
    /// The network duplicates every message and delays one honest party's by a step.
    case duplicateAndDelayHonest
    /// Two colluding parties publish the same N (both know its factors).
    case sharedModulus
}

/// Adversarial AuxGen runs at `testing` (n = 3, committed primes). For every attack and seed: all
/// honest parties finish with the same output or none finishes; no honest party is named; every
/// fault names a corrupt party with evidence a third party finds proven; and evidence an accuser
/// builds against an honest party from its own re-signed messages is not proven.
@Suite struct AuxGenAdversaryTests {
    static let signers = makeSigners(3)
    static let seeds: [UInt64] = [1, 2]

    static func interference(_ attack: AuxAttack, culprit: Ed25519Signer, victim: PartyID, sid: [UInt8]) -> ScriptedNetwork.Route? {
        let bad = forgedModulusProof().encoded
        @Sendable func replace(_ message: SignedMessage, _ payload: [UInt8]) -> [(message: SignedMessage, delay: Int)] {
            [(message.replacingPayload(payload, signer: culprit), 0)]
        }
        switch attack {
        case .none, .badRingPedersenProof, .sharedModulus: return nil
        case .equivocateEcho:
            return { message, recipient in
                guard message.sender == culprit.partyID, message.round == 1, message.kind == .echoBroadcast, recipient == victim
                else { return [(message, 0)] }
                var writer = ByteWriter()
                writer.write("V", bytes: [UInt8](repeating: 0xAB, count: 32))
                return replace(message, writer.bytes)
            }
        case .splitRound3Proof, .splitRound3ProofMatchingDigest, .badModulusProof:
            return { message, recipient in
                guard message.sender == culprit.partyID, message.round == 3,
                      attack == .badModulusProof || recipient == victim else { return [(message, 0)] }
                switch message.kind {
                case .broadcast: return replace(message, bad)
                case .echoBroadcast where attack != .splitRound3Proof:
                    return replace(message, auxGenDigestPayload(sid: sid, prover: culprit.partyID, proof: bad))
                default: return [(message, 0)]
                }
            }
        case .badFactorProof:
            return { message, recipient in
                guard message.sender == culprit.partyID, message.round == 3, message.kind == .direct, recipient == victim,
                      let proof = try? auxGenFactorProof(message.payload) else { return [(message, 0)] }
                return replace(message, NoSmallFactorProof(P: proof.P, Q: proof.Q, A: proof.A, B: proof.B, T: proof.T, sigma: proof.sigma,
                                                           z1: proof.z1 + .one, z2: proof.z2, w1: proof.w1, w2: proof.w2, v: proof.v)
                    .serializedAsAuxGenDirect)
            }
        case .dropOne:
            return { message, recipient in
                message.sender == culprit.partyID && message.round == 2 && message.kind == .broadcast && recipient == victim
                    ? [] : [(message, 0)]
            }
        case .duplicateAndDelayHonest:
            let slow = signers[0].partyID
            return { message, _ in
                [(message, message.sender == slow ? 1 : 0), (message, 2)]
            }
        }
    }

    @Test(arguments: AuxAttack.allCases, seeds)
    func honestPartiesAgreeAndOnlyTheCulpritIsNamed(attack: AuxAttack, seed: UInt64) throws {
        let signers = Self.signers
        let committee = signers.map(\.partyID).sorted()
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: committee)
        let other = try AuxGen.publicData(sessionID: Array("another session".utf8), committee: committee)
        // The corrupt party is the later in committee order of signers[0] and signers[1] (for the
        // shared modulus the earlier one colludes), the victim is signers[2].
        let pair = [signers[0], signers[1]].sorted { $0.partyID < $1.partyID }
        let culprit = pair[1]
        var corrupt: Set<PartyID> = [culprit.partyID]
        var primeIndices: [Int]?
        switch attack {
        case .none, .duplicateAndDelayHonest: corrupt = []
        case .sharedModulus:
            corrupt.insert(pair[0].partyID)
            primeIndices = [0, 0, 2]
        default: break
        }
        var interference = Self.interference(attack, culprit: culprit, victim: signers[2].partyID, sid: publicData.boundSessionID)
        if attack == .badRingPedersenProof {
            let cheat = auxGenCommittedCheat(.corruptRingPedersenProof, culprit: culprit, signers: signers, seed: seed,
                                             primeIndices: primeIndices)
            interference = { message, recipient in [(cheat(message, recipient), 0)] }
        }
        let run = runAdversarially(auxGenSessions(signers: signers, primeIndices: primeIndices),
                                 generators: seededGenerators(signers, seed: seed), route: interference)
        let problems = adversaryPropertyViolations(run, committee: committee, corrupt: corrupt, publicData: publicData, otherSession: other,
                                                   rechecker: AuxGen.evidenceRechecker(parameters: .testing),
                                                   sameOutput: { $0.publicInfo == $1.publicInfo })
        #expect(problems.isEmpty, "\(attack), seed \(seed): \(problems)")
        switch attack {
        case .none, .duplicateAndDelayHonest:
            #expect(committee.allSatisfy { run.outputs[$0] != nil }, "\(attack): \(run.report)")
        case .dropOne:
            #expect(committee.allSatisfy(run.isStuck), "\(run.report)")
        default:
            #expect(someHonestPartyFaulted(run, corrupt: corrupt), "\(attack) went undetected: \(run.report)")
        }
        // An accuser re-signs its own round-2 echo-broadcast and blames an honest party: never proven.
        if let honest = committee.first(where: { !corrupt.contains($0) && $0 != signers[2].partyID }) ?? committee.first(where: { !corrupt.contains($0) }) {
            try expectSubstitutedEvidenceNotProven(sent: run.sent, honest: honest, publicData: publicData)
        }
    }

    func expectSubstitutedEvidenceNotProven(sent: [SignedMessage], honest: PartyID, publicData: SessionPublicData) throws {
        guard let accuser = Self.signers.first(where: { $0.partyID != honest }),
              let own = sent.first(where: { $0.sender == accuser.partyID && $0.round == 2 && $0.kind == .echoBroadcast }),
              let reveal = try? auxGenReveal(own.payload),
              let honestReveal = sent.first(where: { $0.sender == honest && $0.round == 2 && $0.kind == .echoBroadcast })
                  .flatMap({ try? auxGenReveal($0.payload) }) else { return }
        // The honest party's N and parameters in place of the accuser's.
        let substitute = own.replacingPayload(auxGenRevealPayload(AuxRevealEcho(paillierModulus: honestReveal.paillierModulus,
                                                                                ringPedersen: honestReveal.ringPedersen, rho: reveal.rho)),
                                              signer: accuser)
        let honestMessages = sent.filter { $0.sender == honest && ($0.kind != .direct || $0.recipient == accuser.partyID) }
        let rechecker = AuxGen.evidenceRechecker(parameters: .testing)
        for (round, rule) in [(2, "decommitment-mismatch"), (3, "invalid-fac-proof"), (3, "invalid-mod-proof"),
                              (3, "repeated-paillier-modulus")] {
            let offending = honestMessages.filter { $0.round == round && $0.kind != .echo }
            guard !offending.isEmpty else { continue }
            let evidence = Evidence(culprit: honest, round: round, reason: .violation(RoundViolation(rule: rule)),
                                    messages: offending + [substitute] + honestMessages.filter { $0.round < round })
            #expect(evidence.verdict(publicData: publicData, rechecker: rechecker) != .proven, "\(rule) against honest \(honest)")
        }
    }
}

enum RefreshAttack: String, CaseIterable, Sendable {
    case none
    case equivocateEcho
    case splitRound3Proof
    case badRefreshShare
    case falseComplaint
    case dropOne
    case duplicateAndDelayHonest
}

/// Adversarial KeyRefresh runs (n = 3): the same properties as `AuxGenAdversaryTests`, and no
/// holder replaces its share unless every holder does.
@Suite struct KeyRefreshAdversaryTests {
    static let signers = makeSigners(3)

    @Test(arguments: RefreshAttack.allCases, [UInt64(1), 2])
    func honestHoldersAgreeAndOnlyTheCulpritIsNamed(attack: RefreshAttack, seed: UInt64) throws {
        let signers = Self.signers
        let committee = signers.map(\.partyID).sorted()
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: committee)
        let other = try KeyRefresh.publicData(sessionID: Array("another session".utf8), committee: committee)
        let culprit = signers[1]
        let victim = signers[2].partyID
        let corrupt: Set<PartyID> = attack == .none || attack == .duplicateAndDelayHonest ? [] : [culprit.partyID]
        let shares = try keyInitShares(signers, seed: 100 + seed)
        let bad = forgedModulusProof().encoded
        let dealerMessage = Box<SignedMessage?>(nil)
        let interference: ScriptedNetwork.Route? = switch attack {
        case .none: nil
        case .equivocateEcho:
            { message, recipient in
                guard message.sender == culprit.partyID, message.round == 1, message.kind == .echoBroadcast, recipient == victim
                else { return [(message, 0)] }
                var writer = ByteWriter()
                writer.write("V", bytes: [UInt8](repeating: 0xCD, count: 32))
                return [(message.replacingPayload(writer.bytes, signer: culprit), 0)]
            }
        case .splitRound3Proof:
            { message, recipient in
                guard message.sender == culprit.partyID, message.round == 3, message.kind == .broadcast, recipient == victim
                else { return [(message, 0)] }
                return [(message.replacingPayload(bad, signer: culprit), 0)]
            }
        case .badRefreshShare:
            { [badRefreshShare(culprit: culprit, victim: victim)($0, $1)].map { ($0, 0) } }
        case .falseComplaint:
            { message, recipient in
                let honestDealer = signers[0].partyID
                if message.sender == honestDealer, message.round == 3, message.kind == .direct, recipient == culprit.partyID {
                    dealerMessage.value = message
                }
                guard message.sender == culprit.partyID, message.round == 4, message.kind == .echoBroadcast,
                      let carried = dealerMessage.value else { return [(message, 0)] }
                let complaint = AuxRefreshConfirmation.complaint(accused: honestDealer, secret: Scalar(reducing: [9]), message: carried)
                return [(message.replacingPayload(complaint.encoded, signer: culprit), 0)]
            }
        case .dropOne:
            { message, recipient in
                message.sender == culprit.partyID && message.round == 3 && message.kind == .direct && recipient == victim
                    ? [] : [(message, 0)]
            }
        case .duplicateAndDelayHonest:
            { message, _ in
                [(message, message.sender == signers[0].partyID ? 1 : 0), (message, 3)]
            }
        }
        let run = runAdversarially(keyRefreshSessions(signers: signers, shares: shares),
                                 generators: seededGenerators(signers, seed: seed), route: interference)
        let problems = adversaryPropertyViolations(
            run, committee: committee, corrupt: corrupt, publicData: publicData, otherSession: other,
            rechecker: KeyRefresh.evidenceRechecker(parameters: .testing),
            sameOutput: { $0.keyShare.publicShares == $1.keyShare.publicShares && $0.auxInfo.publicInfo == $1.auxInfo.publicInfo })
        #expect(problems.isEmpty, "\(attack), seed \(seed): \(problems)")
        switch attack {
        case .none, .duplicateAndDelayHonest:
            #expect(committee.allSatisfy { run.outputs[$0] != nil }, "\(attack): \(run.report)")
            let outputs = Array(run.outputs.values)
            let sum = outputs.reduce(Scalar.zero) { $0 + $1.keyShare.secretShare }
            #expect(Point.generatorMultiple(sum) == shares[signers[0].partyID]!.publicKey)
        case .dropOne:
            #expect(committee.allSatisfy { run.outputs[$0] == nil && run.faults[$0] == nil }, "\(run.report)")
        default:
            #expect(someHonestPartyFaulted(run, corrupt: corrupt), "\(attack) went undetected: \(run.report)")
            #expect(run.outputs.isEmpty, "a holder replaced its share: \(run.report)")
        }
        // An accuser (the corrupt party, or any other) forges a complaint against an honest dealer
        // with its own re-signed Y: never proven.
        let rechecker = KeyRefresh.evidenceRechecker(parameters: .testing)
        for honest in committee where !corrupt.contains(honest) {
            for accuser in signers where accuser.partyID != honest {
                guard let forged = forgedComplaintEvidence(sent: run.sent, honest: honest, accuser: accuser, committee: committee)
                else { continue }
                #expect(forged.evidence.verdict(publicData: publicData, rechecker: rechecker) != .proven, "forged complaint against \(honest)")
            }
        }
    }
}
