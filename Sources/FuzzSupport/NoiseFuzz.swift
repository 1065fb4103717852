@_spi(NoiseTesting) import Noise

/// Noise targets over the network's pattern, `Noise_XK_25519_ChaChaPoly_BLAKE2s`, with fixed keys
/// (the SPI the Noise tests use), so valid messages in the corpus stay valid.
enum NoiseFuzz {
    static let name = try! NoiseProtocolName("Noise_XK_25519_ChaChaPoly_BLAKE2s")
    static let prologue = Array("swift-tss/fuzz".utf8)

    static func key(_ seed: UInt8) -> X25519PrivateKey {
        try! X25519PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) &+ seed &* 31 })
    }
    static let initiatorStatic = key(1), responderStatic = key(2)
    static let initiatorEphemeral = key(3), responderEphemeral = key(4)

    static func initiator() -> HandshakeState {
        try! HandshakeState(protocolName: name, role: .initiator, prologue: prologue, localStaticKey: initiatorStatic,
                            remoteStaticKey: responderStatic.publicKey, insecureFixedEphemeralKeyForTesting: initiatorEphemeral)
    }
    static func responder() -> HandshakeState {
        try! HandshakeState(protocolName: name, role: .responder, prologue: prologue, localStaticKey: responderStatic,
                            insecureFixedEphemeralKeyForTesting: responderEphemeral)
    }

    /// The genuine handshake messages with fixed keys and empty payloads.
    static let genuine: [[UInt8]] = {
        var i = initiator(), r = responder()
        let m1 = try! i.writeMessage(); _ = try! r.readMessage(m1)
        let m2 = try! r.writeMessage(); _ = try! i.readMessage(m2)
        let m3 = try! i.writeMessage(); _ = try! r.readMessage(m3)
        return [m1, m2, m3]
    }()

    /// First byte picks the message the fuzzed bytes replace (0: responder reads message 1,
    /// 1: initiator reads message 2, 2: responder reads message 3); earlier messages are genuine.
    /// An accepted message must read the same on a fresh state, and an accepted `e` is never a
    /// low-order point.
    static func handshake(_ bytes: [UInt8]) -> Bool {
        guard let selector = bytes.first else { return false }
        let message = Array(bytes.dropFirst())
        let stage = Int(selector % 3)
        func read() -> [UInt8]? {
            switch stage {
            case 0:
                var r = responder()
                return try? r.readMessage(message)
            case 1:
                var i = initiator()
                _ = try! i.writeMessage()
                return try? i.readMessage(message)
            default:
                var r = responder()
                _ = try! r.readMessage(genuine[0])
                _ = try! r.writeMessage()
                return try? r.readMessage(message)
            }
        }
        guard let payload = read() else { return false }
        check(read() == payload, "Noise handshake: reading is not deterministic")
        if stage < 2 { check(!X25519PublicKey.isLowOrder(message.prefix(32)), "Noise handshake: accepted a low-order e") }
        return true
    }

    struct Transports: ~Copyable {
        var initiator: TransportState
        var responder: TransportState
    }

    /// Both ends after the genuine handshake.
    static func transports() -> Transports {
        var i = initiator(), r = responder()
        _ = try! r.readMessage(try! i.writeMessage())
        _ = try! i.readMessage(try! r.writeMessage())
        _ = try! r.readMessage(try! i.writeMessage())
        return Transports(initiator: try! i.intoTransport(), responder: try! r.intoTransport())
    }

    /// First byte: 0 transport message, 1 chunked message (both read by the responder; accepted
    /// bytes must be what the initiator writes for that plaintext), 2 write/read chunked round
    /// trip of the rest as plaintext, 3 the length-prefixed frame decoder.
    static func transport(_ bytes: [UInt8]) -> Bool {
        guard let selector = bytes.first else { return false }
        let body = Array(bytes.dropFirst())
        switch selector % 4 {
        case 0:
            var channel = transports()
            guard let plaintext = try? channel.responder.readMessage(body) else { return false }
            let rewritten = try! channel.initiator.writeMessage(plaintext)
            check(rewritten == body, "Noise transport: accepted bytes the sender would not write")
            return true
        case 1:
            var channel = transports()
            guard let plaintext = try? channel.responder.readChunked(body) else { return false }
            let rewritten = try! channel.initiator.writeChunked(plaintext)
            check(rewritten == body, "Noise chunked: accepted bytes the sender would not write")
            return true
        case 2:
            var channel = transports()
            let sealed = try! channel.initiator.writeChunked(body)
            let opened = try! channel.responder.readChunked(sealed)
            check(opened == body, "Noise chunked: round trip changed the plaintext")
            return true
        default:
            var decoder = NoiseFrameDecoder()
            decoder.append(body)
            var reframed: [UInt8] = []
            var frames = 0
            while let frame = decoder.nextFrame() {
                reframed += try! NoiseFraming.frame(frame)
                frames += 1
            }
            check(reframed == Array(body.prefix(reframed.count)), "Noise framing: frames do not re-frame to the input")
            check(decoder.bufferedByteCount == body.count - reframed.count, "Noise framing: lost bytes")
            return frames > 0
        }
    }
}
