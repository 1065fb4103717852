import Bytes
import BigNum
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

@Suite struct KeyInitHonestTests {
    @Test(arguments: [2, 3, 5])
    func honestRunAgreesOnTheKey(parties: Int) throws {
        let signers = makeSigners(parties)
        var runner = keyInitRunner(signers: signers, seed: UInt64(parties), parallel: parties == 5)
        guard case .finished(let shares) = runner.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        #expect(shares.count == parties)
        let reference = try #require(shares[signers[0].partyID])
        // Independently of the share type's own bookkeeping: Σ x_j·G equals the public key.
        let secretSum = shares.values.reduce(Scalar.zero) { $0 + $1.secretShare }
        #expect(Point.generatorMultiple(secretSum) == reference.publicKey)
        #expect(!reference.publicKey.isIdentity)
        for (owner, share) in shares {
            #expect(share.owner == owner)
            #expect(share.publicKey == reference.publicKey)
            #expect(share.publicShares == reference.publicShares)
            #expect(Point.generatorMultiple(share.secretShare) == reference.publicShares[owner])
            #expect(Point.sum(share.publicShares.values) == share.publicKey)
        }
        #expect(!"\(reference)".contains(hexString(reference.secretShare.rawRepresentation)))
    }

    @Test func seededRunsAreReproducible() throws {
        let signers = makeSigners(3)
        var first = keyInitRunner(signers: signers, seed: 7)
        var second = keyInitRunner(signers: signers, seed: 7, parallel: true)
        var third = keyInitRunner(signers: signers, seed: 8)
        guard case .finished(let a) = first.run(), case .finished(let b) = second.run(),
              case .finished(let c) = third.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        #expect(first.sentMessages.map(\.encoded) == second.sentMessages.map(\.encoded))
        #expect(first.sentMessages.count == 3 * 5)  // three rounds and two echo steps, one broadcast each
        #expect(a[signers[0].partyID]!.publicKey == b[signers[0].partyID]!.publicKey)
        #expect(a[signers[0].partyID]!.publicKey != c[signers[0].partyID]!.publicKey)
    }

    @Test func additiveOutputTweaksConsistently() throws {
        let signers = makeSigners(3)
        var runner = keyInitRunner(signers: signers, seed: 11)
        guard case .finished(let shares) = runner.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let tweak = Scalar(12345)
        let tweaked = try shares.values.map { try $0.tweaked(by: tweak) }
        let sum = tweaked.reduce(Scalar.zero) { $0 + $1.secretShare }
        let expected = shares.values.first!.publicKey + Point.generatorMultiple(tweak)
        #expect(Point.generatorMultiple(sum) == expected)
        for share in tweaked {
            #expect(share.publicKey == expected)
            #expect(Point.generatorMultiple(share.secretShare) == share.publicShares[share.owner])
        }
    }
}

/// Each test makes party `culprit` misbehave and checks that every honest party names it, that no
/// honest party is blamed, and that the evidence convinces a third party holding public data only.
@Suite struct KeyInitMisbehaviourTests {
    let signers = makeSigners(3)
    var culprit: Ed25519Signer { signers[1] }

