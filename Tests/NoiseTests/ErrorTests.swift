import Testing
import TestSupport
@_spi(NoiseTesting) @testable import Noise

/// Every failure the brief names, and that a failed call leaves the state as it was.
@Suite struct ErrorTests {
    let alice = testKey(1)
    let bob = testKey(2)
    let mallory = testKey(3)

    @Test func wrongRemoteStaticInXKFailsAtTheResponder() throws {
        // The initiator believes the responder's key is mallory's: es differs, message 0 fails.
        let peers1 = try makeHandshake("Noise_XK_25519_ChaChaPoly_BLAKE2s", initiatorStatic: alice,
                                       responderStatic: bob, initiatorRemote: mallory.publicKey); var i = peers1.initiator, r = peers1.responder
        let m0 = try i.writeMessage(Array("hi".utf8))
        #expect(thrownError { _ = try r.readMessage(m0) } == .decryptionFailed)
        #expect(r.messageIndex == 0)
    }

    @Test func pinnedRemoteStaticMismatchIsRejectedAndRetrySafe() throws {
        // XX transmits the initiator's static; the responder pins the key it expects.
        let peers2 = try makeHandshake("Noise_XX_25519_ChaChaPoly_BLAKE2s", initiatorStatic: alice,
                                       responderStatic: bob, responderRemote: mallory.publicKey); var i = peers2.initiator, r = peers2.responder
        _ = try r.readMessage(try i.writeMessage([]))
        _ = try i.readMessage(try r.writeMessage([]))
        #expect(i.remoteStaticKey == bob.publicKey)
        let m2 = try i.writeMessage([])
        let hashBefore = r.handshakeHash
        #expect(thrownError { _ = try r.readMessage(m2) } == .remoteStaticKeyMismatch)
        #expect(r.messageIndex == 2 && r.handshakeHash == hashBefore && r.remoteStaticKey == nil)

        // Pinning the right key succeeds.
        let peers3 = try makeHandshake("Noise_XX_25519_ChaChaPoly_BLAKE2s", initiatorStatic: alice,
                                         responderStatic: bob, responderRemote: alice.publicKey); var i2 = peers3.initiator, r2 = peers3.responder
        _ = try r2.readMessage(try i2.writeMessage([]))
        _ = try i2.readMessage(try r2.writeMessage([]))
        _ = try r2.readMessage(try i2.writeMessage([]))
        #expect(r2.isHandshakeFinished && r2.remoteStaticKey == alice.publicKey)
    }

    @Test func tamperedHandshakeMessageFailsThenTheGenuineOneStillWorks() throws {
        let peers4 = try makeHandshake("Noise_XX_25519_AESGCM_SHA256", initiatorStatic: alice, responderStatic: bob); var i = peers4.initiator, r = peers4.responder
        _ = try r.readMessage(try i.writeMessage(Array("one".utf8)))
        let m1 = try r.writeMessage(Array("two".utf8))
        for position in [0, 40, m1.count - 1] {
            var tampered = m1
            tampered[position] ^= 0x01
            let hashBefore = i.handshakeHash
            #expect(thrownError { _ = try i.readMessage(tampered) } == .decryptionFailed)
            #expect(i.messageIndex == 1 && i.handshakeHash == hashBefore)
        }
        #expect(try i.readMessage(m1) == Array("two".utf8))
        #expect(i.remoteStaticKey == bob.publicKey)
    }

    /// Regression test for snow's GHSA-7g9j-g5jg-3vv3: a failed transport decryption must not
    /// advance the receiving nonce, or one forged packet kills the channel.
    @Test func tamperedTransportMessageDoesNotAdvanceTheNonce() throws {
        let peers5 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s")
        let channel5 = try completeHandshake(peers5); var it = channel5.initiator, rt = channel5.responder
        let genuine = try it.writeMessage(Array("payload".utf8))
        var forged = genuine
        forged[3] ^= 0x80
        #expect(thrownError { _ = try rt.readMessage(forged) } == .decryptionFailed)
        #expect(rt.receivingNonce == 0)
        #expect(try rt.readMessage(genuine) == Array("payload".utf8))
        #expect(rt.receivingNonce == 1)
        // A replay of the same message is now under the wrong nonce.
        #expect(thrownError { _ = try rt.readMessage(genuine) } == .decryptionFailed)
        #expect(rt.receivingNonce == 1)
    }

