import Bytes
import CGGMPAdversary
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// SignedAgreement: senders echo-broadcast a value every receiver must hold alike.
@Suite struct SignedAgreementTests {
    /// Four receivers; the first two (in id order) are the senders.
    static let signers = makeSigners(4, offset: 0x40).sorted { $0.partyID < $1.partyID }
    static var ids: [PartyID] { signers.map(\.partyID) }
    static var senders: [PartyID] { Array(ids.prefix(2)) }
    static let sessionID = Array("test signed agreement".utf8)
    static let value: [UInt8] = Array("the agreed value".utf8)
    static let other: [UInt8] = Array("another value!!!".utf8)

    static func configuration(maximumSize: Int = 32) -> SignedAgreementConfiguration {
        try! SignedAgreementConfiguration(senders: senders, receivers: ids, validity: .bytes(maximumSize: maximumSize))
    }

    static var publicData: SessionPublicData {
        try! SignedAgreement.publicData(sessionID: sessionID, configuration: configuration())
    }

    /// One session per receiver; senders hold `values[sender]` (default: `value`).
    static func sessions(values: [PartyID: [UInt8]] = [:], references: [PartyID: [UInt8]] = [:])
        -> [Session<SignedAgreementOutcome>] {
        signers.map { signer in
            let id = signer.partyID
            return try! SignedAgreement.makeSession(
                sessionID: sessionID, configuration: configuration(),
                value: senders.contains(id) ? values[id] ?? value : nil, reference: references[id], signer: signer)
        }
    }

    /// A sender's round-1 echo-broadcast re-signed with `newValue` (raw payload when `raw`).
    static func resigned(_ message: SignedMessage, _ newValue: [UInt8], raw: Bool = false) -> SignedMessage {
        let signer = signers.first { $0.partyID == message.sender }!
        return message.replacingPayload(raw ? newValue : SignedAgreementPayload.encode(newValue), signer: signer)
    }

    static func isEchoBroadcast(_ message: SignedMessage, from party: PartyID) -> Bool {
        message.kind == .echoBroadcast && message.sender == party
    }

    // (a)
    @Test func anHonestRunGivesEveryoneTheValue() throws {
        let run = runAdversarially(Self.sessions(), seed: 1)
        #expect(run.faults.isEmpty && run.aborted.isEmpty)
        #expect(run.outputs.count == Self.ids.count)
        #expect(run.outputs.values.allSatisfy { $0 == .agreed(Self.value) })
        // Receivers that are not senders signed empty echo-broadcasts.
        #expect(run.sent.filter { $0.kind == .echoBroadcast && !Self.senders.contains($0.sender) }.allSatisfy { $0.payload.isEmpty })
    }

    // (b), (c)
    @Test func anEquivocatingSenderIsNamedWithProvenEvidenceByEveryHonestParty() throws {
        let culprit = Self.senders[1]
        let victim = Self.ids[3]
        let run = runAdversarially(Self.sessions(), seed: 2, route: route { message, recipient in
            guard Self.isEchoBroadcast(message, from: culprit), recipient == victim else { return message }
            return Self.resigned(message, Self.other)
        })
        #expect(run.outputs.isEmpty, "no party may finish after an equivocation")
        let honest = Self.ids.filter { $0 != culprit }
        for party in honest {
            let fault = try #require(run.faults[party], "\(party) did not name the equivocator")
            #expect(fault.culprit == culprit && fault.reason == .equivocation)
            #expect(fault.evidence.verdict(publicData: Self.publicData) == .proven)
        }
        // (c) No fault, on any party, names an honest party, and no evidence convicts one.
        #expect(run.faults.values.allSatisfy { $0.culprit == culprit })
        for fault in run.faults.values {
            for innocent in honest {
                #expect(fault.accusing(innocent).evidence.verdict(publicData: Self.publicData) != .proven)
            }
        }
        // A third party: the encoded report and check context, decoded, say proven.
        let fault = run.faults[victim]!
        let context = FaultCheckContext(publicData: Self.publicData, parameters: .testing,
                                        inputs: .signedAgreement(Self.configuration(), sessionID: Self.sessionID))
        let decodedContext = try FaultCheckContext(encoded: context.encoded)
        #expect(decodedContext.encoded == context.encoded)
        let report = try ProtocolFault(encoded: fault.encoded)
        #expect(decodedContext.verdict(of: report) == .proven)
        #expect(decodedContext.verdict(of: report.accusing(victim)) != .proven)
    }

