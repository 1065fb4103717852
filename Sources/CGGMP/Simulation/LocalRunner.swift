import Dispatch
import Foundation

/// Runs every party of a protocol — sessions or flows, any `PartyMachine` — in one process: for
/// tests, the CLI and benchmarks. The one in-process runner (`SimulationRunner` names it for
/// sessions, TSS's `FlowRunner` for flows).
///
/// Each step, every party that has messages sends them; every message is delivered to its
/// recipients (a session checks them concurrently when `parallelVerification`); parties whose step
/// is complete advance. `tamper` sees every (message, recipient) delivery and may replace the
/// message, so a test can make one party misbehave; `runToEnd(adversary:)` hands the whole
/// network to an adversary (rushing, dropping, delaying, replacing); `interrupt` sees a party's
/// machine after every call that changed it and may replace it (a crash and restore).
public struct LocalRunner<Machine: PartyMachine, Generator: RandomNumberGenerator & Sendable>: Sendable {
    /// Replaces a message on its way to `recipient` (return it unchanged to deliver it as is).
    public typealias Tamper = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> SignedMessage
    /// Sees a party's machine after every call that changed it and may return a replacement.
    public typealias Interrupt = @Sendable (_ party: PartyID, _ machine: Machine) -> Machine?

    /// Every party's machine, by party, in its current state.
    public private(set) var machines: [PartyID: Machine]
    private var generators: [PartyID: Generator]
    /// Whether each step's deliveries to a session are checked concurrently (`Session.check` is pure).
    public var parallelVerification: Bool
    /// Rewrites deliveries, to make a party misbehave; nil delivers everything as sent.
    public var tamper: Tamper?
    /// The interrupt hook, or nil. With one, deliveries go one at a time, so that it also sees a
    /// party in the middle of a step.
    public var interrupt: Interrupt?
    /// Every message sent, in order (for reproducibility checks and evidence tests).
    public private(set) var sentMessages: [SignedMessage] = []

    /// A runner over one machine per party, each party drawing from its own generator.
    /// - Precondition: `generators` has exactly the machines' parties as keys (a test's own set-up).
    public init(machines: [Machine], generators: [PartyID: Generator],
                parallelVerification: Bool = false, tamper: Tamper? = nil) {
        self.machines = Dictionary(uniqueKeysWithValues: machines.map { ($0.me, $0) })
        self.generators = generators
        self.parallelVerification = parallelVerification
        self.tamper = tamper
        precondition(Set(self.machines.keys) == Set(generators.keys), "one generator per party")
    }

    /// Steps after which `runToEnd` gives up (far more than any protocol here needs).
    public static var maximumSteps: Int { 10_000 }

    /// How a run ended.
    public enum Outcome: Sendable {
        /// Every party finished, with its output.
        case finished([PartyID: Machine.Output])
        /// Parties stopped (keyed by the party that stopped): a detected fault, or an abort.
        case failed([PartyID: Machine.Failure])
        /// No party can make progress: each waiting party with the parties it still waits for
        /// (what a real deployment's timeout names as silent).
        case stalled([PartyID: [PartyID]])
    }

    /// Runs until every party finishes or any party stops.
    public mutating func run() -> Outcome {
        var adversary = TamperingNetwork(tamper: tamper)
        let report = runToEnd(adversary: &adversary, stopAtFirstFailure: true)
        if !report.failures.isEmpty { return .failed(report.failures) }
        if report.outputs.count == machines.count { return .finished(report.outputs) }
        return .stalled(report.waiting)
    }

    /// Runs every party until each has finished, stopped (a detected fault or an abort: it then
    /// stops, as a real party does) or is stuck, with `adversary` standing for the network and the
    /// corrupt parties: it sees every message of a step before any is delivered (so corrupt parties
    /// may rush), and decides what is delivered to whom — dropping, duplicating, delaying, replacing.
    /// - Parameters:
    ///   - adversary: Decides, each step, which deliveries arrive and in what form.
    ///   - stopAtFirstFailure: End the run in the step where the first party stops.
    public mutating func runToEnd(adversary: inout some SimulationAdversary,
                                  stopAtFirstFailure: Bool = false) -> MachineRunReport<Machine.Output, Machine.Failure> {
        let parties = machines.keys.sorted()
        var report = MachineRunReport<Machine.Output, Machine.Failure>()
        func isActive(_ party: PartyID) -> Bool { report.outputs[party] == nil && report.failures[party] == nil }
        var step = 0
        // An adversary that keeps delivering (say, duplicates forever) cannot keep the run alive.
        while parties.contains(where: isActive), step < Self.maximumSteps {
            step += 1
            var progressed = false
            // Send.
            var sent: [Delivery] = []
            for party in parties where isActive(party) && machines[party]!.hasMessagesToSend {
                progressed = true
                do {
                    for item in try machines[party]!.makeMessages(using: &generators[party]!) {
                        sentMessages.append(item.message)
                        for recipient in item.recipients {
                            sent.append(Delivery(message: item.message, recipient: recipient, deliverer: party))
                        }
                    }
                    interrupted(party)
                } catch {
                    report.failures[party] = error
                }
            }
            var inboxes: [PartyID: [Delivery]] = [:]
            for delivery in adversary.deliveries(of: sent, step: step) {
                inboxes[delivery.recipient, default: []].append(delivery)
                progressed = true
            }
            // Deliver.
            for recipient in parties where isActive(recipient) {
                let inbox = inboxes[recipient] ?? []
                let batches = interrupt == nil ? [inbox] : inbox.map { [$0] }
                for batch in batches where !batch.isEmpty {
                    if let failure = machines[recipient]!.receiveAll(batch, concurrently: parallelVerification) {
                        report.failures[recipient] = failure
                        break
                    }
                    interrupted(recipient)
                }
            }
            if stopAtFirstFailure, !report.failures.isEmpty { break }
            // Advance.
            for party in parties where isActive(party) && machines[party]!.isReadyToAdvance {
                progressed = true
                do {
                    try machines[party]!.advance(using: &generators[party]!)
                    interrupted(party)
                    if let output = machines[party]!.output { report.outputs[party] = output }
                } catch {
                    report.failures[party] = error
                }
            }
            if stopAtFirstFailure, !report.failures.isEmpty { break }
            guard progressed || adversary.isHoldingDeliveries else { break }
        }
        for party in parties where isActive(party) && !machines[party]!.waitingFor.isEmpty {
            report.waiting[party] = machines[party]!.waitingFor
        }
        return report
    }

