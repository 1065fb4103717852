import Bytes
import BigNum
import Foundation
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

let resharingSessionID = Array("test KeyResharing session".utf8)

typealias ResharingRunner = SimulationRunner<ThresholdKeyShare?, ChaChaRandom>

/// A resharing simulation: every committee member's session, dealers with their old share.
func resharingRunner(configuration: KeyResharingConfiguration, oldShares: [PartyID: ThresholdKeyShare],
                     signers: [Ed25519Signer], seed: UInt64, parallel: Bool = false,
                     tamper: ResharingRunner.Tamper? = nil) throws -> ResharingRunner {
    let members = Set(configuration.committee)
    let participants = signers.filter { members.contains($0.partyID) }
    #expect(participants.count == members.count)
    let sessions = try participants.map {
        try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration,
                                     oldShare: configuration.dealers.contains($0.partyID) ? oldShares[$0.partyID] : nil,
                                     signer: $0)
    }
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, signer) in participants.enumerated() {
        generators[signer.partyID] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
    }
    return SimulationRunner(machines: sessions, generators: generators, parallelVerification: parallel, tamper: tamper)
}

/// A dealt t-of-n key with a known secret, as threshold shares.
func dealtShares(secret: Scalar, threshold: Int, holders: [PartyID], seed: UInt64) throws -> [PartyID: ThresholdKeyShare] {
    var generator = ChaChaRandom(testSeed: seed)
    let dealt = try DealerKeyGeneration.deal(secretKey: secret, threshold: threshold, holders: holders, using: &generator)
    var shares: [PartyID: ThresholdKeyShare] = [:]
    for holder in holders {
        shares[holder] = try ThresholdKeyShare(receiving: dealt.shares[holder]!, commitment: dealt.commitment,
                                               threshold: threshold, holders: holders)
    }
    return shares
}

/// Σ λ_i·s_i at 0, with the Lagrange coefficients written out here rather than taken from the
/// library, so recombination checks the shares independently of the code that made them.
func recombine(_ shares: [(x: Scalar, value: Scalar)]) -> Scalar {
    var secret = Scalar.zero
    for (i, share) in shares.enumerated() {
        var numerator = Scalar.one, denominator = Scalar.one
        for (j, other) in shares.enumerated() where j != i {
            numerator *= Scalar.zero - other.x
            denominator *= share.x - other.x
        }
        secret += share.value * numerator * (try! denominator.inverted())
    }
    return secret
}

func recombine(_ shares: [ThresholdKeyShare]) -> Scalar {
    recombine(shares.map { (x: $0.owner.evaluationPoint, value: $0.secretShare) })
}

/// All size-k subsets of `items`.
func subsets<T>(_ items: [T], size k: Int) -> [[T]] {
    guard k > 0 else { return [[]] }
    guard items.count >= k else { return [] }
    let head = items[0], tail = Array(items.dropFirst())
    return subsets(tail, size: k - 1).map { [head] + $0 } + subsets(tail, size: k)
}

func finishedShares(_ outcome: ResharingRunner.Outcome) -> [PartyID: ThresholdKeyShare?]? {
    guard case .finished(let outputs) = outcome else {
        Issue.record("KeyResharing did not finish: \(outcome)")
        return nil
    }
    return outputs
}

@Suite struct KeyResharingHonestTests {
    let signers = makeSigners(6)
    var ids: [PartyID] { signers.map(\.partyID) }
    let secret = Scalar(0x5EC2E7)

