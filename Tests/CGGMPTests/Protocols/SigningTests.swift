import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// Checks a threshold signature with libsecp256k1 alone: it verifies under `publicKey`, has low s,
/// and recovers `publicKey` from its 65-byte form.
func expectValidSignature(_ signature: RecoverableSignature, prehash: Prehash, publicKey: Point) throws {
    #expect(signature.signature.isValid(for: prehash, publicKey: publicKey))
    #expect(signature.signature.isLowS)
    let raw = signature.rawRepresentation
    #expect(raw.count == 65)
    let decoded = try RecoverableSignature(rawRepresentation: raw)
    #expect(try decoded.recoverPublicKey(from: prehash) == publicKey)
}

@Suite struct SigningHonestTests {
    /// (n, t): n-of-n shares from KeyInit when t = n, a dealer's t-of-n shares otherwise.
    @Test(arguments: [(2, 2), (3, 2), (4, 3), (5, 3)])
    func interactiveSigningVerifies(parties: Int, threshold: Int) throws {
        let all = makeSigners(parties)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: threshold, seed: UInt64(parties * 10 + threshold))
        let signers = all.filter { shares[$0.partyID] != nil }
        #expect(signers.count == threshold)
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let prehash = testPrehash("interactive \(parties)/\(threshold)")
        let sessions = try signers.map {
            try InteractiveSigning.makeSession(sessionID: Array("sign-\(parties)-\(threshold)".utf8),
                                               keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                                               prehash: prehash, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: UInt64(parties), parallel: parties >= 4)
        let outcome = runner.run()
        guard case .finished(let signatures) = outcome else {
            Issue.record("signing did not finish: \(outcome)")
            return
        }
        let publicKey = shares.values.first!.publicKey
        #expect(Set(signatures.values).count == 1)
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: publicKey)
    }
}

/// Presign now, sign later; BIP32 derivation; the presignature's binding to its key and signers.
@Suite struct PresignThenSignTests {
    let all = makeSigners(3)

    /// Runs presigning for `shares` and returns each signer's slot.
    func presign(_ shares: [PartyID: AdditiveKeyShare], seed: UInt64) throws -> [PartyID: PresignatureSlot] {
        let signers = all.filter { shares[$0.partyID] != nil }
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try signers.map {
            try Presigning.makeSession(sessionID: Array("presign-\(seed)".utf8), keyShare: shares[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: seed)
        guard case .finished(let slots) = runner.run() else { throw SigningFixture.FixtureError.keyInitFailed }
        return slots
    }

    func sign(_ slots: [PartyID: PresignatureSlot], shares: [PartyID: AdditiveKeyShare], prehash: Prehash,
              seed: UInt64) throws -> SimulationRunner<RecoverableSignature, ChaChaRandom>.Outcome {
        let signers = all.filter { shares[$0.partyID] != nil }
        let sessions = try signers.map { signer throws -> Session<RecoverableSignature> in
            guard let presignature = slots[signer.partyID]!.take() else { throw SigningFixture.FixtureError.keyInitFailed }
            return try Signing.makeSession(sessionID: Array("sign-\(seed)".utf8), presignature: presignature,
                                           keyShare: shares[signer.partyID]!, prehash: prehash, signer: signer)
        }
        var runner = simulation(sessions, seed: seed)
        return runner.run()
    }

    @Test func presignThenSignVerifies() throws {
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 3, seed: 21)
        let slots = try presign(shares, seed: 1)
        let publicKey = shares.values.first!.publicKey
        #expect(Set(slots.values.map(\.commitments)).count == 1)
        #expect(slots.values.allSatisfy { $0.publicKey == publicKey })
        let prehash = testPrehash("sign later")
        guard case .finished(let signatures) = try sign(slots, shares: shares, prehash: prehash, seed: 1) else {
            Issue.record("signing did not finish")
            return
        }
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: publicKey)
        // R = Γ: the signature's r is the presignature's nonce x coordinate.
        #expect(signatures.values.first!.signature.r == slots.values.first!.commitments.r)
        // Each slot handed its presignature out once.
        #expect(slots.values.allSatisfy { $0.isTaken })
    }

