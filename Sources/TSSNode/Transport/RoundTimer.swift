import CGGMP
import TSS

/// The parties a session waited for when its round ran out of time: a transport-level
/// attribution made by one node from what it did not receive.
///
/// It is **not evidence**: nothing in it is signed by the silent parties, a third party cannot
/// check it, and the silence may be the network's or a stuck honest party's (a party waiting for
/// the real culprit is silent towards everyone waiting for it). Keep it out of exported fault
/// reports, which carry proven faults only; use it to end the session, log, retry with another
/// committee or alert an operator.
public struct SilentPartyReport: Sendable, Hashable, CustomStringConvertible {
    /// The session (the flow's channel) that ran out of time.
    public let session: SessionID
    /// The flow's phase when known.
    public let phase: FlowPhase?
    /// The parties the current step still waited for, in committee (key) order.
    public let silent: [PartyID]
    /// How long the round had waited when the report was made.
    public let waited: Duration

    /// A report from its parts; `silent` is sorted.
    public init(session: SessionID, phase: FlowPhase? = nil, silent: [PartyID], waited: Duration) {
        self.session = session
        self.phase = phase
        self.silent = silent.sorted()
        self.waited = waited
    }

    /// Public: the session, the phase and the silent parties.
    public var description: String {
        let names = silent.map(\.description).joined(separator: ", ")
        return "\(session)\(phase.map { " \($0.rawValue)" } ?? ""): no message from \(names) within \(waited) (transport-level, not evidence)"
    }
}

/// A per-round timeout for one session: each step of a flow gets `limit` to complete, counted
/// from the moment the step began; when it runs out while the flow still waits for someone,
/// ``expired(waitingFor:phase:at:)`` names them in a ``SilentPartyReport``.
///
/// Pure: the caller passes the clock's readings. Tell it when a new step begins with
/// ``observe(step:at:)``, giving any number that grows with every completed step — for a
/// journaled flow, `FlowJournal.completedSteps` of the journal a `PartyDriver` just asked to
/// persist. Messages arriving within a step do not extend it.
public struct RoundTimer: Sendable, Hashable {
    /// The session timed.
    public let session: SessionID
    /// The time each step gets.
    public let limit: Duration
    /// The last step number observed.
    public private(set) var step: Int
    /// When that step began (was first observed).
    public private(set) var stepStarted: ContinuousClock.Instant

    /// A timer whose first step (number `step`) begins at `start`.
    public init(session: SessionID, limit: Duration, step: Int = 0, start: ContinuousClock.Instant = .now) {
        self.session = session
        self.limit = limit
        self.step = step
        self.stepStarted = start
    }

    /// When the current step runs out.
    public var deadline: ContinuousClock.Instant { stepStarted + limit }

    /// Records the flow's step number; a number other than the last one starts a new step (and
    /// its time) at `now`.
    public mutating func observe(step: Int, at now: ContinuousClock.Instant = .now) {
        guard step != self.step else { return }
        self.step = step
        stepStarted = now
    }

    /// The report naming `waitingFor` when the step's time has run out at `now` and the flow
    /// still waits for someone; nil otherwise.
    public func expired(waitingFor: [PartyID], phase: FlowPhase? = nil,
                        at now: ContinuousClock.Instant = .now) -> SilentPartyReport? {
        guard now >= deadline, !waitingFor.isEmpty else { return nil }
        return SilentPartyReport(session: session, phase: phase, silent: waitingFor, waited: now - stepStarted)
    }
}

extension FlowJournal {
    /// The number of steps the flow has completed (its `advanced` events): grows by one with
    /// every step, so it tells a ``RoundTimer`` when a new round begins.
    public var completedSteps: Int {
        events.reduce(0) { count, event in
            if case .advanced = event { count + 1 } else { count }
        }
    }
}