    // (d)
    @Test func aSenderOfAnInvalidValueIsNamed() throws {
        let culprit = Self.senders[0]
        let tooLong = [UInt8](repeating: 9, count: 33)
        let run = runAdversarially(Self.sessions(), seed: 3, route: route { message, _ in
            Self.isEchoBroadcast(message, from: culprit) ? Self.resigned(message, tooLong) : message
        })
        #expect(run.outputs.isEmpty)
        let rechecker = SignedAgreement.evidenceRechecker(sessionID: Self.sessionID, configuration: Self.configuration())
        for party in Self.ids where party != culprit {
            let fault = try #require(run.faults[party])
            #expect(fault.culprit == culprit)
            guard case .violation(let violation) = fault.reason else { Issue.record("\(fault.reason)"); continue }
            #expect(violation.rule == "invalid-value")
            #expect(fault.evidence.verdict(publicData: Self.publicData, rechecker: rechecker) == .proven)
            #expect(fault.evidence.verdict(publicData: Self.publicData) != .proven, "a violation needs the rechecker")
            // Under a configuration that allows the value, the same evidence proves nothing.
            let lenient = SignedAgreement.evidenceRechecker(sessionID: Self.sessionID, configuration: Self.configuration(maximumSize: 64))
            #expect(fault.evidence.verdict(publicData: Self.publicData, rechecker: lenient) != .proven)
        }
    }

    @Test func aMalformedValueAndANonSendersValueAreNamed() throws {
        let sender = Self.senders[0], receiver = Self.ids[2]
        for (culprit, payload, rule) in [(sender, [UInt8]([0, 0, 0, 9, 1]), "malformed-value"),
                                         (receiver, SignedAgreementPayload.encode(Self.value), "unexpected-value")] {
            let run = runAdversarially(Self.sessions(), seed: 4, route: route { message, _ in
                Self.isEchoBroadcast(message, from: culprit) ? Self.resigned(message, payload, raw: true) : message
            })
            let rechecker = SignedAgreement.evidenceRechecker(sessionID: Self.sessionID, configuration: Self.configuration())
            for party in Self.ids where party != culprit {
                let fault = try #require(run.faults[party])
                guard case .violation(let violation) = fault.reason else { Issue.record("\(fault.reason)"); continue }
                #expect(fault.culprit == culprit && violation.rule == rule)
                #expect(fault.evidence.verdict(publicData: Self.publicData, rechecker: rechecker) == .proven)
            }
        }
    }

    /// Every message is signed under the session id derived from the caller's and the configuration.
    @Test func messagesAreSignedUnderTheConfigurationsSessionID() throws {
        let derived = SignedAgreement.derivedSessionID(sessionID: Self.sessionID, configuration: Self.configuration())
        #expect(Self.publicData.sessionID == derived && derived != Self.sessionID && derived.count == 32)
        let run = runAdversarially(Self.sessions(), seed: 8)
        #expect(!run.sent.isEmpty && run.sent.allSatisfy { $0.sessionID == derived })
        // Any change of the configuration changes it.
        for other in [Self.configuration(maximumSize: 31),
                      try SignedAgreementConfiguration(senders: [Self.ids[0]], receivers: Self.ids, validity: .bytes(maximumSize: 32)),
                      try SignedAgreementConfiguration(senders: Self.senders, receivers: Array(Self.ids.prefix(3)),
                                                       validity: .bytes(maximumSize: 32)),
                      try SignedAgreementConfiguration(senders: Self.senders, receivers: Self.ids,
                                                       validity: .thresholdPublicKey(holders: Self.senders, threshold: 2))] {
            #expect(SignedAgreement.derivedSessionID(sessionID: Self.sessionID, configuration: other) != derived)
        }
        #expect(SignedAgreement.derivedSessionID(sessionID: Self.sessionID + [0], configuration: Self.configuration()) != derived)
    }