    @Test func dealerThresholdKeySignsUnderADerivedKey() throws {
        var generator = ChaChaRandom(testSeed: 31)
        let holders = all.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let root = try ExtendedPublicKey(publicKey: dealt.commitment.publicKey, chainCode: [UInt8](repeating: 7, count: 32))
        let derivation = try root.derive(path: "m/0/5")
        let chosen = Array(holders.sorted().suffix(2))
        var shares: [PartyID: AdditiveKeyShare] = [:]
        for party in chosen {
            let threshold = try ThresholdKeyShare(receiving: dealt.shares[party]!, commitment: dealt.commitment,
                                                  threshold: 2, holders: holders)
            shares[party] = try threshold.tweaked(by: derivation.tweak).additiveShare(signers: chosen)
        }
        #expect(shares.values.first!.publicKey == derivation.key.publicKey)
        let slots = try presign(shares, seed: 2)
        let prehash = testPrehash("derived")
        guard case .finished(let signatures) = try sign(slots, shares: shares, prehash: prehash, seed: 2) else {
            Issue.record("signing did not finish")
            return
        }
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: derivation.key.publicKey)
        #expect(!signatures.values.first!.signature.isValid(for: prehash, publicKey: root.publicKey))
    }

    /// RUSTSEC-2025-0127: a presignature made for the root key is refused for a child key (and the
    /// reverse), and one made by one signer set is refused for another.
    @Test func presignatureIsBoundToItsKeyAndSigners() throws {
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 3, seed: 41)
        let slots = try presign(shares, seed: 3)
        let party = all[0]
        let tweaked = try shares[party.partyID]!.tweaked(by: Scalar(99))
        #expect(throws: SigningSetupError.presignatureForAnotherKey) {
            try Signing.makeSession(sessionID: [1], presignature: slots[party.partyID]!.take()!, keyShare: tweaked,
                                    prehash: testPrehash("m"), signer: party)
        }
        // Another signer set: the same party's share of a 2-of-3 key among two of the parties.
        let otherShares = try SigningFixture.additiveShares(signers: all, threshold: 2, seed: 42)
        let member = all.first { otherShares[$0.partyID] != nil }!
        #expect(throws: SigningSetupError.presignatureForAnotherSignerSet) {
            try Signing.makeSession(sessionID: [1], presignature: try presign(shares, seed: 4)[member.partyID]!.take()!,
                                    keyShare: otherShares[member.partyID]!, prehash: testPrehash("m"), signer: member)
        }
        // Someone else's presignature.
        #expect(throws: SigningSetupError.ownerMismatch) {
            try Signing.makeSession(sessionID: [1], presignature: try presign(shares, seed: 5)[all[2].partyID]!.take()!,
                                    keyShare: shares[all[2].partyID]!, prehash: testPrehash("m"), signer: all[1])
        }
    }

    @Test func presigningRejectsMismatchedInputs() throws {
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 3, seed: 51)
        let aux = SigningFixture.auxInfos(for: all.map(\.partyID).sorted(), material: SigningFixture.testing)
        #expect(throws: SigningSetupError.ownerMismatch) {
            try Presigning.makeSession(sessionID: [1], keyShare: shares[all[0].partyID]!, auxInfo: aux[all[1].partyID]!,
                                       signer: all[0], parameters: .testing)
        }
        let twoAux = SigningFixture.auxInfos(for: Array(all.map(\.partyID).sorted().prefix(2)),
                                             material: SigningFixture.testing)
        let member = all.map(\.partyID).sorted()[0]
        #expect(throws: SigningSetupError.signerSetMismatch) {
            try Presigning.makeSession(sessionID: [1], keyShare: shares[member]!, auxInfo: twoAux[member]!,
                                       signer: all.first { $0.partyID == member }!, parameters: .testing)
        }
        // Moduli of the wrong size for the parameter set.
        #expect(throws: SigningSetupError.auxInfoWrongSize(all.map(\.partyID).sorted()[0])) {
            try Presigning.makeSession(sessionID: [1], keyShare: shares[member]!, auxInfo: aux[member]!,
                                       signer: all.first { $0.partyID == member }!, parameters: .production112)
        }
    }

    /// The owner's trapdoor is kept only for the owner's own published parameters: another party's
    /// would make the own-key checks compute with the wrong primes.
    @Test func auxInfoKeepsOnlyTheOwnersTrapdoor() throws {
        let parties = all.map(\.partyID).sorted()
        let own = SigningFixture.auxInfos(for: parties, material: SigningFixture.testing)[parties[0]]!
        #expect(own.ringPedersenSecret?.parameters == SigningFixture.testing.setups[0])
        let other = try SigningAuxInfo(owner: parties[0], paillierSecret: SigningFixture.testing.secrets[0],
                                       publicAux: own.publicAux, ringPedersenSecret: SigningFixture.testing.trapdoors[1])
        #expect(other.ringPedersenSecret == nil)
    }
}

