import Bytes
import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
import CGGMPAdversary
@_spi(Benchmarks) @testable import CGGMP

let keyRefreshSessionID = Array("test KeyRefresh session".utf8)

func keyRefreshSessions(signers: [Ed25519Signer], shares: [PartyID: AdditiveKeyShare]) -> [Session<KeyRefreshOutput>] {
    signers.enumerated().map { index, signer in
        try! KeyRefresh.makeSession(sessionID: keyRefreshSessionID, keyShare: shares[signer.partyID]!, signer: signer,
                                    parameters: .testing, primes: committedAuxPrimes(index: index, bits: 512))
    }
}

func keyRefreshRunner(signers: [Ed25519Signer], shares: [PartyID: AdditiveKeyShare], seed: UInt64,
                      tamper: SimulationRunner<KeyRefreshOutput, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<KeyRefreshOutput, ChaChaRandom> {
    SimulationRunner(machines: keyRefreshSessions(signers: signers, shares: shares),
                     generators: seededGenerators(signers, seed: seed), tamper: tamper)
}

/// Re-signs `culprit`'s round-3 direct message to `victim` with C_{i,j} + 1: a share change that
/// does not match X_{i,j}.
func badRefreshShare(culprit: Ed25519Signer, victim: PartyID) -> @Sendable (SignedMessage, PartyID) -> SignedMessage {
    { message, recipient in
        guard message.sender == culprit.partyID, message.round == 3, message.kind == .direct, recipient == victim,
              let direct = try? AuxRefreshDirect(encoded: message.payload), let padded = direct.paddedShare else { return message }
        return message.replacingPayload(AuxRefreshDirect(factorProof: direct.factorProof, paddedShare: padded + .one)
            .encoded, signer: culprit)
    }
}

func keyInitShares(_ signers: [Ed25519Signer], seed: UInt64) throws -> [PartyID: AdditiveKeyShare] {
    var runner = keyInitRunner(signers: signers, seed: seed)
    guard case .finished(let shares) = runner.run() else { throw KeyShareError.malformedEncoding(DecodingError(field: "KeyInit", reason: .invalidValue("did not finish"))) }
    return shares
}

/// Evidence a malicious `accuser` builds against `honest` from `sent`: it re-signs its own round-2
/// echo-broadcast with a Y_{accuser,honest} whose discrete log it knows and complains with that y
/// about `honest`'s real round-3 direct message (nil when the run did not get that far).
func forgedComplaintEvidence(sent: [SignedMessage], honest: PartyID, accuser: Ed25519Signer,
                             committee: [PartyID]) -> (evidence: Evidence, secret: Scalar, direct: SignedMessage)? {
    guard let honestIndex = committee.firstIndex(of: honest),
          let ownReveal = sent.first(where: { $0.sender == accuser.partyID && $0.round == 2 && $0.kind == .echoBroadcast }),
          let reveal = try? AuxRefreshEcho(encoded: ownReveal.payload), reveal.elGamalKeys.count == committee.count,
          let direct = sent.first(where: { $0.sender == honest && $0.round == 3 && $0.kind == .direct && $0.recipient == accuser.partyID }),
          let ownConfirmation = sent.first(where: { $0.sender == accuser.partyID && $0.round == 4 && $0.kind == .echoBroadcast })
    else { return nil }
    let secret = Scalar(reducing: [0x42])
    var keys = reveal.elGamalKeys
    keys[honestIndex] = .generatorMultiple(secret)
    let substitute = ownReveal.replacingPayload(AuxRefreshEcho(aux: reveal.aux, elGamalKeys: keys, shareChanges: reveal.shareChanges)
        .encoded, signer: accuser)
    let complaint = ownConfirmation.replacingPayload(
        AuxRefreshConfirmation.complaint(accused: honest, secret: secret, message: direct).encoded, signer: accuser)
    let honestMessages = sent.filter { $0.sender == honest && $0.kind != .direct }
    let evidence = Evidence(culprit: honest, round: 4, reason: .violation(RoundViolation(rule: "share-change-mismatch")),
                            messages: honestMessages.filter { $0.round == 4 && $0.kind != .echo } + [direct, complaint, substitute]
                                + honestMessages.filter { $0.round < 4 })
    return (evidence, secret, direct)
}

@Suite struct KeyRefreshTests {
    @Test func refreshChangesEveryShareAndKeepsThePublicKey() throws {
        let signers = makeSigners(3)
        let before = try keyInitShares(signers, seed: 3)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 4)
        let outcome = runner.run()
        guard case .finished(let outputs) = outcome else {
            Issue.record("KeyRefresh did not finish: \(outcome)")
            return
        }
        let publicKey = before[signers[0].partyID]!.publicKey
        // Independently of the share bookkeeping: the new secrets still sum to the key's discrete log.
        let newSum = outputs.values.reduce(Scalar.zero) { $0 + $1.keyShare.secretShare }
        #expect(Point.generatorMultiple(newSum) == publicKey)
        let reference = outputs[signers[0].partyID]!
        for signer in signers {
            let party = signer.partyID
            let output = try #require(outputs[party])
            #expect(output.keyShare.publicKey == publicKey)
            #expect(output.keyShare.secretShare != before[party]!.secretShare)
            #expect(output.keyShare.publicShares[party] != before[party]!.publicShares[party])
            #expect(Point.generatorMultiple(output.keyShare.secretShare) == reference.keyShare.publicShares[party])
            #expect(output.keyShare.publicShares == reference.keyShare.publicShares)
            #expect(output.auxInfo.publicInfo == reference.auxInfo.publicInfo)
            #expect(output.auxInfo.owner == party)
        }
    }

    /// Finding 4: the victim of a bad share change complains in round 4 (revealing y_{j,i}); when it
    /// checks the dealer's round-4 message it names the dealer, and a third party re-runs the check
    /// from signed messages alone: proven. Not under another session id, not against anyone else.
    @Test func badRefreshShareIsProvenToAThirdParty() throws {
        let signers = makeSigners(3)
        let culprit = signers[1]
        let victim = signers[2].partyID
        let before = try keyInitShares(signers, seed: 7)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 8,
                                      tamper: badRefreshShare(culprit: culprit, victim: victim))
        guard let faults = (runner.run()).faults else {
            Issue.record("expected a fault")
            return
        }
        let fault = try #require(faults[victim])
        #expect(fault.culprit == culprit.partyID)
        for (accuser, fault) in faults { #expect(fault.culprit == culprit.partyID, "\(accuser) named \(fault.culprit)") }
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID))
        let rechecker = KeyRefresh.evidenceRechecker(parameters: .testing)
        #expect(fault.evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven, "\(fault)")
        let other = try KeyRefresh.publicData(sessionID: Array("other".utf8), committee: signers.map(\.partyID))
        #expect(fault.evidence.verdict(publicData: other, rechecker: rechecker) != .proven)
        for innocent in signers.map(\.partyID) where innocent != culprit.partyID {
            let swapped = Evidence(culprit: innocent, round: fault.round, reason: fault.reason, messages: fault.evidence.messages)
            #expect(swapped.verdict(publicData: publicData, rechecker: rechecker) != .proven)
        }
    }

    /// Finding 4: while one holder holds a (proven) complaint, no holder replaces its share: the
    /// others wait for the victim's round-4 echo, which it never sends.
    @Test func noHolderReplacesItsShareWhenAnotherHolderComplains() throws {
        let signers = makeSigners(3)
        let culprit = signers[1]
        let victim = signers[2].partyID
        let before = try keyInitShares(signers, seed: 9)
        let tamper = badRefreshShare(culprit: culprit, victim: victim)
        let run = runAdversarially(keyRefreshSessions(signers: signers, shares: before), generators: seededGenerators(signers, seed: 10)) {
            [(tamper($0, $1), 0)]
        }
        for signer in signers {
            #expect(run.outputs[signer.partyID] == nil, "\(signer.partyID) replaced its share: \(run.report)")
        }
        let fault = try #require(run.faults[victim])
        #expect(fault.culprit == culprit.partyID)
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID))
        #expect(fault.evidence.verdict(publicData: publicData, rechecker: KeyRefresh.evidenceRechecker(parameters: .testing)) == .proven)
        if let other = run.faults[signers[0].partyID] { #expect(other.culprit == culprit.partyID) }
    }

    /// A holder that complains about an honest dealer's share is named by everyone (proven).
    @Test func falseComplaintIsBlamed() throws {
        let signers = makeSigners(3)
        let liar = signers[2]
        let dealer = signers[0].partyID
        let before = try keyInitShares(signers, seed: 11)
        let dealerMessage = Box<SignedMessage?>(nil)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 12) { message, recipient in
            if message.sender == dealer, message.round == 3, message.kind == .direct, recipient == liar.partyID {
                dealerMessage.value = message
            }
            guard message.sender == liar.partyID, message.round == 4, message.kind == .echoBroadcast,
                  let carried = dealerMessage.value else { return message }
            let complaint = AuxRefreshConfirmation.complaint(accused: dealer, secret: Scalar(reducing: [7]), message: carried)
            return message.replacingPayload(complaint.encoded, signer: liar)
        }
        guard let faults = (runner.run()).faults else {
            Issue.record("expected a fault")
            return
        }
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID))
        #expect(faults.count >= 2)
        for fault in faults.values {
            #expect(fault.culprit == liar.partyID)
            guard case .violation(let violation) = fault.reason else {
                Issue.record("expected a violation, got \(fault.reason)")
                continue
            }
            #expect(violation.rule == "false-complaint")
            #expect(fault.evidence.verdict(publicData: publicData, rechecker: KeyRefresh.evidenceRechecker(parameters: .testing)) == .proven)
        }
    }

    /// Finding 1 for KeyRefresh: an honest echo proves no violation in any round.
    @Test func honestEchoMessageIsNotProvenAsViolation() throws {
        let signers = makeSigners(3)
        let before = try keyInitShares(signers, seed: 13)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 14)
        guard case .finished = runner.run() else {
            Issue.record("KeyRefresh did not finish")
            return
        }
        let honest = signers[0].partyID
        let cases = try [(1, 1), (2, 2), (3, 3), (3, 4), (3, 5)].map { echoRound, claimedRound in
            (message: try #require(runner.sentMessages.first { $0.sender == honest && $0.round == echoRound && $0.kind == .echo }),
             round: claimedRound)
        }
        try expectHonestMessagesNotProven(
            honest, cases: cases, rules: ["unexpected-message"], supporting: [], viewMessages: cases.map(\.message),
            publicData: try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID)),
            rechecker: KeyRefresh.evidenceRechecker(parameters: .testing))
    }

    /// A malicious accuser re-signs its own round-2 echo-broadcast with a Y_{M,H} it knows the
    /// discrete log of, and complains about an honest dealer H with that y. The recheck takes Y_{M,H}
    /// from H's own echo, so the complaint opens nothing: not proven.
    @Test func accuserCannotSubstituteItsOwnEarlierMessage() throws {
        let signers = makeSigners(3)
        let before = try keyInitShares(signers, seed: 15)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 16)
        guard case .finished = runner.run() else {
            Issue.record("KeyRefresh did not finish")
            return
        }
        let committee = signers.map(\.partyID).sorted()
        let honest = signers[0].partyID
        let accuser = signers[2]
        let accuserIndex = committee.firstIndex(of: accuser.partyID)!
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: committee)
        let sent = runner.sentMessages
        let (evidence, forgedSecret, direct) = try #require(forgedComplaintEvidence(sent: sent, honest: honest, accuser: accuser,
                                                                                    committee: committee))
        #expect(evidence.verdict(publicData: publicData, rechecker: KeyRefresh.evidenceRechecker(parameters: .testing)) != .proven)
        // Read from the accuser's substituted message, the pad would be wrong and the change would not open.
        let honestReveal = try AuxRefreshEcho(encoded: try #require(sent.first {
            $0.sender == honest && $0.round == 2 && $0.kind == .echoBroadcast }).payload)
        let rhos = try committee.map { party in
            try AuxRefreshEcho(encoded: try #require(sent.first { $0.sender == party && $0.round == 2 && $0.kind == .echoBroadcast }).payload).aux.rho
        }
        let change = AuxRefreshChecks.shareChange(
            paddedShare: try #require(try AuxRefreshDirect(encoded: direct.payload).paddedShare), recipientSecret: forgedSecret,
            dealerKey: honestReveal.elGamalKeys[accuserIndex], rho: AuxChecks.jointRandomness(rhos), sid: publicData.boundSessionID,
            dealer: honest, recipient: accuser.partyID)
        #expect(Point.generatorMultiple(change) != honestReveal.shareChanges[accuserIndex])
    }

    @Test func badSchnorrProofIsBlamed() throws {
        let signers = makeSigners(3)
        let culprit = signers[1]
        let before = try keyInitShares(signers, seed: 5)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 6) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .echoBroadcast else { return message }
            let proofs = try! AuxRefreshProofs(encoded: message.payload)
            var list = proofs.proofs
            list[0] = SchnorrProof(commitment: list[0].commitment, response: list[0].response + .one)
            return message.replacingPayload(AuxRefreshProofs(proofs: list, modulusProofDigest: proofs.modulusProofDigest).encoded,
                                            signer: culprit)
        }
        guard let faults = (runner.run()).faults else {
            Issue.record("expected a fault")
            return
        }
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID))
        #expect(faults.count >= 2)
        for fault in faults.values {
            #expect(fault.culprit == culprit.partyID)
            guard case .violation(let violation) = fault.reason else {
                Issue.record("expected a violation, got \(fault.reason)")
                continue
            }
            #expect(violation.rule == "invalid-schnorr-proof")
            #expect(throws: Never.self) {
                try fault.evidence.verify(publicData: publicData, rechecker: KeyRefresh.evidenceRechecker(parameters: .testing))
            }
        }
    }
}
