import Bytes
import BigNum
import CGGMP
import Noise
import Testing
@testable import TSS

/// Both ends of a peer channel in memory.
@Suite struct PeerChannelHandshake {
    let high: Ed25519Signer, low: Ed25519Signer
    let highStatic: X25519PrivateKey, lowStatic: X25519PrivateKey
    let session: SessionID

    init() throws {
        let a = try Ed25519Signer(seed: [UInt8](repeating: 1, count: 32))
        let b = try Ed25519Signer(seed: [UInt8](repeating: 2, count: 32))
        (high, low) = a.partyID > b.partyID ? (a, b) : (b, a)
        var rng = ChaChaRandom(testSeed: 7)
        highStatic = .generate(using: &rng)
        lowStatic = .generate(using: &rng)
        session = try SessionID(kind: .keyGeneration, participants: [a.partyID, b.partyID], user: [1], blockNumber: 9)
    }

    func responder(expecting peers: [PartyID: X25519PublicKey]? = nil, session: SessionID? = nil, seed: UInt64 = 2) throws -> PeerChannelResponder {
        var rng = ChaChaRandom(testSeed: seed)
        return try PeerChannelResponder(sessionID: session ?? self.session, ourID: low.partyID, staticKey: lowStatic,
                                        expectedPeers: peers ?? [high.partyID: highStatic.publicKey], using: &rng)
    }

    func initiator(signer: Ed25519Signer? = nil, staticKey: X25519PrivateKey? = nil, session: SessionID? = nil) throws -> PeerChannelInitiator {
        var rng = ChaChaRandom(testSeed: 1)
        return try PeerChannelInitiator(sessionID: session ?? self.session, signer: signer ?? high, staticKey: staticKey ?? highStatic,
                                        peer: low.partyID, peerStaticKey: lowStatic.publicKey, using: &rng)
    }

    @Test func largerIDInitiates() {
        #expect(PeerChannel.initiator(between: low.partyID, and: high.partyID) == high.partyID)
        #expect(PeerChannel.initiator(between: high.partyID, and: low.partyID) == high.partyID)
    }

    @Test func handshakeThenChunkedMessagesBothWays() throws {
        var initiator = try initiator()
        var responder = try responder()
        let m1 = try initiator.firstMessage()
        let m2 = try responder.readFirstMessage(m1)
        let m3 = try initiator.readSecondMessage(m2)
        var server = try responder.accept(thirdMessage: m3)
        var client = try initiator.intoChannel()
        #expect(server.peer == high.partyID)
        #expect(client.peer == low.partyID)
        #expect(server.handshakeHash == client.handshakeHash)
        #expect(server.sessionID == session)

        let small = Array("round 1 broadcast".utf8)
        #expect(try server.open(client.seal(small)) == small)
        // Larger than one Noise message: exercises the chunking (3 chunks).
        let large = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sealed = try server.seal(large)
        #expect(sealed.count == large.count + 3 * 16)
        #expect(try client.open(sealed) == large)
    }

    @Test func forgedMessageDoesNotDesynchronise() throws {
        var initiator = try initiator()
        var responder = try responder()
        let m3 = try initiator.readSecondMessage(responder.readFirstMessage(initiator.firstMessage()))
        var server = try responder.accept(thirdMessage: m3)
        var client = try initiator.intoChannel()
        let message = try client.seal([1, 2, 3])
        var forged = message
        forged[forged.count - 1] ^= 1
        #expect(throws: PeerChannelError.noise(.decryptionFailed)) { try server.open(forged) }
        #expect(try server.open(message) == [1, 2, 3])
    }

    func handshakeResult(initiator: consuming PeerChannelInitiator, responder: consuming PeerChannelResponder) -> PeerChannelError? {
        do {
            let m3 = try initiator.readSecondMessage(responder.readFirstMessage(initiator.firstMessage()))
            _ = try responder.accept(thirdMessage: m3)
            return nil
        } catch {
            return error
        }
    }

    @Test func unexpectedIdentityIsRejected() throws {
        let stranger = try Ed25519Signer(seed: [UInt8](repeating: 0xee, count: 32))
        let result = handshakeResult(initiator: try initiator(), responder: try responder(expecting: [stranger.partyID: highStatic.publicKey]))
        #expect(result == .unexpectedIdentity(high.partyID))
    }

    @Test func wrongStaticKeyIsRejected() throws {
        var rng = ChaChaRandom(testSeed: 99)
        let otherStatic = X25519PrivateKey.generate(using: &rng)
        // The right identity, but authenticated with a static key not registered for it.
        let result = handshakeResult(initiator: try initiator(staticKey: otherStatic), responder: try responder())
        #expect(result == .wrongStaticKey(high.partyID))
    }

    @Test func wrongSessionIsRejected() throws {
        let other = try SessionID(kind: .reshare, participants: [high.partyID, low.partyID], user: [1], blockNumber: 9)
        #expect(handshakeResult(initiator: try initiator(session: other), responder: try responder()) == .wrongSession)
    }

    @Test func smallerIDMayNotInitiate() throws {
        var rng = ChaChaRandom(testSeed: 3)
        #expect(throws: PeerChannelError.weAreNotTheInitiator) {
            _ = try PeerChannelInitiator(sessionID: session, signer: low, staticKey: lowStatic, peer: high.partyID,
                                         peerStaticKey: highStatic.publicKey, using: &rng)
        }
    }

    @Test func tamperedThirdMessageFailsInNoise() throws {
        var initiator = try initiator()
        var responder = try responder()
        var m3 = try initiator.readSecondMessage(responder.readFirstMessage(initiator.firstMessage()))
        m3[m3.count - 1] ^= 1
        do {
            _ = try responder.accept(thirdMessage: m3)
            Issue.record("accepted a tampered third message")
        } catch {
            #expect(error == .noise(.decryptionFailed))
        }
    }

    @Test func subscribePayloadRoundTripsAndRejectsBadInput() throws {
        let message = SubscribeMessage(sessionID: session, signer: high)
        let bytes = message.encoded
        #expect(bytes.count == 129)
        #expect(try SubscribeMessage(encoded: bytes) == message)
        #expect(message.isSignatureValid)
        #expect(throws: PeerChannelError.malformedSubscribe(DecodingError(field: "subscribe message", reason: .unsupportedVersion(2)))) {
            try SubscribeMessage(encoded: [2] + bytes.dropFirst())
        }
        #expect(throws: PeerChannelError.malformedSubscribe(DecodingError(field: "subscribe message/signature", reason: .truncated))) {
            try SubscribeMessage(encoded: Array(bytes.dropLast()))
        }
        #expect(throws: PeerChannelError.malformedSubscribe(DecodingError(field: "subscribe message", reason: .trailingBytes(count: 1)))) {
            try SubscribeMessage(encoded: bytes + [0])
        }
        #expect(throws: PeerChannelError.malformedSubscribe(DecodingError(field: "subscribe message", reason: .truncated))) {
            try SubscribeMessage(encoded: [])
        }
        for index in [1, 40, 70, 128] {
            var altered = bytes
            altered[index] ^= 1
            #expect(!(try SubscribeMessage(encoded: altered)).isSignatureValid)
        }
    }
}