    /// A third party given another configuration than the one the parties signed convicts no one:
    /// neither an honest sender whose value a stricter configuration would refuse, nor even an
    /// equivocator (the context is not the session's).
    @Test func aTamperedConfigurationConvictsNoOne() throws {
        let honestSender = Self.senders[0]
        let strict = Self.configuration(maximumSize: 8)  // Self.value has 16 bytes
        let run = runAdversarially(Self.sessions(), seed: 9)
        #expect(run.outputs.values.allSatisfy { $0 == .agreed(Self.value) })
        let message = try #require(run.sent.first { Self.isEchoBroadcast($0, from: honestSender) })
        let violation = FaultReason.violation(RoundViolation(rule: "invalid-value"))
        let accusation = ProtocolFault(culprit: honestSender, round: 1, reason: violation,
                                       evidence: Evidence(culprit: honestSender, round: 1, reason: violation, messages: [message]))
        // Under the signed configuration the check passes.
        let honestContext = FaultCheckContext(publicData: Self.publicData, parameters: .testing,
                                              inputs: .signedAgreement(Self.configuration(), sessionID: Self.sessionID))
        #expect(honestContext.verdict(of: accusation) == .notProven("the protocol check passes"))
        // The stricter configuration would convict if it were not bound: the unbound check fails.
        let unbound = SignedAgreementRechecker(derivedSessionID: Self.publicData.sessionID, configuration: strict)
        #expect(accusation.evidence.verdict(publicData: Self.publicData, rechecker: unbound) == .proven)
        // (1) The context keeps the session's public data but carries the stricter configuration.
        let tampered = FaultCheckContext(publicData: Self.publicData, parameters: .testing,
                                         inputs: .signedAgreement(strict, sessionID: Self.sessionID))
        let decoded = try FaultCheckContext(encoded: tampered.encoded)
        for context in [tampered, decoded] {
            guard case .notProven = context.verdict(of: accusation) else { Issue.record("convicted under a tampered configuration"); continue }
        }
        // (2) Its public data derived from the stricter configuration: the messages are of another session.
        let rederived = FaultCheckContext(publicData: try SignedAgreement.publicData(sessionID: Self.sessionID, configuration: strict),
                                          parameters: .testing, inputs: .signedAgreement(strict, sessionID: Self.sessionID))
        #expect(rederived.verdict(of: accusation) == .notProven("a message belongs to another session"))
        // (3) The rechecker alone, with the session's public data: it refuses too.
        let bound = SignedAgreement.evidenceRechecker(sessionID: Self.sessionID, configuration: strict)
        guard case .notProven = accusation.evidence.verdict(publicData: Self.publicData, rechecker: bound) else {
            Issue.record("the bound rechecker judged under a configuration the parties did not sign")
            return
        }
        // An equivocation is proven under the right context and refused under a tampered one.
        let culprit = Self.senders[1]
        let equivocating = runAdversarially(Self.sessions(), seed: 10, route: route { message, recipient in
            guard Self.isEchoBroadcast(message, from: culprit), recipient == Self.ids[3] else { return message }
            return Self.resigned(message, Self.other)
        })
        let fault = try #require(equivocating.faults[Self.ids[0]])
        #expect(fault.reason == .equivocation)
        #expect(honestContext.verdict(of: fault) == .proven)
        #expect(tampered.verdict(of: fault)
                    == .notProven("the session id is not derived from this configuration: its messages did not sign it"))
        let otherSession = FaultCheckContext(publicData: Self.publicData, parameters: .testing,
                                             inputs: .signedAgreement(Self.configuration(), sessionID: Self.sessionID + [1]))
        #expect(otherSession.verdict(of: fault) != .proven)
    }

    // (e)
    @Test func consistentDisagreementNamesNoOne() throws {
        let (first, second) = (Self.senders[0], Self.senders[1])
        let knower = Self.ids[3]
        let run = runAdversarially(Self.sessions(values: [second: Self.other], references: [knower: Self.value]), seed: 5)
        #expect(run.faults.isEmpty && run.aborted.isEmpty)
        #expect(run.outputs.count == Self.ids.count)
        for (party, outcome) in run.outputs {
            guard case .disagreed(let disagreement) = outcome else { Issue.record("\(party) agreed"); continue }
            #expect(disagreement.values == [first: Self.value, second: Self.other])
            #expect(disagreement.groups == [[first], [second]])
            #expect(Set(disagreement.messages.keys) == Set(Self.senders).subtracting([party]))
            #expect(disagreement.messages.values.allSatisfy { $0.hasValidSignature(Ed25519Verifier()) })
            switch party {
            case first, knower: #expect(disagreement.contradictingReference == [second])
            case second: #expect(disagreement.contradictingReference == [first])
            default: #expect(disagreement.contradictingReference == nil)
            }
        }
        // All senders agreeing on a value that contradicts a party's reference: that party does not agree.
        let agreedElsewhere = runAdversarially(Self.sessions(references: [knower: Self.other]), seed: 6)
        guard case .disagreed(let disagreement)? = agreedElsewhere.outputs[knower] else { Issue.record("the reference was ignored"); return }
        #expect(disagreement.contradictingReference == Self.senders)
        #expect(agreedElsewhere.outputs[Self.ids[2]] == .agreed(Self.value))
    }

    @Test func setUpRefusesInconsistentInputs() {
        let config = Self.configuration()
        #expect(throws: SignedAgreementSetupError.valueRequired) {
            try SignedAgreement.makeSession(sessionID: Self.sessionID, configuration: config, value: nil, signer: Self.signers[0])
        }
        #expect(throws: SignedAgreementSetupError.notASender) {
            try SignedAgreement.makeSession(sessionID: Self.sessionID, configuration: config, value: [1], signer: Self.signers[3])
        }
        #expect(throws: SignedAgreementSetupError.self) {
            try SignedAgreement.makeSession(sessionID: Self.sessionID, configuration: config, value: [UInt8](repeating: 0, count: 40),
                                            signer: Self.signers[0])
        }
        #expect(throws: SignedAgreementSetupError.senderNotAReceiver(Self.ids[0])) {
            try SignedAgreementConfiguration(senders: [Self.ids[0]], receivers: Array(Self.ids.dropFirst()), validity: .bytes(maximumSize: 1))
        }
        #expect(throws: SignedAgreementSetupError.negativeMaximumSize(-1)) {
            try SignedAgreementConfiguration(senders: Self.senders, receivers: Self.ids, validity: .bytes(maximumSize: -1))
        }
        #expect(throws: SignedAgreementSetupError.noSenders) {
            try SignedAgreementConfiguration(senders: [], receivers: Self.ids, validity: .bytes(maximumSize: 1))
        }
    }

    @Test func envelopeChecksBoundSizesBeforeSignatures() {
        let config = Self.configuration()
        let signer = Self.signers[0]
        func message(_ kind: MessageKind, round: Int = 1, size: Int, from signer: Ed25519Signer = signer) -> SignedMessage {
            SignedMessage(sessionID: Self.sessionID, protocolTag: SignedAgreement.protocolTag, round: round, kind: kind,
                          recipient: nil, payload: [UInt8](repeating: 1, count: size), signer: signer)
        }
        #expect(SignedAgreement.envelopeProblem(message(.echoBroadcast, size: 36), configuration: config) == nil)
        #expect(SignedAgreement.envelopeProblem(message(.echoBroadcast, size: 37), configuration: config) != nil)
        #expect(SignedAgreement.envelopeProblem(message(.echoBroadcast, size: 1, from: Self.signers[3]), configuration: config) != nil)
        #expect(SignedAgreement.envelopeProblem(message(.echoBroadcast, round: 2, size: 0), configuration: config) != nil)
        #expect(SignedAgreement.envelopeProblem(message(.broadcast, size: 0), configuration: config) != nil)
        #expect(SignedAgreement.envelopeProblem(message(.echo, size: 1 << 20), configuration: config) != nil)
        // A real echo passes.
        let run = runAdversarially(Self.sessions(), seed: 7)
        for echo in run.sent where echo.kind == .echo {
            #expect(SignedAgreement.envelopeProblem(echo, configuration: config) == nil)
        }
    }
}