@Suite struct SigningProductionTests {
    /// The one production-size run: 2-of-3 dealer key, committed 1024-bit primes, production112.
    @Test func interactiveSigningAtProduction112() throws {
        let all = makeSigners(3)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 2, seed: 112)
        let signers = all.filter { shares[$0.partyID] != nil }
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.production112)
        let prehash = testPrehash("production112")
        let sessions = try signers.map {
            try InteractiveSigning.makeSession(sessionID: Array("production".utf8), keyShare: shares[$0.partyID]!,
                                               auxInfo: aux[$0.partyID]!, prehash: prehash, signer: $0,
                                               parameters: .production112)
        }
        var runner = simulation(sessions, seed: 112, parallel: true)
        guard case .finished(let signatures) = runner.run() else {
            Issue.record("signing did not finish")
            return
        }
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: shares.values.first!.publicKey)
    }

    /// A bad σ share in standalone signing is named with evidence checked against the
    /// presignature's commitments.
    @Test func standaloneSigningBlamesABadShare() throws {
        let all = makeSigners(2)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 2, seed: 71)
        let aux = SigningFixture.auxInfos(for: all.map(\.partyID).sorted(), material: SigningFixture.testing)
        let presignSessions = try all.map {
            try Presigning.makeSession(sessionID: [7], keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                                       signer: $0, parameters: .testing)
        }
        var presigning = simulation(presignSessions, seed: 71)
        guard case .finished(let slots) = presigning.run() else {
            Issue.record("presigning did not finish")
            return
        }
        let commitments = slots.values.first!.commitments
        let prehash = testPrehash("standalone")
        let culprit = all[0]
        let sessions = try all.map { signer throws -> Session<RecoverableSignature> in
            guard let presignature = slots[signer.partyID]!.take() else { throw SigningFixture.FixtureError.keyInitFailed }
            return try Signing.makeSession(sessionID: [8], presignature: presignature, keyShare: shares[signer.partyID]!,
                                           prehash: prehash, signer: signer)
        }
        var signing = simulation(sessions, seed: 72) { message, _ in
            guard message.sender == culprit.partyID else { return message }
            let share = try! PresignedSignatureShareMessage(encoded: message.payload)
            #expect(share.presignature == commitments.id)
            return message.replacingPayload(
                PresignedSignatureShareMessage(presignature: share.presignature, sigma: share.sigma + .one).encoded, signer: culprit)
        }
        guard let faults = signing.run().faults, let fault = faults[all[1].partyID] else {
            Issue.record("the bad share was not detected")
            return
        }
        #expect(fault.culprit == culprit.partyID)
        let publicData = try Signing.publicData(sessionID: [8], committee: all.map(\.partyID))
        #expect(throws: Never.self) {
            try fault.evidence.verify(publicData: publicData,
                                      rechecker: Signing.evidenceRechecker(commitments: commitments, prehash: prehash))
        }
        // A third party with the encoded report and check context (the right presignature): proven.
        let context = try FaultCheckContext(encoded: FaultCheckContext(
            publicData: publicData, parameters: .testing, inputs: .signing(commitments: commitments, prehash: prehash)).encoded)
        #expect(context.verdict(of: try ProtocolFault(encoded: fault.encoded)) == .proven)
        // An honest share presented as evidence does not convince.
        let honest = signing.sentMessages.first { $0.sender == all[1].partyID }!
        let honestEvidence = Evidence(culprit: all[1].partyID, round: 1, reason: fault.reason, messages: [honest])
        #expect(throws: EvidenceError.notProven("the protocol check passes")) {
            try honestEvidence.verify(publicData: publicData,
                                      rechecker: Signing.evidenceRechecker(commitments: commitments, prehash: prehash))
        }
    }
}

