import Bytes
import CGGMP
import Noise

/// The network's server-to-server channel: `Noise_XK_25519_ChaChaPoly_BLAKE2s`, prologue
/// `Entropy signing protocol`, the party with the larger id initiating, and the initiator's
/// identity proven in the third handshake message (a subscribe payload).
///
/// A pure state machine: handshake messages and transport messages go in and out as bytes;
/// the caller moves them over whatever connection it has.
///
/// ```
/// initiator                                responder
/// PeerChannelInitiator(…)                  PeerChannelResponder(…)
/// firstMessage()            ── m1 ──▶      readFirstMessage(m1) → m2
/// readSecondMessage(m2) → m3 ◀── m2 ──
///                           ── m3 ──▶      accept(thirdMessage: m3) → PeerChannel
/// intoChannel() → PeerChannel
/// ```
public struct PeerChannel: ~Copyable, Sendable {
    /// `Noise_XK_25519_ChaChaPoly_BLAKE2s`.
    public static let protocolName = ProtocolTag.peerChannelNoise
    /// The handshake prologue, `Entropy signing protocol` in UTF-8.
    public static let prologue = Array(ProtocolTag.peerChannelPrologue.utf8)

    /// Which of two parties opens the channel: the larger id.
    public static func initiator(between a: PartyID, and b: PartyID) -> PartyID { max(a, b) }

    /// The session the channel was opened for (named in the subscribe message).
    public let sessionID: SessionID
    /// The authenticated identity at the other end.
    public let peer: PartyID
    private var transport: TransportState

    init(sessionID: SessionID, peer: PartyID, transport: consuming TransportState) {
        self.sessionID = sessionID
        self.peer = peer
        self.transport = transport
    }

    /// The Noise handshake hash, for binding higher-level messages to this channel.
    public var handshakeHash: [UInt8] { transport.handshakeHash }

    /// Encrypts one application message with the network's chunking (65519-byte chunks, each its
    /// own transport message, concatenated).
    /// - Throws: ``PeerChannelError/noise(_:)`` with `NoiseError.nonceExhausted`.
    public mutating func seal(_ plaintext: [UInt8]) throws(PeerChannelError) -> [UInt8] {
        do { return try transport.writeChunked(plaintext) } catch { throw .noise(error) }
    }

    /// Decrypts one chunked message; all-or-nothing (a forged message leaves the channel usable).
    /// - Throws: ``PeerChannelError/noise(_:)`` (`decryptionFailed`, `truncatedChunk`,
    ///   `nonceExhausted`).
    public mutating func open(_ message: [UInt8]) throws(PeerChannelError) -> [UInt8] {
        do { return try transport.readChunked(message) } catch { throw .noise(error) }
    }

    /// A fresh XK handshake with the network's prologue.
    static func handshake(
        role: NoiseRole, staticKey: X25519PrivateKey, peerStaticKey: X25519PublicKey?,
        using rng: inout some RandomNumberGenerator
    ) throws(PeerChannelError) -> HandshakeState {
        let name: NoiseProtocolName
        do { name = try NoiseProtocolName(protocolName) } catch { preconditionFailure("the XK name parses") }
        do {
            return try HandshakeState(protocolName: name, role: role, prologue: prologue, localStaticKey: staticKey,
                                      remoteStaticKey: peerStaticKey, using: &rng)
        } catch { throw .noise(error) }
    }
}

/// The side that opens the channel (the larger id).
public struct PeerChannelInitiator: ~Copyable, Sendable {
    private let sessionID: SessionID
    private let peer: PartyID
    private let subscribe: SubscribeMessage
    private var handshake: HandshakeState

    /// - Parameters:
    ///   - sessionID: the session the channel is for.
    ///   - signer: our identity key, which signs the session id in the subscribe message.
    ///   - staticKey: our Noise static key (the responder must expect it for our identity).
    ///   - peer: the responder's identity.
    ///   - peerStaticKey: the responder's Noise static key (XK needs it up front).
    ///   - rng: draws the handshake's ephemeral key.
    /// - Throws: ``PeerChannelError/weAreNotTheInitiator`` unless our id is the larger.
    public init(
        sessionID: SessionID, signer: some IdentitySigner, staticKey: X25519PrivateKey,
        peer: PartyID, peerStaticKey: X25519PublicKey, using rng: inout some RandomNumberGenerator
    ) throws(PeerChannelError) {
        guard signer.partyID > peer else { throw .weAreNotTheInitiator }
        // Every stored property is assigned once, after the last throw: a non-copyable value
        // cannot be initialised on some paths and not others.
        let handshake = try PeerChannel.handshake(role: .initiator, staticKey: staticKey,
                                                  peerStaticKey: peerStaticKey, using: &rng)
        self.sessionID = sessionID
        self.peer = peer
        subscribe = SubscribeMessage(sessionID: sessionID, signer: signer)
        self.handshake = handshake
    }

    /// Handshake message 1 (`e, es`), empty payload.
    /// - Throws: ``PeerChannelError/noise(_:)`` when called twice (`notOurTurn`).
    public mutating func firstMessage() throws(PeerChannelError) -> [UInt8] {
        do { return try handshake.writeMessage([]) } catch { throw .noise(error) }
    }

