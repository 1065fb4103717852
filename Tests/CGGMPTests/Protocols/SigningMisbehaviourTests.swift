import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Each test makes party `culprit` misbehave in interactive signing (3-of-3) and checks that every
/// honest party names it, that no honest party is blamed, and that the evidence convinces a third
/// party holding public data only (and not under another session's public data).
@Suite struct SigningMisbehaviourTests {
    let signers = makeSigners(3)
    var culprit: Ed25519Signer { signers[1] }
    let sessionID = Array("signing misbehaviour".utf8)
    let prehash = testPrehash("misbehaviour")

    struct Setup {
        let shares: [PartyID: AdditiveKeyShare]
        let aux: [PartyID: SigningAuxInfo]
        var inputs: PresigningPublicInputs {
            let any = shares.values.first!
            return PresigningPublicInputs(publicShares: any.publicShares, publicAux: aux.values.first!.publicAux)
        }
    }

    func setup() throws -> Setup {
        let shares = try SigningFixture.additiveShares(signers: signers, threshold: 3, seed: 61)
        return Setup(shares: shares,
                     aux: SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing))
    }

    func runner(_ setup: Setup, sessionID: [UInt8]? = nil, seed: UInt64,
                tamper: SimulationRunner<RecoverableSignature, ChaChaRandom>.Tamper? = nil) throws
        -> SimulationRunner<RecoverableSignature, ChaChaRandom> {
        let sessions = try signers.map {
            try InteractiveSigning.makeSession(sessionID: sessionID ?? self.sessionID, keyShare: setup.shares[$0.partyID]!,
                                               auxInfo: setup.aux[$0.partyID]!, prehash: prehash, signer: $0,
                                               parameters: .testing)
        }
        return simulation(sessions, seed: seed, tamper: tamper)
    }

    func expectCulpritNamed(_ outcome: SimulationRunner<RecoverableSignature, ChaChaRandom>.Outcome, setup: Setup,
                            rule: String) throws {
        guard let faults = (outcome).faults else {
            Issue.record("expected a fault, got \(outcome)")
            return
        }
        let honest = Set(signers.map(\.partyID)).subtracting([culprit.partyID])
        #expect(honest.isSubset(of: faults.keys))
        let committee = signers.map(\.partyID)
        let publicData = try InteractiveSigning.publicData(sessionID: sessionID, committee: committee)
        let other = try InteractiveSigning.publicData(sessionID: Array("other".utf8), committee: committee)
        let rechecker = InteractiveSigning.evidenceRechecker(inputs: setup.inputs, prehash: prehash, parameters: .testing)
        // The corrupt party's own session may complain too (a misled culprit sees lies it was
        // shown); that is no honest party's verdict.
        for (accuser, fault) in faults where accuser != culprit.partyID {
            #expect(fault.culprit == culprit.partyID, "\(accuser) blamed \(fault.culprit)")
            guard case .violation(let violation) = fault.reason else {
                Issue.record("unexpected reason \(fault.reason)")
                continue
            }
            #expect(violation.rule == rule)
            #expect(throws: Never.self) {
                try fault.evidence.verify(publicData: publicData, rechecker: rechecker)
            }
            #expect(throws: EvidenceError.self) {
                try fault.evidence.verify(publicData: other, rechecker: rechecker)
            }
        }
    }

    /// Replaces the culprit's `kind` message of `round` by `change` applied to its payload.
    func tampering(round: Int, kind: MessageKind, _ change: @escaping @Sendable ([UInt8]) -> [UInt8])
        -> SimulationRunner<RecoverableSignature, ChaChaRandom>.Tamper {
        let culprit = self.culprit
        return { message, _ in
            guard message.sender == culprit.partyID, message.round == round, message.kind == kind else { return message }
            return message.replacingPayload(change(message.payload), signer: culprit)
        }
    }

    @Test func badEncElgProofIsBlamed() throws {
        let setup = try setup()
        // Field 6 of the direct message is ψ⁰'s response w.
        var runner = try runner(setup, seed: 1, tamper: tampering(round: 1, kind: .direct) { payload in
            try! PresignRound1Direct(encoded: payload).perturbed(field: 6).get().encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-enc-elg-K")
    }

    @Test func badAffGProofIsBlamed() throws {
        let setup = try setup()
        // Field 0 of the round-2 broadcast is the first ψ's ciphertext A.
        var runner = try runner(setup, seed: 2, tamper: tampering(round: 2, kind: .broadcast) { payload in
            try! PresignRound2Broadcast(encoded: payload).perturbed(field: 0).get().encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-aff-g")
    }

    @Test func badEncElgProofForGIsBlamed() throws {
        let setup = try setup()
        // ψ¹'s fields follow ψ⁰'s nine: field 15 is ψ¹'s response w.
        var runner = try runner(setup, seed: 11, tamper: tampering(round: 1, kind: .direct) { payload in
            try! PresignRound1Direct(encoded: payload).perturbed(field: 15).get().encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-enc-elg-G")
    }

    @Test func badAffGHatProofIsBlamed() throws {
        let setup = try setup()
        // Per recipient: ψ (13 fields), ψ̂ (13 fields); field 13 is the first ψ̂'s A.
        var runner = try runner(setup, seed: 12, tamper: tampering(round: 2, kind: .broadcast) { payload in
            try! PresignRound2Broadcast(encoded: payload).perturbed(field: 13).get().encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-aff-g-hat")
    }

    @Test func badElogProofIsBlamed() throws {
        let setup = try setup()
        // Δ_i changed: its Πelog no longer matches.
        var runner = try runner(setup, seed: 3, tamper: tampering(round: 3, kind: .echoBroadcast) { payload in
            let message = try! PresignRound3Echo(encoded: payload)
            return PresignRound3Echo(delta: message.delta, bigDelta: message.bigDelta + .generator, s: message.s).encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-elog-delta")
    }

    @Test func badGammaElogProofIsBlamed() throws {
        let setup = try setup()
        // The round-2 Πelog's response z changed (field: after 2·(2 + 2·13) list fields, elog's z).
        var runner = try runner(setup, seed: 4, tamper: tampering(round: 2, kind: .broadcast) { payload in
            let message = try! PresignRound2Broadcast(encoded: payload)
            let elog = ElogProof(A: message.elog.A, N: message.elog.N, B: message.elog.B,
                                 z: message.elog.z + .one, u: message.elog.u)
            return PresignRound2Broadcast(psi: message.psi, psiHat: message.psiHat, elog: elog).encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-elog-gamma")
    }

    @Test func badSignatureShareIsBlamed() throws {
        let setup = try setup()
        var runner = try runner(setup, seed: 5, tamper: tampering(round: 4, kind: .broadcast) { payload in
            SignatureShareMessage(sigma: try! SignatureShareMessage(encoded: payload).sigma + .one).encoded
        })
        try expectCulpritNamed(runner.run(), setup: setup, rule: "invalid-signature-share")
    }

    /// A wrong δ share makes δ·G ≠ ΣΔ_j; the failure round (5) names the sender by its Πdec.
    @Test func badDeltaShareIsBlamedInTheFailureRound() throws {
        let setup = try setup()
        var runner = try runner(setup, seed: 9, tamper: PresignAdversary.wrongDelta(culprit: culprit, everyone: signers))
        let outcome = runner.run()
        try expectCulpritNamed(outcome, setup: setup, rule: "invalid-dec")
        if let faults = outcome.faults { #expect(faults.values.allSatisfy { $0.round == 5 }) }
    }

    /// A wrong S_j makes Σ S_j ≠ δ·X; the failure round (6) names the sender by its Πdec.
    @Test func badKeyNonceShareIsBlamedInTheFailureRound() throws {
        let setup = try setup()
        var runner = try runner(setup, seed: 10, tamper: PresignAdversary.wrongS(culprit: culprit, everyone: signers))
        let outcome = runner.run()
        try expectCulpritNamed(outcome, setup: setup, rule: "invalid-dec")
        if let faults = outcome.faults { #expect(faults.values.allSatisfy { $0.round == 6 }) }
    }

    @Test func replayedMessageFromAnotherSessionIsRejected() throws {
        let setup = try setup()
        var first = try runner(setup, sessionID: Array("earlier session".utf8), seed: 6)
        guard case .finished = first.run() else {
            Issue.record("the earlier session did not finish")
            return
        }
        let recorded = first.sentMessages
        let culprit = self.culprit
        var second = try runner(setup, seed: 7) { message, recipient in
            guard message.sender == culprit.partyID, message.round == 2 else { return message }
            // The culprit's validly signed message of the same slot from the earlier session.
            return recorded.first { $0.sender == message.sender && $0.round == message.round && $0.kind == message.kind }!
        }
        // The replay is dropped (the network could have replayed it); everyone waits for the
        // culprit's real message, and only the culprit is named as silent.
        guard case .stalled(let waiting) = second.run() else {
            Issue.record("the replay was not dropped")
            return
        }
        let honestWaiting = waiting.filter { $0.key != culprit.partyID }
        #expect(!honestWaiting.isEmpty)
        #expect(honestWaiting.values.allSatisfy { $0 == [culprit.partyID] })
    }

    @Test func evidenceAgainstAnHonestPartyDoesNotVerify() throws {
        let setup = try setup()
        var runner = try runner(setup, seed: 8)
        guard case .finished = runner.run() else {
            Issue.record("signing did not finish")
            return
        }
        let honest = signers[0].partyID
        let offending = runner.sentMessages.first { $0.sender == honest && $0.round == 4 }!
        let supporting = runner.sentMessages.filter { $0.round == 2 || $0.round == 3 }
        let evidence = Evidence(culprit: honest, round: 4,
                                reason: .violation(RoundViolation(rule: "invalid-signature-share")),
                                messages: [offending] + supporting)
        let publicData = try InteractiveSigning.publicData(sessionID: sessionID, committee: signers.map(\.partyID))
        #expect(throws: EvidenceError.notProven("the protocol check passes")) {
            try evidence.verify(publicData: publicData, rechecker: InteractiveSigning.evidenceRechecker(
                inputs: setup.inputs, prehash: prehash, parameters: .testing))
        }
    }
}
