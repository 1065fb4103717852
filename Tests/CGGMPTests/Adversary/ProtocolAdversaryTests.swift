import BigNum
import CGGMPAdversary
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// One protocol as the generic adversary harness drives it: fresh sessions for a session id, what a
/// third party needs to recheck evidence, and when two honest outputs agree.
struct ProtocolUnderTest<Output: Sendable>: Sendable {
    let name: String
    let signers: [Ed25519Signer]
    let sessionID: [UInt8]
    let publicData: @Sendable (_ sessionID: [UInt8]) throws -> SessionPublicData
    let rechecker: any EvidenceRechecker
    let makeSessions: @Sendable (_ sessionID: [UInt8]) throws -> [Session<Output>]
    let sameOutput: @Sendable (Output, Output) -> Bool

    var committee: [PartyID] { signers.map(\.partyID).sorted() }

    func run(_ action: AdversaryAction, culprit: Ed25519Signer, victim: PartyID, seed: UInt64,
             sessionID: [UInt8]? = nil) throws -> (RunReport<Output>, [SignedMessage]) {
        var runner = simulation(try makeSessions(sessionID ?? self.sessionID), seed: seed)
        var adversary = ScriptedAdversary(culprit: culprit, victim: victim, action: action)
        let report = runner.runToEnd(adversary: &adversary)
        return (report, runner.sentMessages)
    }
}

/// The adversary property suite: for every protocol, one corrupt party plays every message-level
/// action in every round it sends in (damaged payload to all, equivocation towards one victim,
/// withholding from one victim), crashes, replays another session's messages, and controls the
/// network (duplicates, delays, late retransmissions of honest messages); after each run the
/// properties of `AdversaryRunCheck` must hold, and a malicious accuser's forged evidence against
/// each honest party (`EvidenceForgery`) must not verify.
@Suite struct ProtocolAdversaryTests {
    static let prehash = testPrehash("adversary suite")

    static func keyInit() -> ProtocolUnderTest<AdditiveKeyShare> {
        let signers = makeSigners(3)
        return ProtocolUnderTest(
            name: "KeyInit", signers: signers, sessionID: Array("adversary KeyInit".utf8),
            publicData: { try KeyInit.publicData(sessionID: $0, committee: signers.map(\.partyID)) },
            rechecker: KeyInit.evidenceRechecker(parameters: .testing),
            makeSessions: { id in
                try signers.map {
                    try KeyInit.makeSession(sessionID: id, committee: signers.map(\.partyID), signer: $0, parameters: .testing)
                }
            },
            sameOutput: { $0.publicKey == $1.publicKey })
    }

    /// Signers 0 and 1 send (the culprit, index 1, is a sender; index 2 only receives).
    static func signedAgreement() throws -> ProtocolUnderTest<SignedAgreementOutcome> {
        let signers = makeSigners(3)
        let configuration = try SignedAgreementConfiguration(senders: [signers[0].partyID, signers[1].partyID],
                                                             receivers: signers.map(\.partyID), validity: .bytes(maximumSize: 64))
        let sessionID = Array("adversary SignedAgreement".utf8)
        return ProtocolUnderTest(
            name: "SignedAgreement", signers: signers, sessionID: sessionID,
            publicData: { try SignedAgreement.publicData(sessionID: $0, configuration: configuration) },
            rechecker: SignedAgreement.evidenceRechecker(sessionID: sessionID, configuration: configuration),
            makeSessions: { id in
                try signers.map {
                    try SignedAgreement.makeSession(sessionID: id, configuration: configuration,
                                                    value: configuration.senders.contains($0.partyID) ? Array("value".utf8) : nil,
                                                    signer: $0)
                }
            },
            sameOutput: { $0 == $1 })
    }

    static func auxGen() -> ProtocolUnderTest<AuxInfo> {
        let signers = makeSigners(3)
        return ProtocolUnderTest(
            name: "AuxGen", signers: signers, sessionID: Array("adversary AuxGen".utf8),
            publicData: { try AuxGen.publicData(sessionID: $0, committee: signers.map(\.partyID)) },
            rechecker: AuxGen.evidenceRechecker(parameters: .testing),
            makeSessions: { id in
                try signers.enumerated().map { index, signer in
                    try AuxGen.makeSession(sessionID: id, committee: signers.map(\.partyID), signer: signer,
                                           parameters: .testing, primes: committedAuxPrimes(index: index, bits: 512))
                }
            },
            sameOutput: { $0.publicInfo == $1.publicInfo })
    }

