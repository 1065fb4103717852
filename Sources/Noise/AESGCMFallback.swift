// The only file in Noise that imports swift-crypto (its `SHA256` would clash with Hashing's).
import Bytes
import Crypto
import Foundation

/// AES-256-GCM through swift-crypto, for CPUs where libsodium's AES-GCM is unavailable.
enum AESGCMFallback {
    static func seal(key: SecretBytes, nonce: [UInt8], ad: [UInt8], plaintext: UnsafeRawBufferPointer) -> [UInt8] {
        let symmetricKey = key.withUnsafeBytes { SymmetricKey(data: $0) }
        do {
            let box = try AES.GCM.seal(plaintext, using: symmetricKey,
                                       nonce: try AES.GCM.Nonce(data: nonce), authenticating: ad)
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            // Only reachable with a malformed nonce or key, which our callers never build.
            preconditionFailure("AES.GCM.seal failed on well-formed input: \(error)")
        }
    }

    static func open(key: SecretBytes, nonce: [UInt8], ad: [UInt8], ciphertext: UnsafeRawBufferPointer) -> [UInt8]? {
        guard ciphertext.count >= NoiseCipher.tagLength else { return nil }
        let symmetricKey = key.withUnsafeBytes { SymmetricKey(data: $0) }
        let split = ciphertext.count - NoiseCipher.tagLength
        do {
            let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: nonce),
                                            ciphertext: Data(ciphertext[..<split]),
                                            tag: Data(ciphertext[split...]))
            return Array(try AES.GCM.open(box, using: symmetricKey, authenticating: ad))
        } catch {
            return nil
        }
    }
}
