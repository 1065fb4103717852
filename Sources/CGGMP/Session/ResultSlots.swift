import Foundation

/// Fixed slots, each written once from a concurrent iteration, under a lock: the results of
/// `DispatchQueue.concurrentPerform` in index order, whatever order the iterations ran in
/// (`PartyMachine`'s concurrent checks, `ParallelWork`).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// Every slot's value. - Precondition: every slot was set.
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
