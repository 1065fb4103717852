import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
import CGGMPAdversary
@testable import CGGMP

/// Seeded adversary runs of interactive signing (presigning rounds 1–3, failure rounds 5/6,
/// signing round 4) with one corrupt signer acting through the runner's tamper closure. For each
/// action: all honest parties end alike, no honest party is named, a failed run names the culprit
/// with proven evidence (or, for drops and replays, the honest parties wait only for the culprit
/// or for each other), and no evidence against an honest party verifies (`PresignRunProperties`).
@Suite struct PresigningAdversaryTests {
    enum Action: String, CaseIterable, Sendable {
        case equivocateRound1Echo, equivocateRound1Direct, equivocateRound2Echo, equivocateRound2Broadcast
        case equivocateRound3Echo, equivocateRound3Broadcast
        case dropRound1Echo, dropRound1Direct, dropRound2Broadcast, dropRound3Echo, dropRound2EchoStep
        case replayRound1, replayRound3, echoEntryFromAnotherSession
        case wrongSigma, wrongDelta, wrongS
    }

    static let h = PresignHarness.shared

    /// The culprit's messages of an earlier session (for replays).
    static let earlierSession: [SignedMessage] = {
        var runner = h.interactive(seed: 900, sessionID: Array("an earlier session".utf8))
        _ = runner.run()
        return runner.sentMessages
    }()

    static func tamper(_ action: Action) -> PresignAdversary.Tamper? {
        let culprit = h.culprit, victim = h.honest[0]
        func perturb<T: WireCodable>(_ type: T.Type, field: Int) -> @Sendable ([UInt8]) -> [UInt8] {
            { payload in (try? T(encoded: payload).perturbed(field: field).get().encoded) ?? payload + [0] }
        }
        func replay(round: Int) -> PresignAdversary.Tamper {
            { message, _ in
                guard message.sender == culprit.partyID, message.round == round else { return message }
                return earlierSession.first {
                    $0.sender == message.sender && $0.round == round && $0.kind == message.kind && $0.recipient == message.recipient
                } ?? message
            }
        }
        switch action {
        case .equivocateRound1Echo:
            return PresignAdversary.replace(round: 1, kind: .echoBroadcast, culprit: culprit, recipients: [victim]) { payload in
                let m = try! PresignRound1Echo(encoded: payload)
                return PresignRound1Echo(k: m.k, g: m.g, y: m.y, a1: m.a1 + .generator, a2: m.a2, b1: m.b1, b2: m.b2).encoded
            }
        case .equivocateRound1Direct:
            return PresignAdversary.replace(round: 1, kind: .direct, culprit: culprit, recipients: [victim],
                                             perturb(PresignRound1Direct.self, field: 6))
        case .equivocateRound2Echo:
            return PresignAdversary.replace(round: 2, kind: .echoBroadcast, culprit: culprit, recipients: [victim]) { payload in
                let m = try! PresignRound2Echo(encoded: payload)
                return PresignRound2Echo(gamma: m.gamma + .generator, f: m.f, fHat: m.fHat, d: m.d, dHat: m.dHat).encoded
            }
        case .equivocateRound2Broadcast:
            return PresignAdversary.replace(round: 2, kind: .broadcast, culprit: culprit, recipients: [victim],
                                             perturb(PresignRound2Broadcast.self, field: 0))
        case .equivocateRound3Echo:
            return PresignAdversary.replace(round: 3, kind: .echoBroadcast, culprit: culprit, recipients: [victim]) { payload in
                let m = try! PresignRound3Echo(encoded: payload)
                return PresignRound3Echo(delta: m.delta + .one, bigDelta: m.bigDelta, s: m.s).encoded
            }
        case .equivocateRound3Broadcast:
            return PresignAdversary.replace(round: 3, kind: .broadcast, culprit: culprit, recipients: [victim],
                                             perturb(PresignRound3Broadcast.self, field: 3))
        case .dropRound1Echo: return PresignAdversary.drop(round: 1, kind: .echoBroadcast, culprit: culprit, to: victim)
        case .dropRound1Direct: return PresignAdversary.drop(round: 1, kind: .direct, culprit: culprit, to: victim)
        case .dropRound2Broadcast: return PresignAdversary.drop(round: 2, kind: .broadcast, culprit: culprit, to: victim)
        case .dropRound3Echo: return PresignAdversary.drop(round: 3, kind: .echoBroadcast, culprit: culprit, to: victim)
        case .dropRound2EchoStep: return PresignAdversary.drop(round: 2, kind: .echo, culprit: culprit, to: victim)
        case .echoEntryFromAnotherSession:
            // The culprit's round-2 echo holds, for an honest party, that party's validly signed
            // message of another session (it cannot sign one for this session in its name).
            return { message, _ in
                guard message.sender == culprit.partyID, message.round == 2, message.kind == .echo,
                      var entries = try? EchoRound.entries(of: message),
                      let index = entries.firstIndex(where: { $0.sender == victim }),
                      let stale = earlierSession.first(where: {
                          $0.sender == victim && $0.round == 2 && $0.kind == .echoBroadcast
                      }) else { return message }
                entries[index] = stale
                return message.replacingPayload(EchoRound.payload(entries), signer: culprit)
            }
        case .replayRound1: return replay(round: 1)
        case .replayRound3: return replay(round: 3)
        case .wrongSigma:
            return PresignAdversary.replace(round: 4, kind: .broadcast, culprit: culprit) { payload in
                SignatureShareMessage(sigma: try! SignatureShareMessage(encoded: payload).sigma + .one).encoded
            }
        case .wrongDelta: return PresignAdversary.wrongDelta(culprit: culprit)
        case .wrongS: return PresignAdversary.wrongS(culprit: culprit)
        }
    }

