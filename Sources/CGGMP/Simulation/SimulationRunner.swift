import Dispatch
import Foundation

/// Runs every party of a protocol in one process: for tests, the CLI and benchmarks.
///
/// Each step, every party that has messages sends them; every message is delivered to its
/// recipients (optionally checked in parallel, since `Session.check` is pure); parties whose round
/// is complete finalise it. `tamper` sees every (message, recipient) delivery and may replace the
/// message, so a test can make one party misbehave.
public struct SimulationRunner<Output: Sendable, Generator: RandomNumberGenerator & Sendable>: Sendable {
    /// Replaces a message on its way to `recipient` (return it unchanged to deliver it as is).
    public typealias Tamper = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> SignedMessage

    /// Every party's session, by party.
    public private(set) var sessions: [PartyID: Session<Output>]
    private var generators: [PartyID: Generator]
    /// Whether each step checks the delivered messages concurrently (`Session.check` is pure).
    public var parallelVerification: Bool
    /// Rewrites deliveries, to make a party misbehave; nil delivers everything as sent.
    public var tamper: Tamper?
    /// Every message sent, in order (for reproducibility checks and evidence tests).
    public private(set) var sentMessages: [SignedMessage] = []

    /// A runner over one fresh session per party, each party drawing from its own generator.
    /// - Parameters:
    ///   - sessions: One session per party.
    ///   - generators: One generator per party.
    ///   - parallelVerification: Whether to check each step's messages concurrently.
    ///   - tamper: Rewrites messages on their way.
    /// - Precondition: `generators` has exactly the sessions' parties as keys (a test's own set-up).
    public init(sessions: [Session<Output>], generators: [PartyID: Generator],
                parallelVerification: Bool = false, tamper: Tamper? = nil) {
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
        self.generators = generators
        self.parallelVerification = parallelVerification
        self.tamper = tamper
        precondition(Set(self.sessions.keys) == Set(generators.keys), "one generator per party")
    }

    /// Steps after which `runToEnd` gives up (far more than any protocol here needs).
    public static var maximumSteps: Int { 10_000 }

    /// How a simulated run ended.
    public enum Outcome: Sendable {
        /// Every party finished, with its output.
        case finished([PartyID: Output])
        /// Parties detected faults (keyed by the accusing party).
        case faulted([PartyID: ProtocolFault])
        /// A party's session aborted with no one to blame, or its driving code failed.
        case aborted(String)
        /// No party can make progress: each waiting party with the parties it still waits for
        /// (what a real deployment's timeout names as silent).
        case stalled([PartyID: [PartyID]])
    }

    /// Runs until every party finishes or any party detects a fault.
    public mutating func run() -> Outcome {
        var adversary = TamperingNetwork(tamper: tamper)
        let report = runToEnd(adversary: &adversary, stopAtFirstFault: true)
        if let abort = report.aborted.sorted(by: { $0.key < $1.key }).first { return .aborted("\(abort.key) \(abort.value)") }
        if !report.faults.isEmpty { return .faulted(report.faults) }
        if report.outputs.count == sessions.count { return .finished(report.outputs) }
        return .stalled(report.waiting)
    }

