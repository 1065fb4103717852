import CGGMP

/// Which session a message belongs to: its session id and protocol tag. Every flow declares the
/// routes of all its phases when it starts (``Flow/routes``), so a server can tell which flow a
/// message is for even before that flow reaches the message's phase.
public struct MessageRoute: Hashable, Sendable, CustomStringConvertible {
    /// The session id the message is signed under.
    public let sessionID: [UInt8]
    /// The protocol tag the message is signed under.
    public let protocolTag: String

    /// A route by its parts.
    public init(sessionID: [UInt8], protocolTag: String) {
        self.sessionID = sessionID
        self.protocolTag = protocolTag
    }

    /// The route a message claims (not yet checked: the session checks the signature).
    public init(of message: SignedMessage) {
        self.init(sessionID: message.sessionID, protocolTag: message.protocolTag)
    }

    /// The protocol tag and the first bytes of the session id.
    public var description: String {
        "\(protocolTag)@" + sessionID.prefix(6).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// One phase of a flow while it runs: a CGGMP session (``SessionPhase``) or a flow's own round.
/// `finalize` ends a round; at the end of the phase it says what comes next, and may update the
/// flow's `Context` (what the flow carries from one phase to the next, e.g. a founder's share).
protocol RunningPhase<Context, FlowOutput>: Sendable {
    associatedtype Context: Sendable
    associatedtype FlowOutput: Sendable
    var name: FlowPhase { get }
    var hasMessagesToSend: Bool { get }
    var isReadyToFinalize: Bool { get }
    /// Who the current step still waits for.
    var waitingFor: [PartyID] { get }
    mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage]
    /// `.deferred` for a message of a later round of this phase.
    mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt
    /// nil while the phase has more rounds.
    mutating func finalize(context: inout Context,
                           using generator: inout some RandomNumberGenerator) throws(FlowError) -> PhaseTransition<Context, FlowOutput>?
}

/// What follows a finished phase.
enum PhaseTransition<Context: Sendable, FlowOutput: Sendable>: Sendable {
    case next(any RunningPhase<Context, FlowOutput>)
    case finished(FlowOutput)
}

/// A CGGMP session as a phase: its output goes to `then`, the flow's declared transition.
///
/// The phase knows the public inputs its session checks messages against (`checkInputs`, with the
/// parameter set), so a fault it raises carries its whole `FaultCheckContext`: a third party
/// re-checks the report with the same function and the same inputs as the live session.
struct SessionPhase<Result: Sendable, Context: Sendable, FlowOutput: Sendable>: RunningPhase {
    typealias Then = @Sendable (Result, inout Context) throws(FlowError) -> PhaseTransition<Context, FlowOutput>

    let name: FlowPhase
    private(set) var session: Session<Result>
    /// The parameter set the session runs with.
    let parameters: SchemeParameters
    /// The public inputs of the session's checks (the keys, aux info, commitments or
    /// configuration every participant agreed on before the session).
    let checkInputs: FaultCheckContext.Inputs
    private let then: Then

    init(_ name: FlowPhase, _ session: Session<Result>, parameters: SchemeParameters, checkInputs: FaultCheckContext.Inputs,
         then: @escaping Then) {
        self.name = name
        self.session = session
        self.parameters = parameters
        self.checkInputs = checkInputs
        self.then = then
    }

    /// What a third party needs to re-check this phase's faults.
    var faultCheckContext: FaultCheckContext {
        FaultCheckContext(publicData: session.publicData, parameters: parameters, inputs: checkInputs)
    }

    var hasMessagesToSend: Bool { session.hasMessagesToSend }
    var isReadyToFinalize: Bool { session.isReadyToFinalize }
    var waitingFor: [PartyID] { session.waitingFor }

    mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        do { return try session.makeMessages(using: &generator) } catch { throw map(error) }
    }

    mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        do { return try session.receive(message, from: deliverer) } catch { throw map(error) }
    }

    mutating func finalize(context: inout Context,
                           using generator: inout some RandomNumberGenerator) throws(FlowError) -> PhaseTransition<Context, FlowOutput>? {
        let status: SessionStatus<Result>
        do { status = try session.finalize(using: &generator) } catch { throw map(error) }
        guard case .finished(let result) = status else { return nil }
        return try then(result, &context)
    }

    private func map(_ error: SessionError) -> FlowError {
        switch error {
        case .fault(let fault): .fault(FlowFault(phase: name, context: faultCheckContext, fault: fault))
        case .aborted(let reason): .aborted(phase: name, reason: reason)
        case .differentPresignatures(let mismatch): .differentPresignatures(phase: name, mismatch)
        case .outOfOrder(let what): .outOfOrder("\(name): \(what)")
        }
    }
}

/// The one engine under every flow: it runs the current phase, routes each message by its
/// ``MessageRoute`` to the phase the flow declared for it, keeps messages of later phases and
/// rounds in one queue (delivered again after every step), drops those of finished phases, and
/// moves to the next phase by the flow's declared transition.
struct PhaseEngine<Context: Sendable, Output: Sendable>: Sendable {
    /// Every route of the flow and the phase it belongs to.
    let routes: [MessageRoute: FlowPhase]
    /// The flow's phases in order.
    let order: [FlowPhase]
    /// Checked before a message is kept for a later phase: a reason to refuse it outright (an
    /// envelope that cannot belong there), so the queue holds nothing a phase would not take.
    private let screen: @Sendable (SignedMessage, FlowPhase) -> FlowError?
    /// What the flow carries between phases.
    private(set) var context: Context
    private var state: State
    private var waiting: [(message: SignedMessage, deliverer: PartyID)] = []

    private enum State: Sendable {
        case running(any RunningPhase<Context, Output>)
        case finished(Output)
    }

    init(order: [FlowPhase], routes: [MessageRoute: FlowPhase], context: Context,
         first: any RunningPhase<Context, Output>,
         screen: @escaping @Sendable (SignedMessage, FlowPhase) -> FlowError? = { _, _ in nil }) {
        self.order = order
        self.routes = routes
        self.context = context
        self.state = .running(first)
        self.screen = screen
    }

    /// The running phase; nil once finished.
    var phase: FlowPhase? {
        if case .running(let running) = state { return running.name }
        return nil
    }

    var output: Output? {
        if case .finished(let output) = state { return output }
        return nil
    }

    var hasMessagesToSend: Bool {
        if case .running(let running) = state { return running.hasMessagesToSend }
        return false
    }

    var isReadyToAdvance: Bool {
        if case .running(let running) = state { return running.isReadyToFinalize }
        return false
    }

    var waitingFor: [PartyID] {
        if case .running(let running) = state { return running.waitingFor }
        return []
    }

    mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        guard case .running(var running) = state else { throw .outOfOrder("nothing to send") }
        let messages = try running.makeMessages(using: &generator)
        state = .running(running)
        try deliverWaiting()
        return messages
    }

    mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        guard let target = routes[MessageRoute(of: message)], let index = order.firstIndex(of: target) else {
            throw .unexpectedMessage("\(message) belongs to none of this flow's sessions")
        }
        guard case .running(var running) = state, let current = order.firstIndex(of: running.name) else {
            return .ignored("the flow has finished")
        }
        if index < current { return .ignored("phase \(target) is over") }
        if let refusal = screen(message, target) { throw refusal }
        if index > current {
            waiting.append((message, deliverer))
            return .deferred
        }
        let receipt = try running.receive(message, from: deliverer)
        state = .running(running)
        if receipt == .deferred { waiting.append((message, deliverer)) }
        return receipt
    }

    mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        guard case .running(var running) = state, running.isReadyToFinalize else {
            throw .outOfOrder("the step is not complete")
        }
        let transition = try running.finalize(context: &context, using: &generator)
        switch transition {
        case nil:
            state = .running(running)
        case .next(let next)?:
            state = .running(next)
        case .finished(let output)?:
            state = .finished(output)
            waiting = []
            return
        }
        try deliverWaiting()
    }

    /// Delivers the kept messages again; those still ahead are kept again by `receive`.
    private mutating func deliverWaiting() throws(FlowError) {
        let pending = waiting
        waiting = []
        for item in pending { _ = try receive(item.message, from: item.deliverer) }
    }
}
