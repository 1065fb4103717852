import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// One test per finding of issue #11 on presigning and interactive signing (3 signers, testing
/// parameters; the culprit is the last signer in committee order, so it rushes).
@Suite struct PresigningIdentifiableAbortTests {
    let h = PresignHarness.shared
    var signProperties: PresignRunProperties { PresignRunProperties(harness: h, publicData: h.signPublicData(), rechecker: h.signRechecker) }

    /// Records every message as sent (before any change), for tamper closures that rebuild values.
    static func recorder(_ box: Box<[MessageSlot: SignedMessage]>) -> PresignAdversary.Tamper {
        { message, recipient in
            if message.kind != .direct {
                box.with { $0[MessageSlot(round: message.round, kind: message.kind, sender: message.sender)] = message }
            }
            return message
        }
    }

    // MARK: Finding 1 — the accuser picks the supporting messages

    /// A corrupt accuser builds evidence against each honest party for every round from the
    /// victim's real messages plus its own earlier messages re-signed with new values: the checks
    /// read the victim's values from the victim's signed echoes, so nothing is proven.
    @Test func accuserSubstitutedMessagesProveNothing() {
        var honestRun = h.interactive(seed: 21)
        guard case .finished = honestRun.run() else {
            Issue.record("the honest run did not finish")
            return
        }
        var deltaRun = h.interactive(seed: 22, tamper: PresignAdversary.wrongDelta(culprit: h.culprit))
        _ = deltaRun.run()
        var chiRun = h.interactive(seed: 23, tamper: PresignAdversary.wrongS(culprit: h.culprit))
        _ = chiRun.run()
        let publicData = h.signPublicData()
        for (round, sent) in [(1, honestRun.sentMessages), (2, honestRun.sentMessages), (3, honestRun.sentMessages),
                              (4, honestRun.sentMessages), (5, deltaRun.sentMessages), (6, chiRun.sentMessages)] {
            #expect(sent.contains { $0.round == round }, "no messages of round \(round)")
            for victim in h.honest {
                let forged = presignSubstitutedEvidence(victim: victim, accuser: h.culprit, round: round, sent: sent,
                                                 inputs: h.inputs, rules: presignRules[round]!)
                #expect(!forged.isEmpty)
                for evidence in forged {
                    let verdict = evidence.verdict(publicData: publicData, rechecker: h.signRechecker)
                    #expect(verdict != .proven, "round \(round) \(evidence.reason) against \(victim) verifies")
                }
            }
        }
    }

    // MARK: Finding 2 — honest blames honest over equivocated D