    /// Checks the new shares: one per new holder, same key, consistent public data, every
    /// t_new-subset recombines to the secret and every smaller one does not.
    func expectValidNewKey(_ outputs: [PartyID: ThresholdKeyShare?], configuration: KeyResharingConfiguration) throws {
        let newShares = outputs.compactMapValues { $0 }
        #expect(Set(newShares.keys) == Set(configuration.newHolders))
        for (party, output) in outputs where !configuration.newHolders.contains(party) { #expect(output == nil) }
        let reference = try #require(newShares[configuration.newHolders[0]])
        for (owner, share) in newShares {
            #expect(share.owner == owner)
            #expect(share.threshold == configuration.newThreshold)
            #expect(share.publicKey == Point.generatorMultiple(secret))
            #expect(share.publicShares == reference.publicShares)
            #expect(Point.generatorMultiple(share.secretShare) == share.publicShares[owner])
        }
        let holders = configuration.newHolders.map { newShares[$0]! }
        for subset in subsets(holders, size: configuration.newThreshold) {
            #expect(recombine(subset) == secret)
        }
        for subset in subsets(holders, size: configuration.newThreshold - 1) {
            #expect(recombine(subset) != secret)
        }
    }

    @Test func sameCommitteeGetsFreshSharesOfTheSameKey() throws {
        let holders = Array(ids[0..<3])
        let old = try dealtShares(secret: secret, threshold: 2, holders: holders, seed: 1)
        let configuration = try KeyResharingConfiguration(oldKey: old[holders[0]]!.publicPart,
                                                          dealers: Array(holders[0..<2]), newHolders: holders, newThreshold: 2)
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 1)
        let outputs = try #require(finishedShares(runner.run()))
        try expectValidNewKey(outputs, configuration: configuration)
        let new = outputs.compactMapValues { $0 }
        for holder in holders {
            #expect(new[holder]!.secretShare != old[holder]!.secretShare)
            #expect(new[holder]!.publicShares[holder] != old[holder]!.publicShares[holder])
        }
        // An old share and a new one do not recombine to the key (either way round).
        #expect(recombine([old[holders[0]]!, new[holders[1]]!]) != secret)
        #expect(recombine([new[holders[0]]!, old[holders[2]]!]) != secret)
        // Nor do the new shares' additive forms sum to it with an old one mixed in.
        let signersPair = [holders[0], holders[1]]
        let newAdditive = try new[holders[0]]!.additiveShare(signers: signersPair)
        let oldAdditive = try old[holders[1]]!.additiveShare(signers: signersPair)
        #expect(Point.generatorMultiple(newAdditive.secretShare + oldAdditive.secretShare) != new[holders[0]]!.publicKey)
        let bothNew = try new[holders[1]]!.additiveShare(signers: signersPair)
        #expect(Point.generatorMultiple(newAdditive.secretShare + bothNew.secretShare) == new[holders[0]]!.publicKey)
    }

    @Test func twoOfThreeBecomesThreeOfFiveWithTwoNewParties() throws {
        let oldHolders = Array(ids[0..<3])
        let old = try dealtShares(secret: secret, threshold: 2, holders: oldHolders, seed: 2)
        let configuration = try KeyResharingConfiguration(oldKey: old[oldHolders[0]]!.publicPart,
                                                          dealers: [oldHolders[0], oldHolders[2]],
                                                          newHolders: Array(ids[0..<5]), newThreshold: 3)
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 2,
                                         parallel: true)
        try expectValidNewKey(try #require(finishedShares(runner.run())), configuration: configuration)
    }

