import CGGMP
import Dispatch
import Foundation
import Synchronization
import TSS
import TSSNode

/// One simulated server of the flows demo: its identity, its `PartyDriver`, its encrypted
/// `NodeStore`, and the flows it is running with how to restore each from the store.
final class DemoParty: @unchecked Sendable {
    /// Its position in identity order (its store is `party-<index>.sqlite`).
    let index: Int
    private(set) var identity: Ed25519Signer
    let store: NodeStore
    var driver: PartyDriver
    /// The flows started and not yet finished, by journal id, with how to restore each.
    var running: [String: DemoRestorer] = [:]
    /// When set, the party crashes right after it sent its first message of this phase.
    var crashAfter: FlowPhase?
    /// What the crash and restart looked like, once it happened.
    var recovery: DemoRecovery?
    /// Failed flows and dropped messages, in words (no secrets: `FlowError` prints none).
    var problems: [String] = []

    init(index: Int, identity: Ed25519Signer, store: NodeStore) {
        self.index = index
        self.identity = identity
        self.store = store
        self.driver = PartyDriver(me: identity.partyID)
    }

    var party: PartyID { identity.partyID }

    /// The process dies and comes back: a new driver, the identity read from the store again, and
    /// every flow that was running restored from its journal and started (the restorers take the
    /// journals out of the store; the restored flows persist again on their next step).
    func restart(after phase: FlowPhase) throws -> [PartyDriver.Action] {
        driver = PartyDriver(me: party)
        guard let reloaded = try store.loadIdentitySigner(), reloaded.partyID == identity.partyID else {
            throw DemoError("party \(index): its store lost its identity")
        }
        identity = reloaded
        var events = 0
        var actions: [PartyDriver.Action] = []
        let flows = running.keys.sorted()
        for id in flows {
            guard let restore = running[id] else { continue }
            let restored = try restore(self)
            events += restored.events
            actions += restored.actions
        }
        recovery = DemoRecovery(index: index, party: party, phase: phase, flows: flows, events: events)
        return actions
    }
}

/// Restores one flow of `party` from its store into its (new) driver: the number of journal
/// events replayed and the actions of starting the restored flow.
typealias DemoRestorer = @Sendable (_ party: DemoParty) throws -> (events: Int, actions: [PartyDriver.Action])

/// A crash and restart, for the report.
struct DemoRecovery: Sendable {
    let index: Int
    let party: PartyID
    let phase: FlowPhase
    /// The journal ids restored.
    let flows: [String]
    /// Journal events replayed, over all restored flows.
    let events: Int
}

/// The loopback network between the demo's parties. Messages travel as bytes
/// (`SignedMessage.encoded`), in order per sender and recipient; each wave of deliveries is
/// processed by every recipient at once (one thread per recipient, both cores), each party
/// touching only its own driver and store. Every `.persist` action goes to the party's store
/// before the messages made after it are sent.
final class DemoNetwork: @unchecked Sendable {
    private struct Delivery: Sendable {
        let recipient: PartyID
        let bytes: [UInt8]
        let sender: PartyID
        let phase: FlowPhase?
    }

    let parties: [DemoParty]
    private let byID: [PartyID: DemoParty]
    private var inFlight: [Delivery] = []
    /// Every started flow's routes and the phase each belongs to.
    private var phases: [MessageRoute: FlowPhase] = [:]
    private var announced: Set<FlowPhase> = []
    private let progress: @Sendable (String) -> Void

    init(parties: [DemoParty], progress: @escaping @Sendable (String) -> Void) {
        self.parties = parties
        self.byID = Dictionary(uniqueKeysWithValues: parties.map { ($0.party, $0) })
        self.progress = progress
    }

    /// Starts `flow` on `party`; `phases` names the phase of each of its routes and `restorer`
    /// rebuilds it from the store after a crash.
    func start<F: Flow>(_ flow: JournaledFlow<F>, on party: DemoParty, phases routes: [MessageRoute: FlowPhase],
                        restorer: @escaping DemoRestorer) throws {
        phases.merge(routes) { old, _ in old }
        let id = flow.journal.id
        let actions = try party.driver.start(flow)
        party.running[id] = restorer
        let sent = try handle(actions, by: party)
        announce(sent)
        inFlight += sent
        try checkProblems()
    }

