import Bytes
import Foundation
import BigNum
import Crypto
import Secp256k1
import Testing
import TestSupport
import TSSStore
@testable import CGGMP
@testable import TSS

private func x25519(_ label: UInt8) throws -> X25519PrivateKey {
    try X25519PrivateKey(rawRepresentation: [UInt8](repeating: label, count: 32))
}

@Suite struct DealerRegistrationTests {
    let servers = flowServers()
    let user = try! Ed25519Signer(seed: [UInt8](repeating: 0x77, count: 32))
    let serverKeys = (0..<3).map { try! x25519(0x60 + UInt8($0)) }

    func expectation(for server: PartyID, threshold: Int = 2) -> DealerRegistrationExpectation {
        DealerRegistrationExpectation(me: server, dealer: user.partyID, user: flowUser,
                                      committee: servers.map(\.partyID), threshold: threshold)
    }

    var recipientKeys: [PartyID: X25519PublicKey] {
        Dictionary(uniqueKeysWithValues: zip(servers.map(\.partyID), serverKeys.map(\.publicKey)))
    }

    @Test func sharesOpenStoreAndRecombine() throws {
        var generator = ChaChaRandom(testSeed: 11)
        let secret = Scalar.random(using: &generator)
        let dealt = try DealerKeyGeneration.deal(secretKey: secret, threshold: 2, holders: servers.map(\.partyID),
                                                 using: &generator)
        let envelopes = try DealerRegistration.seal(dealt, user: flowUser, dealer: user, recipientKeys: recipientKeys)
        var shares: [ThresholdKeyShare] = []
        for (index, server) in servers.enumerated() {
            // Over the wire: the JSON envelope encoding.
            let envelope = try Envelope(encoded: envelopes[server.partyID]!.encoded)
            let share = try DealerRegistration.open(envelope, recipientKey: serverKeys[index],
                                                    expecting: expectation(for: server.partyID))
            #expect(share.owner == server.partyID)
            #expect(share.publicKey == Point.generatorMultiple(secret))
            // Stored encrypted and read back.
            let store = try ShareStore.create(backend: InMemoryRecordBackend(), masterKey: MasterKey.random(using: &generator),
                                              using: &generator)
            try store.saveKeyShare(share, keyID: "user-1", using: &generator)
            let record = try #require(try store.keyShare(keyID: "user-1"))
            #expect(record.version == UInt32(ThresholdKeyShare.encodingVersion))
            let restored = try ThresholdKeyShare(encoded: record.payload(as: ThresholdKeyShare.self))
            #expect(restored.owner == share.owner && restored.publicShares == share.publicShares)
            #expect(restored.secretShare == share.secretShare)
            shares.append(restored)
        }
        // Every pair recombines to the dealt secret.
        for pair in [[0, 1], [0, 2], [1, 2]] {
            #expect(try recombinedSecret(pair.map { shares[$0] }) == secret)
        }
    }

