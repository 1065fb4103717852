import Testing
@testable import Noise

@Suite struct ProtocolNameTests {
    @Test func parsesTheNetworksProtocol() throws {
        let name = try NoiseProtocolName("Noise_XK_25519_ChaChaPoly_BLAKE2s")
        #expect(name.pattern.baseName == "XK")
        #expect(name.cipher == .chaChaPoly && name.hash == .blake2s)
        #expect(name.pattern.messages == [[.e, .es], [.e, .ee], [.s, .se]])
        #expect(name.pattern.responderPreMessage == [.s] && name.pattern.initiatorPreMessage.isEmpty)
    }

    @Test func appliesPSKModifiers() throws {
        let p = try HandshakePattern(name: "XXpsk0+psk3")
        #expect(p.messages == [[.psk, .e], [.e, .ee, .s, .es], [.s, .se, .psk]])
        #expect(p.preSharedKeyCount == 2 && p.isPSKHandshake)
        let n = try HandshakePattern(name: "Npsk0")
        #expect(n.messages == [[.psk, .e, .es]] && n.isOneWay)
        #expect(try HandshakePattern(name: "NNpsk2").messages == [[.e], [.e, .ee, .psk]])
    }

    @Test func knowsAllOneWayInteractiveAndDeferredPatterns() {
        // 3 one-way + 12 fundamental interactive + 23 deferred (spec rev 34, section 18).
        #expect(HandshakePattern.baseNames.count == 38)
        for name in ["N", "K", "X", "NN", "NK", "NX", "KN", "KK", "KX", "XN", "XK", "XX", "IN", "IK", "IX"] {
            #expect(HandshakePattern.baseNames.contains(name))
        }
    }

    @Test(arguments: [
        ("Noise_XX_25519_ChaChaPoly", NoiseError.malformedProtocolName("Noise_XX_25519_ChaChaPoly")),
        ("Nose_XX_25519_ChaChaPoly_SHA256", .malformedProtocolName("Nose_XX_25519_ChaChaPoly_SHA256")),
        ("Noise_XX_25519_ChaChaPoly_SHA256_x", .malformedProtocolName("Noise_XX_25519_ChaChaPoly_SHA256_x")),
        ("Noise_YY_25519_ChaChaPoly_SHA256", .unknownPattern("YY")),
        ("Noise_XXfallback_25519_ChaChaPoly_SHA256", .unsupportedModifier("fallback")),
        ("Noise_XXpsk4_25519_ChaChaPoly_SHA256", .unsupportedModifier("psk4")),
        ("Noise_NNpsk0+psk0_25519_ChaChaPoly_SHA256", .unsupportedModifier("psk0")),
        ("Noise_NNpsk_25519_ChaChaPoly_SHA256", .unsupportedModifier("psk")),
        ("Noise_XX_448_ChaChaPoly_SHA256", .unknownDHFunction("448")),
        ("Noise_XX_25519_AESGCMSIV_SHA256", .unknownCipherFunction("AESGCMSIV")),
        ("Noise_XX_25519_ChaChaPoly_SHA3", .unknownHashFunction("SHA3")),
    ])
    func rejectsUnknownParts(_ name: String, _ expected: NoiseError) {
        #expect(thrownError { _ = try NoiseProtocolName(name) } == expected)
    }
}
