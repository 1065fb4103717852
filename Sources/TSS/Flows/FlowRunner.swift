import CGGMP

/// Runs every server's flow in one process (tests, the CLI): each step, every flow with messages
/// sends them, every message is delivered to its recipients, and flows whose step is complete
/// advance. `tamper` sees every (message, recipient) delivery and may replace the message, so a
/// test can make one server misbehave in any phase.
public struct FlowRunner<F: Flow, Generator: RandomNumberGenerator & Sendable>: Sendable {
    /// Sees every delivery of `message` to `recipient` and returns the message to deliver.
    public typealias Tamper = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> SignedMessage

    /// Every server's flow, by identity, in its current state.
    public private(set) var flows: [PartyID: F]
    private var generators: [PartyID: Generator]
    /// The tamper hook, or nil to deliver every message as sent.
    public var tamper: Tamper?
    /// Sees a party's flow after every call that changed it and may return a replacement: a test
    /// crashes a server there and puts in the flow restored from its journal.
    public typealias Interrupt = @Sendable (_ party: PartyID, _ flow: F) -> F?
    /// The interrupt hook, or nil.
    public var interrupt: Interrupt?
    /// Every message sent, in order.
    public private(set) var sentMessages: [SignedMessage] = []

    /// A runner over `flows` (one per server), drawing each server's randomness from its own
    /// generator.
    /// - Precondition: exactly one generator per flow's party, and no two flows for one party.
    public init(flows: [F], generators: [PartyID: Generator], tamper: Tamper? = nil) {
        self.flows = Dictionary(uniqueKeysWithValues: flows.map { ($0.me, $0) })
        self.generators = generators
        self.tamper = tamper
        precondition(Set(self.flows.keys) == Set(generators.keys), "one generator per party")
    }

    /// How a run ended.
    public enum Outcome: Sendable {
        /// Every flow finished; each server's output.
        case finished([PartyID: F.Output])
        /// Errors, keyed by the server that reported them (it stopped there).
        case failed([PartyID: FlowError])
        /// No flow could send or advance (a bug in a flow, or a message that never came).
        case stalled
    }

    /// Runs until every flow finishes or any flow fails.
    public mutating func run() -> Outcome {
        let parties = flows.keys.sorted()
        while parties.contains(where: { flows[$0]!.output == nil }) {
            var progressed = false
            var errors: [PartyID: FlowError] = [:]
            var inboxes: [PartyID: [SignedMessage]] = [:]
            for party in parties where flows[party]!.hasMessagesToSend {
                progressed = true
                do {
                    for item in try flows[party]!.makeMessages(using: &generators[party]!) {
                        sentMessages.append(item.message)
                        for recipient in item.recipients {
                            inboxes[recipient, default: []].append(tamper?(item.message, recipient) ?? item.message)
                        }
                    }
                    interrupted(party)
                } catch {
                    errors[party] = error
                }
            }
            if !errors.isEmpty { return .failed(errors) }
            for recipient in parties {
                for message in inboxes[recipient] ?? [] {
                    do {
                        let receipt = try flows[recipient]!.receive(message, from: message.sender)
                        if receipt == .accepted || receipt == .deferred { interrupted(recipient) }
                    } catch {
                        errors[recipient] = errors[recipient] ?? error
                    }
                }
            }
            if !errors.isEmpty { return .failed(errors) }
            for party in parties where flows[party]!.isReadyToAdvance {
                progressed = true
                do {
                    try flows[party]!.advance(using: &generators[party]!)
                    interrupted(party)
                } catch {
                    errors[party] = error
                }
            }
            if !errors.isEmpty { return .failed(errors) }
            guard progressed else { return .stalled }
        }
        return .finished(flows.mapValues { $0.output! })
    }

    private mutating func interrupted(_ party: PartyID) {
        if let interrupt, let replacement = interrupt(party, flows[party]!) { flows[party] = replacement }
    }
}