    @Test func truncatedMessagesAreRejected() throws {
        let peers6 = try makeHandshake("Noise_XX_25519_ChaChaPoly_SHA512", initiatorStatic: alice, responderStatic: bob); var i = peers6.initiator, r = peers6.responder
        _ = try r.readMessage(try i.writeMessage([]))
        let m1 = try r.writeMessage([])  // e (32) + encrypted s (48) + empty payload tag (16)
        #expect(m1.count == 96)
        #expect(thrownError { _ = try i.readMessage(Array(m1.prefix(95))) } == .messageTooShort(length: 95, minimum: 96))
        #expect(thrownError { _ = try i.readMessage([]) } == .messageTooShort(length: 0, minimum: 96))
        _ = try i.readMessage(m1)
        _ = try r.readMessage(try i.writeMessage([]))
        var it = try i.intoTransport(), rt = try r.intoTransport()
        let c = try it.writeMessage(Array("abcdef".utf8))
        #expect(thrownError { _ = try rt.readMessage(Array(c.prefix(15))) } == .messageTooShort(length: 15, minimum: 16))
        #expect(thrownError { _ = try rt.readMessage(Array(c.dropLast())) } == .decryptionFailed)
        #expect(try rt.readMessage(c) == Array("abcdef".utf8))
    }

