import CGGMP
import TSS

/// Where a peer listens and the Noise static key its channel must authenticate with: one entry
/// of the network's directory (network.json), as the peer transport needs it.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address of the peer's WebSocket listener.
    public var host: String
    /// The TCP port of the peer's WebSocket listener.
    public var port: Int
    /// The peer's X25519 Noise static public key: an initiator needs it before the handshake
    /// (XK), and a responder refuses a peer that authenticates with any other key.
    public var channelKey: X25519PublicKey

    /// An entry from its parts.
    public init(host: String, port: Int, channelKey: X25519PublicKey) {
        self.host = host
        self.port = port
        self.channelKey = channelKey
    }

    /// `host:port` (public; the key is not printed).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The network's directory as the peer transport reads it: where each server listens and which
/// channel key it uses. The node's configuration (network.json) provides one; a lookup is made
/// every time a session is opened, so a directory may change between sessions.
public protocol PeerDirectory: Sendable {
    /// The address and channel key of `id`, or nil when the directory does not list it.
    func peer(_ id: PartyID) -> PeerAddress?
}

/// A fixed directory held in memory (tests, and configurations read once at start-up).
public struct StaticPeerDirectory: PeerDirectory {
    /// The entries, by identity.
    public var entries: [PartyID: PeerAddress]

    /// A directory with these entries.
    public init(_ entries: [PartyID: PeerAddress] = [:]) {
        self.entries = entries
    }

    /// The entry of `id`, if listed.
    public func peer(_ id: PartyID) -> PeerAddress? { entries[id] }
}