    @Test func aShareOffTheCommitmentNamesTheDealer() throws {
        var generator = ChaChaRandom(testSeed: 12)
        let holders = servers.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let other = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let victim = holders[1]
        // The share of another key, with this key's commitment.
        let payload = DealerRegistrationPayload(user: flowUser, threshold: 2, committee: holders,
                                                commitment: dealt.commitment, share: other.shares[victim]!)
        let envelope = try Envelope.seal(payload.encoded, signer: user, to: serverKeys[1].publicKey)
        #expect(throws: DealerRegistrationError.rejected(sender: user.partyID, .invalidShare(.shareDoesNotMatchCommitments(victim)))) {
            try DealerRegistration.open(envelope, recipientKey: serverKeys[1], expecting: expectation(for: victim))
        }
    }

    @Test func wrongCommitteeThresholdUserOrHolderAreRejected() throws {
        var generator = ChaChaRandom(testSeed: 13)
        let holders = servers.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let envelopes = try DealerRegistration.seal(dealt, user: flowUser, dealer: user, recipientKeys: recipientKeys)
        let me = holders[0]
        func open(_ expected: DealerRegistrationExpectation, key: X25519PrivateKey? = nil) throws {
            _ = try DealerRegistration.open(envelopes[me]!, recipientKey: key ?? serverKeys[0], expecting: expected)
        }
        #expect(throws: DealerRegistrationError.rejected(sender: user.partyID, .thresholdMismatch(expected: 3, got: 2))) {
            try open(expectation(for: me, threshold: 3))
        }
        let stranger = try Ed25519Signer(seed: [UInt8](repeating: 0x99, count: 32)).partyID
        #expect(throws: DealerRegistrationError.rejected(sender: user.partyID, .committeeMismatch)) {
            try open(DealerRegistrationExpectation(me: me, dealer: user.partyID, user: flowUser,
                                                   committee: [holders[0], holders[1], stranger], threshold: 2))
        }
        #expect(throws: DealerRegistrationError.rejected(sender: user.partyID, .userMismatch)) {
            try open(DealerRegistrationExpectation(me: me, dealer: user.partyID, user: Array("someone else".utf8),
                                                   committee: holders, threshold: 2))
        }
        #expect(throws: DealerRegistrationError.unexpectedSender(user.partyID)) {
            try open(DealerRegistrationExpectation(me: me, dealer: stranger, user: flowUser, committee: holders, threshold: 2))
        }
        // Server 1's envelope opened by server 0's key fails at the envelope layer: nobody is named.
        #expect(throws: DealerRegistrationError.envelope(.decryptionFailed)) {
            _ = try DealerRegistration.open(envelopes[holders[1]]!, recipientKey: serverKeys[0], expecting: expectation(for: me))
        }
    }
}