    @Test func aDealerLeavesTheCommittee() throws {
        let oldHolders = Array(ids[0..<3])
        let old = try dealtShares(secret: secret, threshold: 2, holders: oldHolders, seed: 3)
        // Party 0 deals and leaves; party 3 joins; party 2 stays without dealing.
        let configuration = try KeyResharingConfiguration(oldKey: old[oldHolders[0]]!.publicPart,
                                                          dealers: [ids[0], ids[1]],
                                                          newHolders: [ids[1], ids[2], ids[3]], newThreshold: 2)
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 3)
        let outputs = try #require(finishedShares(runner.run()))
        #expect(outputs.keys.contains(ids[0]))
        #expect(outputs[ids[0]]! == nil)
        try expectValidNewKey(outputs, configuration: configuration)
    }

    @Test func moreDealersThanTheOldThreshold() throws {
        let oldHolders = Array(ids[0..<4])
        let old = try dealtShares(secret: secret, threshold: 2, holders: oldHolders, seed: 4)
        let configuration = try KeyResharingConfiguration(oldKey: old[oldHolders[0]]!.publicPart,
                                                          dealers: oldHolders, newHolders: Array(ids[2..<6]), newThreshold: 3)
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 4)
        try expectValidNewKey(try #require(finishedShares(runner.run())), configuration: configuration)
    }

    @Test func seededRunsAreReproducible() throws {
        let holders = Array(ids[0..<3])
        let old = try dealtShares(secret: secret, threshold: 2, holders: holders, seed: 5)
        let configuration = try KeyResharingConfiguration(oldKey: old[holders[0]]!.publicPart,
                                                          dealers: holders, newHolders: holders, newThreshold: 2)
        var first = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 5)
        var second = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 5)
        var third = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 6)
        _ = first.run()
        _ = second.run()
        _ = third.run()
        #expect(first.sentMessages.map(\.encoded) == second.sentMessages.map(\.encoded))
        #expect(first.sentMessages.map(\.encoded) != third.sentMessages.map(\.encoded))
        // Round 1: one echo-broadcast, two direct messages and one echo from each of the three
        // parties; round 2 (confirmation): one echo-broadcast and one echo each.
        #expect(first.sentMessages.count == 3 * 6)
    }

    /// The registration path: KeyInit among t parties gives a t-of-t additive key, which its
    /// holders reshare to all n.
    @Test func keyInitAmongTThenResharingToN() throws {
        let founders = Array(signers[0..<2])
        var keyInit = keyInitRunner(signers: founders, seed: 7)
        guard case .finished(let additive) = keyInit.run() else {
            Issue.record("KeyInit did not finish")
            return
        }
        let old = try additive.mapValues { try ThresholdKeyShare(additive: $0) }
        let publicKey = additive[founders[0].partyID]!.publicKey
        let keyInitSecret = additive.values.reduce(Scalar.zero) { $0 + $1.secretShare }
        #expect(Point.generatorMultiple(keyInitSecret) == publicKey)
        for share in old.values {
            #expect(share.threshold == 2)
            #expect(share.publicKey == publicKey)
        }
        #expect(recombine(Array(old.values)) == keyInitSecret)

        let configuration = try KeyResharingConfiguration(oldKey: old[founders[0].partyID]!.publicPart,
                                                          dealers: founders.map(\.partyID),
                                                          newHolders: Array(ids[0..<3]), newThreshold: 2)
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 7)
        let new = try #require(finishedShares(runner.run())).compactMapValues { $0 }
        #expect(new.count == 3)
        for share in new.values { #expect(share.publicKey == publicKey) }
        for pair in subsets(Array(new.values), size: 2) { #expect(recombine(pair) == keyInitSecret) }
    }

    @Test func setupMistakesAreReported() throws {
        let holders = Array(ids[0..<3])
        let old = try dealtShares(secret: secret, threshold: 2, holders: holders, seed: 8)
        let oldKey = old[holders[0]]!.publicPart
        #expect(throws: KeyResharingSetupError.notEnoughDealers(needed: 2, got: 1)) {
            try KeyResharingConfiguration(oldKey: oldKey, dealers: [holders[0]], newHolders: holders, newThreshold: 2)
        }
        #expect(throws: KeyResharingSetupError.dealerNotAnOldHolder(ids[4])) {
            try KeyResharingConfiguration(oldKey: oldKey, dealers: [holders[0], ids[4]], newHolders: holders, newThreshold: 2)
        }
        #expect(throws: KeyResharingSetupError.keyShare(.thresholdExceedsPartyCount(threshold: 4, parties: 3))) {
            try KeyResharingConfiguration(oldKey: oldKey, dealers: holders, newHolders: holders, newThreshold: 4)
        }
        #expect(throws: KeyResharingSetupError.keyShare(.duplicateParty(holders[1]))) {
            try KeyResharingConfiguration(oldKey: oldKey, dealers: holders, newHolders: holders + [holders[1]], newThreshold: 2)
        }
        let configuration = try KeyResharingConfiguration(oldKey: oldKey, dealers: Array(holders[0..<2]),
                                                          newHolders: holders, newThreshold: 2)
        #expect(throws: KeyResharingSetupError.dealerWithoutShare) {
            try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration, oldShare: nil,
                                         signer: signers[0])
        }
        #expect(throws: KeyResharingSetupError.shareGivenToNonDealer) {
            try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration,
                                         oldShare: old[holders[2]], signer: signers[2])
        }
        #expect(throws: KeyResharingSetupError.shareDoesNotMatchOldKey) {
            try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration,
                                         oldShare: old[holders[1]], signer: signers[0])
        }
        let otherKey = try dealtShares(secret: secret + .one, threshold: 2, holders: holders, seed: 9)
        #expect(throws: KeyResharingSetupError.shareDoesNotMatchOldKey) {
            try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration,
                                         oldShare: otherKey[holders[0]], signer: signers[0])
        }
        #expect(throws: KeyResharingSetupError.session(.signerNotInCommittee(ids[5]))) {
            try KeyResharing.makeSession(sessionID: resharingSessionID, configuration: configuration, oldShare: nil,
                                         signer: signers[5])
        }
    }
}

