import Dispatch

/// Independent pieces of one proof's work spread over every core (issue #13, "all cores").
///
/// Only pure computations run here: each piece is a function of its index and of values drawn
/// before the fan-out (a prover draws every repetition's masks from its generator first, in
/// order), and each result lands in its own slot. So the output does not depend on how the
/// pieces are scheduled, and a seeded run gives the same bytes as the sequential loop; the
/// `.reference` path keeps that loop (`CRTPathTests` and `VerifierPathTests` compare the two).
enum ParallelWork {
    /// [body(0), …, body(count − 1)]: concurrently when `concurrently` and there is more than
    /// one piece, otherwise in order on the calling thread.
    static func map<Value: Sendable>(
        _ count: Int, concurrently: Bool, _ body: @Sendable (Int) -> Value
    ) -> [Value] {
        guard concurrently, count > 1 else { return (0..<count).map(body) }
        let slots = ResultSlots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, body(index))
        }
        return slots.values
    }

    /// The first failure in index order of `count` checks run as by `map`: the same error the
    /// sequential loop `for j in 0..<count { try check(j) }` would throw, or none.
    static func firstFailure<Failure: Error & Sendable>(
        _ count: Int, concurrently: Bool, _ check: @Sendable (Int) -> Failure?
    ) -> Failure? {
        guard concurrently, count > 1 else {
            for index in 0..<count { if let failure = check(index) { return failure } }
            return nil
        }
        return map(count, concurrently: true, check).lazy.compactMap { $0 }.first
    }
}