    func expectCulpritNamed(_ outcome: SimulationRunner<AdditiveKeyShare, ChaChaRandom>.Outcome,
                            reason: (FaultReason) -> Bool, attributable: Bool = true) throws {
        guard let faults = (outcome).faults else {
            Issue.record("expected a fault, got \(outcome)")
            return
        }
        // Every honest party detects the fault (the culprit, running honest code, may too).
        #expect(Set(signers.map(\.partyID)).subtracting(faults.keys) == [culprit.partyID] || faults.count == signers.count)
        let publicData = try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID))
        for (accuser, fault) in faults {
            #expect(fault.culprit == culprit.partyID, "\(accuser) blamed \(fault.culprit)")
            #expect(reason(fault.reason), "unexpected reason \(fault.reason)")
            let verdict = fault.evidence.verdict(publicData: publicData,
                                                 rechecker: KeyInit.evidenceRechecker(parameters: .testing))
            if attributable {
                #expect(verdict == .proven)
            } else {
                // Attribution rests on the authenticated channel: the accuser knows, no third party can.
                #expect(verdict.name == "transport-only")
                #expect(fault.isTransportOnly)
            }
            // The same evidence does not convince under another session's public data, nor with an
            // honest party named in the culprit's place.
            if attributable {
                for honest in signers.map(\.partyID) where honest != culprit.partyID {
                    let renamed = Evidence(culprit: honest, round: fault.evidence.round, reason: fault.evidence.reason,
                                           messages: fault.evidence.messages)
                    #expect(renamed.verdict(publicData: publicData, rechecker: KeyInit.evidenceRechecker(parameters: .testing)) != .proven)
                }
                let other = try KeyInit.publicData(sessionID: Array("other".utf8), committee: signers.map(\.partyID))
                #expect(throws: EvidenceError.self) {
                    try fault.evidence.verify(publicData: other, rechecker: KeyInit.evidenceRechecker(parameters: .testing))
                }
            }
        }
    }

    @Test func badSchnorrProofIsBlamed() throws {
        let culprit = self.culprit
        var runner = keyInitRunner(signers: signers, seed: 21) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .echoBroadcast else { return message }
            let proof = try! SchnorrProof(encoded: message.payload)
            let bad = SchnorrProof(commitment: proof.commitment, response: proof.response + .one)
            return message.replacingPayload(bad.encoded, signer: culprit)
        }
        try expectCulpritNamed(runner.run()) {
            if case .violation(let v) = $0 { return v.rule == "invalid-schnorr-proof" } else { return false }
        }
    }

    @Test func wrongDecommitmentIsBlamed() throws {
        let culprit = self.culprit
        var runner = keyInitRunner(signers: signers, seed: 22) { message, _ in
            guard message.sender == culprit.partyID, message.round == 2 else { return message }
            var decommitment = try! KeyInitDecommitment(encoded: message.payload)
            decommitment = KeyInitDecommitment(rho: decommitment.rho, publicShare: decommitment.publicShare,
                                               schnorrCommitment: decommitment.schnorrCommitment,
                                               blinding: [UInt8](repeating: 9, count: 32))
            return message.replacingPayload(decommitment.encoded, signer: culprit)
        }
        try expectCulpritNamed(runner.run()) {
            if case .violation(let v) = $0 { return v.rule == "decommitment-mismatch" } else { return false }
        }
    }

    @Test func inconsistentEchoBroadcastIsBlamed() throws {
        let culprit = self.culprit
        let victim = signers[2].partyID
        var runner = keyInitRunner(signers: signers, seed: 23) { message, recipient in
            guard message.sender == culprit.partyID, message.kind == .echoBroadcast, recipient == victim else {
                return message
            }
            var writer = ByteWriter()
            writer.write("V", bytes: [UInt8](repeating: 0xAB, count: 32))
            return message.replacingPayload(writer.bytes, signer: culprit)
        }
        try expectCulpritNamed(runner.run()) { $0 == .equivocation }
    }

    @Test func messageSignedByTheWrongKeyIsBlamed() throws {
        let culprit = self.culprit
        let stranger = makeSigners(1, offset: 200)[0]
        var runner = keyInitRunner(signers: signers, seed: 24) { message, _ in
            guard message.sender == culprit.partyID, message.round == 2 else { return message }
            return message.replacingSignature(stranger.sign(message.signedBytes))
        }
        // Attribution of a bad signature rests on the authenticated channel (see `Evidence`).
        try expectCulpritNamed(runner.run(), reason: { $0 == .invalidSignature }, attributable: false)
    }

    /// A message signed for another session proves nothing against its signer (the network can
    /// replay it): it is dropped, and the run stalls waiting for the real one, naming only the party
    /// that stayed silent.
    @Test func messageFromAnotherSessionIsIgnoredAndItsSenderWaitedFor() throws {
        let culprit = self.culprit
        var runner = keyInitRunner(signers: signers, seed: 25) { message, _ in
            guard message.sender == culprit.partyID, message.round == 2 else { return message }
            return SignedMessage(sessionID: Array("another session".utf8), protocolTag: message.protocolTag,
                                 round: message.round, kind: message.kind, recipient: message.recipient,
                                 payload: message.payload, signer: culprit)
        }
        let outcome = runner.run()
        guard case .stalled(let waiting) = outcome else {
            Issue.record("expected a stall, got \(outcome)")
            return
        }
        let honestWaiting = waiting.filter { $0.key != culprit.partyID }
        #expect(Set(honestWaiting.keys) == Set(signers.map(\.partyID)).subtracting([culprit.partyID]))
        #expect(honestWaiting.values.allSatisfy { $0 == [culprit.partyID] })
    }

    @Test func evidenceAgainstAnHonestPartyDoesNotVerify() throws {
        // A valid round-3 message presented as a "bad proof" must not convince a third party.
        var runner = keyInitRunner(signers: signers, seed: 26)
        guard case .finished = runner.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let honest = signers[0].partyID
        let round3 = runner.sentMessages.first { $0.sender == honest && $0.round == 3 && $0.kind == .echoBroadcast }!
        let supporting = runner.sentMessages.filter { $0.round < 3 }
        let reason = FaultReason.violation(RoundViolation(rule: "invalid-schnorr-proof"))
        let evidence = Evidence(culprit: honest, round: 3, reason: reason, messages: [round3] + supporting)
        let publicData = try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID))
        #expect(throws: EvidenceError.notProven("the protocol check passes")) {
            try evidence.verify(publicData: publicData, rechecker: KeyInit.evidenceRechecker(parameters: .testing))
        }
    }

    /// Finding: the rechecker's default branch turned any (round, kind) it did not check — an honest
    /// party's ordinary echo — into a verifiable "unexpected-message" violation.
    @Test func honestEchoMessageIsNotProvenAsViolation() throws {
        var runner = keyInitRunner(signers: signers, seed: 27)
        guard case .finished = runner.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let honest = signers[0].partyID
        let echoes = runner.sentMessages.filter { $0.sender == honest && $0.kind == .echo }
        try expectHonestMessagesNotProven(
            honest, cases: echoes.map { (message: $0, round: $0.round) },
            rules: ["unexpected-message", "malformed-commitment", "invalid-schnorr-proof"],
            supporting: runner.sentMessages, viewMessages: runner.sentMessages,
            publicData: try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID)),
            rechecker: KeyInit.evidenceRechecker(parameters: .testing))
    }

    /// Finding: the accuser picked the supporting messages. A malicious accuser re-signs its own
    /// round-1 commitment and round-2 decommitment with a new ρ, so that an honest party's valid
    /// Schnorr proof "fails" for a third party. ρ now comes from openings of the commitments the
    /// honest party itself echoed, so the substitute does not open and nothing is proven.
    @Test func accuserCannotSubstituteItsOwnDecommitment() throws {
        var runner = keyInitRunner(signers: signers, seed: 28)
        guard case .finished = runner.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let accuser = culprit
        let honest = signers[0].partyID
        let publicData = try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID))
        let sid = publicData.boundSessionID
        let round1 = runner.sentMessages.first { $0.sender == accuser.partyID && $0.round == 1 && $0.kind == .echoBroadcast }!
        let round2 = runner.sentMessages.first { $0.sender == accuser.partyID && $0.round == 2 }!
        let real = try KeyInitDecommitment(encoded: round2.payload)
        let forged = KeyInitDecommitment(rho: [UInt8](repeating: 0x42, count: 32), publicShare: real.publicShare,
                                         schnorrCommitment: real.schnorrCommitment, blinding: real.blinding)
        var writer = ByteWriter()
        writer.write("V", bytes: forged.hash(sid: sid, party: accuser.partyID))
        let forgedRound1 = round1.replacingPayload(writer.bytes, signer: accuser)
        let forgedRound2 = round2.replacingPayload(forged.encoded, signer: accuser)
        let proof = runner.sentMessages.first { $0.sender == honest && $0.round == 3 && $0.kind != .echo }!
        let others = runner.sentMessages.filter { $0.sender != accuser.partyID && $0 != proof && $0.round < 3 }
        let rechecker = KeyInit.evidenceRechecker(parameters: .testing)
        for rule in ["invalid-schnorr-proof", "schnorr-commitment-mismatch"] {
            let reason = FaultReason.violation(RoundViolation(rule: rule))
            // With and without the honest party's own round-1 echo (which fixes the accuser's real V).
            for supporting in [others, others.filter { $0.kind != .echo }] {
                let evidence = Evidence(culprit: honest, round: 3, reason: reason,
                                        messages: [proof] + supporting + [forgedRound1, forgedRound2])
                #expect(evidence.verdict(publicData: publicData, rechecker: rechecker) != .proven)
            }
        }
    }
}
