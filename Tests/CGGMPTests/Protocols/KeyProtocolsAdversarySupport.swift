import BigNum
import Foundation
import TestSupport
import Testing
@testable import CGGMP

/// A network the adversary controls, for the KeyInit and KeyResharing adversary suites: for each
/// (message, recipient) it returns what arrives — the message, a replacement (re-signed by the
/// corrupt sender), several copies, or nothing — each after a delay in steps.
typealias KeyAdversaryNetwork = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> [(message: SignedMessage, delay: Int)]

/// How an adversarial run ended, party by party (unlike `SimulationRunner`, the run goes on after a
/// party detects a fault, so a split — one honest party finishing while another aborts — shows).
struct KeyAdversaryOutcome<Output: Sendable> {
    var outputs: [PartyID: Output] = [:]
    var faults: [PartyID: ProtocolFault] = [:]
    var aborted: [PartyID: String] = [:]
    /// Parties that neither finished nor stopped, with the parties they still wait for.
    var waiting: [PartyID: [PartyID]] = [:]
    var sent: [SignedMessage] = []
}

/// Runs `sessions` over `network` until no party can progress. Corrupt parties run the honest code;
/// their misbehaviour is what the network does to their messages.
func runKeyAdversarially<Output: Sendable>(_ sessions: [Session<Output>], seed: UInt64, network: KeyAdversaryNetwork,
                                        maximumSteps: Int = 200) -> KeyAdversaryOutcome<Output> {
    var sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
    let parties = sessions.keys.sorted()
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, party) in parties.enumerated() { generators[party] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index)) }
    var outcome = KeyAdversaryOutcome<Output>()
    var active = Set(parties)
    // `retry`: a message its recipient was not ready for, offered again each step.
    var pending: [(due: Int, recipient: PartyID, message: SignedMessage, retry: Bool)] = []
    for step in 0..<maximumSteps {
        var progressed = false
        for party in parties where active.contains(party) && sessions[party]!.hasMessagesToSend {
            progressed = true
            do throws(SessionError) {
                for item in try sessions[party]!.makeMessages(using: &generators[party]!) {
                    outcome.sent.append(item.message)
                    for recipient in item.recipient.map({ [$0] }) ?? parties.filter({ $0 != party }) {
                        for delivery in network(item.message, recipient) {
                            pending.append((step + delivery.delay, recipient, delivery.message, false))
                        }
                    }
                }
            } catch {
                outcome.aborted[party] = "\(error)"
                active.remove(party)
            }
        }
        let due = pending.filter { $0.due <= step }
        pending.removeAll { $0.due <= step }
        for delivery in due where active.contains(delivery.recipient) {
            do throws(SessionError) {
                try sessions[delivery.recipient]!.receive(delivery.message, from: delivery.message.sender)
                progressed = true
            } catch .notYetExpected {
                pending.append((step + 1, delivery.recipient, delivery.message, true))
            } catch .alreadyReceived {
                continue
            } catch .ignored {
                continue
            } catch .fault(let fault) {
                outcome.faults[delivery.recipient] = fault
                active.remove(delivery.recipient)
                progressed = true
            } catch {
                outcome.aborted[delivery.recipient] = "\(error)"
                active.remove(delivery.recipient)
            }
        }
        for party in parties where active.contains(party) && sessions[party]!.isReadyToFinalize {
            progressed = true
            do throws(SessionError) {
                if case .finished(let output) = try sessions[party]!.finalize(using: &generators[party]!) {
                    outcome.outputs[party] = output
                    active.remove(party)
                }
            } catch .fault(let fault) {
                outcome.faults[party] = fault
                active.remove(party)
            } catch {
                outcome.aborted[party] = "\(error)"
                active.remove(party)
            }
        }
        if !progressed && pending.allSatisfy(\.retry) { break }
    }
    for party in active { outcome.waiting[party] = sessions[party]!.waitingFor }
    return outcome
}

/// What an adversary action is expected to lead to.
enum KeyAdversaryExpectation {
    /// Every honest party finishes (the network only duplicated, delayed or replayed honest messages).
    case finish
    /// No honest party finishes, at least one names a corrupt party with proven evidence.
    case provenFault
    /// The corrupt party kept a message back: no fault at all, every honest party still waits, and
    /// only for corrupt parties.
    case stallOnCorrupt
    /// The corrupt party kept a message back from one party: no fault, no honest party finishes,
    /// and every honest party's wait leads — through honest parties that wait in turn — to a corrupt
    /// party (an honest party may wait for the one left out, which a timeout would name).
    case stallRootedInCorrupt
}

