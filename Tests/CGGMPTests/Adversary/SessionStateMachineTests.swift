import CGGMPAdversary
import Testing
@testable import CGGMP

/// Issue #12 item 4, in the swift-nio-ssh manner: for every protocol, messages that fill no slot now
/// — early, late, duplicate, wrong-round, wrong-kind, wrong-session, non-member, another party's
/// direct message — are injected at every step of a run and again after it finished. Each gets its
/// typed verdict (`deferred`, `duplicate`, `ignored`), changes no state — the run ends
/// with exactly the outputs of an undisturbed run with the same seeds — and nothing traps.
@Suite struct SessionStateMachineTests {
    /// Delivers everything as sent, plus hostile variants of every message of the step.
    struct Injector: SimulationAdversary {
        let stranger: Ed25519Signer
        /// Every message seen so far (for late copies and wrong-round variants).
        var history: [SignedMessage] = []
        var injected = 0

        mutating func deliveries(of sent: [CGGMP.Delivery], step: Int) -> [CGGMP.Delivery] {
            var out: [CGGMP.Delivery] = []
            for delivery in sent {
                let message = delivery.message
                let recipient = delivery.recipient
                func add(_ variant: SignedMessage, deliverer: PartyID? = nil) {
                    out.append(CGGMP.Delivery(message: variant, recipient: recipient, deliverer: deliverer ?? variant.sender))
                    injected += 1
                }
                out.append(delivery)
                add(message)                                                          // duplicate
                if let late = history.last(where: { $0.sender != recipient }) { add(late) } // late copy
                add(SignedMessage(sessionID: message.sessionID + [1], protocolTag: message.protocolTag,
                                  round: message.round, kind: message.kind, recipient: message.recipient,
                                  payload: message.payload, signer: stranger), deliverer: stranger.partyID) // stranger
                let kinds: [MessageKind] = [.echoBroadcast, .broadcast, .echo]
                for kind in kinds where kind != message.kind {
                    // Wrong kind for the round (or a slot the round has, with a payload nobody signed
                    // before: the sender did not sign it, so it cannot be delivered as the sender's).
                    add(SignedMessage(sessionID: message.sessionID, protocolTag: message.protocolTag, round: message.round,
                                      kind: kind, recipient: nil, payload: message.payload, signer: stranger),
                        deliverer: stranger.partyID)
                }
            }
            history += sent.map(\.message)
            // Early and wrong-round: every message again with a round far ahead, signed by a stranger.
            for delivery in sent.prefix(2) {
                let message = delivery.message
                out.append(CGGMP.Delivery(message: SignedMessage(
                    sessionID: message.sessionID, protocolTag: message.protocolTag + "-other", round: message.round + 1,
                    kind: message.kind, recipient: message.recipient, payload: message.payload, signer: stranger),
                    recipient: delivery.recipient, deliverer: stranger.partyID))
                injected += 1
            }
            return out
        }
    }

    /// Runs `protocolUnderTest` twice with the same seeds — undisturbed and with the injector — and
    /// compares; then probes every finished session with every message of the run.
    func exercise<Output>(_ protocolUnderTest: ProtocolUnderTest<Output>) throws {
        var clean = simulation(try protocolUnderTest.makeSessions(protocolUnderTest.sessionID), seed: 5)
        var honest = ScriptedAdversary(culprit: protocolUnderTest.signers[0], victim: protocolUnderTest.signers[1].partyID,
                                       action: .none)
        let reference = clean.runToEnd(adversary: &honest)
        var disturbed = simulation(try protocolUnderTest.makeSessions(protocolUnderTest.sessionID), seed: 5)
        var injector = Injector(stranger: makeSigners(1, offset: 200)[0])
        let report = disturbed.runToEnd(adversary: &injector)
        #expect(injector.injected > 0)
        #expect(report.faults.isEmpty, "\(protocolUnderTest.name): \(report.faults.values.map(\.description))")
        #expect(report.aborted.isEmpty, "\(protocolUnderTest.name): \(report.aborted)")
        #expect(report.outputs.count == protocolUnderTest.signers.count)
        for (party, output) in reference.outputs {
            guard let other = report.outputs[party] else { continue }
            #expect(protocolUnderTest.sameOutput(output, other), "\(protocolUnderTest.name): \(party)'s output changed")
        }
        #expect(disturbed.sentMessages == clean.sentMessages, "\(protocolUnderTest.name): the injected messages changed what was sent")
        // After the end: every message of the run, to every finished session, is dropped or a copy.
        for session in disturbed.machines.values {
            for message in disturbed.sentMessages where message.sender != session.me {
                do {
                    switch try session.check(message, from: message.sender) {
                    case .setAside(.duplicate), .setAside(.ignored): continue
                    case let other: Issue.record("\(protocolUnderTest.name): a finished session gave \(other)")
                    }
                } catch {
                    Issue.record("\(protocolUnderTest.name): after the end: \(error)")
                }
            }
        }
    }

    @Test func keyInit() throws { try exercise(ProtocolAdversaryTests.keyInit()) }
    @Test func keyResharing() throws { try exercise(ProtocolAdversaryTests.keyResharing()) }
    @Test func auxGen() throws { try exercise(ProtocolAdversaryTests.auxGen()) }
    @Test func keyRefresh() throws { try exercise(ProtocolAdversaryTests.keyRefresh()) }
    @Test func presigning() throws { try exercise(ProtocolAdversaryTests.presigning()) }
    @Test func interactiveSigning() throws { try exercise(ProtocolAdversaryTests.interactiveSigning()) }
}