    /// The culprit gives one honest party a second, valid D (fresh randomness, a valid Πaff-g) and
    /// then forces the failure round. D is echo-broadcast now: the echo step names the culprit for
    /// equivocation, and no honest party is named.
    @Test func honestPartyIsNeverBlamedWhenMtACiphertextsAreEquivocated() throws {
        let culprit = h.culprit, target = h.honest[0]
        let inputs = h.inputs, data = h.checkData, committee = h.committee
        let secret = h.aux[culprit.partyID]!.paillierSecret
        let seen = Box<[MessageSlot: SignedMessage]>([:])
        let forged = Box<(d: PaillierCiphertext, psi: AffGProof)?>(nil)
        let index = committee.filter { $0 != culprit.partyID }.firstIndex(of: target)!
        @Sendable func forge() -> (d: PaillierCiphertext, psi: AffGProof) {
            forged.with { cached in
                if let cached { return cached }
                let slots = seen.with { $0 }
                let ownRound1 = try! PresignRound1Echo(encoded: slots[MessageSlot(round: 1, kind: .echoBroadcast, sender: culprit.partyID)]!.payload)
                let targetRound1 = try! PresignRound1Echo(encoded: slots[MessageSlot(round: 1, kind: .echoBroadcast, sender: target)]!.payload)
                let ownRound2 = try! PresignRound2Echo(encoded: slots[MessageSlot(round: 2, kind: .echoBroadcast, sender: culprit.partyID)]!.payload)
                let gamma = try! secret.decrypt(ownRound1.g)
                let f = ownRound2.f[index]
                let beta = try! secret.decrypt(f)
                let r = try! secret.recoverRandomness(of: f)
                let targetKey = inputs.publicAux[target]!.paillierKey
                let group = PaillierGroup(modulus: targetKey.modulus)
                var rng = ChaChaRandom(testSeed: 99)
                let s = group.randomRandomizer(using: &rng)
                let d = PaillierCiphertext(value: group.add(group.scaleSecret(targetRound1.k.value, by: gamma),
                                                            group.encrypt(-beta, randomizer: s)))
                let psi = try! AffGProof.prove(
                    AffGProof.Statement(verifierKey: targetKey, proverKey: secret.publicKey, c: targetRound1.k, d: d,
                                        y: f, x: ownRound2.gamma),
                    witness: .init(x: gamma, y: beta, rho: s, rhoY: r), setup: inputs.publicAux[target]!.ringPedersen,
                    context: PresignChecks.context(epid: data.epid, prover: culprit.partyID), parameters: .testing,
                    using: &rng)
                cached = (d, psi)
                return (d, psi)
            }
        }
        let equivocate: PresignAdversary.Tamper = { message, recipient in
            guard message.sender == culprit.partyID, message.round == 2, recipient == target else { return message }
            switch message.kind {
            case .echoBroadcast:
                let m = try! PresignRound2Echo(encoded: message.payload)
                var d = m.d
                d[index] = forge().d
                #expect(d[index] != m.d[index])
                return message.replacingPayload(PresignRound2Echo(gamma: m.gamma, f: m.f, fHat: m.fHat, d: d, dHat: m.dHat)
                    .encoded, signer: culprit)
            case .broadcast:
                let m = try! PresignRound2Broadcast(encoded: message.payload)
                var psi = m.psi
                psi[index] = forge().psi
                return message.replacingPayload(PresignRound2Broadcast(psi: psi, psiHat: m.psiHat, elog: m.elog).encoded,
                                                signer: culprit)
            default:
                return message
            }
        }
        var runner = h.interactive(seed: 31, tamper: PresignAdversary.chain([
            Self.recorder(seen), equivocate, PresignAdversary.wrongDelta(culprit: culprit)]))
        let outcome = runner.run()
        let faults = signProperties.check(outcome, runner, expectFault: true)
        #expect(Set(faults.keys) == Set(h.honest))
        for fault in faults.values {
            #expect(fault.reason == .equivocation && fault.round == 2, "\(fault)")
        }
    }

    // MARK: Finding 3 — Πdec binds the plaintext

    /// The culprit announces δ + N (N its Paillier modulus) and proves S = (y + N)·G in round 5 with
    /// the honest prover's algorithm run on y + N: the response leaves Πdec's bound, so every honest
    /// party names it (with the old ε slack the proof verified and nobody was named).
    @Test func deltaPlusNIsNamedByTheFailureRound() throws {
        let culprit = h.culprit, inputs = h.inputs, committee = h.committee, data = h.checkData
        let secret = h.aux[culprit.partyID]!.paillierSecret
        let n = secret.publicKey.modulus
        let seen = Box<[MessageSlot: SignedMessage]>([:])
        let plaintext = Box<BigInt?>(nil)
        // Round 3: the culprit announces δ + N (and is led into round 5 itself).
        let plusN: @Sendable ([UInt8]) -> [UInt8] = { payload in
            let m = try! PresignRound3Echo(encoded: payload)
            return PresignRound3Echo(delta: m.delta + Scalar(reducing: n), bigDelta: m.bigDelta, s: m.s).encoded
        }
        // Round 5: a Πdec for S = (δ + N)·G from the witness y + N.
        let forgeDec: @Sendable ([UInt8]) -> [UInt8] = { payload in
            let message = try! PresignFailureMessage(encoded: payload)
            let slots = seen.with { $0 }
            func value(_ round: Int, _ party: PartyID) -> [UInt8] {
                slots[MessageSlot(round: round, kind: .echoBroadcast, sender: party)]!.payload
            }
            var round1: [PartyID: PresignRound1Echo] = [:], round2: [PartyID: PresignRound2Public] = [:]
            for party in committee {
                round1[party] = try! PresignRound1Echo(encoded: value(1, party))
                round2[party] = PresignRound2Public(try! PresignRound2Echo(encoded: value(2, party)), sender: party,
                                                    committee: committee)!
            }
            let round3 = try! PresignRound3Echo(encoded: plusN(value(3, culprit.partyID)))
            let view = PresignFailureView(kind: .delta, committee: committee, inputs: inputs, round1: round1,
                                          round2: round2, round3: [culprit.partyID: round3], gamma: .identity)
            let statement = try! view.statements(prover: culprit.partyID).dec
            let gamma = try! secret.decrypt(round1[culprit.partyID]!.g)
            let group = PaillierGroup(modulus: n)
            let full = PaillierCiphertext(value: group.add(group.scaleSecret(round1[culprit.partyID]!.k.value, by: gamma),
                                                           statement.d.value))
            let y = try! secret.decrypt(full)
            plaintext.with { $0 = y }
            let dec = forgedDecProof(statement, x: gamma, y: y + n, rho: try! secret.recoverRandomness(of: full),
                                     context: PresignChecks.context(epid: data.epid, prover: culprit.partyID),
                                     parameters: .testing, seed: 5)
            return PresignFailureMessage(dec: dec, affine: message.affine).encoded
        }
        var runner = h.interactive(seed: 41, tamper: PresignAdversary.chain([
            Self.recorder(seen),
            PresignAdversary.replace(round: 3, kind: .echoBroadcast, culprit: culprit, plusN),
            PresignAdversary.culpritEntersFailureRound(.delta, culprit: culprit),
            PresignAdversary.replace(round: 5, kind: .echoBroadcast, culprit: culprit, forgeDec),
        ]))
        let faults = signProperties.check(runner.run(), runner, expectFault: true)
        #expect(Set(faults.keys) == Set(h.honest))
        for fault in faults.values {
            #expect(fault.round == 5 && fault.reason.presignViolationRule == "invalid-dec", "\(fault)")
        }
        // The forged witness is the plaintext plus N, which the announced δ matches mod q.
        let y = try #require(plaintext.with { $0 })
        #expect((y + n).bitLength > DecProof.responseBits(partyCount: 3, parameters: .testing))
    }

