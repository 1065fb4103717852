import Testing
@_spi(NoiseTesting) @testable import Noise

/// Every base pattern, with and without psk modifiers, completes against itself and agrees on
/// the handshake hash, payloads and transport messages.
@Suite struct RoundTripTests {
    static let patterns = HandshakePattern.baseNames

    @Test(arguments: patterns)
    func patternCompletes(_ base: String) throws {
        for modifiers in ["", "psk0", "psk1", "psk0+psk1"] {
            let pattern = try HandshakePattern(name: base)
            if modifiers == "psk0+psk1" && pattern.messages.count < 1 { continue }
            let name = try NoiseProtocolName("Noise_\(base)\(modifiers)_25519_ChaChaPoly_BLAKE2s")
            let initiatorStatic = testKey(11), responderStatic = testKey(12)
            let p = name.pattern
            let iNeeds = p.initiatorPreMessage.contains(.s) || p.messages.enumerated().contains { $0.offset % 2 == 0 && $0.element.contains(.s) }
            let rNeeds = p.responderPreMessage.contains(.s) || p.messages.enumerated().contains { $0.offset % 2 == 1 && $0.element.contains(.s) }
            let psks = (0..<p.preSharedKeyCount).map { [UInt8](repeating: UInt8($0 + 1), count: 32) }
            let peers1 = try makeHandshake(
                name.name, initiatorStatic: iNeeds ? initiatorStatic : nil, responderStatic: rNeeds ? responderStatic : nil,
                initiatorRemote: p.responderPreMessage.contains(.s) ? responderStatic.publicKey : nil,
                responderRemote: p.initiatorPreMessage.contains(.s) ? initiatorStatic.publicKey : nil,
                initiatorPSKs: psks, responderPSKs: psks); var i = peers1.initiator, r = peers1.responder
            var index = 0
            while !i.isHandshakeFinished {
                let payload = Array("message \(index)".utf8)
                if index % 2 == 0 {
                    #expect(try r.readMessage(try i.writeMessage(payload)) == payload)
                } else {
                    #expect(try i.readMessage(try r.writeMessage(payload)) == payload)
                }
                index += 1
            }
            #expect(r.isHandshakeFinished && i.handshakeHash == r.handshakeHash)
            if iNeeds { #expect(r.remoteStaticKey == initiatorStatic.publicKey) }
            if rNeeds { #expect(i.remoteStaticKey == responderStatic.publicKey) }
            var it = try i.intoTransport(), rt = try r.intoTransport()
            #expect(it.handshakeHash == rt.handshakeHash)
            #expect(try rt.readMessage(try it.writeMessage([1, 2, 3])) == [1, 2, 3])
            if !p.isOneWay {
                #expect(try it.readMessage(try rt.writeMessage([4, 5])) == [4, 5])
            }
        }
    }

    @Test func differentSessionsHaveDifferentHandshakeHashes() throws {
        let a = try completeHandshake(try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s", seed: 1))
        let b = try completeHandshake(try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s", seed: 2))
        #expect(a.initiator.handshakeHash != b.initiator.handshakeHash)
    }

    @Test func chunkingRoundTripsAtTheBoundaries() throws {
        let peers4 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s")
        let channel4 = try completeHandshake(peers4); var it = channel4.initiator, rt = channel4.responder
        for size in [0, 1, 65519, 65520, 2 * 65519, 2 * 65519 + 1] {
            let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let wire = try it.writeChunked(plaintext)
            let chunks = max(1, (size + 65518) / 65519)
            #expect(wire.count == size + 16 * chunks)
            #expect(try rt.readChunked(wire) == plaintext)
        }
        #expect(it.sendingNonce == rt.receivingNonce)
        // A truncated or corrupted concatenation is rejected whole, nonce untouched.
        let wire = try it.writeChunked([UInt8](repeating: 1, count: 70000))
        let before = rt.receivingNonce
        #expect(thrownError { _ = try rt.readChunked(Array(wire.prefix(65535 + 10))) } == .truncatedChunk(length: 65545))
        #expect(thrownError { _ = try rt.readChunked([]) } == .truncatedChunk(length: 0))
        var corrupted = wire
        corrupted[corrupted.count - 1] ^= 1
        #expect(thrownError { _ = try rt.readChunked(corrupted) } == .decryptionFailed)
        #expect(rt.receivingNonce == before)
        #expect(try rt.readChunked(wire).count == 70000)
    }
}