@Suite struct SigningWithAuxGenTests {
    /// The whole pipeline at `testing`: KeyInit and AuxGen (committed primes) among 3, KeyResharing
    /// to 4 holders with threshold 3, then presign + sign by three holders, one of them new.
    @Test func keyInitReshareAuxGenSign() throws {
        let all = makeSigners(4)
        let founders = Array(all.prefix(3))
        var keyInit = keyInitRunner(signers: founders, seed: 81)
        guard case .finished(let additive) = keyInit.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let old = try additive.mapValues { try ThresholdKeyShare(additive: $0) }
        let configuration = try KeyResharingConfiguration(
            oldKey: old.values.first!.publicPart, dealers: founders.map(\.partyID), newHolders: all.map(\.partyID),
            newThreshold: 3)
        let resharing = try all.map {
            try KeyResharing.makeSession(sessionID: Array("reshare for signing".utf8), configuration: configuration,
                                         oldShare: old[$0.partyID], signer: $0)
        }
        var reshare = simulation(resharing, seed: 82)
        guard case .finished(let reshared) = reshare.run() else {
            Issue.record("resharing did not finish")
            return
        }
        var auxGen = auxGenRunner(signers: all, seed: 83)
        guard case .finished(let auxInfos) = auxGen.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        let signers = Array(all.suffix(3))  // includes all[3], which holds only a reshared share
        let ids = signers.map(\.partyID)
        let prehash = testPrehash("pipeline")
        let sessions = try signers.map { signer in
            let share = try #require(reshared[signer.partyID] ?? nil)
            return try InteractiveSigning.makeSession(
                sessionID: Array("pipeline sign".utf8), keyShare: try share.additiveShare(signers: ids),
                auxInfo: try SigningAuxInfo(auxInfos[signer.partyID]!, signers: ids), prehash: prehash, signer: signer,
                parameters: .testing)
        }
        var signing = simulation(sessions, seed: 84)
        guard case .finished(let signatures) = signing.run() else {
            Issue.record("signing did not finish")
            return
        }
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: additive.values.first!.publicKey)
    }
}

@Suite struct SigningReproducibilityTests {
    @Test func seededRunsAreReproducibleAndDescriptionsHideSecrets() throws {
        let all = makeSigners(2)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 2, seed: 91)
        let aux = SigningFixture.auxInfos(for: all.map(\.partyID).sorted(), material: SigningFixture.testing)
        func run(seed: UInt64, parallel: Bool) throws -> (SimulationRunner<PresignatureSlot, ChaChaRandom>, [PartyID: PresignatureSlot]) {
            let sessions = try all.map {
                try Presigning.makeSession(sessionID: [9], keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                                           signer: $0, parameters: .testing)
            }
            var runner = simulation(sessions, seed: seed, parallel: parallel)
            guard case .finished(let slots) = runner.run() else { throw SigningFixture.FixtureError.keyInitFailed }
            return (runner, slots)
        }
        let (first, a) = try run(seed: 1, parallel: false)
        let (second, b) = try run(seed: 1, parallel: true)
        let (third, c) = try run(seed: 2, parallel: false)
        #expect(first.sentMessages.map(\.encoded) == second.sentMessages.map(\.encoded))
        #expect(first.sentMessages.map(\.encoded) != third.sentMessages.map(\.encoded))
        let party = all[0].partyID
        #expect(a[party]!.commitments == b[party]!.commitments)
        #expect(a[party]!.commitments != c[party]!.commitments)
        // No secret in descriptions: neither the share nor the presignature's k̃, χ̃.
        guard let presignature = a[party]!.take() else {
            Issue.record("no presignature")
            return
        }
        let secrets = [presignature.material.kTilde, presignature.material.chiTilde, shares[party]!.secretShare]
        let printed = ["\(a[party]!)", presignature.description, "\(aux[party]!)"]
        for secret in secrets {
            for text in printed { #expect(!text.contains(hexString(secret.rawRepresentation))) }
        }
    }
}