@Suite struct RegistrationFlowTests {
    @Test func threeServersRegisterWithThresholdTwo() throws {
        let servers = flowServers()
        var runner = try registrationRunner(servers, seed: 1)
        guard case .finished(let outputs) = runner.run() else { Issue.record("registration did not finish"); return }
        let plan = runner.machines.values.first!.plan
        #expect(plan.founders.count == 2)
        let shares = servers.map { outputs[$0.partyID]!.keyShare }
        let publicKey = shares[0].publicKey
        for (server, share) in zip(servers, shares) {
            #expect(share.owner == server.partyID && share.threshold == 2 && share.holders == plan.committee)
            #expect(share.publicKey == publicKey && share.publicShares == shares[0].publicShares)
            let aux = outputs[server.partyID]!.auxInfo
            #expect(aux.owner == server.partyID && aux.parties == plan.committee)
            #expect(aux.publicInfo == outputs[servers[0].partyID]!.auxInfo.publicInfo)
        }
        let secret = try recombinedSecret([shares[0], shares[1]])
        #expect(Point.generatorMultiple(secret) == publicKey)
        #expect(try recombinedSecret([shares[1], shares[2]]) == secret)
        #expect(try recombinedSecret([shares[0], shares[2]]) == secret)
        // Each phase ran under its own session id (the handover under the one derived from `reshare`
        // and its configuration).
        let sessions = Set(runner.sentMessages.map(\.sessionID))
        let handover = SignedAgreement.derivedSessionID(sessionID: plan.reshareID.rawRepresentation,
                                                        configuration: plan.handoverConfiguration)
        #expect(sessions == [plan.keyGenerationID.rawRepresentation, handover, plan.reshareID.rawRepresentation,
                             plan.auxiliaryInfoID.rawRepresentation])
        #expect(runner.sentMessages.contains { $0.protocolTag == KeyInit.protocolTag && !plan.founders.contains($0.sender) } == false)
    }

    @Test func aFounderSendingABadResharedShareIsNamedWithEvidence() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 42)
        let culprit = servers.first { $0.partyID == plan.founders[0] }!
        let victim = plan.committee.first { $0 != culprit.partyID }!
        var forged = ByteWriter()
        forged.write("share", Scalar.one)
        let forgedPayload = forged.bytes
        var runner = try registrationRunner(servers, seed: 2) { message, recipient in
            guard message.protocolTag == KeyResharing.protocolTag, message.kind == .direct,
                  message.sender == culprit.partyID, recipient == victim else { return message }
            return message.replacingPayload(forgedPayload, signer: culprit)
        }
        guard case .failed(let errors) = runner.run() else { Issue.record("the bad share went unnoticed"); return }
        // The victim's complaint reaches everyone: every honest server names the founder, none finishes.
        #expect(Set(plan.committee).subtracting([culprit.partyID]).isSubset(of: Set(errors.keys)))
        #expect(errors.values.allSatisfy { $0.culprit == culprit.partyID })
        #expect(runner.machines.values.allSatisfy { $0.output == nil })
        guard case .fault(let fault) = errors[victim]! else { Issue.record("not a fault: \(errors[victim]!)"); return }
        #expect(fault.phase == .reshare && fault.culprit == culprit.partyID)

        // A third party decodes the report and re-checks the evidence from public data.
        let report = try FlowFault(encoded: fault.encoded)
        #expect(report.culprit == culprit.partyID && report.phase == .reshare)
        #expect(report.publicData == (try KeyResharing.publicData(sessionID: plan.reshareID.rawRepresentation,
                                                                  configuration: runner.machines[victim]!.resharingConfiguration!)))
        let configuration = try #require(runner.machines[victim]!.resharingConfiguration)
        try report.fault.evidence.verify(publicData: report.publicData,
                                         rechecker: KeyResharing.evidenceRechecker(configuration: configuration))
        // Self-contained: the report carries the resharing configuration the phase checked with.
        guard case .keyResharing(let carried) = report.context.inputs else { Issue.record("no resharing inputs"); return }
        #expect(carried == configuration)
        #expect(report.verdict() == .proven)
        for innocent in plan.committee where innocent != culprit.partyID {
            #expect(report.context.verdict(of: report.fault.accusing(innocent)) != .proven)
        }
        // The same evidence does not convince with the honest share.
        let honest = runner.sentMessages.first { $0.protocolTag == KeyResharing.protocolTag && $0.kind == .direct
            && $0.sender == culprit.partyID && $0.recipient == victim }!
        let cleared = try ProtocolFault(encoded: fault.fault.encoded)
        #expect(throws: EvidenceError.self) {
            try Evidence(culprit: cleared.culprit, round: cleared.round, reason: cleared.reason,
                         messages: [honest] + cleared.evidence.messages.dropFirst())
                .verify(publicData: report.publicData, rechecker: KeyResharing.evidenceRechecker(configuration: configuration))
        }
    }

    @Test func aTamperedKeyInitProofIsNamedWithEvidence() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 43)
        let culprit = servers.first { $0.partyID == plan.founders[1] }!
        var runner = try registrationRunner(servers, blockNumber: 43, seed: 3) { message, _ in
            guard message.protocolTag == KeyInit.protocolTag, message.round == 3, message.sender == culprit.partyID else {
                return message
            }
            var payload = message.payload
            payload[payload.count - 1] ^= 1
            return message.replacingPayload(payload, signer: culprit)
        }
        guard case .failed(let errors) = runner.run() else { Issue.record("the bad proof went unnoticed"); return }
        guard case .fault(let fault) = errors.values.first! else { Issue.record("not a fault"); return }
        #expect(fault.phase == .keyInit && fault.culprit == culprit.partyID)
        let report = try FlowFault(encoded: fault.encoded)
        #expect(report.publicData == (try KeyInit.publicData(sessionID: plan.keyGenerationID.rawRepresentation, committee: plan.founders)))
        try report.fault.evidence.verify(publicData: report.publicData,
                                         rechecker: KeyInit.evidenceRechecker(parameters: .testing))
        #expect(report.context.parameters.name == SchemeParameters.testing.name)
        #expect(report.verdict() == .proven)
    }

    /// The handover is checked cheapest first: a huge handover message, from a non-founder or from a
    /// founder, is refused before its signature is checked (hashing it) or it is decoded.
    @Test func aHugeHandoverIsRefusedBeforeItsSignatureIsChecked() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 44)
        let index = try #require(servers.firstIndex { !plan.founders.contains($0.partyID) })
        let verifier = CountingVerifier()
        var flow = try RegistrationFlow(plan: plan, signer: servers[index], verifier: verifier, parameters: .testing,
                                        primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                                        usedSessionIDs: UsedSessionIDs())
        #expect(flow.phase == .oldKeyHandover)
        let huge = [UInt8](repeating: 7, count: 1 << 20)
        for sender in servers where sender.partyID != servers[index].partyID {
            for kind in [MessageKind.echoBroadcast, .echo, .broadcast] {
                let message = SignedMessage(sessionID: plan.reshareID.rawRepresentation, protocolTag: RegistrationFlow.handoverProtocolTag,
                                            round: 1, kind: kind, recipient: nil, payload: huge, signer: sender)
                do {
                    _ = try flow.receive(message, from: sender.partyID)
                    Issue.record("a 1 MiB handover \(kind) was accepted")
                } catch {
                    #expect(error.culprit == nil, "\(error)")
                }
            }
        }
        let founder = try #require(servers.first { $0.partyID == plan.founders[0] })
        let wrongRound = SignedMessage(sessionID: plan.reshareID.rawRepresentation, protocolTag: RegistrationFlow.handoverProtocolTag,
                                       round: 2, kind: .echoBroadcast, recipient: nil, payload: [1, 2, 3], signer: founder)
        #expect(throws: FlowError.self) { _ = try flow.receive(wrongRound, from: founder.partyID) }
        #expect(verifier.count == 0)
    }

    /// A valid t-of-t key of the plan's founders other than the real one.
    func forgedOldKey(_ plan: RegistrationPlan) throws -> [UInt8] {
        let shares = Dictionary(uniqueKeysWithValues: plan.founders.enumerated().map {
            ($1, Point.generatorMultiple(Scalar(UInt64($0 + 7))))
        })
        return try ThresholdPublicKey(threshold: plan.founders.count, publicShares: shares).encoded
    }

    /// (Issue #14) A founder that shows one server a different old key in the handover is named by
    /// every honest server with proven evidence; no server reshares.
    @Test func aFounderEquivocatingInTheHandoverIsNamedWithProvenEvidence() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 45)
        let culprit = servers.first { $0.partyID == plan.founders[1] }!
        let victim = try #require(plan.committee.first { !plan.founders.contains($0) })
        let forged = SignedAgreementPayload.encode(try forgedOldKey(plan))
        var runner = try registrationRunner(servers, blockNumber: 45, seed: 5) { message, recipient in
            guard message.protocolTag == RegistrationFlow.handoverProtocolTag, message.kind == .echoBroadcast,
                  message.sender == culprit.partyID, recipient == victim else { return message }
            return message.replacingPayload(forged, signer: culprit)
        }
        guard case .failed(let errors) = runner.run() else { Issue.record("the equivocation went unnoticed"); return }
        #expect(!runner.sentMessages.contains { $0.protocolTag == KeyResharing.protocolTag })
        let honest = plan.committee.filter { $0 != culprit.partyID }
        #expect(Set(honest).isSubset(of: Set(errors.keys)))
        #expect(errors.values.allSatisfy { $0.culprit == culprit.partyID })
        let context = FaultCheckContext(
            publicData: try SignedAgreement.publicData(sessionID: plan.reshareID.rawRepresentation,
                                                       configuration: plan.handoverConfiguration),
            parameters: .testing, inputs: .signedAgreement(plan.handoverConfiguration, sessionID: plan.reshareID.rawRepresentation))
        for party in honest {
            guard case .fault(let fault) = errors[party]! else { Issue.record("not a fault: \(errors[party]!)"); continue }
            #expect(fault.phase == .oldKeyHandover && fault.fault.reason == .equivocation)
            // A third party decodes the report and the check context.
            let report = try FlowFault(encoded: fault.encoded)
            let decoded = try FaultCheckContext(encoded: context.encoded)
            #expect(report.publicData == decoded.publicData)
            #expect(decoded.verdict(of: report.fault) == .proven)
            #expect(report.context.encoded == context.encoded, "the report carries the handover's context")
            #expect(report.verdict() == .proven)
            for innocent in honest {
                #expect(decoded.verdict(of: report.fault.accusing(innocent)) != .proven)
            }
        }
    }

    /// A founder that consistently signs another (valid) key: the other servers cannot tell which
    /// founder lies (a typed disagreement naming no one); the honest founder knows the real key.
    @Test func aConsistentlyWrongFounderGivesADisagreement() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 46)
        let culprit = servers.first { $0.partyID == plan.founders[0] }!
        let honestFounder = plan.founders[1]
        let bystander = try #require(plan.committee.first { !plan.founders.contains($0) })
        let forged = SignedAgreementPayload.encode(try forgedOldKey(plan))
        // The culprit signs the forged key to everyone, in its echo-broadcast and in its echo; its
        // own (honest-code) session is shown the echoes it would see had it signed that key (test
        // scaffolding: the other servers' echoes re-signed with their keys).
        let original = LockedValue<SignedMessage?>(nil)
        let tag = RegistrationFlow.handoverProtocolTag
        var runner = try registrationRunner(servers, blockNumber: 46, seed: 6) { message, recipient in
            guard message.protocolTag == tag else { return message }
            switch message.kind {
            case .echoBroadcast where message.sender == culprit.partyID:
                original.value = message
                return message.replacingPayload(forged, signer: culprit)
            case .echo where message.sender == culprit.partyID:
                let entries = try! EchoRound.entries(of: message).map {
                    $0.sender == culprit.partyID ? $0.replacingPayload(forged, signer: culprit) : $0
                }
                return message.replacingPayload(EchoRound.payload(entries), signer: culprit)
            case .echo where recipient == culprit.partyID:
                let echoer = servers.first { $0.partyID == message.sender }!
                let entries = try! EchoRound.entries(of: message).map { $0.sender == culprit.partyID ? original.value! : $0 }
                return message.replacingPayload(EchoRound.payload(entries), signer: echoer)
            default:
                return message
            }
        }
        guard case .failed(let errors) = runner.run() else { Issue.record("the wrong key went unnoticed"); return }
        for party in [bystander, honestFounder] {
            guard case .disagreement(let phase, let disagreement) = errors[party] else {
                Issue.record("\(party): \(String(describing: errors[party]))"); continue
            }
            #expect(phase == .oldKeyHandover && errors[party]!.culprit == nil)
            #expect(disagreement.groups.count == 2)
            #expect(disagreement.contradictingReference == (party == honestFounder ? [culprit.partyID] : nil))
        }
        #expect(!runner.sentMessages.contains { $0.protocolTag == KeyResharing.protocolTag })
    }

    @Test func faultReportsRejectGarbage() {
        #expect(throws: FaultDecodingError.self) { try FlowFault(encoded: Array("TSSFFR".utf8) + [1, 0, 0]) }
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "flow fault", reason: .unsupportedVersion(9)))) {
            try FlowFault(encoded: Array("TSSFFR".utf8) + [9])
        }
        #expect(throws: FaultDecodingError.self) { try ProtocolFault(encoded: [1, 2, 3]) }
    }

    @Test func keyEncodingsRoundTripAndRejectGarbage() throws {
        var generator = ChaChaRandom(testSeed: 14)
        let holders = flowServers().map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let share = try ThresholdKeyShare(receiving: dealt.shares[holders[0]]!, commitment: dealt.commitment,
                                          threshold: 2, holders: holders)
        #expect(try ThresholdPublicKey(encoded: share.publicPart.encoded) == share.publicPart)
        var bytes = share.encoded
        #expect(throws: KeyShareError.self) { try ThresholdKeyShare(encoded: Array(bytes.dropLast())) }
        // A flipped bit in the secret share no longer matches the owner's public share.
        bytes[7 + 4 + 32 + 31] ^= 1
        #expect(throws: KeyShareError.self) { try ThresholdKeyShare(encoded: bytes) }
    }
}

/// A value shared between `@Sendable` tamper closures.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Counts signature checks (and accepts every signature).
final class CountingVerifier: IdentitySignatureVerifier, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    var count: Int { lock.withLock { calls } }
    func isValidSignature(_ signature: [UInt8], of message: [UInt8], by signer: PartyID) -> Bool {
        lock.withLock { calls += 1 }
        return Ed25519Verifier().isValidSignature(signature, of: message, by: signer)
    }
}
