import Testing
import TestSupport
@_spi(NoiseTesting) @testable import Noise

/// Deterministic keys for tests.
func testKey(_ seed: UInt8) -> X25519PrivateKey {
    try! X25519PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) &+ seed &* 31 })
}

/// Asserts that `body` throws exactly `expected`, for code that the `#expect(throws:)` macro
/// cannot wrap (non-copyable states captured inout).
func thrownError(_ body: () throws -> Void) -> NoiseError? {
    do {
        try body()
        return nil
    } catch let error as NoiseError {
        return error
    } catch {
        Issue.record("expected a NoiseError, got \(error)")
        return nil
    }
}

/// A handshake pair for `name` with deterministic keys; statics are supplied exactly where the
/// pattern needs them.
struct Peers: ~Copyable {
    var initiator: HandshakeState
    var responder: HandshakeState
}

/// Both transports after a completed handshake.
struct Channel: ~Copyable {
    var initiator: TransportState
    var responder: TransportState
}

func makeHandshake(
    _ protocolName: String, initiatorStatic: X25519PrivateKey? = nil, responderStatic: X25519PrivateKey? = nil,
    initiatorRemote: X25519PublicKey? = nil, responderRemote: X25519PublicKey? = nil,
    initiatorPSKs: [[UInt8]] = [], responderPSKs: [[UInt8]] = [], seed: UInt64 = 1
) throws(NoiseError) -> Peers {
    let name = try NoiseProtocolName(protocolName)
    var rng = SplitMix64(seed: seed)
    let i = try HandshakeState(protocolName: name, role: .initiator, prologue: Array("test".utf8),
                               localStaticKey: initiatorStatic, remoteStaticKey: initiatorRemote,
                               preSharedKeys: initiatorPSKs, using: &rng)
    let r = try HandshakeState(protocolName: name, role: .responder, prologue: Array("test".utf8),
                               localStaticKey: responderStatic, remoteStaticKey: responderRemote,
                               preSharedKeys: responderPSKs, using: &rng)
    return Peers(initiator: i, responder: r)
}

/// Runs a two- or three-message handshake to completion and returns both transports.
func completeHandshake(_ peers: consuming Peers) throws(NoiseError) -> Channel {
    try completeHandshake(peers.initiator, peers.responder)
}

func completeHandshake(_ initiator: consuming HandshakeState, _ responder: consuming HandshakeState)
    throws(NoiseError) -> Channel {
    while !initiator.isHandshakeFinished || !responder.isHandshakeFinished {
        if initiator.isMyTurnToWrite {
            _ = try responder.readMessage(try initiator.writeMessage([]))
        } else {
            _ = try initiator.readMessage(try responder.writeMessage([]))
        }
    }
    return Channel(initiator: try initiator.intoTransport(), responder: try responder.intoTransport())
}