    // MARK: Finding 4 — a rushed δ that cancels

    /// The culprit waits for the honest δ_j and announces −Σ δ_j, so δ = 0. δ·G = ΣΔ is checked
    /// before δ = 0: the failure round runs and names it (before, everyone aborted on "δ = 0").
    @Test func rushedDeltaThatCancelsIsNamed() throws {
        let culprit = h.culprit
        let honestDeltas = Box<[PartyID: Scalar]>([:])
        let cancel: @Sendable ([UInt8]) -> [UInt8] = { payload in
            let m = try! PresignRound3Echo(encoded: payload)
            let others = honestDeltas.with { $0 }
            return PresignRound3Echo(delta: -others.values.reduce(Scalar.zero, +), bigDelta: m.bigDelta, s: m.s).encoded
        }
        let listen: PresignAdversary.Tamper = { message, _ in
            if message.round == 3, message.kind == .echoBroadcast, message.sender != culprit.partyID {
                let delta = try! PresignRound3Echo(encoded: message.payload).delta
                honestDeltas.with { $0[message.sender] = delta }
            }
            return message
        }
        let rush = PresignAdversary.chain([listen, PresignAdversary.replace(round: 3, kind: .echoBroadcast, culprit: culprit, cancel)])
        // A culprit that then runs the failure round (with its real δ) is named.
        var runner = h.interactive(seed: 51, tamper: PresignAdversary.chain([
            rush, PresignAdversary.culpritEntersFailureRound(.delta, culprit: culprit)]))
        let faults = signProperties.check(runner.run(), runner, expectFault: true)
        #expect(honestDeltas.with { $0.count } == 2)
        #expect(Set(faults.keys) == Set(h.honest))
        for fault in faults.values {
            #expect(fault.round == 5 && fault.reason.presignViolationRule == "invalid-dec", "\(fault)")
        }
        // One that goes silent instead leaves the honest parties waiting for it alone in round 5.
        honestDeltas.with { $0 = [:] }
        var silent = h.interactive(seed: 52, tamper: rush)
        let outcome = silent.run()
        signProperties.check(outcome, silent, expectFault: false)
        guard case .stalled = outcome else {
            Issue.record("expected a stall in round 5, got \(outcome)")
            return
        }
        #expect(h.honest.allSatisfy { silent.machines[$0]!.roundNumber == 5 })
    }

    // MARK: Finding 5 — S equivocated