    @Test(arguments: Action.allCases, [UInt64(1), 2])
    func honestPartiesAgreeAndOnlyTheCulpritIsNamed(action: Action, seed: UInt64) {
        let h = Self.h
        var runner = h.interactive(seed: seed &* 131 &+ UInt64(action.rawValue.count), tamper: Self.tamper(action))
        let outcome = runner.run()
        let properties = PresignRunProperties(harness: h, publicData: h.signPublicData(), rechecker: h.signRechecker)
        let expectFault: Bool = switch action {
        case .dropRound1Echo, .dropRound1Direct, .dropRound2Broadcast, .dropRound3Echo, .dropRound2EchoStep,
             .replayRound1, .replayRound3: false
        default: true
        }
        properties.check(outcome, runner, expectFault: expectFault)
        // No evidence an accuser can assemble from this run's messages convicts an honest party.
        for round in Set(runner.sentMessages.map(\.round)) {
            for victim in h.honest {
                for evidence in presignSubstitutedEvidence(victim: victim, accuser: h.culprit, round: round,
                                                    sent: runner.sentMessages, inputs: h.inputs,
                                                    rules: Array((presignRules[round] ?? []).prefix(1)),
                                                    allOrders: false) {
                    #expect(evidence.verdict(publicData: h.signPublicData(), rechecker: h.signRechecker) != .proven,
                            "\(action): round \(round) \(evidence.reason) against \(victim)")
                }
            }
        }
    }

    /// The network duplicates and delays honest messages (copies arrive after their round, a party's
    /// messages arrive rounds late): everyone still finishes with the same signature, no one faults.
    @Test(arguments: [UInt64(1), 2])
    func duplicatedAndDelayedHonestMessagesAreHarmless(seed: UInt64) {
        let h = Self.h
        let slow = h.honest[seed % 2 == 0 ? 0 : 1]
        let sessions = h.interactiveSessions()
        let result = runAdversarially(sessions, generators: generatorsInPartyOrder(sessions, seed: seed, multiplier: 7919)) {
            message, recipient in
            var delays = [message.sender == slow ? 2 : 0]
            if (message.round + Int(seed)) % 2 == 0 { delays.append(5) }   // a late duplicate
            if message.kind == .echo && recipient == h.culprit.partyID { delays.append(1) }
            return delays.map { (message, $0) }
        }
        #expect(result.faults.isEmpty, "\(result.faults)")
        #expect(result.aborted.isEmpty, "\(result.aborted)")
        #expect(result.outputs.count == 3)
        #expect(Set(result.outputs.values).count == 1)
    }
}
