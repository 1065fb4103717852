import CGGMP
import Noise

/// What a node knows about the network it serves: the members (identity, channel key, HTTP and
/// peer endpoints), the signing groups, the threshold and the parameter set. Public data only.
///
/// ``NetworkDirectory`` reads it from a `network.json` file; a chain client can implement the
/// same protocol from on-chain data (docs/deployment.md, "Where a chain client plugs in").
public protocol Directory: PeerDirectory {
    /// The CGGMP parameter set every member runs.
    var parameters: SchemeParameters { get }
    /// t: how many members sign (one from each signing group).
    var threshold: Int { get }
    /// Every member, sorted by identity.
    var members: [DirectoryMember] { get }
    /// The signing groups: `threshold` disjoint groups that together hold every member; a signing
    /// committee is one member of each (`SigningCommittee.select(fromGroups:messageHash:)`).
    var signingGroups: [[PartyID]] { get }
}

extension Directory {
    /// The identities of every member, sorted.
    public var memberIDs: [PartyID] { members.map(\.id) }

    /// The member `id`, or nil.
    public func member(_ id: PartyID) -> DirectoryMember? {
        members.first { $0.id == id }
    }

    /// The signing group `id` belongs to, or nil when it is in none.
    public func signingGroup(of id: PartyID) -> [PartyID]? {
        signingGroups.first { $0.contains(id) }
    }

    /// The member's peer endpoint and channel key (``PeerDirectory``).
    public func peer(_ id: PartyID) -> PeerAddress? {
        member(id).map { PeerAddress(host: $0.peerHost, port: $0.peerPort, channelKey: $0.channelKey) }
    }
}

/// One member of the network, as the directory lists it. Public data.
public struct DirectoryMember: Sendable, Hashable {
    /// The member's identity: its Ed25519 public key.
    public let id: PartyID
    /// The member's X25519 key: Noise static key of its peer channels and recipient key of the
    /// envelopes users and dealers seal to it.
    public let channelKey: X25519PublicKey
    /// The base URL of its HTTP API (for example `http://10.0.0.1:8001`).
    public let httpEndpoint: String
    /// The host of its peer-channel listener.
    public let peerHost: String
    /// The port of its peer-channel listener.
    public let peerPort: Int

    /// A member from its parts (not checked: ``NetworkDirectory`` checks what it reads).
    public init(id: PartyID, channelKey: X25519PublicKey, httpEndpoint: String, peerHost: String, peerPort: Int) {
        self.id = id
        self.channelKey = channelKey
        self.httpEndpoint = httpEndpoint
        self.peerHost = peerHost
        self.peerPort = peerPort
    }
}
