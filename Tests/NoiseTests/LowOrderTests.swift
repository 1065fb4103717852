import Testing
import TestSupport
@_spi(NoiseTesting) @testable import Noise

/// X25519 low-order points are refused everywhere Noise meets a public key: constructing one,
/// receiving one as `e` or `s` in a handshake, and (last line) an all-zero DH output.
@Suite struct LowOrderTests {
    @Test func theListMatchesTheIndependentOne() {
        #expect(X25519PublicKey.lowOrderCoordinates.count == 7)
        for encoding in X25519LowOrderPoints.encodings {
            #expect(X25519PublicKey.isLowOrder(encoding), "\(hexString(encoding))")
        }
        // Neighbours of each coordinate are ordinary keys.
        for encoding in X25519LowOrderPoints.encodings {
            for index in [0, 15, 31] {
                var near = encoding
                near[index] ^= 0x10  // (0x01 or 0x02 in byte 0 would step between p − 1, p and p + 1)
                #expect(!X25519PublicKey.isLowOrder(near), "\(hexString(near))")
            }
        }
        #expect(!X25519PublicKey.isLowOrder([UInt8](repeating: 0, count: 31)))
        #expect(!testKey(1).publicKey.isLowOrder)
    }

    @Test func constructingALowOrderPublicKeyThrows() {
        for encoding in X25519LowOrderPoints.encodings {
            #expect(throws: NoiseError.invalidRemotePublicKey) { _ = try X25519PublicKey(rawRepresentation: encoding) }
        }
    }

    @Test func libsodiumDHRefusesEveryLowOrderPoint() throws {
        for encoding in X25519LowOrderPoints.encodings {
            for seed in [UInt8(1), 2, 3] {
                #expect(throws: NoiseError.invalidRemotePublicKey) {
                    _ = try testKey(seed).sharedSecret(with: X25519PublicKey(unchecked: encoding))
                }
            }
        }
    }

    /// Wycheproof: `isLowOrder` is exactly "the shared secret is all zeros" over every case, and
    /// the DH gives Wycheproof's shared secret for every other case.
    @Test func wycheproofZeroSharedSecretsAreExactlyTheLowOrderKeys() throws {
        guard let cases = try X25519LowOrderPoints.wycheproofCases() else { return }
        #expect(cases.count > 500)
        var lowOrder = Set<[UInt8]>()
        for c in cases {
            #expect(X25519PublicKey.isLowOrder(c.publicKey) == c.hasZeroSharedSecret, "tcId \(c.tcId)")
            if c.flags.contains("LowOrderPublic") || c.flags.contains("ZeroSharedSecret") {
                #expect(X25519PublicKey.isLowOrder(c.publicKey), "tcId \(c.tcId)")
            }
            let key = try X25519PrivateKey(rawRepresentation: c.privateKey)
            if c.hasZeroSharedSecret {
                lowOrder.insert(c.publicKey)
                #expect(throws: NoiseError.invalidRemotePublicKey) {
                    _ = try key.sharedSecret(with: X25519PublicKey(unchecked: c.publicKey))
                }
                #expect(throws: NoiseError.invalidRemotePublicKey) { _ = try X25519PublicKey(rawRepresentation: c.publicKey) }
            } else {
                #expect(try key.sharedSecret(with: X25519PublicKey(rawRepresentation: c.publicKey)).unprotectedCopy == c.shared,
                        "tcId \(c.tcId)")
            }
        }
        // Wycheproof covers all 14 encodings.
        #expect(lowOrder == Set(X25519LowOrderPoints.encodings))
    }

    @Test func lowOrderEphemeralIsRefusedOnArrival() throws {
        for encoding in X25519LowOrderPoints.encodings {
            for name in ["Noise_NN_25519_ChaChaPoly_BLAKE2s", "Noise_NNpsk0_25519_ChaChaPoly_SHA256"] {
                let psks: [[UInt8]] = name.contains("psk") ? [[UInt8](repeating: 7, count: 32)] : []
                let peers = try makeHandshake(name, initiatorPSKs: psks, responderPSKs: psks)
                var r = peers.responder
                let message = encoding + [UInt8](repeating: 0, count: psks.isEmpty ? 0 : 16)
                #expect(thrownError { _ = try r.readMessage(message) } == .invalidRemotePublicKey)
                #expect(r.messageIndex == 0)
            }
        }
    }

    /// IN sends the initiator's static key in clear in the first message (`-> e, s`), so a
    /// hostile initiator can put any 32 bytes there.
    @Test func lowOrderStaticIsRefusedOnArrival() throws {
        let name = "Noise_IN_25519_ChaChaPoly_BLAKE2s"
        let honest = try makeHandshake(name, initiatorStatic: testKey(1))
        var initiator = honest.initiator
        let genuine = try initiator.writeMessage([])
        #expect(genuine.count == 64)
        for encoding in X25519LowOrderPoints.encodings {
            let peers = try makeHandshake(name, initiatorStatic: testKey(1))
            var r = peers.responder
            #expect(thrownError { _ = try r.readMessage(Array(genuine.prefix(32)) + encoding) } == .invalidRemotePublicKey)
            #expect(r.messageIndex == 0)
        }
        // The genuine message is accepted by a fresh responder.
        let fresh = try makeHandshake(name, initiatorStatic: testKey(1))
        var r = fresh.responder
        _ = try r.readMessage(genuine)
        #expect(r.messageIndex == 1)
    }
}
