import CGGMP

/// One server's driver for every flow it runs: the server pushes in the bytes a peer sent and
/// takes out what to persist and what to send. Pure, like the flows: no I/O, no clock; each flow
/// draws its randomness from its journal's seed.
///
/// The driver routes each message by its ``MessageRoute`` to the flow that declared it, keeps a
/// bounded number of messages for routes no flow has declared yet (a peer may start a flow a
/// moment before this server does), runs every flow as far as it can go, and reports, in order:
/// the journal to persist, then the messages made from that state (persist before sending), then
/// finished and failed flows.
public struct PartyDriver: Sendable {
    /// What the server must do, in this order.
    public enum Action: Sendable {
        /// Persist this journal (replacing the flow's earlier one) before sending anything after it.
        case persist(FlowJournal)
        /// Send `message` to its recipients over the peer channels.
        case send(OutgoingMessage)
        /// The flow `id` finished; its output is ``PartyDriver/output(of:as:)``.
        case finished(id: String)
        /// The flow `id` stopped: `error` names the culprit where there is one (``FlowError/culprit``).
        case failed(id: String, FlowError)
        /// Bytes from `deliverer` that are not a message of any flow here, and why (dropped; a
        /// deliverer that keeps sending garbage is a transport-level problem, not a proven fault).
        case dropped(deliverer: PartyID, reason: String)
    }

    /// This server.
    public let me: PartyID
    /// How many messages for routes no flow has declared yet are kept *per deliverer* (that
    /// deliverer's oldest go first), so one peer flooding unknown routes cannot push out the early
    /// messages of the others.
    public let earlyMessageLimit: Int
    private var flows: [String: any DrivenFlow] = [:]
    private var routes: [MessageRoute: String] = [:]
    private var early: [(message: SignedMessage, deliverer: PartyID)] = []
    private var outputs: [String: any Sendable] = [:]

    /// A driver for `me` with no flows.
    public init(me: PartyID, earlyMessageLimit: Int = 64) {
        self.me = me
        self.earlyMessageLimit = max(0, earlyMessageLimit)
    }

    /// The ids of the flows still running.
    public var runningFlowIDs: [String] { flows.keys.sorted() }

    /// Starts a journaled flow (new, or restored from its journal after a restart) and runs it as
    /// far as it can go, delivering messages that arrived for it before it started.
    /// - Throws: ``PartyDriverError/duplicateFlowID(_:)``, ``PartyDriverError/notThisParty(_:)``,
    ///   ``PartyDriverError/routeInUse(_:)`` when another running flow declared one of its routes.
    public mutating func start<Wrapped: Flow>(_ flow: JournaledFlow<Wrapped>) throws(PartyDriverError) -> [Action] {
        let id = flow.journal.id
        guard flows[id] == nil, outputs[id] == nil else { throw .duplicateFlowID(id) }
        guard flow.me == me else { throw .notThisParty(flow.me) }
        if let taken = flow.routes.first(where: { routes[$0] != nil }) { throw .routeInUse(taken) }
        flows[id] = flow
        for route in flow.routes { routes[route] = id }
        var actions: [Action] = []
        let waiting = early.filter { flow.routes.contains(MessageRoute(of: $0.message)) }
        early.removeAll { flow.routes.contains(MessageRoute(of: $0.message)) }
        for item in waiting { deliver(item.message, from: item.deliverer, to: id, into: &actions) }
        run(id, into: &actions)
        return actions
    }

    /// Decodes what `deliverer` sent over its authenticated channel, delivers it to its flow and
    /// runs that flow as far as it can go.
    public mutating func receive(bytes: [UInt8], from deliverer: PartyID) -> [Action] {
        let message: SignedMessage
        do { message = try SignedMessage(encoded: bytes) } catch {
            return [.dropped(deliverer: deliverer, reason: "\(error)")]
        }
        return receive(message, from: deliverer)
    }

