import Bytes
import Testing
@testable import Noise

@Suite struct FramingTests {
    @Test func lengthPrefixIsTwoBytesBigEndian() throws {
        #expect(try NoiseFraming.frame([0xAA, 0xBB, 0xCC]) == [0x00, 0x03, 0xAA, 0xBB, 0xCC])
        let big = [UInt8](repeating: 5, count: 0x1234)
        #expect(Array(try NoiseFraming.frame(big).prefix(2)) == [0x12, 0x34])
        #expect(try NoiseFraming.frame([UInt8](repeating: 0, count: 65535)).count == 65537)
        #expect(thrownError { _ = try NoiseFraming.frame([UInt8](repeating: 0, count: 65536)) } == .frameTooLong(length: 65536))
    }

    @Test func decoderReassemblesFramesFromArbitrarySplits() throws {
        let frames: [[UInt8]] = [[1], [], Array(repeating: 7, count: 300), [2, 3]]
        let stream = try frames.flatMap { try NoiseFraming.frame($0) }
        for step in [1, 2, 3, 7, 1000] {
            var decoder = NoiseFrameDecoder()
            var out: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                decoder.append(stream[offset..<min(offset + step, stream.count)])
                offset += step
                while let frame = decoder.nextFrame() { out.append(frame) }
            }
            #expect(out == frames)
            #expect(decoder.bufferedByteCount == 0)
        }
    }
}

@Suite struct CipherTests {
    @Test func nonceLayouts() {
        #expect(NoiseCipher.chaChaPoly.nonceBytes(0x0102) == [0, 0, 0, 0, 0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(NoiseCipher.aesGCM.nonceBytes(0x0102) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02])
    }

    /// libsodium's AES-GCM (when the CPU has it) and the swift-crypto fallback agree byte for byte
    /// and open each other's ciphertexts.
    @Test func aesGCMBackendsAgree() {
        let key = SecretBytes((0..<32).map { UInt8($0) })
        let ad: [UInt8] = [9, 8, 7]
        for size in [0, 1, 16, 1000] {
            let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 13) }
            let viaCrypto = plaintext.withUnsafeBytes {
                NoiseCipher.aesGCM.encrypt(key: key, nonce: 77, ad: ad, plaintext: $0, aesBackend: .swiftCrypto)
            }
            #expect(viaCrypto.count == size + 16)
            let opened = viaCrypto.withUnsafeBytes {
                NoiseCipher.aesGCM.decrypt(key: key, nonce: 77, ad: ad, ciphertext: $0, aesBackend: .swiftCrypto)
            }
            #expect(opened == plaintext)
            let wrongNonce = viaCrypto.withUnsafeBytes {
                NoiseCipher.aesGCM.decrypt(key: key, nonce: 78, ad: ad, ciphertext: $0, aesBackend: .swiftCrypto)
            }
            #expect(wrongNonce == nil)
            if NoiseCipher.preferredAESGCMBackend == .libsodium {
                let viaSodium = plaintext.withUnsafeBytes {
                    NoiseCipher.aesGCM.encrypt(key: key, nonce: 77, ad: ad, plaintext: $0, aesBackend: .libsodium)
                }
                #expect(viaSodium == viaCrypto)
            }
        }
    }
}