/// A dealer misbehaves; the honest parties name it and the evidence convinces a third party.
@Suite struct KeyResharingMisbehaviourTests {
    let signers = makeSigners(5)
    var ids: [PartyID] { signers.map(\.partyID) }
    var culprit: Ed25519Signer { signers[1] }

    /// 2-of-3 over parties 0…2, dealt by 0 and 1, to 2-of-4 over parties 0…3.
    func setUp() throws -> (KeyResharingConfiguration, [PartyID: ThresholdKeyShare]) {
        let old = try dealtShares(secret: Scalar(77), threshold: 2, holders: Array(ids[0..<3]), seed: 30)
        let configuration = try KeyResharingConfiguration(oldKey: old[ids[0]]!.publicPart, dealers: [ids[0], ids[1]],
                                                          newHolders: Array(ids[0..<4]), newThreshold: 2)
        return (configuration, old)
    }

    func expectCulpritNamed(_ outcome: ResharingRunner.Outcome, configuration: KeyResharingConfiguration,
                            accusers: Set<PartyID>, rule: String, culprit: PartyID? = nil) throws {
        guard let faults = (outcome).faults else {
            Issue.record("expected a fault, got \(outcome)")
            return
        }
        let culprit = culprit ?? self.culprit.partyID
        #expect(accusers.isSubset(of: Set(faults.keys)))
        let publicData = try KeyResharing.publicData(sessionID: resharingSessionID, configuration: configuration)
        let rechecker = KeyResharing.evidenceRechecker(configuration: configuration)
        for (accuser, fault) in faults {
            #expect(fault.culprit == culprit, "\(accuser) blamed \(fault.culprit)")
            for honest in configuration.committee where honest != culprit {
                let renamed = Evidence(culprit: honest, round: fault.evidence.round, reason: fault.evidence.reason,
                                       messages: fault.evidence.messages)
                #expect(renamed.verdict(publicData: publicData, rechecker: rechecker) != .proven)
            }
            guard case .violation(let violation) = fault.reason else {
                Issue.record("unexpected reason \(fault.reason)")
                continue
            }
            #expect(violation.rule == rule)
            #expect(throws: Never.self) { try fault.evidence.verify(publicData: publicData, rechecker: rechecker) }
            let other = try KeyResharing.publicData(sessionID: Array("other".utf8), configuration: configuration)
            #expect(throws: EvidenceError.self) { try fault.evidence.verify(publicData: other, rechecker: rechecker) }
        }
    }

