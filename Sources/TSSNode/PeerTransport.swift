import CGGMP
import Synchronization
import TSS

/// A node's authenticated peer channels, as its orchestration sees them: per session (a flow's
/// channel id), one channel with every other committee member, over which the flow's signed
/// messages travel as bytes. The network's transport is WebSocket carrying Noise XK
/// (`PeerChannel`); ``InMemoryPeerNetwork`` connects nodes in one process for tests.
///
/// Which side connects is the network's rule (`PeerChannel.initiator(between:and:)`); the
/// transport, not the caller, applies it. The identity a delivery names is the one the channel
/// authenticated (the Noise static key the directory lists for it), never a claim in the bytes.
public protocol PeerTransport: Sendable {
    /// Opens the channels of `session` with every other member of `committee` (connecting or
    /// waiting to be connected, by the network's rule) and returns when all are up.
    /// - Throws: ``PeerTransportError/unreachable(_:)`` naming the peers not connected by
    ///   `deadline`, or another ``PeerTransportError``.
    func openSession(_ session: SessionID, committee: [PartyID], deadline: ContinuousClock.Instant) async throws(PeerTransportError)
    /// Sends `bytes` to `peer` over `session`'s channel.
    /// - Throws: ``PeerTransportError/notConnected(_:)`` when there is no such channel.
    func send(_ bytes: [UInt8], to peer: PartyID, session: SessionID) async throws(PeerTransportError)
    /// Every message arriving on any session's channel, in arrival order per channel.
    func deliveries() -> AsyncStream<PeerDelivery>
    /// Closes `session`'s channels (its flow finished or failed).
    func closeSession(_ session: SessionID) async
}

/// Bytes that arrived over a session's authenticated channel.
public struct PeerDelivery: Sendable {
    /// The session (flow channel) it arrived on.
    public let session: SessionID
    /// The peer the channel authenticated.
    public let from: PartyID
    /// The bytes (a `SignedMessage` encoding, for the flows).
    public let bytes: [UInt8]

    /// A delivery from its parts.
    public init(session: SessionID, from: PartyID, bytes: [UInt8]) {
        self.session = session
        self.from = from
        self.bytes = bytes
    }
}

/// Why a peer transport call failed; names parties, never secrets.
public enum PeerTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// These peers' channels were not up by the deadline (a transport-level attribution: they
    /// may be down, or the network between).
    case unreachable([PartyID])
    /// No channel to this peer in the session.
    case notConnected(PartyID)
    /// The handshake with this peer failed (a wrong static key, a bad subscribe message).
    case handshakeFailed(PartyID, String)
    /// The transport is shut down.
    case closed

    /// The reason in words.
    public var description: String {
        switch self {
        case .unreachable(let peers): "unreachable: \(peers.map(\.description).joined(separator: ", "))"
        case .notConnected(let peer): "no channel to \(peer)"
        case .handshakeFailed(let peer, let why): "handshake with \(peer) failed: \(why)"
        case .closed: "the transport is closed"
        }
    }
}

/// Nodes in one process, each with its ``PeerTransport`` endpoint; bytes are handed over in order.
/// For tests and the in-process demo. As over the WebSocket transport, a session's channel to a
/// peer is up once both ends opened the session: `openSession` waits for that until its deadline
/// (a peer that is down, or never starts the flow, is named unreachable then).
public final class InMemoryPeerNetwork: Sendable {
    private let endpoints = Mutex<[PartyID: Endpoint]>([:])

    /// An empty network.
    public init() {}

    /// The endpoint of `party` (created on first use).
    public func endpoint(for party: PartyID) -> some PeerTransport {
        endpoints.withLock { all in
            if let existing = all[party] { return existing }
            let created = Endpoint(me: party, network: self)
            all[party] = created
            return created
        }
    }

    /// Takes `party` off the network (a crash): its endpoint's stream ends and sends to it fail.
    public func disconnect(_ party: PartyID) {
        let removed = endpoints.withLock { $0.removeValue(forKey: party) }
        removed?.finish()
    }

    fileprivate func deliver(_ delivery: PeerDelivery, to party: PartyID) throws(PeerTransportError) {
        guard let endpoint = endpoints.withLock({ $0[party] }) else { throw .notConnected(party) }
        endpoint.receive(delivery)
    }

    /// Whether `party` is on the network and has `session` open.
    fileprivate func hasOpened(_ party: PartyID, _ session: SessionID) -> Bool {
        endpoints.withLock { $0[party] }?.isOpen(session) ?? false
    }

    final class Endpoint: PeerTransport {
        let me: PartyID
        private weak let network: InMemoryPeerNetwork?
        private let stream: AsyncStream<PeerDelivery>
        private let continuation: AsyncStream<PeerDelivery>.Continuation
        private let sessions = Mutex<Set<SessionID>>([])

        init(me: PartyID, network: InMemoryPeerNetwork) {
            self.me = me
            self.network = network
            (stream, continuation) = AsyncStream.makeStream(of: PeerDelivery.self)
        }

        func openSession(_ session: SessionID, committee: [PartyID], deadline: ContinuousClock.Instant) async throws(PeerTransportError) {
            sessions.withLock { _ = $0.insert(session) }
            while true {
                guard let network else { throw .closed }
                let missing = committee.filter { $0 != me && !network.hasOpened($0, session) }
                if missing.isEmpty { return }
                if ContinuousClock.now >= deadline || Task.isCancelled { throw .unreachable(missing) }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }

        fileprivate func isOpen(_ session: SessionID) -> Bool { sessions.withLock { $0.contains(session) } }

        func send(_ bytes: [UInt8], to peer: PartyID, session: SessionID) async throws(PeerTransportError) {
            guard let network else { throw .closed }
            try network.deliver(PeerDelivery(session: session, from: me, bytes: bytes), to: peer)
        }

        func deliveries() -> AsyncStream<PeerDelivery> { stream }

        func closeSession(_ session: SessionID) async { sessions.withLock { _ = $0.remove(session) } }

        fileprivate func receive(_ delivery: PeerDelivery) { continuation.yield(delivery) }
        fileprivate func finish() { continuation.finish() }
    }
}