    @Test func oversizeMessagesAreRejected() throws {
        let peers7 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2b"); var i = peers7.initiator, r = peers7.responder
        // Handshake: 32 bytes of e plus a payload that does not fit.
        #expect(thrownError { _ = try i.writeMessage([UInt8](repeating: 0, count: 65535 - 31)) }
                == .messageTooLong(length: 65536))
        #expect(i.messageIndex == 0)
        #expect(thrownError { _ = try r.readMessage([UInt8](repeating: 0, count: 65536)) } == .messageTooLong(length: 65536))
        let channel7 = try completeHandshake(i, r); var it = channel7.initiator, rt = channel7.responder
        let largest = try it.writeMessage([UInt8](repeating: 9, count: 65519))
        #expect(largest.count == 65535)
        #expect(try rt.readMessage(largest).count == 65519)
        #expect(thrownError { _ = try it.writeMessage([UInt8](repeating: 9, count: 65520)) } == .messageTooLong(length: 65536))
        #expect(it.sendingNonce == 1)
        #expect(thrownError { _ = try rt.readMessage([UInt8](repeating: 9, count: 65536)) } == .messageTooLong(length: 65536))
        #expect(rt.receivingNonce == 1)
    }

    @Test func nonceExhaustion() throws {
        let peers8 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s")
        let channel8 = try completeHandshake(peers8); var it = channel8.initiator, rt = channel8.responder
        it.setNoncesForTesting(sending: UInt64.max - 1)
        rt.setNoncesForTesting(receiving: UInt64.max - 1)
        let last = try it.writeMessage(Array("last".utf8))  // uses nonce 2^64-2
        #expect(it.sendingNonce == UInt64.max)
        #expect(thrownError { _ = try it.writeMessage([]) } == .nonceExhausted)
        #expect(try rt.readMessage(last) == Array("last".utf8))
        #expect(thrownError { _ = try rt.readMessage(last) } == .nonceExhausted)
        // Rekeying changes the key, not the nonce: still exhausted.
        try it.rekeySending()
        #expect(thrownError { _ = try it.writeMessage([]) } == .nonceExhausted)
    }

    @Test func pskMismatch() throws {
        let psk = [UInt8](repeating: 0x42, count: 32)
        var other = psk
        other[31] ^= 1
        let peers9 = try makeHandshake("Noise_NNpsk0_25519_ChaChaPoly_BLAKE2s", initiatorPSKs: [psk], responderPSKs: [other]); var i = peers9.initiator, r = peers9.responder
        let m0 = try i.writeMessage([])
        #expect(thrownError { _ = try r.readMessage(m0) } == .decryptionFailed)

        // psk2 is mixed in only at the end of message 1: message 0 passes, message 1 fails.
        let peers10 = try makeHandshake("Noise_NNpsk2_25519_ChaChaPoly_BLAKE2s", initiatorPSKs: [psk], responderPSKs: [other]); var i2 = peers10.initiator, r2 = peers10.responder
        _ = try r2.readMessage(try i2.writeMessage([]))
        let m1 = try r2.writeMessage([])
        #expect(thrownError { _ = try i2.readMessage(m1) } == .decryptionFailed)
    }

    @Test func configurationErrors() throws {
        let xk = try NoiseProtocolName("Noise_XK_25519_ChaChaPoly_BLAKE2s")
        var rng = SplitMix64(seed: 9)
        #expect(thrownError { _ = try HandshakeState(protocolName: xk, role: .initiator, remoteStaticKey: bob.publicKey, using: &rng) }
                == .missingLocalStaticKey)
        #expect(thrownError { _ = try HandshakeState(protocolName: xk, role: .initiator, localStaticKey: alice, using: &rng) }
                == .missingRemoteStaticKey)
        let nn = try NoiseProtocolName("Noise_NN_25519_ChaChaPoly_BLAKE2s")
        #expect(thrownError { _ = try HandshakeState(protocolName: nn, role: .initiator, localStaticKey: alice, using: &rng) }
                == .unusedLocalStaticKey)
        #expect(thrownError { _ = try HandshakeState(protocolName: nn, role: .responder, remoteStaticKey: bob.publicKey, using: &rng) }
                == .unusedRemoteStaticKey)
        let psk3 = try NoiseProtocolName("Noise_XXpsk0+psk3_25519_ChaChaPoly_BLAKE2s")
        #expect(thrownError { _ = try HandshakeState(protocolName: psk3, role: .initiator, localStaticKey: alice,
                                                     preSharedKeys: [[UInt8](repeating: 1, count: 32)], using: &rng) }
                == .wrongPreSharedKeyCount(expected: 2, actual: 1))
        #expect(thrownError { _ = try HandshakeState(protocolName: psk3, role: .initiator, localStaticKey: alice,
                                                     preSharedKeys: [[UInt8](repeating: 1, count: 32), [1]], using: &rng) }
                == .invalidKeyLength(expected: 32, actual: 1))
        #expect(thrownError { _ = try X25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
                == .invalidKeyLength(expected: 32, actual: 31))
    }

    @Test func sequencingErrors() throws {
        let peers11 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s"); var i = peers11.initiator, r = peers11.responder
        #expect(thrownError { _ = try r.writeMessage([]) } == .notOurTurn)
        #expect(thrownError { _ = try i.readMessage([UInt8](repeating: 0, count: 48)) } == .notTheirTurn)
        _ = try r.readMessage(try i.writeMessage([]))
        _ = try i.readMessage(try r.writeMessage([]))
        #expect(thrownError { _ = try i.writeMessage([]) } == .handshakeAlreadyFinished)
        #expect(i.isHandshakeFinished == true)

        let peers12 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s"); let early = peers12.initiator
        // intoTransport consumes the state, so it cannot run inside a closure.
        var caught: NoiseError?
        do { _ = try early.intoTransport() } catch { caught = error }
        #expect(caught == .handshakeNotFinished)
    }

    @Test func lowOrderRemoteEphemeralIsRejected() throws {
        let peers13 = try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s"); var r = peers13.responder
        // e = u 0, a point of order 2: refused on arrival, before our reply depends on it.
        #expect(thrownError { _ = try r.readMessage([UInt8](repeating: 0, count: 32)) } == .invalidRemotePublicKey)
        #expect(r.messageIndex == 0)
    }

    @Test func oneWayPatternsOnlySendFromTheInitiator() throws {
        let peers14 = try makeHandshake("Noise_N_25519_ChaChaPoly_BLAKE2s", responderStatic: bob, initiatorRemote: bob.publicKey); var i = peers14.initiator, r = peers14.responder
        _ = try r.readMessage(try i.writeMessage(Array("one".utf8)))
        var it = try i.intoTransport(), rt = try r.intoTransport()
        #expect(try rt.readMessage(try it.writeMessage(Array("two".utf8))) == Array("two".utf8))
        #expect(thrownError { _ = try rt.writeMessage([]) } == .oneWayPattern)
        #expect(thrownError { _ = try it.readMessage([UInt8](repeating: 0, count: 16)) } == .oneWayPattern)
    }

    @Test func rekeyMustHappenOnBothSides() throws {
        let peers15 = try makeHandshake("Noise_XX_25519_AESGCM_BLAKE2s", initiatorStatic: alice, responderStatic: bob)
        let channel15 = try completeHandshake(peers15); var it = channel15.initiator, rt = channel15.responder
        try it.rekeySending()
        try rt.rekeyReceiving()
        #expect(try rt.readMessage(try it.writeMessage([1, 2, 3])) == [1, 2, 3])
        try rt.rekeySending()  // the initiator does not follow
        let c = try rt.writeMessage([4])
        #expect(thrownError { _ = try it.readMessage(c) } == .decryptionFailed)
        try it.rekeyReceiving()
        #expect(try it.readMessage(c) == [4])
    }

    @Test func secretsStayOutOfDescriptions() {
        #expect("\(alice)" == "X25519PrivateKey")
        #expect(String(reflecting: alice) == "X25519PrivateKey")
        #expect(!NoiseError.decryptionFailed.description.isEmpty)
    }
}
