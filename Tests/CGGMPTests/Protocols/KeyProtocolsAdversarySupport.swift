import Hashing
import BigNum
import CGGMPAdversary
import Foundation
import TestSupport
import Testing
@testable import CGGMP

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

/// The adversary properties (`adversaryPropertyViolations`, transport-only faults accepted) and
/// the expected ending.
func expectKeyAdversaryProperties<Output: Sendable>(
    _ outcome: AdversaryRun<Output>, action: String, committee: [PartyID], corrupt: Set<PartyID>,
    publicData: SessionPublicData, rechecker: some EvidenceRechecker, expectation: KeyAdversaryExpectation,
    sameOutput: (Output, Output) -> Bool
) {
    let honest = committee.filter { !corrupt.contains($0) }
    let finished = honest.filter { outcome.outputs[$0] != nil }
    let problems = adversaryPropertyViolations(outcome, committee: committee, corrupt: corrupt, publicData: publicData,
                                               rechecker: rechecker, acceptTransportOnly: true, sameOutput: sameOutput)
    #expect(problems.isEmpty, "\(action): \(problems)")
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

/// Network behaviours shared by the KeyInit and KeyResharing suites (routes for `ScriptedNetwork`).
enum KeyAdversaryNetworks {
    /// Delivers everything unchanged.
    static let honest: ScriptedNetwork.Route = { message, _ in [(message, 0)] }

    /// Replaces what `sender` sends in (`round`, `kind`) by `replace(message, recipient)` (nil: not
    /// sent) for the recipients `to` selects.
    static func tamper(_ sender: PartyID, round: Int, kind: MessageKind, to: @escaping @Sendable (PartyID) -> Bool = { _ in true },
                       _ replace: @escaping @Sendable (SignedMessage, PartyID) -> SignedMessage?) -> ScriptedNetwork.Route {
        { message, recipient in
            guard message.sender == sender, message.round == round, message.kind == kind, to(recipient) else {
                return [(message, 0)]
            }
            return replace(message, recipient).map { [($0, 0)] } ?? []
        }
    }

    /// Every message of an honest party also arrives a second time, `after` steps later (`after`
    /// large: once its round is over).
    static func duplicateHonest(corrupt: Set<PartyID>, after: Int) -> ScriptedNetwork.Route {
        { message, _ in corrupt.contains(message.sender) ? [(message, 0)] : [(message, 0), (message, after)] }
    }

    /// Delays each honest message by 0…`maximum` steps, chosen from the message and `seed`.
    static func delayHonest(corrupt: Set<PartyID>, seed: UInt64, maximum: Int) -> ScriptedNetwork.Route {
        { message, recipient in
            guard !corrupt.contains(message.sender) else { return [(message, 0)] }
            var hasher = DomainSeparatedHash(domain: "test/delay")
            hasher.appendField(message.encoded)
            hasher.appendField(recipient.rawRepresentation)
            hasher.append(seed)
            return [(message, Int(hasher.sha256()[0]) % (maximum + 1))]
        }
    }

    /// `sender`'s message of (`round`, `kind`) replaced by the same content signed for another session.
    static func replayFromAnotherSession(_ signer: Ed25519Signer, round: Int, kind: MessageKind) -> ScriptedNetwork.Route {
        tamper(signer.partyID, round: round, kind: kind) { message, _ in
            SignedMessage(sessionID: Array("another session".utf8) + message.sessionID, protocolTag: message.protocolTag,
                          round: message.round, kind: message.kind, recipient: message.recipient,
                          payload: message.payload, signer: signer)
        }
    }
}