    /// Delivers a decoded message to its flow and runs that flow as far as it can go.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) -> [Action] {
        guard let id = routes[MessageRoute(of: message)] else {
            if early.filter({ $0.deliverer == deliverer }).count >= earlyMessageLimit,
               let oldest = early.firstIndex(where: { $0.deliverer == deliverer }) {
                early.remove(at: oldest)
            }
            if earlyMessageLimit > 0 { early.append((message, deliverer)) }
            return []
        }
        var actions: [Action] = []
        deliver(message, from: deliverer, to: id, into: &actions)
        run(id, into: &actions)
        return actions
    }

    /// The output of the finished flow `id`, if it is a `Wrapped` flow's. A presignature slot is
    /// returned every time asked, but its presignature can be taken once.
    public func output<Wrapped: Flow>(of id: String, as _: Wrapped.Type) -> Wrapped.Output? {
        outputs[id] as? Wrapped.Output
    }

    /// The parties the running flow `id` still waits for (its current step), or nil when no such
    /// flow runs. A server that gives up on a flow after a deadline names them as unresponsive —
    /// a transport-level observation, not a proven fault.
    public func waitingFor(_ id: String) -> [PartyID]? {
        flows[id]?.waitingFor
    }

    /// Stops the running flow `id` without a verdict (the server gave up on it: a deadline passed,
    /// its peers are unreachable) and forgets its routes; returns whether it was running. Its
    /// journal stays where the server persisted it: remove it, or keep it to restore later.
    @discardableResult
    public mutating func abandon(_ id: String) -> Bool {
        guard let flow = flows.removeValue(forKey: id) else { return false }
        for route in flow.routes { routes[route] = nil }
        return true
    }

    /// Forgets a finished flow's output (after the server stored it).
    public mutating func removeOutput(of id: String) {
        outputs[id] = nil
    }

    private mutating func deliver(_ message: SignedMessage, from deliverer: PartyID, to id: String, into actions: inout [Action]) {
        guard var flow = flows[id] else { return }
        do {
            let before = flow.journalEventCount
            _ = try flow.receive(message, from: deliverer)
            flows[id] = flow
            if flow.journalEventCount != before { actions.append(.persist(flow.journal)) }
        } catch {
            stop(id, error, into: &actions)
        }
    }

    /// Sends and advances until the flow waits for messages, finishes or fails.
    private mutating func run(_ id: String, into actions: inout [Action]) {
        guard var flow = flows[id] else { return }
        var unused = SystemRandomNumberGenerator()
        do {
            while flow.hasMessagesToSend || flow.isReadyToAdvance {
                if flow.hasMessagesToSend {
                    let messages = try flow.makeMessages(using: &unused)
                    actions.append(.persist(flow.journal))
                    actions.append(contentsOf: messages.map { .send($0) })
                } else {
                    try flow.advance(using: &unused)
                    actions.append(.persist(flow.journal))
                }
            }
        } catch {
            stop(id, error, into: &actions)
            return
        }
        if let output = flow.anyOutput {
            flows[id] = nil
            for route in flow.routes { routes[route] = nil }
            outputs[id] = output
            actions.append(.finished(id: id))
        } else {
            flows[id] = flow
        }
    }

    private mutating func stop(_ id: String, _ error: FlowError, into actions: inout [Action]) {
        if let flow = flows[id] { for route in flow.routes { routes[route] = nil } }
        flows[id] = nil
        actions.append(.failed(id: id, error))
    }
}

/// Why ``PartyDriver/start(_:)`` refused a flow.
public enum PartyDriverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A flow with this journal id is running or finished here.
    case duplicateFlowID(String)
    /// The flow is another party's.
    case notThisParty(PartyID)
    /// A running flow already declared this route.
    case routeInUse(MessageRoute)

    /// The reason in words.
    public var description: String {
        switch self {
        case .duplicateFlowID(let id): "a flow with id \(id) is already here"
        case .notThisParty(let party): "the flow is \(party)'s, not this driver's"
        case .routeInUse(let route): "another running flow declared \(route)"
        }
    }
}

/// A journaled flow with its output type erased, so one driver runs every kind.
private protocol DrivenFlow: Sendable {
    var routes: Set<MessageRoute> { get }
    var journal: FlowJournal { get }
    var journalEventCount: Int { get }
    var waitingFor: [PartyID] { get }
    var hasMessagesToSend: Bool { get }
    var isReadyToAdvance: Bool { get }
    var anyOutput: (any Sendable)? { get }
    mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage]
    mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt
    mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError)
}

extension JournaledFlow: DrivenFlow {
    fileprivate var journalEventCount: Int { journal.events.count }
    fileprivate var anyOutput: (any Sendable)? { output }
}
