import CGGMP
import Noise

/// Where a node's peer transport finds another member: its peer endpoint and the X25519 static
/// key its Noise channel must authenticate. ``NetworkDirectory`` (from `network.json`) is one; a
/// chain client is another.
public protocol PeerDirectory: Sendable {
    /// The peer endpoint and channel key of `id`, or nil when `id` is not a member.
    func peer(_ id: PartyID) -> PeerAddress?
}

/// A member's peer endpoint (host and port of its peer-channel listener) and the X25519 static
/// key its Noise channel authenticates with. Public data.
public struct PeerAddress: Sendable, Hashable {
    /// The host name or address of the member's peer listener.
    public let host: String
    /// The port of the member's peer listener.
    public let port: Int
    /// The member's X25519 static key (Noise `s`).
    public let channelKey: X25519PublicKey

    /// An address from its parts.
    public init(host: String, port: Int, channelKey: X25519PublicKey) {
        self.host = host
        self.port = port
        self.channelKey = channelKey
    }
}