    /// Reads handshake message 2 (`e, ee`) and returns message 3 (`s, se`) carrying the subscribe
    /// payload. A failed read leaves the state unchanged.
    /// - Throws: ``PeerChannelError/noise(_:)`` when the message does not authenticate or is out
    ///   of turn, ``PeerChannelError/unexpectedHandshakePayload(message:)`` for a non-empty payload.
    public mutating func readSecondMessage(_ message: [UInt8]) throws(PeerChannelError) -> [UInt8] {
        do {
            let payload = try handshake.readMessage(message)
            guard payload.isEmpty else { throw PeerChannelError.unexpectedHandshakePayload(message: 2) }
            return try handshake.writeMessage(subscribe.encoded)
        } catch let error as NoiseError {
            throw .noise(error)
        } catch let error as PeerChannelError {
            throw error
        } catch {
            preconditionFailure("only Noise and peer-channel errors are thrown here")
        }
    }

    /// The channel, once message 3 is written.
    /// - Throws: ``PeerChannelError/noise(_:)`` with `handshakeNotFinished` when called early.
    public consuming func intoChannel() throws(PeerChannelError) -> PeerChannel {
        let sessionID = sessionID
        let peer = peer
        do { return PeerChannel(sessionID: sessionID, peer: peer, transport: try handshake.intoTransport()) }
        catch { throw .noise(error) }
    }
}

/// The side that waits for the channel (the smaller id), accepting only expected peers.
public struct PeerChannelResponder: ~Copyable, Sendable {
    private let sessionID: SessionID
    private let ourID: PartyID
    private let expectedPeers: [PartyID: X25519PublicKey]
    private var handshake: HandshakeState

    /// - Parameters:
    ///   - sessionID: the session the channel is for; the subscribe message must name it.
    ///   - ourID: our identity; only peers with a larger id may initiate.
    ///   - staticKey: our Noise static key (the initiator must already know its public half).
    ///   - expectedPeers: the identities allowed in this session and the Noise static key each must use.
    ///   - rng: draws the handshake's ephemeral key.
    /// - Throws: never in practice (the XK pattern always fits the keys given); typed
    ///   ``PeerChannelError/noise(_:)`` for completeness.
    public init(
        sessionID: SessionID, ourID: PartyID, staticKey: X25519PrivateKey,
        expectedPeers: [PartyID: X25519PublicKey], using rng: inout some RandomNumberGenerator
    ) throws(PeerChannelError) {
        let handshake = try PeerChannel.handshake(role: .responder, staticKey: staticKey,
                                                  peerStaticKey: nil, using: &rng)
        self.sessionID = sessionID
        self.ourID = ourID
        self.expectedPeers = expectedPeers
        self.handshake = handshake
    }

    /// Reads handshake message 1 and returns message 2. A failed read leaves the state unchanged.
    /// - Throws: ``PeerChannelError/noise(_:)`` (a bad or low-order ephemeral key, a message that
    ///   does not authenticate), ``PeerChannelError/unexpectedHandshakePayload(message:)``.
    public mutating func readFirstMessage(_ message: [UInt8]) throws(PeerChannelError) -> [UInt8] {
        do {
            let payload = try handshake.readMessage(message)
            guard payload.isEmpty else { throw PeerChannelError.unexpectedHandshakePayload(message: 1) }
            return try handshake.writeMessage([])
        } catch let error as NoiseError {
            throw .noise(error)
        } catch let error as PeerChannelError {
            throw error
        } catch {
            preconditionFailure("only Noise and peer-channel errors are thrown here")
        }
    }

    /// Reads message 3 and checks the subscribe payload: version, our session, an expected
    /// identity with a larger id than ours, the static key expected for that identity, and the
    /// signature. Any failure ends the handshake (the state is consumed).
    /// - Throws: ``PeerChannelError/noise(_:)``, ``PeerChannelError/malformedSubscribe(_:)``,
    ///   ``PeerChannelError/wrongSession``, ``PeerChannelError/unexpectedIdentity(_:)``,
    ///   ``PeerChannelError/peerIsNotTheInitiator(_:)``, ``PeerChannelError/badSignature(_:)``,
    ///   ``PeerChannelError/wrongStaticKey(_:)``.
    public consuming func accept(thirdMessage message: [UInt8]) throws(PeerChannelError) -> PeerChannel {
        let payload: [UInt8]
        do { payload = try handshake.readMessage(message) } catch { throw .noise(error) }
        let subscribe = try SubscribeMessage(encoded: payload)
        guard subscribe.sessionID == sessionID else { throw .wrongSession }
        let identity = subscribe.identity
        guard let expectedStatic = expectedPeers[identity] else { throw .unexpectedIdentity(identity) }
        guard identity > ourID else { throw .peerIsNotTheInitiator(identity) }
        guard subscribe.isSignatureValid else { throw .badSignature(identity) }
        let transport: TransportState
        do { transport = try handshake.intoTransport() } catch { throw .noise(error) }
        guard transport.remoteStaticKey == expectedStatic else { throw .wrongStaticKey(identity) }
        return PeerChannel(sessionID: sessionID, peer: identity, transport: transport)
    }
}