    /// Delivers until nothing is in flight; then every flow must have finished.
    func run() throws {
        while !inFlight.isEmpty {
            let wave = inFlight
            inFlight = []
            let recipients = parties.filter { party in wave.contains { $0.recipient == party.party } }
            if let stranger = wave.first(where: { byID[$0.recipient] == nil }) {
                throw DemoError("a message for \(stranger.recipient), who is no party")
            }
            let results = Mutex<[Int: Result<[Delivery], any Error>]>([:])
            DispatchQueue.concurrentPerform(iterations: recipients.count) { slot in
                let party = recipients[slot]
                let result = Result<[Delivery], any Error> {
                    var sent: [Delivery] = []
                    for delivery in wave where delivery.recipient == party.party {
                        sent += try handle(party.driver.receive(bytes: delivery.bytes, from: delivery.sender), by: party)
                    }
                    return sent
                }
                results.withLock { $0[slot] = result }
            }
            let collected = results.withLock { $0 }
            for slot in recipients.indices {
                let sent = try collected[slot]!.get()
                announce(sent)
                inFlight += sent
            }
            try checkProblems()
        }
        let stuck = parties.filter { !$0.running.isEmpty }
        if !stuck.isEmpty {
            throw DemoError("stalled: " + stuck.map { "party \($0.index) waits in \($0.running.keys.sorted())" }
                .joined(separator: "; "))
        }
    }

    /// Carries out a party's actions; when the party is to crash in a phase, it does so right
    /// after the messages of its first step in that phase are sent (what the step persisted is in
    /// the store; the rest of the batch is lost with the process), then restarts from its store.
    private func handle(_ actions: [PartyDriver.Action], by party: DemoParty) throws -> [Delivery] {
        guard let phase = party.crashAfter, let cut = crashPoint(in: actions, phase: phase) else {
            return try perform(actions[...], by: party)
        }
        var sent = try perform(actions[..<cut], by: party)
        party.crashAfter = nil
        sent += try handle(party.restart(after: phase), by: party)
        return sent
    }

    /// The index just after the sends of the first step that sent a message of `phase`.
    private func crashPoint(in actions: [PartyDriver.Action], phase: FlowPhase) -> Int? {
        guard var index = actions.firstIndex(where: {
            if case .send(let message) = $0 { return phases[MessageRoute(of: message.message)] == phase }
            return false
        }) else { return nil }
        while index < actions.count, case .send = actions[index] { index += 1 }
        return index
    }

    private func perform(_ actions: ArraySlice<PartyDriver.Action>, by party: DemoParty) throws -> [Delivery] {
        var sent: [Delivery] = []
        for action in actions {
            switch action {
            case .persist(let journal):
                try party.store.saveFlowJournal(journal)
            case .send(let outgoing):
                let phase = phases[MessageRoute(of: outgoing.message)]
                let bytes = outgoing.message.encoded
                sent += outgoing.recipients.map { Delivery(recipient: $0, bytes: bytes, sender: party.party, phase: phase) }
            case .finished(let id):
                party.running[id] = nil
                // The finished journal (no seed, no entry) restores nothing: tidy it away.
                _ = try party.store.takeFlowJournal(id: id)
            case .failed(let id, let error):
                party.running[id] = nil
                party.problems.append("party \(party.index): flow \(id) failed: \(error)")
            case .dropped(let deliverer, let reason):
                party.problems.append("party \(party.index): dropped bytes from \(deliverer): \(reason)")
            }
        }
        return sent
    }

    private func announce(_ sent: [Delivery]) {
        for phase in sent.compactMap(\.phase) where !announced.contains(phase) {
            announced.insert(phase)
            progress("  \(phase.rawValue)")
        }
    }

    private func checkProblems() throws {
        let problems = parties.flatMap(\.problems)
        if !problems.isEmpty { throw DemoError(problems.joined(separator: "; ")) }
    }
}
