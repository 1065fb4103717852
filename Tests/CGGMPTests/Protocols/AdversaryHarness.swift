import BigNum
import Foundation
import TestSupport
@testable import CGGMP

/// How one party's run ended in `runPastFaults`.
enum PartyEnd<Output: Sendable>: Sendable {
    case finished(Output)
    case faulted(ProtocolFault)
    case aborted(String)
    /// No progress possible; the parties it still waits for.
    case waiting([PartyID])

    var output: Output? { if case .finished(let output) = self { output } else { nil } }
    var fault: ProtocolFault? { if case .faulted(let fault) = self { fault } else { nil } }
}

/// One delivery of a message to a recipient, after `delay` extra steps.
struct Delivery: Sendable {
    let message: SignedMessage
    var delay: Int = 0
}

/// What the network (and the corrupt parties) do with a message on its way to `recipient`:
/// deliver it (possibly replaced, re-signed by the culprit), drop it ([]), duplicate or delay it.
typealias Interference = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> [Delivery]

/// Like `SimulationRunner`, but a party that detects a fault (or aborts) stops alone while the
/// others go on, until no party can progress: so a test sees whether any honest party finishes
/// while another holds a fault.
func runPastFaults<Output: Sendable>(_ sessions: [Session<Output>], generators: [PartyID: ChaChaRandom],
                                     record: Box<[SignedMessage]>? = nil,
                                     interference: Interference? = nil) -> [PartyID: PartyEnd<Output>] {
    var sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
    var generators = generators
    let parties = sessions.keys.sorted()
    var ends: [PartyID: PartyEnd<Output>] = [:]
    var inbox: [PartyID: [Delivery]] = [:]
    var steps = 0
    while steps < 200 {
        steps += 1
        var progressed = false
        for party in parties where ends[party] == nil && sessions[party]!.hasMessagesToSend {
            progressed = true
            guard let outgoing = try? sessions[party]!.makeMessages(using: &generators[party]!) else {
                ends[party] = .aborted("could not send")
                continue
            }
            for item in outgoing {
                record?.value.append(item.message)
                for recipient in item.recipient.map({ [$0] }) ?? parties.filter({ $0 != party }) {
                    inbox[recipient, default: []] += interference?(item.message, recipient) ?? [Delivery(message: item.message)]
                }
            }
        }
        for recipient in parties {
            let pending = inbox[recipient] ?? []
            inbox[recipient] = []
            for var delivery in pending {
                if ends[recipient] != nil { break }
                if delivery.delay > 0 {
                    delivery.delay -= 1
                    inbox[recipient, default: []].append(delivery)
                    progressed = true
                    continue
                }
                do {
                    try sessions[recipient]!.receive(delivery.message, from: delivery.message.sender)
                    progressed = true
                } catch .notYetExpected {
                    inbox[recipient, default: []].append(delivery)
                } catch .fault(let fault) {
                    ends[recipient] = .faulted(fault)
                    progressed = true
                } catch .alreadyReceived {
                    progressed = true
                } catch .ignored {
                    progressed = true
                } catch {
                    ends[recipient] = .aborted("\(error)")
                    progressed = true
                }
            }
        }
        for party in parties where ends[party] == nil && sessions[party]!.isReadyToFinalize {
            progressed = true
            do {
                if case .finished(let output) = try sessions[party]!.finalize(using: &generators[party]!) {
                    ends[party] = .finished(output)
                }
            } catch {
                ends[party] = .aborted("\(error)")
            }
        }
        if !progressed { break }
    }
    for party in parties where ends[party] == nil { ends[party] = .waiting(sessions[party]!.waitingFor) }
    return ends
}

/// A value tests share between `@Sendable` tamper closures.
final class Box<Value: Sendable>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// The properties every adversarial run must keep, checked for the honest parties' ends:
/// all finish with the same output or none finishes; no fault names an honest party; every fault
/// names a corrupt party with evidence a third party finds `.proven` (and not under another session
/// id, nor with the culprit replaced by an honest party).
/// - Returns: a list of violated properties (empty when all hold).
func adversaryPropertyViolations<Output: Sendable>(
    _ ends: [PartyID: PartyEnd<Output>], corrupt: Set<PartyID>, publicData: SessionPublicData,
    otherSession: SessionPublicData, rechecker: some EvidenceRechecker, sameOutput: (Output, Output) -> Bool
) -> [String] {
    var problems: [String] = []
    let honest = ends.keys.filter { !corrupt.contains($0) }.sorted()
    let outputs = honest.compactMap { ends[$0]?.output }
    if !outputs.isEmpty {
        if outputs.count != honest.count {
            problems.append("split outcome: \(outputs.count) of \(honest.count) honest parties finished: \(honest.map { "\(ends[$0]!)" })")
        }
        if let first = outputs.first, !outputs.allSatisfy({ sameOutput($0, first) }) {
            problems.append("honest parties finished with different outputs")
        }
    }
    for party in honest {
        guard let fault = ends[party]?.fault else { continue }
        if !corrupt.contains(fault.culprit) { problems.append("\(party) named honest \(fault.culprit): \(fault.reason)") }
        let verdict = fault.evidence.verdict(publicData: publicData, rechecker: rechecker)
        if verdict != .proven { problems.append("\(party)'s evidence against \(fault.culprit) is \(verdict)") }
        if fault.evidence.verdict(publicData: otherSession, rechecker: rechecker) == .proven {
            problems.append("evidence proven under another session id")
        }
        if let innocent = honest.first {
            let swapped = Evidence(culprit: innocent, round: fault.evidence.round, reason: fault.evidence.reason,
                                   messages: fault.evidence.messages)
            if swapped.verdict(publicData: publicData, rechecker: rechecker) == .proven {
                problems.append("evidence proven with the culprit replaced by honest \(innocent)")
            }
        }
    }
    return problems
}

/// Whether some honest party detected a fault.
func someHonestPartyFaulted<Output: Sendable>(_ ends: [PartyID: PartyEnd<Output>], corrupt: Set<PartyID>) -> Bool {
    ends.contains { !corrupt.contains($0.key) && $0.value.fault != nil }
}