    private mutating func interrupted(_ party: PartyID) {
        if let interrupt, let replacement = interrupt(party, machines[party]!) { machines[party] = replacement }
    }
}

/// `LocalRunner` over CGGMP sessions.
public typealias SimulationRunner<Output: Sendable, Generator: RandomNumberGenerator & Sendable> =
    LocalRunner<Session<Output>, Generator>

extension LocalRunner.Outcome where Machine.Failure == SessionError {
    /// The faults, when the run stopped on faults only (every stopped party names a culprit with
    /// evidence); nil otherwise.
    public var faults: [PartyID: ProtocolFault]? {
        guard case .failed(let failures) = self else { return nil }
        let faults = failures.compactMapValues(Machine.protocolFault(in:))
        return faults.count == failures.count ? faults : nil
    }
}

/// How every party's run ended (`LocalRunner.runToEnd`).
public struct MachineRunReport<Output: Sendable, Failure: Error & Sendable>: Sendable {
    /// Parties that finished, with their outputs.
    public var outputs: [PartyID: Output] = [:]
    /// Parties that stopped (a detected fault, or an abort), with the error each stopped on.
    public var failures: [PartyID: Failure] = [:]
    /// Parties still waiting when no one could progress, with the parties each waits for: what a
    /// deployment's timeout names as silent.
    public var waiting: [PartyID: [PartyID]] = [:]

    /// An empty report.
    public init() {}
}

/// The run report of sessions.
public typealias RunReport<Output: Sendable> = MachineRunReport<Output, SessionError>

extension MachineRunReport where Failure == SessionError {
    /// Parties that detected a fault (and stopped), with the fault each detected.
    public var faults: [PartyID: ProtocolFault] {
        failures.compactMapValues { if case .fault(let fault) = $0 { fault } else { nil } }
    }
    /// Parties that stopped without naming anyone (an abort, or a bug in the driving code).
    public var aborted: [PartyID: String] {
        failures.compactMapValues { if case .fault = $0 { nil } else { "\($0)" } }
    }
}

/// One message on its way: to `recipient`, over the channel of `deliverer` (the party the
/// authenticated transport names; a corrupt party may deliver messages others signed).
public struct Delivery: Sendable {
    /// The signed message.
    public var message: SignedMessage
    /// The party it is delivered to.
    public var recipient: PartyID
    /// The party whose authenticated channel it arrives over.
    public var deliverer: PartyID

    /// A delivery from its parts. Never fails.
    public init(message: SignedMessage, recipient: PartyID, deliverer: PartyID) {
        self.message = message
        self.recipient = recipient
        self.deliverer = deliverer
    }
}

/// The network and the corrupt parties of a simulated run.
public protocol SimulationAdversary {
    /// Given every delivery the parties made in `step` (honest and corrupt alike, before any is
    /// delivered), returns what is delivered now. Hold a delivery back to delay it (return it in a
    /// later step), leave it out to drop it, return it twice to duplicate it, replace it to make a
    /// corrupt party cheat. A step in which nothing is sent still calls it, so delayed messages
    /// can be released.
    mutating func deliveries(of sent: [Delivery], step: Int) -> [Delivery]

    /// Whether deliveries are held back for a later step (the run goes on while they are).
    var isHoldingDeliveries: Bool { get }
}

extension SimulationAdversary {
    /// No adversary holds deliveries back unless it says so.
    public var isHoldingDeliveries: Bool { false }
}

/// Delivers everything as sent, through an optional per-delivery tamper closure.
struct TamperingNetwork: SimulationAdversary {
    let tamper: (@Sendable (SignedMessage, PartyID) -> SignedMessage)?

    mutating func deliveries(of sent: [Delivery], step: Int) -> [Delivery] {
        guard let tamper else { return sent }
        // The tampered message arrives over its (claimed) sender's channel.
        return sent.map {
            let message = tamper($0.message, $0.recipient)
            return Delivery(message: message, recipient: $0.recipient, deliverer: message.sender)
        }
    }
}