    /// Runs every party until each has finished, detected a fault (it then stops, as a real party
    /// aborts) or is stuck, with `adversary` standing for the network and the corrupt parties: it
    /// sees every message of a step before any is delivered (so corrupt parties may rush), and
    /// decides what is delivered to whom — dropping, duplicating, delaying, replacing.
    /// - Parameters:
    ///   - adversary: Decides, each step, which deliveries arrive and in what form.
    ///   - stopAtFirstFault: End the run in the step where the first fault is detected.
    public mutating func runToEnd(adversary: inout some SimulationAdversary,
                                  stopAtFirstFault: Bool = false) -> RunReport<Output> {
        let parties = sessions.keys.sorted()
        var report = RunReport<Output>()
        func isActive(_ party: PartyID) -> Bool {
            report.outputs[party] == nil && report.faults[party] == nil && report.aborted[party] == nil
        }
        // Messages for a later step of their recipient, delivered again each step.
        var deferred: [PartyID: [Delivery]] = [:]
        var step = 0
        // An adversary that keeps delivering (say, duplicates forever) cannot keep the run alive.
        while parties.contains(where: isActive), step < Self.maximumSteps {
            step += 1
            var progressed = false
            // Send.
            var sent: [Delivery] = []
            for party in parties where isActive(party) && sessions[party]!.hasMessagesToSend {
                progressed = true
                do {
                    for item in try sessions[party]!.makeMessages(using: &generators[party]!) {
                        sentMessages.append(item.message)
                        for recipient in item.recipient.map({ [$0] }) ?? parties.filter({ $0 != party }) {
                            sent.append(Delivery(message: item.message, recipient: recipient, deliverer: party))
                        }
                    }
                } catch {
                    report.aborted[party] = "could not send: \(error)"
                }
            }
            var inboxes = deferred
            deferred = [:]
            for delivery in adversary.deliveries(of: sent, step: step) {
                inboxes[delivery.recipient, default: []].append(delivery)
                progressed = true
            }
            // Deliver.
            for recipient in parties where isActive(recipient) {
                // A sender's parts of a multi-part round are delivered in two passes: every part but
                // its last first (cheap: recorded as partial), then the last parts, whose checks
                // complete each sender's message and may run in parallel.
                let inbox = inboxes[recipient] ?? []
                var lastIndex: [PartyID: Int] = [:]
                for (index, delivery) in inbox.enumerated() { lastIndex[delivery.message.sender] = index }
                let passes = [inbox.indices.filter { lastIndex[inbox[$0].message.sender] != $0 },
                              inbox.indices.filter { lastIndex[inbox[$0].message.sender] == $0 }]
                deliver: for pass in passes {
                    let results = check(pass.map { inbox[$0] }, at: sessions[recipient]!)
                    for (index, result) in zip(pass, results) {
                        do {
                            switch try result.get() {
                            case .verified(let checked): try sessions[recipient]!.accept(checked)
                            case .setAside(.deferred): deferred[recipient, default: []].append(inbox[index])
                            case .setAside: continue
                            }
                        } catch .fault(let fault) {
                            report.faults[recipient] = fault
                            break deliver
                        } catch {
                            report.aborted[recipient] = "could not accept a message: \(error)"
                            break deliver
                        }
                    }
                }
            }
            if stopAtFirstFault, !report.faults.isEmpty { break }
            // Finalise.
            for party in parties where isActive(party) && sessions[party]!.isReadyToFinalize {
                progressed = true
                do {
                    if case .finished(let output) = try sessions[party]!.finalize(using: &generators[party]!) {
                        report.outputs[party] = output
                    }
                } catch {
                    report.aborted[party] = "could not finalise: \(error)"
                }
            }
            // Deferred messages alone are no progress: they wait for a step that may never come.
            guard progressed || adversary.isHoldingDeliveries else { break }
        }
        for party in parties where isActive(party) && !sessions[party]!.waitingFor.isEmpty {
            report.waiting[party] = sessions[party]!.waitingFor
        }
        return report
    }

    private func check(_ inbox: [Delivery], at session: Session<Output>) -> [Result<MessageCheck, SessionError>] {
        @Sendable func checkOne(_ delivery: Delivery) -> Result<MessageCheck, SessionError> {
            do { return .success(try session.check(delivery.message, from: delivery.deliverer)) } catch { return .failure(error) }
        }
        guard parallelVerification, inbox.count > 1 else { return inbox.map(checkOne) }
        let results = ResultSlots<Result<MessageCheck, SessionError>>(count: inbox.count)
        DispatchQueue.concurrentPerform(iterations: inbox.count) { index in
            results.set(index, checkOne(inbox[index]))
        }
        return results.values
    }
}

/// How every party's run ended (`SimulationRunner.runToEnd`).
public struct RunReport<Output: Sendable>: Sendable {
    /// Parties that finished, with their outputs.
    public var outputs: [PartyID: Output] = [:]
    /// Parties that detected a fault (and stopped), with the first fault each detected.
    public var faults: [PartyID: ProtocolFault] = [:]
    /// Parties whose driving code failed (a bug, or an unlucky abort with no one to blame).
    public var aborted: [PartyID: String] = [:]
    /// Parties still waiting when no one could progress, with the parties each waits for: what a
    /// deployment's timeout names as silent.
    public var waiting: [PartyID: [PartyID]] = [:]

    /// An empty report.
    public init() {}
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

/// Fixed slots written once each from concurrent iterations, under a lock.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
