import Foundation
import Testing
@_spi(NoiseTesting) @testable import Noise
import TestSupport

/// Vectors/noise/*.json, written by Vectors/noise/generate.py with the python `noiseprotocol`
/// package, so a fresh clone checks Noise without the shared folder.
@Suite struct LocalVectorTests {
    @Test func generatedVectorsPass() throws {
        let vectors = try loadJSONVectors(TestVectors.local("noise/vectors.json"))
        #expect(vectors.count >= 80)
        // The file must cover every hash and both ciphers.
        let names = Set(vectors.map(\.protocol_name))
        for hash in NoiseHash.allCases {
            #expect(names.contains { $0.hasSuffix("_\(hash.rawValue)") }, "no vector for \(hash.rawValue)")
        }
        let result = runAll(vectors)
        print("noise vectors Vectors/noise/vectors.json: \(result.passed) passed, \(result.skipped) skipped")
        for failure in result.failures.prefix(10) { Issue.record(Comment(rawValue: failure)) }
        #expect(result.passed == vectors.count)
    }

    /// The network's chunking (65519-byte plaintext chunks, concatenated), cross-checked with
    /// ciphertexts noiseprotocol produced chunk by chunk.
    @Test func chunkedVectorsMatchTheNetworkFraming() throws {
        let vectors = try loadJSONVectors(TestVectors.local("noise/chunked.json"))
        let v = try #require(vectors.first)
        let name = try NoiseProtocolName(v.protocol_name)
        #expect(String(decoding: hexBytes(v.init_prologue), as: UTF8.self) == "Entropy signing protocol")
        var initiator = try HandshakeState(
            protocolName: name, role: .initiator, prologue: hexBytes(v.init_prologue),
            localStaticKey: try X25519PrivateKey(rawRepresentation: hexBytes(v.init_static!)),
            remoteStaticKey: try X25519PublicKey(rawRepresentation: hexBytes(v.init_remote_static!)),
            insecureFixedEphemeralKeyForTesting: try X25519PrivateKey(rawRepresentation: hexBytes(v.init_ephemeral)))
        var responder = try HandshakeState(
            protocolName: name, role: .responder, prologue: hexBytes(v.resp_prologue),
            localStaticKey: try X25519PrivateKey(rawRepresentation: hexBytes(v.resp_static!)),
            insecureFixedEphemeralKeyForTesting: try X25519PrivateKey(rawRepresentation: hexBytes(v.resp_ephemeral!)))
        for (i, m) in v.messages.prefix(3).enumerated() {
            if i % 2 == 0 {
                #expect(try initiator.writeMessage(hexBytes(m.payload)) == hexBytes(m.ciphertext))
                #expect(try responder.readMessage(hexBytes(m.ciphertext)) == hexBytes(m.payload))
            } else {
                #expect(try responder.writeMessage(hexBytes(m.payload)) == hexBytes(m.ciphertext))
                #expect(try initiator.readMessage(hexBytes(m.ciphertext)) == hexBytes(m.payload))
            }
        }
        #expect(initiator.handshakeHash == hexBytes(v.handshake_hash!))
        var i2r = try initiator.intoTransport()
        var r2i = try responder.intoTransport()
        for (i, m) in v.messages.enumerated().dropFirst(3) {
            let payload = hexBytes(m.payload), ciphertext = hexBytes(m.ciphertext)
            if i % 2 == 0 {
                #expect(try i2r.writeChunked(payload) == ciphertext)
                #expect(try r2i.readChunked(ciphertext) == payload)
            } else {
                #expect(try r2i.writeChunked(payload) == ciphertext)
                #expect(try i2r.readChunked(ciphertext) == payload)
            }
        }
        // The first large message really was two chunks.
        #expect(hexBytes(v.messages[3].ciphertext).count == 65519 + 1 + 2 * 16)
    }
}