    static func keyRefresh() throws -> ProtocolUnderTest<KeyRefreshOutput> {
        let signers = makeSigners(3)
        let shares = try keyInitShares(signers, seed: 5)
        return ProtocolUnderTest(
            name: "KeyRefresh", signers: signers, sessionID: Array("adversary KeyRefresh".utf8),
            publicData: { try KeyRefresh.publicData(sessionID: $0, committee: signers.map(\.partyID)) },
            rechecker: KeyRefresh.evidenceRechecker(parameters: .testing),
            makeSessions: { id in
                try signers.enumerated().map { index, signer in
                    try KeyRefresh.makeSession(sessionID: id, keyShare: shares[signer.partyID]!, signer: signer,
                                               parameters: .testing, primes: committedAuxPrimes(index: index, bits: 512))
                }
            },
            sameOutput: { $0.keyShare.publicShares == $1.keyShare.publicShares && $0.auxInfo.publicInfo == $1.auxInfo.publicInfo })
    }

    static func keyResharing() throws -> ProtocolUnderTest<ThresholdKeyShare?> {
        let signers = makeSigners(4)
        let holders = signers.map(\.partyID)
        let old = try dealtShares(secret: Scalar(reducing: BigInt(12345)), threshold: 2, holders: Array(holders.prefix(3)), seed: 9)
        let configuration = try KeyResharingConfiguration(
            oldKey: old.values.first!.publicPart, dealers: Array(holders.prefix(2)), newHolders: Array(holders.suffix(3)),
            newThreshold: 2)
        let participants = signers.filter { configuration.committee.contains($0.partyID) }
        return ProtocolUnderTest(
            name: "KeyResharing", signers: participants, sessionID: Array("adversary resharing".utf8),
            publicData: { try KeyResharing.publicData(sessionID: $0, configuration: configuration) },
            rechecker: KeyResharing.evidenceRechecker(configuration: configuration),
            makeSessions: { id in
                try participants.map {
                    try KeyResharing.makeSession(sessionID: id, configuration: configuration,
                                                 oldShare: configuration.dealers.contains($0.partyID) ? old[$0.partyID] : nil,
                                                 signer: $0)
                }
            },
            // Dealers that hold no new share output nil.
            sameOutput: { $0 == nil || $1 == nil || $0!.publicPart == $1!.publicPart })
    }

    static func signingSetup(_ signers: [Ed25519Signer]) throws
        -> (shares: [PartyID: AdditiveKeyShare], aux: [PartyID: SigningAuxInfo], inputs: PresigningPublicInputs) {
        let shares = try SigningFixture.additiveShares(signers: signers, threshold: signers.count, seed: 71)
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let any = shares.values.first!
        return (shares, aux, PresigningPublicInputs(publicShares: any.publicShares, publicAux: aux.values.first!.publicAux))
    }

    static func presigning() throws -> ProtocolUnderTest<PresignatureSlot> {
        let signers = makeSigners(3)
        let setup = try signingSetup(signers)
        return ProtocolUnderTest(
            name: "Presigning", signers: signers, sessionID: Array("adversary presign".utf8),
            publicData: { try Presigning.publicData(sessionID: $0, committee: signers.map(\.partyID)) },
            rechecker: Presigning.evidenceRechecker(inputs: setup.inputs, parameters: .testing),
            makeSessions: { id in
                try signers.map {
                    try Presigning.makeSession(sessionID: id, keyShare: setup.shares[$0.partyID]!,
                                               auxInfo: setup.aux[$0.partyID]!, signer: $0, parameters: .testing)
                }
            },
            sameOutput: { $0.commitments == $1.commitments })
    }

    static func interactiveSigning() throws -> ProtocolUnderTest<RecoverableSignature> {
        let signers = makeSigners(3)
        let setup = try signingSetup(signers)
        return ProtocolUnderTest(
            name: "InteractiveSigning", signers: signers, sessionID: Array("adversary sign".utf8),
            publicData: { try InteractiveSigning.publicData(sessionID: $0, committee: signers.map(\.partyID)) },
            rechecker: InteractiveSigning.evidenceRechecker(inputs: setup.inputs, prehash: prehash, parameters: .testing),
            makeSessions: { id in
                try signers.map {
                    try InteractiveSigning.makeSession(sessionID: id, keyShare: setup.shares[$0.partyID]!,
                                                       auxInfo: setup.aux[$0.partyID]!, prehash: prehash, signer: $0,
                                                       parameters: .testing)
                }
            },
            sameOutput: { $0 == $1 })
    }

