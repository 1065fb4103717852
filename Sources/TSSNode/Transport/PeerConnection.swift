import CGGMP
import Synchronization
import TSS

/// One authenticated channel (a session, a peer) over one WebSocket, once its handshake is done.
///
/// Records are sealed and written by a single writer, in the order they were queued: a Noise
/// channel's nonces are implicit, so ciphertexts must reach the peer in the order they were
/// sealed. A caller of ``send(_:)`` waits until its record was written (or the connection ended).
final class PeerConnection: Sendable {
    let session: SessionID
    let peer: PartyID
    private let channel: Mutex<PeerChannel>
    private let queue: AsyncStream<Queued>
    private let queueInput: AsyncStream<Queued>.Continuation
    private let waiters = Mutex<Waiters>(Waiters())
    private let control: ConnectionControl

    struct Queued: Sendable {
        let id: UInt64
        let record: [UInt8]
    }

    private struct Waiters {
        var nextID: UInt64 = 0
        var pending: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var ended = false
    }

    init(channel: consuming PeerChannel, control: ConnectionControl) {
        session = channel.sessionID
        peer = channel.peer
        self.control = control
        self.channel = Mutex(channel)
        (queue, queueInput) = AsyncStream.makeStream(of: Queued.self)
    }

    /// Queues `record` and waits until it was written: true when written, false when the
    /// connection ended first.
    func send(_ record: PeerRecord) async -> Bool {
        let bytes = record.encoded
        return await withCheckedContinuation { continuation in
            let id: UInt64? = waiters.withLock { waiters in
                guard !waiters.ended else { return nil }
                let id = waiters.nextID
                waiters.nextID += 1
                waiters.pending[id] = continuation
                return id
            }
            guard let id else { return continuation.resume(returning: false) }
            if case .terminated = queueInput.yield(Queued(id: id, record: bytes)) { complete(id, written: false) }
        }
    }

    /// Queues `record` without waiting (the responder's accept, queued before the connection is
    /// registered so that it is the first record the initiator reads).
    func enqueue(_ record: PeerRecord) {
        let id: UInt64? = waiters.withLock { waiters in
            guard !waiters.ended else { return nil }
            defer { waiters.nextID += 1 }
            return waiters.nextID
        }
        guard let id else { return }
        queueInput.yield(Queued(id: id, record: record.encoded))
    }

    private func complete(_ id: UInt64, written: Bool) {
        waiters.withLock { $0.pending.removeValue(forKey: id) }?.resume(returning: written)
    }

    /// Seals the queued records in order and hands each sealed frame to `write`; returns when the
    /// queue ends (``end()``), the task is cancelled, or a seal or write fails.
    func runWriter(_ write: @Sendable ([UInt8]) async throws -> Void) async {
        for await item in queue {
            let sealed: [UInt8]
            do { sealed = try channel.withLock { channel throws(PeerChannelError) in try channel.seal(item.record) } } catch {
                complete(item.id, written: false)
                return
            }
            do { try await write(sealed) } catch {
                complete(item.id, written: false)
                return
            }
            complete(item.id, written: true)
        }
    }

    /// Decrypts one frame.
    /// - Throws: ``PeerChannelError`` (a forged or corrupted frame; the channel stays usable,
    ///   but the transport closes the connection).
    func open(_ frame: [UInt8]) throws(PeerChannelError) -> [UInt8] {
        try channel.withLock { channel throws(PeerChannelError) in try channel.open(frame) }
    }

    /// Marks the connection ended: queued and later sends return false.
    func end() {
        let pending = waiters.withLock { waiters in
            waiters.ended = true
            defer { waiters.pending = [:] }
            return Array(waiters.pending.values)
        }
        queueInput.finish()
        for continuation in pending { continuation.resume(returning: false) }
    }

    /// Ends the connection: its task is cancelled (the WebSocket closes) and pending sends fail.
    func close() {
        end()
        control.cancel()
    }
}

/// The task that runs one WebSocket connection (handshake and records), so that it can be
/// cancelled from elsewhere: by ``PeerConnection/close()``, by the handshake watchdog, or when the
/// writer fails. Cancelling before the task is attached cancels it as soon as it is.
final class ConnectionControl: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var cancelled = false
        var handshakeDone = false
    }

    private let state = Mutex<State>(State())

    init() {}

    /// Attaches the running task (cancelled at once when ``cancel()`` came first).
    func attach(_ task: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelNow { task.cancel() }
    }

    /// Cancels the task.
    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }

    /// Records that the handshake completed and the channel is registered.
    func markHandshakeDone() { state.withLock { $0.handshakeDone = true } }

    /// Whether the handshake completed.
    var isHandshakeDone: Bool { state.withLock { $0.handshakeDone } }

    /// Runs `operation` as the connection's task, cancelling it when the handshake has not
    /// completed within `handshakeTimeout` or when the caller is cancelled; returns when it ends.
    func run(handshakeTimeout: Duration, _ operation: @escaping @Sendable () async -> Void) async {
        let work = Task { await operation() }
        attach(work)
        let watchdog = Task { [weak self] in
            try? await Task.sleep(for: handshakeTimeout)
            guard !Task.isCancelled, let self, !self.isHandshakeDone else { return }
            self.cancel()
        }
        await withTaskCancellationHandler { await work.value } onCancel: { self.cancel() }
        watchdog.cancel()
    }
}
