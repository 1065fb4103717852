import Synchronization

/// Keeps one value per distinct (N̂, s, t) so that values decoded again and again — a node reads a
/// registration's aux info from its store for every flow — share the committer's tables built for
/// the first (`RingPedersenParameters.commitWithTables`): each peer's tables are then built once per
/// process, not once per presigning (issue #13; ≈ 11 ms of work per peer at production112).
///
/// Holds public values only. At most `capacity` parameter sets are kept (≈ 0.8 MB each with tables
/// at |N̂| = 2048); when full, the one added first is dropped (its copies in use keep their tables).
public final class RingPedersenParametersCache: Sendable {
    private struct State {
        var values: [RingPedersenParameters: RingPedersenParameters] = [:]
        var order: [RingPedersenParameters] = []
    }

    /// The most parameter sets kept.
    public let capacity: Int
    private let state = Mutex(State())

    /// - Parameter capacity: the most parameter sets kept (at least 1).
    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// The kept value equal to `parameters` (same N̂, s, t), or `parameters` itself, now kept.
    public func shared(_ parameters: RingPedersenParameters) -> RingPedersenParameters {
        state.withLock { state in
            if let kept = state.values[parameters] { return kept }
            if state.order.count >= capacity {
                state.values[state.order.removeFirst()] = nil
            }
            state.values[parameters] = parameters
            state.order.append(parameters)
            return parameters
        }
    }

    /// How many parameter sets are kept.
    public var count: Int { state.withLock { $0.order.count } }
}
