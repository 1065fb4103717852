import Dispatch
import Synchronization

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
        // A check above a known failure cannot change the answer, so it is skipped: a proof that
        // fails early (a cheater's, in the failure rounds) costs about what the loop's early exit
        // costs. The lowest failing index itself is never skipped — only indices above an index
        // already seen failing are — so the answer is the loop's.
        let lowestFailure = LowestIndex(count)
        return map(count, concurrently: true) { index -> Failure? in
            guard index < lowestFailure.value else { return nil }
            let failure = check(index)
            if failure != nil { lowestFailure.lower(to: index) }
            return failure
        }.lazy.compactMap { $0 }.first
    }
}

/// The lowest index seen failing so far, shared by concurrent checks.
private final class LowestIndex: Sendable {
    private let index: Atomic<Int>

    init(_ initial: Int) { index = Atomic(initial) }

    var value: Int { index.load(ordering: .relaxed) }

    func lower(to candidate: Int) {
        var current = index.load(ordering: .relaxed)
        while candidate < current {
            let (exchanged, original) = index.compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