/// Finding "presignatures stay spendable after a KeyRefresh": every presignature records its key
/// epoch and signing refuses it under a share of another epoch.
@Suite struct PresignatureEpochTests {
    @Test func testPresignatureFromBeforeKeyRefreshIsRefused() throws {
        let signers = makeSigners(3)
        let before = try keyInitShares(signers, seed: 71)
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try signers.map {
            try Presigning.makeSession(sessionID: Array("presign before refresh".utf8), keyShare: before[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var presigning = simulation(sessions, seed: 72)
        guard case .finished(let slots) = presigning.run() else { Issue.record("presigning failed"); return }
        let party = signers[0]
        #expect(slots[party.partyID]!.epoch == before[party.partyID]!.epoch)

        var refresh = keyRefreshRunner(signers: signers, shares: before, seed: 73)
        guard case .finished(let refreshed) = refresh.run() else { Issue.record("KeyRefresh failed"); return }
        let after = refreshed[party.partyID]!.keyShare
        // Same key, same signers: only the epoch tells the shares apart.
        #expect(after.publicKey == before[party.partyID]!.publicKey)
        #expect(after.signers == before[party.partyID]!.signers)
        #expect(after.epoch != before[party.partyID]!.epoch)
        #expect(refreshed.values.allSatisfy { $0.keyShare.epoch == after.epoch })

        // Through the storage encoding too: the epoch survives it.
        let taken = slots[party.partyID]!.take()!
        let stored = taken.encoded
        #expect(throws: SigningSetupError.presignatureForAnotherEpoch) {
            try Signing.makeSession(sessionID: [1], presignature: try Presignature(encoded: stored, parameters: .testing),
                                    keyShare: after, prehash: testPrehash("m"), signer: party)
        }
        // The other parties' presignatures are refused under the refreshed shares, accepted under the old.
        let other = signers[1]
        #expect(throws: SigningSetupError.presignatureForAnotherEpoch) {
            try Signing.makeSession(sessionID: [1], presignature: slots[other.partyID]!.take()!,
                                    keyShare: refreshed[other.partyID]!.keyShare, prehash: testPrehash("m"), signer: other)
        }
        _ = try Signing.makeSession(sessionID: [1], presignature: slots[signers[2].partyID]!.take()!,
                                    keyShare: before[signers[2].partyID]!, prehash: testPrehash("m"), signer: signers[2])
    }

    @Test func derivedSharesKeepTheirEpochAndResharingChangesIt() throws {
        let signers = makeSigners(3)
        var generator = ChaChaRandom(testSeed: 74)
        let holders = signers.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(secretKey: Scalar(12345), threshold: 2, holders: holders, using: &generator)
        let share = try ThresholdKeyShare(receiving: dealt.shares[holders[0]]!, commitment: dealt.commitment,
                                          threshold: 2, holders: holders)
        #expect(share.epoch == share.publicPart.epoch)
        let child = try share.tweaked(by: Scalar(5))
        #expect(child.epoch == share.epoch)
        let additive = try child.additiveShare(signers: Array(holders.sorted().prefix(2)))
        #expect(additive.epoch == share.epoch)
        #expect(try additive.tweaked(by: Scalar(3)).epoch == share.epoch)
        // Another sharing of the same key (what KeyResharing makes) has another epoch.
        let redealt = try DealerKeyGeneration.deal(secretKey: Scalar(12345), threshold: 2, holders: holders, using: &generator)
        let other = try ThresholdKeyShare(receiving: redealt.shares[holders[0]]!, commitment: redealt.commitment,
                                          threshold: 2, holders: holders)
        #expect(other.publicKey == share.publicKey)
        #expect(other.epoch != share.epoch)
    }
}