    @Test func wrongShareNamesItsDealer() throws {
        let (configuration, old) = try setUp()
        let culprit = self.culprit
        let victim = ids[3]
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 31) { message, recipient in
            guard message.sender == culprit.partyID, message.kind == .direct, recipient == victim else { return message }
            var reader = ByteReader(message.payload)
            let share = try! reader.readScalar("share")
            return message.replacingPayload(KeyResharingChecks.directPayload(share: share + .one), signer: culprit)
        }
        let outcome = runner.run()
        try expectCulpritNamed(outcome, configuration: configuration, accusers: [victim], rule: "share-mismatch")
        // The evidence holds the signed commitment and the signed (revealed) share.
        if let faults = outcome.faults, let fault = faults[victim] {
            #expect(Set(fault.evidence.messages.map(\.kind)) == [.echoBroadcast, .direct])
            #expect(fault.evidence.messages.allSatisfy { $0.sender == culprit.partyID })
        }
    }

    @Test func commitmentOffTheOldPublicShareIsRejected() throws {
        let (configuration, old) = try setUp()
        let culprit = self.culprit
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 32) { message, _ in
            guard message.sender == culprit.partyID, message.kind == .echoBroadcast else { return message }
            var reader = ByteReader(message.payload)
            let digest = try! reader.readLengthPrefixed("configuration")
            let commitment = try! reader.read(FeldmanCommitment.self)
            // Shift the whole polynomial by 1: shares would still match, the constant term does not.
            var points = commitment.coefficients
            points[0] = points[0] + .generator
            var writer = ByteWriter()
            writer.write("configuration", bytes: digest)
            writer.write(FeldmanCommitment(coefficients: points))
            return message.replacingPayload(writer.bytes, signer: culprit)
        }
        try expectCulpritNamed(runner.run(), configuration: configuration, accusers: [ids[0], ids[2], ids[3]],
                               rule: "constant-term-mismatch")
    }

    @Test func commitmentOfTheWrongSizeIsRejected() throws {
        let (configuration, old) = try setUp()
        let culprit = self.culprit
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 33) { message, _ in
            guard message.sender == culprit.partyID, message.kind == .echoBroadcast else { return message }
            var reader = ByteReader(message.payload)
            let digest = try! reader.readLengthPrefixed("configuration")
            let commitment = try! reader.read(FeldmanCommitment.self)
            var writer = ByteWriter()
            writer.write("configuration", bytes: digest)
            writer.write(FeldmanCommitment(coefficients: commitment.coefficients + [.generator]))
            return message.replacingPayload(writer.bytes, signer: culprit)
        }
        try expectCulpritNamed(runner.run(), configuration: configuration, accusers: [ids[0], ids[2], ids[3]],
                               rule: "commitment-size")
    }

    @Test func partyConfiguredDifferentlyIsDetected() throws {
        let (configuration, old) = try setUp()
        // The culprit (a dealer) believes the new threshold is 3.
        let skewed = try KeyResharingConfiguration(oldKey: configuration.oldKey, dealers: configuration.dealers,
                                                   newHolders: configuration.newHolders, newThreshold: 3)
        let culprit = self.culprit
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 34) { message, recipient in
            guard message.sender == culprit.partyID, message.kind == .echoBroadcast else { return message }
            var reader = ByteReader(message.payload)
            _ = try! reader.readLengthPrefixed("configuration")
            let commitment = try! reader.read(FeldmanCommitment.self)
            return message.replacingPayload(
                KeyResharingChecks.broadcastPayload(configuration: skewed, commitment: commitment), signer: culprit)
        }
        try expectCulpritNamed(runner.run(), configuration: configuration, accusers: [ids[0], ids[2], ids[3]],
                               rule: "configuration-mismatch")
    }

    @Test func evidenceAgainstAnHonestDealerDoesNotVerify() throws {
        let (configuration, old) = try setUp()
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 35)
        _ = try #require(finishedShares(runner.run()))
        let honest = ids[0]
        let broadcast = runner.sentMessages.first { $0.sender == honest && $0.kind == .echoBroadcast }!
        let direct = runner.sentMessages.first { $0.sender == honest && $0.kind == .direct && $0.recipient == ids[3] }!
        let reason = FaultReason.violation(RoundViolation(rule: "share-mismatch"))
        let evidence = Evidence(culprit: honest, round: 1, reason: reason, messages: [broadcast, direct])
        let publicData = try KeyResharing.publicData(sessionID: resharingSessionID, configuration: configuration)
        #expect(throws: EvidenceError.notProven("the protocol check passes")) {
            try evidence.verify(publicData: publicData, rechecker: KeyResharing.evidenceRechecker(configuration: configuration))
        }
    }

    /// Finding: KeyResharing had no complaint round, so only the holder that received a bad share
    /// could prove it and every other party finished and replaced its share while the victim
    /// aborted. Now the victim's complaint reaches everyone: every honest party names the dealer
    /// with proven evidence, and none finishes.
    @Test(arguments: [3, 0]) func badReshareShareIsNamedByEveryHolder(victimIndex: Int) throws {
        let (configuration, old) = try setUp()
        let culprit = self.culprit
        let victim = ids[victimIndex]
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 36) { message, recipient in
            guard message.sender == culprit.partyID, message.kind == .direct, recipient == victim else { return message }
            var reader = ByteReader(message.payload)
            let share = try! reader.readScalar("share")
            return message.replacingPayload(KeyResharingChecks.directPayload(share: share + .one), signer: culprit)
        }
        let outcome = runner.run()
        let honest = Set(configuration.committee).subtracting([culprit.partyID])
        try expectCulpritNamed(outcome, configuration: configuration, accusers: honest, rule: "share-mismatch")
        for party in honest { #expect(runner.machines[party]?.isFinished == false, "\(party) finished") }
        if let faults = outcome.faults {
            for fault in faults.values {
                #expect(fault.evidence.messages.allSatisfy { $0.sender == culprit.partyID })
            }
        }
    }

    /// A complaint against a share that matches its commitment names the complainer.
    @Test func falseComplaintNamesTheComplainer() throws {
        let (configuration, old) = try setUp()
        let complainer = signers[3]
        let dealer = ids[0]
        let box = CapturedMessage()
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 37) { message, recipient in
            if message.sender == dealer, message.kind == .direct, recipient == complainer.partyID { box.set(message) }
            guard message.sender == complainer.partyID, message.round == 2, message.kind == .echoBroadcast,
                  let honestShare = box.get() else { return message }
            var writer = ByteWriter()
            writer.write("confirmation", bytes: [1])
            writer.write("complaint", bytes: honestShare.encoded)
            return message.replacingPayload(writer.bytes, signer: complainer)
        }
        let outcome = runner.run()
        let honest = Set(configuration.committee).subtracting([complainer.partyID])
        try expectCulpritNamed(outcome, configuration: configuration, accusers: honest, rule: "false-complaint",
                               culprit: complainer.partyID)
        for party in honest { #expect(runner.machines[party]?.isFinished == false, "\(party) finished") }
    }

    /// Finding (audit of the default branch): no message of an honest party — its echoes included —
    /// is proven to be a violation of any round.
    @Test func honestEchoMessageIsNotProvenAsViolation() throws {
        let (configuration, old) = try setUp()
        var runner = try resharingRunner(configuration: configuration, oldShares: old, signers: signers, seed: 38)
        _ = try #require(finishedShares(runner.run()))
        let honest = ids[0]
        try expectHonestMessagesNotProven(
            honest, cases: runner.sentMessages.filter { $0.sender == honest }.map { (message: $0, round: $0.round) },
            rules: ["unexpected-message", "share-mismatch", "configuration-mismatch", "false-complaint",
                    "confirmation-mismatch", "malformed-confirmation"],
            supporting: runner.sentMessages, viewMessages: runner.sentMessages.filter { $0.kind != .direct },
            publicData: try KeyResharing.publicData(sessionID: resharingSessionID, configuration: configuration),
            rechecker: KeyResharing.evidenceRechecker(configuration: configuration))
    }
}

/// One message captured by a tamper closure (which runs on the simulation's thread).
final class CapturedMessage: @unchecked Sendable {
    private let lock = NSLock()
    private var message: SignedMessage?
    func set(_ value: SignedMessage) { lock.withLock { message = value } }
    func get() -> SignedMessage? { lock.withLock { message } }
}
