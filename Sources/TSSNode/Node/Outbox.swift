import CGGMP
import Synchronization
import TSS

/// The node's outgoing messages, one FIFO queue per peer, drained by one sender task
/// (``run(transport:retryInterval:sent:)``). Enqueuing never suspends, so the node carries out a
/// driver's actions in order (persist, then send) without interleaving other work; a send that
/// fails (the peer is down) stays at the head of its peer's queue and is retried until it goes
/// through or expires — a restarted peer gets what it missed.
final class Outbox: Sendable {
    struct Item: Sendable {
        let peer: PartyID
        let session: SessionID
        let bytes: [UInt8]
        let expires: ContinuousClock.Instant
    }

    private let queues = Mutex<[PartyID: [Item]]>([:])
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    init() {
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func enqueue(_ items: [Item]) {
        guard !items.isEmpty else { return }
        queues.withLock { queues in
            for item in items { queues[item.peer, default: []].append(item) }
        }
        wake.yield()
    }

    /// The number of messages waiting.
    var count: Int { queues.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    private func head(of peer: PartyID) -> Item? {
        queues.withLock { queues in
            let now = ContinuousClock.now
            while let first = queues[peer]?.first, first.expires < now { queues[peer]!.removeFirst() }
            return queues[peer]?.first
        }
    }

    private func pop(_ peer: PartyID) {
        queues.withLock { queues in
            if queues[peer]?.isEmpty == false { queues[peer]!.removeFirst() }
            if queues[peer]?.isEmpty == true { queues[peer] = nil }
        }
    }

    /// Sends until cancelled. `sent` is told of every message that went through.
    func run(transport: any PeerTransport, retryInterval: Duration, sent: @Sendable () -> Void) async {
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            var waiting = false
            for peer in queues.withLock({ Array($0.keys) }) {
                while let item = head(of: peer) {
                    do {
                        try await transport.send(item.bytes, to: peer, session: item.session)
                        pop(peer)
                        sent()
                    } catch {
                        waiting = true
                        break
                    }
                    if Task.isCancelled { return }
                }
            }
            if waiting {
                try? await Task.sleep(for: retryInterval)
            } else if await iterator.next() == nil {
                return
            }
        }
    }

    /// Ends ``run(transport:retryInterval:sent:)``'s wait.
    func finish() { wake.finish() }
}
