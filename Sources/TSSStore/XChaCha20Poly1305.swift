import Bytes
import CSodium

/// XChaCha20-Poly1305 (IETF construction) from libsodium: the per-record AEAD.
/// Ciphertexts are `encrypted bytes ‖ 16-byte tag`, as libsodium's combined mode writes them.
enum XChaCha20Poly1305 {
    static let keyByteCount = 32
    static let nonceByteCount = 24
    static let tagByteCount = 16

    enum Failure: Error, Equatable {
        case invalidKeyLength(Int)
        case invalidNonceLength(Int)
        case ciphertextShorterThanTag
        case authenticationFailed
    }

    static func seal(
        _ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8], key: UnsafeRawBufferPointer
    ) throws(Failure) -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var written: UInt64 = 0
        let status = ciphertext.withUnsafeMutableBufferPointer { out in
            crypto_aead_xchacha20poly1305_ietf_encrypt(
                out.baseAddress!, &written,
                plaintext, UInt64(plaintext.count),
                associatedData, UInt64(associatedData.count),
                nil, nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // Encryption cannot fail for in-range sizes; a failure here is a libsodium contract breach.
        precondition(status == 0 && written == UInt64(ciphertext.count))
        return ciphertext
    }

    static func open(
        _ ciphertext: [UInt8], associatedData: [UInt8], nonce: [UInt8], key: UnsafeRawBufferPointer
    ) throws(Failure) -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        guard ciphertext.count >= tagByteCount else { throw .ciphertextShorterThanTag }
        let plaintextCount = ciphertext.count - tagByteCount
        // At least one byte so libsodium always gets a real output pointer, even for empty messages.
        var plaintext = [UInt8](repeating: 0, count: max(1, plaintextCount))
        var written: UInt64 = 0
        let status = plaintext.withUnsafeMutableBufferPointer { out in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                out.baseAddress, &written, nil,
                ciphertext, UInt64(ciphertext.count),
                associatedData, UInt64(associatedData.count),
                nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard status == 0 else { throw .authenticationFailed }
        precondition(written == UInt64(plaintextCount))
        plaintext.removeLast(plaintext.count - plaintextCount)
        return plaintext
    }

    private static func checkSizes(key: UnsafeRawBufferPointer, nonce: [UInt8]) throws(Failure) {
        // sodium_init switches ChaCha20/Poly1305 implementations (with different state layouts);
        // it must finish before any AEAD call, or a concurrent first init can corrupt a MAC.
        Sodium.ensureInitialised()
        guard key.count == keyByteCount, key.baseAddress != nil else { throw .invalidKeyLength(key.count) }
        guard nonce.count == nonceByteCount else { throw .invalidNonceLength(nonce.count) }
    }
}
