import BigNum
import Bytes
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// A signature share names the presignature it was made with (`PresignatureID`): signers holding
/// different presignatures blame no one, and a third party never judges a σ against the
/// commitments of another presignature than the one its sender signed.
@Suite struct PresignatureIDTests {
    let all = makeSigners(3, offset: 0xa1)
    let prehash = testPrehash("presignature id")

    /// The 3-of-3 additive shares every test signs with.
    func shares() throws -> [PartyID: AdditiveKeyShare] {
        try SigningFixture.additiveShares(signers: all, threshold: 3, seed: 0xa1)
    }

    /// One presigning among all three, under the session id `name`.
    func presign(_ shares: [PartyID: AdditiveKeyShare], _ name: String, seed: UInt64) throws -> [PartyID: PresignatureSlot] {
        let aux = SigningFixture.auxInfos(for: all.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try all.map {
            try Presigning.makeSession(sessionID: Array(name.utf8), keyShare: shares[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: seed)
        guard case .finished(let slots) = runner.run() else { throw SigningFixture.FixtureError.keyInitFailed }
        return slots
    }

    /// Standalone signing sessions; each signer takes its presignature from `slots(party)`.
    func signingSessions(_ shares: [PartyID: AdditiveKeyShare],
                         slots: (PartyID) -> PresignatureSlot) throws -> [Session<RecoverableSignature>] {
        try all.map { signer in
            try Signing.makeSession(sessionID: Array("sign by id".utf8), presignature: slots(signer.partyID).take()!,
                                    keyShare: shares[signer.partyID]!, prehash: prehash, signer: signer)
        }
    }

    /// Runs the one signing round by hand: every σ message to every other party (through
    /// `deliver`, which may rewrite or add copies), then each party finalises. Returns each party's
    /// result and the messages sent.
    func sign(_ sessions: [Session<RecoverableSignature>],
              deliver: (SignedMessage, PartyID) -> [SignedMessage] = { message, _ in [message] })
        -> (results: [PartyID: Result<RecoverableSignature, SessionError>], sent: [SignedMessage]) {
        var byParty = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
        var generator = ChaChaRandom(testSeed: 0xa2)
        var sent: [SignedMessage] = []
        for party in byParty.keys.sorted() {
            sent += try! byParty[party]!.makeMessages(using: &generator).map(\.message)
        }
        var results: [PartyID: Result<RecoverableSignature, SessionError>] = [:]
        for party in byParty.keys.sorted() {
            do throws(SessionError) {
                for message in sent where message.sender != party {
                    for delivered in deliver(message, party) { try byParty[party]!.receive(delivered, from: delivered.sender) }
                }
                switch try byParty[party]!.finalize(using: &generator) {
                case .finished(let signature): results[party] = .success(signature)
                case .inProgress: Issue.record("signing has one round")
                }
            } catch {
                results[party] = .failure(error)
            }
        }
        return (results, sent)
    }

    func accusation(of message: SignedMessage) -> ProtocolFault {
        let reason = FaultReason.violation(RoundViolation(rule: "invalid-signature-share"))
        return ProtocolFault(culprit: message.sender, round: 1, reason: reason,
                             evidence: Evidence(culprit: message.sender, round: 1, reason: reason, messages: [message]))
    }

    func context(_ commitments: PresignatureCommitments) throws -> FaultCheckContext {
        let context = FaultCheckContext(
            publicData: try Signing.publicData(sessionID: Array("sign by id".utf8), committee: all.map(\.partyID)),
            parameters: .testing, inputs: .signing(commitments: commitments, prehash: prehash))
        let decoded = try FaultCheckContext(encoded: context.encoded)
        #expect(decoded.encoded == context.encoded)
        guard case .signing(let decodedCommitments, _) = decoded.inputs else { Issue.record("inputs changed"); return decoded }
        #expect(decodedCommitments == commitments && decodedCommitments.id == commitments.id)
        return decoded
    }

    @Test func theIDIsSharedByEverySignerAndChangesWithAnyCommitment() throws {
        let slots = try presign(try shares(), "presign id 1", seed: 1)
        let commitments = slots.values.first!.commitments
        #expect(Set(slots.values.map(\.id)).count == 1)
        #expect(commitments.id.rawRepresentation.count == PresignatureID.byteCount)
        #expect(commitments.presigningSessionID
                    == (try Presigning.publicData(sessionID: Array("presign id 1".utf8), committee: all.map(\.partyID))).boundSessionID)
        // Rebuilt from the same values: the same id; through the storage encoding: the same id.
        let rebuilt = PresignatureCommitments(presigningSessionID: commitments.presigningSessionID, nonce: commitments.nonce,
                                              nonceShares: commitments.nonceShares, keyNonceShares: commitments.keyNonceShares)
        #expect(rebuilt.id == commitments.id)
        let party = all[0].partyID
        let presignature = slots[party]!.take()!
        #expect(presignature.id == commitments.id)
        #expect(try Presignature(encoded: presignature.encoded, parameters: .testing).id == commitments.id)
        #expect(try PresignatureID(rawRepresentation: commitments.id.rawRepresentation) == commitments.id)
        #expect(throws: DecodingError.self) { try PresignatureID(rawRepresentation: [UInt8](repeating: 0, count: 31)) }

        func changed(sessionID: [UInt8]? = nil, nonce: Point? = nil, nonceShares: [PartyID: Point]? = nil,
                     keyNonceShares: [PartyID: Point]? = nil) -> PresignatureID {
            PresignatureCommitments(presigningSessionID: sessionID ?? commitments.presigningSessionID,
                                    nonce: nonce ?? commitments.nonce, nonceShares: nonceShares ?? commitments.nonceShares,
                                    keyNonceShares: keyNonceShares ?? commitments.keyNonceShares).id
        }
        var ids: [PresignatureID] = [commitments.id]
        var sessionID = commitments.presigningSessionID
        sessionID[0] ^= 1
        ids.append(changed(sessionID: sessionID))
        ids.append(changed(nonce: commitments.nonce + .generator))
        for signer in all.map(\.partyID) {
            var shares = commitments.nonceShares
            shares[signer] = shares[signer]! + .generator
            ids.append(changed(nonceShares: shares))
            var keyShares = commitments.keyNonceShares
            keyShares[signer] = keyShares[signer]! + .generator
            ids.append(changed(keyNonceShares: keyShares))
            // A signer left out.
            ids.append(changed(nonceShares: commitments.nonceShares.filter { $0.key != signer },
                               keyNonceShares: commitments.keyNonceShares.filter { $0.key != signer }))
        }
        // Δ̃ and S̃ of one signer swapped.
        var swappedDelta = commitments.nonceShares, swappedS = commitments.keyNonceShares
        swappedDelta[party] = commitments.keyNonceShares[party]
        swappedS[party] = commitments.nonceShares[party]
        ids.append(changed(nonceShares: swappedDelta, keyNonceShares: swappedS))
        #expect(Set(ids).count == ids.count, "every change gives another id")
        // Another presigning among the same signers: another id.
        #expect(try presign(try shares(), "presign id 2", seed: 2).values.first!.id != commitments.id)
    }

    /// (a) A rushing adversary made honest signers pick different presignatures: no one is named;
    /// every party ends with the typed, unattributed `.differentPresignatures`.
    @Test func signersWithDifferentPresignaturesBlameNoOne() throws {
        let shares = try shares()
        let first = try presign(shares, "presign A", seed: 3), second = try presign(shares, "presign B", seed: 4)
        let idA = first.values.first!.id, idB = second.values.first!.id
        let odd = all[0].partyID
        let commitmentsB = second.values.first!.commitments
        let (results, sent) = sign(try signingSessions(shares) { $0 == odd ? first[$0]! : second[$0]! })
        for party in all.map(\.partyID) {
            guard case .failure(.differentPresignatures(let mismatch)) = results[party] else {
                Issue.record("\(party): \(String(describing: results[party]))")
                continue
            }
            if party == odd {
                #expect(mismatch.own == idA && mismatch.others == Dictionary(uniqueKeysWithValues: all.dropFirst().map { ($0.partyID, idB) }))
            } else {
                #expect(mismatch.own == idB && mismatch.others == [odd: idA])
            }
            #expect("\(SessionError.differentPresignatures(mismatch))".contains("different presignatures"))
        }
        // What the check prevents: the odd signer's honest σ fails against the others' presignature,
        // so without the id it would have been named (and "proven").
        let oddMessage = try #require(sent.first { $0.sender == odd })
        let share = try PresignedSignatureShareMessage(encoded: oddMessage.payload)
        #expect(share.presignature == idA)
        #expect(throws: RoundViolation.self) {
            try PresignChecks.signatureShare(share.sigma, sender: odd, commitments: commitmentsB, prehash: prehash)
        }
        // A third party with the others' commitments refuses to judge it.
        guard case .notProven(let why) = try context(commitmentsB).verdict(of: accusation(of: oddMessage)) else {
            Issue.record("an honest σ made with another presignature was convicted")
            return
        }
        #expect(why.contains("incomplete evidence"))
    }

    /// (b) An honest run, then a forged check context carrying another presignature's commitments
    /// (or the right ones with any field changed): no conviction.
    @Test func aContextWithAnotherPresignaturesCommitmentsConvictsNoOne() throws {
        let shares = try shares()
        let used = try presign(shares, "presign used", seed: 5), other = try presign(shares, "presign other", seed: 6)
        let real = used.values.first!.commitments
        let (results, sent) = sign(try signingSessions(shares) { used[$0]! })
        #expect(results.values.allSatisfy { if case .success = $0 { true } else { false } })
        for message in sent {
            #expect(try context(real).verdict(of: accusation(of: message)) == .notProven("the protocol check passes"))
            var forged = [other.values.first!.commitments]
            var sessionID = real.presigningSessionID
            sessionID[31] ^= 0x80
            forged.append(PresignatureCommitments(presigningSessionID: sessionID, nonce: real.nonce,
                                                  nonceShares: real.nonceShares, keyNonceShares: real.keyNonceShares))
            var shifted = real.nonceShares
            shifted[message.sender] = shifted[message.sender]! + .generator
            forged.append(PresignatureCommitments(presigningSessionID: real.presigningSessionID, nonce: real.nonce,
                                                  nonceShares: shifted, keyNonceShares: real.keyNonceShares))
            for commitments in forged {
                let verdict = try context(commitments).verdict(of: accusation(of: message))
                guard case .notProven(let why) = verdict, why.contains("incomplete evidence") else {
                    Issue.record("forged commitments: \(verdict)")
                    continue
                }
            }
        }
    }

    /// A σ that is really wrong, made with the right presignature, is still named and proven (also
    /// `SigningProductionTests.standaloneSigningBlamesABadShare`).
    @Test func aBadShareWithTheRightPresignatureIsProven() throws {
        let shares = try shares()
        let slots = try presign(shares, "presign bad share", seed: 7)
        let commitments = slots.values.first!.commitments
        let culprit = all[1]
        let (results, _) = sign(try signingSessions(shares) { slots[$0]! }) { message, _ in
            guard message.sender == culprit.partyID else { return [message] }
            let share = try! PresignedSignatureShareMessage(encoded: message.payload)
            return [message.replacingPayload(
                PresignedSignatureShareMessage(presignature: share.presignature, sigma: share.sigma + .one).encoded, signer: culprit)]
        }
        for party in all.map(\.partyID) where party != culprit.partyID {
            guard case .failure(.fault(let fault)) = results[party] else { Issue.record("\(String(describing: results[party]))"); continue }
            #expect(fault.culprit == culprit.partyID)
            #expect(try context(commitments).verdict(of: try ProtocolFault(encoded: fault.encoded)) == .proven)
            #expect(try context(commitments).verdict(of: fault.accusing(party)) != .proven)
        }
    }

    /// A signer that signs two ids to one receiver equivocated (proven); one that names another id
    /// consistently is not judged (no one named: it could as well stay silent).
    @Test func anotherIDIsEquivocationOnlyWhenSignedTwice() throws {
        let shares = try shares()
        let culprit = all[2]
        let fakeID = try PresignatureID(rawRepresentation: [UInt8](repeating: 0x42, count: 32))
        func naming(_ message: SignedMessage) -> SignedMessage {
            let share = try! PresignedSignatureShareMessage(encoded: message.payload)
            return message.replacingPayload(PresignedSignatureShareMessage(presignature: fakeID, sigma: share.sigma).encoded,
                                            signer: culprit)
        }
        // Twice to one receiver: equivocation, proven without a rechecker.
        let slots = try presign(shares, "presign equivocation", seed: 8)
        let (twice, _) = sign(try signingSessions(shares) { slots[$0]! }) { message, _ in
            message.sender == culprit.partyID ? [message, naming(message)] : [message]
        }
        for party in all.map(\.partyID) where party != culprit.partyID {
            guard case .failure(.fault(let fault)) = twice[party] else { Issue.record("\(String(describing: twice[party]))"); continue }
            #expect(fault.culprit == culprit.partyID && fault.reason == .equivocation)
            #expect(try context(slots.values.first!.commitments).verdict(of: fault) == .proven)
        }
        // Consistently another id: the honest parties stop, naming no one, and the evidence convicts no one.
        let fresh = try presign(shares, "presign other id", seed: 9)
        let (consistent, sent) = sign(try signingSessions(shares) { fresh[$0]! }) { message, _ in
            message.sender == culprit.partyID ? [naming(message)] : [message]
        }
        for party in all.map(\.partyID) where party != culprit.partyID {
            guard case .failure(.differentPresignatures(let mismatch)) = consistent[party] else {
                Issue.record("\(String(describing: consistent[party]))")
                continue
            }
            #expect(mismatch.others == [culprit.partyID: fakeID])
        }
        let renamed = naming(try #require(sent.first { $0.sender == culprit.partyID }))
        #expect(try context(fresh.values.first!.commitments).verdict(of: accusation(of: renamed)) != .proven)
    }
}
