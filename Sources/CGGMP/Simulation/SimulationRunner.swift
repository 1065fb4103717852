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

    public private(set) var sessions: [PartyID: Session<Output>]
    private var generators: [PartyID: Generator]
    public var parallelVerification: Bool
    public var tamper: Tamper?
    /// Every message sent, in order (for reproducibility checks and evidence tests).
    public private(set) var sentMessages: [SignedMessage] = []

    public init(sessions: [Session<Output>], generators: [PartyID: Generator],
                parallelVerification: Bool = false, tamper: Tamper? = nil) {
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
        self.generators = generators
        self.parallelVerification = parallelVerification
        self.tamper = tamper
        precondition(Set(self.sessions.keys) == Set(generators.keys), "one generator per party")
    }

    /// How a simulated run ended.
    public enum Outcome: Sendable {
        case finished([PartyID: Output])
        /// Parties detected faults (keyed by the accusing party).
        case faulted([PartyID: ProtocolFault])
        case aborted(String)
        /// No party can make progress: each waiting party with the parties it still waits for
        /// (what a real deployment's timeout names as silent).
        case stalled([PartyID: [PartyID]])
    }

    /// Runs until every party finishes or any party detects a fault.
    public mutating func run() -> Outcome {
        let parties = sessions.keys.sorted()
        var outputs: [PartyID: Output] = [:]
        // Messages for a later step of their recipient, delivered again each step.
        var deferred: [PartyID: [SignedMessage]] = [:]
        while outputs.count < parties.count {
            var progressed = false
            // Send.
            var inboxes = deferred
            deferred = [:]
            for party in parties where sessions[party]!.hasMessagesToSend {
                progressed = true
                let outgoing: [OutgoingMessage]
                do {
                    outgoing = try sessions[party]!.makeMessages(using: &generators[party]!)
                } catch {
                    return .aborted("\(party) could not send: \(error)")
                }
                for item in outgoing {
                    sentMessages.append(item.message)
                    for recipient in item.recipient.map({ [$0] }) ?? parties.filter({ $0 != party }) {
                        inboxes[recipient, default: []].append(tamper?(item.message, recipient) ?? item.message)
                    }
                }
            }
            // Deliver.
            var faults: [PartyID: ProtocolFault] = [:]
            for recipient in parties {
                // A sender's parts of a multi-part round are delivered in two passes: every part but
                // its last first (cheap: recorded as partial), then the last parts, whose checks
                // complete each sender's message and may run in parallel.
                let inbox = inboxes[recipient] ?? []
                var lastIndex: [PartyID: Int] = [:]
                for (index, message) in inbox.enumerated() { lastIndex[message.sender] = index }
                let passes = [inbox.indices.filter { lastIndex[inbox[$0].sender] != $0 },
                              inbox.indices.filter { lastIndex[inbox[$0].sender] == $0 }]
                for pass in passes {
                    let results = check(pass.map { inbox[$0] }, at: sessions[recipient]!)
                    for (index, result) in zip(pass, results) {
                        do {
                            try sessions[recipient]!.accept(try result.get())
                        } catch .notYetExpected {
                            deferred[recipient, default: []].append(inbox[index])
                        } catch .fault(let fault) {
                            faults[recipient] = faults[recipient] ?? fault
                        } catch .alreadyReceived {
                            continue
                        } catch .ignored {
                            continue
                        } catch {
                            return .aborted("\(recipient) could not accept a message: \(error)")
                        }
                    }
                }
            }
            if !faults.isEmpty { return .faulted(faults) }
            // Finalise.
            for party in parties where sessions[party]!.isReadyToFinalize {
                progressed = true
                do {
                    if case .finished(let output) = try sessions[party]!.finalize(using: &generators[party]!) {
                        outputs[party] = output
                    }
                } catch {
                    return .aborted("\(party) could not finalise: \(error)")
                }
            }
            guard progressed else {
                var waiting: [PartyID: [PartyID]] = [:]
                for party in parties where !sessions[party]!.waitingFor.isEmpty { waiting[party] = sessions[party]!.waitingFor }
                return .stalled(waiting)
            }
        }
        return .finished(outputs)
    }

    private func check(_ inbox: [SignedMessage], at session: Session<Output>) -> [Result<CheckedMessage, SessionError>] {
        @Sendable func checkOne(_ message: SignedMessage) -> Result<CheckedMessage, SessionError> {
            do { return .success(try session.check(message, from: message.sender)) } catch { return .failure(error) }
        }
        guard parallelVerification, inbox.count > 1 else { return inbox.map(checkOne) }
        let results = ResultSlots<Result<CheckedMessage, SessionError>>(count: inbox.count)
        DispatchQueue.concurrentPerform(iterations: inbox.count) { index in
            results.set(index, checkOne(inbox[index]))
        }
        return results.values
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
