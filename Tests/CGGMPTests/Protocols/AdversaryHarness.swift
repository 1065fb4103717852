import BigNum
import CGGMPAdversary
import Foundation
import TestSupport
@testable import CGGMP

/// An adversarial run of every party to its end (`SimulationRunner.runToEnd`, so a party that
/// detects a fault stops alone while the others go on, and a split shows): how each party ended,
/// and every message sent.
struct AdversaryRun<Output: Sendable> {
    var report: RunReport<Output>
    var sent: [SignedMessage]

    var outputs: [PartyID: Output] { report.outputs }
    var faults: [PartyID: ProtocolFault] { report.faults }
    var aborted: [PartyID: String] { report.aborted }
    /// Parties that neither finished nor stopped, with the parties they still wait for.
    var waiting: [PartyID: [PartyID]] { report.waiting }
    /// Whether `party` neither finished nor stopped on a fault or an abort.
    func isStuck(_ party: PartyID) -> Bool { outputs[party] == nil && faults[party] == nil && aborted[party] == nil }
}

/// Runs `sessions` with `generators` over a network scripted per delivery (`ScriptedNetwork`;
/// nil: everything delivered as sent). Corrupt parties run the honest code; their misbehaviour is
/// what the network does to their messages.
func runAdversarially<Output: Sendable>(_ sessions: [Session<Output>], generators: [PartyID: ChaChaRandom],
                                        route: ScriptedNetwork.Route? = nil) -> AdversaryRun<Output> {
    var runner = SimulationRunner(machines: sessions, generators: generators)
    var network = ScriptedNetwork(route ?? { message, _ in [(message, 0)] })
    let report = runner.runToEnd(adversary: &network)
    return AdversaryRun(report: report, sent: runner.sentMessages)
}

/// `runAdversarially` with generators seeded `seed · 1000 + k` for the k-th party in id order.
func runAdversarially<Output: Sendable>(_ sessions: [Session<Output>], seed: UInt64,
                                        route: ScriptedNetwork.Route? = nil) -> AdversaryRun<Output> {
    runAdversarially(sessions, generators: generatorsInPartyOrder(sessions, seed: seed), route: route)
}

/// Generators seeded `seed · multiplier + k` for the k-th party in id order.
func generatorsInPartyOrder(_ sessions: [Session<some Sendable>], seed: UInt64, multiplier: UInt64 = 1000) -> [PartyID: ChaChaRandom] {
    Dictionary(uniqueKeysWithValues: sessions.map(\.me).sorted().enumerated().map {
        ($1, ChaChaRandom(testSeed: seed &* multiplier &+ UInt64($0)))
    })
}

/// A tamper closure as a route (the message it returns arrives at once).
func route(_ tamper: @escaping @Sendable (SignedMessage, PartyID) -> SignedMessage) -> ScriptedNetwork.Route {
    { message, recipient in [(tamper(message, recipient), 0)] }
}

/// A value tests share between `@Sendable` tamper closures.
final class Box<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    /// Reads or changes the value under the lock.
    func with<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
}

/// The properties every adversarial run must keep, for the honest parties: all finish with the
/// same output or none finishes; none aborts; no fault names an honest party; every fault names a
/// corrupt party with evidence a third party finds `.proven` (or, with `acceptTransportOnly`, is a
/// transport-only fault), not proven under `otherSession`; no fault's evidence, renamed to an
/// honest party, verifies.
/// - Returns: a list of violated properties (empty when all hold).
func adversaryPropertyViolations<Output: Sendable>(
    _ run: AdversaryRun<Output>, committee: [PartyID], corrupt: Set<PartyID>, publicData: SessionPublicData,
    otherSession: SessionPublicData? = nil, rechecker: some EvidenceRechecker, acceptTransportOnly: Bool = false,
    sameOutput: (Output, Output) -> Bool
) -> [String] {
    var problems: [String] = []
    let honest = committee.filter { !corrupt.contains($0) }.sorted()
    let outputs = honest.compactMap { run.outputs[$0] }
    if !outputs.isEmpty {
        if outputs.count != honest.count {
            problems.append("split outcome: \(outputs.count) of \(honest.count) honest parties finished: \(run.report)")
        }
        if let first = outputs.first, !outputs.allSatisfy({ sameOutput($0, first) }) {
            problems.append("honest parties finished with different outputs")
        }
    }
    for party in honest {
        if let abort = run.aborted[party] { problems.append("\(party) aborted: \(abort)") }
        guard let fault = run.faults[party] else { continue }
        if !corrupt.contains(fault.culprit) { problems.append("\(party) named honest \(fault.culprit): \(fault.reason)") }
        let verdict = fault.evidence.verdict(publicData: publicData, rechecker: rechecker)
        if verdict != .proven, !(acceptTransportOnly && fault.isTransportOnly) {
            problems.append("\(party)'s evidence against \(fault.culprit) is \(verdict)")
        }
        if let otherSession, fault.evidence.verdict(publicData: otherSession, rechecker: rechecker) == .proven {
            problems.append("evidence proven under another session id")
        }
    }
    for fault in run.faults.values {
        for innocent in honest {
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
func someHonestPartyFaulted<Output: Sendable>(_ run: AdversaryRun<Output>, corrupt: Set<PartyID>) -> Bool {
    run.faults.keys.contains { !corrupt.contains($0) }
}