    /// Every action for `culprit`, derived from the (round, kind) slots it fills in an honest run.
    static func actions(slots: [(round: Int, kind: MessageKind)], replay: [SignedMessage]) -> [AdversaryAction] {
        var actions: [AdversaryAction] = [.none, .duplicateHonest, .delayHonest(steps: 2), .lateRetransmission,
                                          .replay(from: replay)]
        for slot in slots {
            actions.append(.corrupt(round: slot.round, kind: slot.kind))
            actions.append(.equivocate(round: slot.round, kind: slot.kind))
        }
        for round in Set(slots.map(\.round)).sorted() {
            actions.append(.drop(round: round))
            actions.append(.crash(round: round))
        }
        return actions
    }

    /// Runs every action against `protocolUnderTest` and returns the broken properties, with the
    /// number of runs.
    static func exercise<Output>(_ protocolUnderTest: ProtocolUnderTest<Output>, culpritIndex: Int = 1,
                                 forgeries: Bool = true) throws -> (problems: [String], runs: Int) {
        let culprit = protocolUnderTest.signers[culpritIndex]
        let victim = protocolUnderTest.signers.first { $0.partyID != culprit.partyID }!.partyID
        let publicData = try protocolUnderTest.publicData(protocolUnderTest.sessionID)
        let (_, honestMessages) = try protocolUnderTest.run(.none, culprit: culprit, victim: victim, seed: 1)
        var slots: [(round: Int, kind: MessageKind)] = []
        for message in honestMessages where message.sender == culprit.partyID
            && !slots.contains(where: { $0.round == message.round && $0.kind == message.kind }) {
            slots.append((message.round, message.kind))
        }
        let (_, otherSession) = try protocolUnderTest.run(.none, culprit: culprit, victim: victim, seed: 2,
                                                         sessionID: protocolUnderTest.sessionID + [0xFF])
        // The same session with other randomness: well-formed substitutes for the accuser's messages.
        let (_, alternatives) = try protocolUnderTest.run(.none, culprit: culprit, victim: victim, seed: 3)
        var problems: [String] = []
        var runs = 0
        for (index, action) in actions(slots: slots, replay: otherSession).enumerated() {
            let (report, sent) = try protocolUnderTest.run(action, culprit: culprit, victim: victim, seed: UInt64(10 + index))
            runs += 1
            let check = AdversaryRunCheck(report: report, committee: protocolUnderTest.committee, culprit: culprit.partyID,
                                          publicData: publicData, rechecker: protocolUnderTest.rechecker,
                                          sameOutput: protocolUnderTest.sameOutput)
            problems += check.problems(for: action).map { "\(protocolUnderTest.name) [\(action)]: \($0)" }
            if forgeries, case .none = action {
                problems += EvidenceForgery.acceptedForgeries(
                    seen: sent, alternatives: alternatives, honest: check.honest, accuser: culprit, publicData: publicData,
                    rechecker: protocolUnderTest.rechecker).map { "\(protocolUnderTest.name) forged: \($0)" }
            }
        }
        return (problems, runs)
    }

    static func expectNoProblems(_ result: (problems: [String], runs: Int), _ name: String) {
        print("\(name) adversary runs: \(result.runs), problems: \(result.problems.count)")
        for problem in result.problems.prefix(40) { Issue.record("\(problem)") }
    }

    @Test func keyInitHoldsAgainstEveryAction() throws { Self.expectNoProblems(try Self.exercise(Self.keyInit()), "KeyInit") }
    @Test func signedAgreementHoldsAgainstEveryAction() throws {
        Self.expectNoProblems(try Self.exercise(Self.signedAgreement()), "SignedAgreement (sender corrupt)")
        Self.expectNoProblems(try Self.exercise(Self.signedAgreement(), culpritIndex: 2), "SignedAgreement (receiver corrupt)")
    }
    @Test func auxGenHoldsAgainstEveryAction() throws { Self.expectNoProblems(try Self.exercise(Self.auxGen()), "AuxGen") }
    @Test func keyRefreshHoldsAgainstEveryAction() throws {
        Self.expectNoProblems(try Self.exercise(Self.keyRefresh()), "KeyRefresh")
    }
    @Test func keyResharingHoldsAgainstEveryAction() throws {
        Self.expectNoProblems(try Self.exercise(Self.keyResharing()), "KeyResharing (dealer corrupt)")
        Self.expectNoProblems(try Self.exercise(Self.keyResharing(), culpritIndex: 2), "KeyResharing (new holder corrupt)")
    }
    @Test func presigningHoldsAgainstEveryAction() throws {
        Self.expectNoProblems(try Self.exercise(Self.presigning()), "Presigning")
    }
    @Test func interactiveSigningHoldsAgainstEveryAction() throws {
        Self.expectNoProblems(try Self.exercise(Self.interactiveSigning()), "InteractiveSigning")
    }
}
