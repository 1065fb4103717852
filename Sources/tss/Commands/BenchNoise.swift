import ArgumentParser
import Bytes
import CSodium
import Foundation
import Noise

/// `tss bench noise`: handshake latency (XX, XK) and transport throughput against raw libsodium.
struct BenchNoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Noise: XX and XK handshake time; 64 KiB transport throughput vs raw libsodium ChaCha20-Poly1305.")

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Samples per measurement (the median is reported).")
    var samples: Int = 15

    func validate() throws {
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        Sodium.ensureInitialised()
        let alice = try X25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
        let bob = try X25519PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))
        var rng = SystemRandomNumberGenerator()

        func handshake(_ name: String) throws -> Double {
            let protocolName = try NoiseProtocolName(name)
            let needsRemote = protocolName.pattern.responderPreMessage.contains(.s)
            return try medianSeconds(samples: samples, iterations: 50) {
                var i = try HandshakeState(protocolName: protocolName, role: .initiator, localStaticKey: alice,
                                           remoteStaticKey: needsRemote ? bob.publicKey : nil, using: &rng)
                var r = try HandshakeState(protocolName: protocolName, role: .responder, localStaticKey: bob, using: &rng)
                while !i.isHandshakeFinished {
                    if i.isMyTurnToWrite { _ = try r.readMessage(try i.writeMessage([])) }
                    else { _ = try i.readMessage(try r.writeMessage([])) }
                }
                _ = try i.intoTransport()
                _ = try r.intoTransport()
            }
        }
        let xx = try handshake("Noise_XX_25519_ChaChaPoly_BLAKE2s")
        let xk = try handshake("Noise_XK_25519_ChaChaPoly_BLAKE2s")

        // Transport: a 64 KiB plaintext is the network's chunking of 65536 bytes (65519 + 17,
        // two AEAD messages); the single-message figure uses the largest payload, 65519 bytes.
        let protocolName = try NoiseProtocolName("Noise_NN_25519_ChaChaPoly_BLAKE2s")
        var i = try HandshakeState(protocolName: protocolName, role: .initiator, using: &rng)
        var r = try HandshakeState(protocolName: protocolName, role: .responder, using: &rng)
        _ = try r.readMessage(try i.writeMessage([]))
        _ = try i.readMessage(try r.writeMessage([]))
        var sender = try i.intoTransport()
        var receiver = try r.intoTransport()

        let kib64 = [UInt8](repeating: 0x5a, count: 65536)
        let single = [UInt8](repeating: 0x5a, count: TransportState.maximumPayloadLength)
        let perSample = 200
        let noiseSingle = try medianSeconds(samples: samples, iterations: perSample) {
            let c = try sender.writeMessage(single)
            _ = try receiver.readMessage(c)
        }
        let noiseChunked = try medianSeconds(samples: samples, iterations: perSample) {
            let c = try sender.writeChunked(kib64)
            _ = try receiver.readChunked(c)
        }
        let rawSingle = try rawChaChaPoly(single, samples: samples, iterations: perSample)
        let rawChunked = try rawChaChaPoly(kib64, samples: samples, iterations: perSample)

        func mbps(_ bytes: Int, _ seconds: Double) -> Double { Double(bytes) / seconds / 1e6 }
        let result: [(String, Double)] = [
            ("xx_handshake_us", xx * 1e6),
            ("xk_handshake_us", xk * 1e6),
            ("transport_64KiB_MBps", mbps(kib64.count, noiseChunked)),
            ("libsodium_64KiB_MBps", mbps(kib64.count, rawChunked)),
            ("ratio", rawChunked / noiseChunked),
            ("transport_65519B_MBps", mbps(single.count, noiseSingle)),
            ("libsodium_65519B_MBps", mbps(single.count, rawSingle)),
            ("ratio_single_message", rawSingle / noiseSingle),
        ]
        if json {
            let body = result.map { "\"\($0.0)\":\(String(format: "%.3f", $0.1))" }.joined(separator: ",")
            print("{\"benchmark\":\"noise\",\"samples\":\(samples),\(body)}")
        } else {
            print("Noise benchmark (median of \(samples) samples; throughput = encrypt + decrypt of each message)")
            for (key, value) in result { print("  \(key.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(format: "%10.3f", value))") }
        }
    }

    /// Raw libsodium ChaCha20-Poly1305 IETF seal + open of the same buffer, with the output
    /// buffers allocated per call as the Noise path does.
    private func rawChaChaPoly(_ plaintext: [UInt8], samples: Int, iterations: Int) throws -> Double {
        let key = [UInt8](repeating: 3, count: 32)
        var nonce = [UInt8](repeating: 0, count: 12)
        var counter: UInt64 = 0
        return try medianSeconds(samples: samples, iterations: iterations) {
            counter += 1
            withUnsafeBytes(of: counter.littleEndian) { for k in 0..<8 { nonce[4 + k] = $0[k] } }
            var clen: UInt64 = 0
            let ciphertext = [UInt8](unsafeUninitializedCapacity: plaintext.count + 16) { out, n in
                crypto_aead_chacha20poly1305_ietf_encrypt(out.baseAddress!, &clen, plaintext, UInt64(plaintext.count),
                                                          nil, 0, nil, nonce, key)
                n = Int(clen)
            }
            var mlen: UInt64 = 0
            let opened = [UInt8](unsafeUninitializedCapacity: plaintext.count) { out, n in
                let rc = crypto_aead_chacha20poly1305_ietf_decrypt(out.baseAddress!, &mlen, nil, ciphertext,
                                                                   UInt64(ciphertext.count), nil, 0, nonce, key)
                n = rc == 0 ? Int(mlen) : 0
            }
            guard opened.count == plaintext.count else { throw ValidationError("libsodium round trip failed") }
        }
    }
}

/// Median over `samples` of the mean time of one `body` call, each sample running it `iterations` times.
func medianSeconds(samples: Int, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<max(1, samples) {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let end = DispatchTime.now().uptimeNanoseconds
        times.append(Double(end - start) / 1e9 / Double(iterations))
    }
    times.sort()
    return times[times.count / 2]
}