    /// The culprit sends one honest party another S in round 3. S is echo-broadcast now: the echo
    /// step names the culprit, and no honest party finishes with a presignature the other lacks.
    @Test func equivocatedSIsNamedAndNoHonestPartyFinishesAlone() throws {
        let properties = PresignRunProperties(harness: h, publicData: h.presignPublicData(), rechecker: h.presignRechecker)
        var runner = h.presigning(seed: 61, tamper: PresignAdversary.replace(
            round: 3, kind: .echoBroadcast, culprit: h.culprit, recipients: [h.honest[0]]) { payload in
                let m = try! PresignRound3Echo(encoded: payload)
                return PresignRound3Echo(delta: m.delta, bigDelta: m.bigDelta, s: m.s + .generator).encoded
            })
        let faults = properties.check(runner.run(), runner, expectFault: true)
        #expect(Set(faults.keys) == Set(h.honest))
        for fault in faults.values { #expect(fault.reason == .equivocation && fault.round == 3, "\(fault)") }
        #expect(h.honest.allSatisfy { !runner.machines[$0]!.isFinished })
    }
}

/// Πdec's bound at production112 (committed primes, 16 instead of 256 binary challenges so the
/// proof takes about a second in debug builds; the range check is the same for any count).
@Suite struct DecProofBoundTests {
    @Test func yPlusNIsRejectedAtProduction112() throws {
        let p = SchemeParameters.production112
        // The arithmetic: with ε the response bound exceeded N (the break); with κ_stat it stays
        // below N/2 up to the largest supported committee.
        #expect(p.decPlaintextBits(partyCount: 3) + p.epsilon > p.modulusBits)
        #expect(p.decBoundHolds(partyCount: SchemeParameters.maximumCommitteeSize))
        #expect(!p.decBoundHolds(partyCount: 0))
        for parameters in [SchemeParameters.testing, .production112, .production128] {
            #expect(parameters.decBoundHolds(partyCount: SchemeParameters.maximumCommitteeSize))
        }
        // A proof for S = (y + N)·Γ made with the witness y + N fails Πdec's range check.
        let fixture = PaillierProofFixture.production112FewRepetitions
        let base = DecCase(fixture, seed: 31)
        let n = fixture.proverKey.publicKey.modulus
        let y = base.witness.y + n
        let s = base.statement
        let statement = DecProof.Statement(key: s.key, k: s.k, x: s.x, d: s.d, s: s.gamma * Scalar(reducing: y),
                                           gamma: s.gamma, partyCount: s.partyCount)
        let proof = forgedDecProof(statement, x: base.witness.x, y: y, rho: base.witness.rho, context: fixture.context,
                                   parameters: fixture.parameters, seed: 7)
        #expect(proof.repetitions.contains { $0.w.bitLength > DecProof.responseBits(partyCount: 3, parameters: p) })
        do {
            try proof.verify(statement, context: fixture.context, parameters: fixture.parameters)
            Issue.record("a proof for y + N verified")
        } catch {
            guard case .rangeCheckFailed(let field) = error else {
                Issue.record("expected the range check to fail, got \(error)")
                return
            }
            #expect(field.hasPrefix("w["))
        }
    }
}

extension DecProofBoundTests {
    /// Presigning refuses a committee larger than Πdec's bound supports, with a typed error.
    @Test func committeeLargerThanTheMaximumIsRefused() throws {
        let signer = makeSigners(1, offset: 200)[0]
        let count = SchemeParameters.maximumCommitteeSize + 1
        var parties = [signer.partyID]
        for index in 1..<count {
            parties.append(try PartyID(rawRepresentation: [UInt8(index >> 8), UInt8(index & 0xff)] + [UInt8](repeating: 7, count: 30)))
        }
        var publicShares: [PartyID: Point] = [:]
        for (index, party) in parties.enumerated() { publicShares[party] = .generatorMultiple(Scalar(UInt64(index + 1))) }
        let share = try AdditiveKeyShare(owner: signer.partyID, secretShare: Scalar(UInt64(1)), publicShares: publicShares)
        let material = SigningFixture.testing
        let publicAux = PublicAuxInfo(paillierKey: material.secrets[0].publicKey, ringPedersen: material.setups[0])
        let aux = try SigningAuxInfo(owner: signer.partyID, paillierSecret: material.secrets[0],
                                     publicAux: Dictionary(uniqueKeysWithValues: parties.map { ($0, publicAux) }))
        #expect(throws: SigningSetupError.committeeTooLarge(count, maximum: SchemeParameters.maximumCommitteeSize)) {
            try Presigning.makeSession(sessionID: Array("big".utf8), keyShare: share, auxInfo: aux, signer: signer,
                                       parameters: .testing)
        }
    }
}

extension FaultReason {
    var presignViolationRule: String? {
        if case .violation(let violation) = self { return violation.rule }
        return nil
    }
}