/// The adversary properties: honest parties end alike (all finish with one output, or none
/// finishes); no honest party is named, and no evidence in the run verifies against an honest
/// party; the expected ending holds.
func expectKeyAdversaryProperties<Output: Sendable>(
    _ outcome: KeyAdversaryOutcome<Output>, action: String, committee: [PartyID], corrupt: Set<PartyID>,
    publicData: SessionPublicData, rechecker: some EvidenceRechecker, expectation: KeyAdversaryExpectation,
    sameOutput: (Output, Output) -> Bool
) {
    let honest = committee.filter { !corrupt.contains($0) }
    let finished = honest.filter { outcome.outputs[$0] != nil }
    #expect(finished.isEmpty || finished.count == honest.count,
            "\(action): split ending, \(finished.count) of \(honest.count) honest parties finished")
    if let first = finished.first.flatMap({ outcome.outputs[$0] }) {
        for party in finished {
            #expect(sameOutput(first, outcome.outputs[party]!), "\(action): honest outputs differ")
        }
    }
    for party in honest {
        #expect(outcome.aborted[party] == nil, "\(action): \(party) aborted: \(outcome.aborted[party] ?? "")")
        if let fault = outcome.faults[party] {
            #expect(corrupt.contains(fault.culprit), "\(action): honest \(party) named honest \(fault.culprit): \(fault)")
        }
    }
    // No evidence of the run convinces anyone against an honest party.
    for fault in outcome.faults.values {
        for party in honest {
            let renamed = Evidence(culprit: party, round: fault.evidence.round, reason: fault.evidence.reason,
                                   messages: fault.evidence.messages)
            #expect(renamed.verdict(publicData: publicData, rechecker: rechecker) != .proven,
                    "\(action): evidence against honest \(party) verifies")
        }
    }
    switch expectation {
    case .finish:
        #expect(finished.count == honest.count, "\(action): honest parties did not finish: \(outcome.faults) \(outcome.waiting)")
        #expect(outcome.faults.isEmpty, "\(action): \(outcome.faults)")
    case .provenFault:
        #expect(finished.isEmpty, "\(action): an honest party finished")
        let proven = honest.compactMap { outcome.faults[$0] }.filter {
            corrupt.contains($0.culprit) && $0.evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven
        }
        #expect(!proven.isEmpty, "\(action): no honest party named a corrupt one with proof: \(outcome.faults) \(outcome.waiting)")
        for party in honest {
            if let fault = outcome.faults[party], !fault.isTransportOnly {
                #expect(fault.evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven,
                        "\(action): \(party)'s fault is not proven: \(fault)")
            }
        }
    case .stallRootedInCorrupt:
        #expect(finished.isEmpty, "\(action): an honest party finished")
        #expect(outcome.faults.filter { honest.contains($0.key) }.isEmpty, "\(action): \(outcome.faults)")
        for party in honest {
            var reached: Set<PartyID> = [], frontier = [party]
            while let next = frontier.popLast() {
                for waited in outcome.waiting[next] ?? [] where reached.insert(waited).inserted && !corrupt.contains(waited) {
                    frontier.append(waited)
                }
            }
            #expect(!reached.isDisjoint(with: corrupt), "\(action): \(party)'s wait does not lead to a corrupt party: \(outcome.waiting)")
        }
    case .stallOnCorrupt:
        #expect(finished.isEmpty, "\(action): an honest party finished")
        #expect(outcome.faults.filter { honest.contains($0.key) }.isEmpty, "\(action): \(outcome.faults)")
        for party in honest {
            let waitsFor = outcome.waiting[party] ?? []
            #expect(!waitsFor.isEmpty && corrupt.isSuperset(of: waitsFor), "\(action): \(party) waits for \(waitsFor)")
        }
    }
}

/// Network behaviours shared by the suites.
enum KeyAdversaryNetworks {
    /// Delivers everything unchanged.
    static let honest: KeyAdversaryNetwork = { message, _ in [(message, 0)] }

    /// Replaces what `sender` sends in (`round`, `kind`) by `replace(message, recipient)` (nil: not
    /// sent) for the recipients `to` selects.
    static func tamper(_ sender: PartyID, round: Int, kind: MessageKind, to: @escaping @Sendable (PartyID) -> Bool = { _ in true },
                       _ replace: @escaping @Sendable (SignedMessage, PartyID) -> SignedMessage?) -> KeyAdversaryNetwork {
        { message, recipient in
            guard message.sender == sender, message.round == round, message.kind == kind, to(recipient) else {
                return [(message, 0)]
            }
            return replace(message, recipient).map { [($0, 0)] } ?? []
        }
    }

    /// Every message of an honest party also arrives a second time, `after` steps later (`after`
    /// large: once its round is over).
    static func duplicateHonest(corrupt: Set<PartyID>, after: Int) -> KeyAdversaryNetwork {
        { message, _ in corrupt.contains(message.sender) ? [(message, 0)] : [(message, 0), (message, after)] }
    }

    /// Delays each honest message by 0…`maximum` steps, chosen from the message and `seed`.
    static func delayHonest(corrupt: Set<PartyID>, seed: UInt64, maximum: Int) -> KeyAdversaryNetwork {
        { message, recipient in
            guard !corrupt.contains(message.sender) else { return [(message, 0)] }
            var hasher = SHA256Hasher(domain: "test/delay")
            hasher.append(message.encoded)
            hasher.append(recipient.bytes)
            hasher.append((0..<8).map { UInt8(truncatingIfNeeded: seed >> (8 * $0)) })
            return [(message, Int(hasher.finalize()[0]) % (maximum + 1))]
        }
    }

    /// `sender`'s message of (`round`, `kind`) replaced by the same content signed for another session.
    static func replayFromAnotherSession(_ signer: Ed25519Signer, round: Int, kind: MessageKind) -> KeyAdversaryNetwork {
        tamper(signer.partyID, round: round, kind: kind) { message, _ in
            SignedMessage(sessionID: Array("another session".utf8) + message.sessionID, protocolTag: message.protocolTag,
                          round: message.round, kind: message.kind, recipient: message.recipient,
                          payload: message.payload, signer: signer)
        }
    }
}
