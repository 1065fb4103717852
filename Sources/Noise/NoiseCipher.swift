import Bytes
import CSodium

/// The AEAD ciphers Noise names. Both use 32-byte keys, 16-byte tags and a 64-bit counter nonce.
public enum NoiseCipher: String, Sendable, CaseIterable {
    /// ChaCha20-Poly1305 (IETF); nonce = 4 zero bytes ‖ counter little-endian.
    case chaChaPoly = "ChaChaPoly"
    /// AES-256-GCM; nonce = 4 zero bytes ‖ counter big-endian.
    case aesGCM = "AESGCM"

    /// Key length in bytes (both ciphers).
    public static let keyLength = 32
    /// Authentication tag length in bytes (both ciphers): every encrypted message carries one.
    public static let tagLength = 16

    /// Where AES-GCM runs: libsodium needs AES-NI and CLMUL; otherwise swift-crypto.
    enum AESGCMBackend: Sendable { case libsodium, swiftCrypto }

    static let preferredAESGCMBackend: AESGCMBackend = {
        Sodium.ensureInitialised()
        return crypto_aead_aes256gcm_is_available() == 1 ? .libsodium : .swiftCrypto
    }()

    func nonceBytes(_ n: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 {
            let byte = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))
            switch self {
            case .chaChaPoly: nonce[4 + i] = byte
            case .aesGCM: nonce[11 - i] = byte
            }
        }
        return nonce
    }

    /// ENCRYPT(k, n, ad, plaintext) written into `out`, which holds exactly plaintext + 16 bytes.
    func seal(key: SecretBytes, nonce n: UInt64, ad: [UInt8], plaintext: UnsafeRawBufferPointer,
              into out: UnsafeMutableRawBufferPointer, aesBackend: AESGCMBackend = preferredAESGCMBackend) {
        precondition(out.count == plaintext.count + Self.tagLength)
        let nonce = nonceBytes(n)
        if self == .aesGCM && aesBackend == .swiftCrypto {
            let sealed = AESGCMFallback.seal(key: key, nonce: nonce, ad: ad, plaintext: plaintext)
            out.copyBytes(from: sealed)
            return
        }
        var written: UInt64 = 0
        key.withUnsafeBytes { k in
            let kp = k.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let mp = plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let cp = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch self {
            case .chaChaPoly:
                _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                    cp, &written, mp, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce, kp)
            case .aesGCM:
                _ = crypto_aead_aes256gcm_encrypt(
                    cp, &written, mp, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce, kp)
            }
        }
        precondition(Int(written) == out.count)
    }

    /// DECRYPT(k, n, ad, ciphertext) into `out` (exactly ciphertext − 16 bytes); false when
    /// authentication fails, in which case `out` holds nothing meaningful.
    func open(key: SecretBytes, nonce n: UInt64, ad: [UInt8], ciphertext: UnsafeRawBufferPointer,
              into out: UnsafeMutableRawBufferPointer, aesBackend: AESGCMBackend = preferredAESGCMBackend) -> Bool {
        guard ciphertext.count >= Self.tagLength, out.count == ciphertext.count - Self.tagLength else { return false }
        let nonce = nonceBytes(n)
        if self == .aesGCM && aesBackend == .swiftCrypto {
            guard let opened = AESGCMFallback.open(key: key, nonce: nonce, ad: ad, ciphertext: ciphertext) else { return false }
            out.copyBytes(from: opened)
            return true
        }
        var written: UInt64 = 0
        let rc: Int32 = key.withUnsafeBytes { k in
            let kp = k.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let cp = ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self)
            // libsodium wants a non-null output pointer even for an empty plaintext.
            var empty: UInt8 = 0
            return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let mp = out.count > 0 ? out.baseAddress!.assumingMemoryBound(to: UInt8.self) : emptyPointer
                return switch self {
                case .chaChaPoly:
                    crypto_aead_chacha20poly1305_ietf_decrypt(
                        mp, &written, nil, cp, UInt64(ciphertext.count), ad, UInt64(ad.count), nonce, kp)
                case .aesGCM:
                    crypto_aead_aes256gcm_decrypt(
                        mp, &written, nil, cp, UInt64(ciphertext.count), ad, UInt64(ad.count), nonce, kp)
                }
            }
        }
        return rc == 0 && Int(written) == out.count
    }

    /// ENCRYPT(k, n, ad, plaintext): ciphertext ‖ tag.
    func encrypt(key: SecretBytes, nonce n: UInt64, ad: [UInt8], plaintext: UnsafeRawBufferPointer,
                 aesBackend: AESGCMBackend = preferredAESGCMBackend) -> [UInt8] {
        let length = plaintext.count + Self.tagLength
        return [UInt8](unsafeUninitializedCapacity: length) { out, initialised in
            seal(key: key, nonce: n, ad: ad, plaintext: plaintext, into: UnsafeMutableRawBufferPointer(out), aesBackend: aesBackend)
            initialised = length
        }
    }

    /// DECRYPT(k, n, ad, ciphertext): the plaintext, or nil when authentication fails.
    func decrypt(key: SecretBytes, nonce n: UInt64, ad: [UInt8], ciphertext: UnsafeRawBufferPointer,
                 aesBackend: AESGCMBackend = preferredAESGCMBackend) -> [UInt8]? {
        guard ciphertext.count >= Self.tagLength else { return nil }
        let length = ciphertext.count - Self.tagLength
        var ok = false
        // Capacity at least 1: with capacity 0 the standard library writes the count into the
        // shared empty-array singleton, a data race (ThreadSanitizer) with every other thread
        // touching an empty array.
        let plaintext = [UInt8](unsafeUninitializedCapacity: max(length, 1)) { out, initialised in
            ok = open(key: key, nonce: n, ad: ad, ciphertext: ciphertext,
                      into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[..<length])), aesBackend: aesBackend)
            initialised = ok ? length : 0
        }
        return ok ? plaintext : nil
    }

    /// REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64−1, empty, 32 zero bytes).
    func rekey(_ key: SecretBytes) -> SecretBytes {
        let zeros = [UInt8](repeating: 0, count: Self.keyLength)
        let sealed = zeros.withUnsafeBytes { encrypt(key: key, nonce: .max, ad: [], plaintext: $0) }
        return SecretBytes(sealed.prefix(Self.keyLength))
    }
}
