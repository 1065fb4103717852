import Bytes
/// CipherState (spec section 5.1): an optional key and a 64-bit nonce.
///
/// A failed decryption leaves the nonce where it was (snow's GHSA-7g9j-g5jg-3vv3 advanced it,
/// letting one forged packet desynchronise the channel).
struct CipherState: Sendable {
    let cipher: NoiseCipher
    var key: SecretBytes?
    var nonce: UInt64 = 0

    init(cipher: NoiseCipher, key: SecretBytes? = nil) {
        self.cipher = cipher
        self.key = key
    }

    var hasKey: Bool { key != nil }

    mutating func encrypt(ad: [UInt8], plaintext: UnsafeRawBufferPointer) throws(NoiseError) -> [UInt8] {
        guard let key else { return Array(plaintext) }
        // 2^64−1 is reserved for rekeying.
        guard nonce != .max else { throw .nonceExhausted }
        let ciphertext = cipher.encrypt(key: key, nonce: nonce, ad: ad, plaintext: plaintext)
        nonce += 1
        return ciphertext
    }

    mutating func decrypt(ad: [UInt8], ciphertext: UnsafeRawBufferPointer) throws(NoiseError) -> [UInt8] {
        guard let key else { return Array(ciphertext) }
        guard nonce != .max else { throw .nonceExhausted }
        guard ciphertext.count >= NoiseCipher.tagLength else {
            throw .messageTooShort(length: ciphertext.count, minimum: NoiseCipher.tagLength)
        }
        guard let plaintext = cipher.decrypt(key: key, nonce: nonce, ad: ad, ciphertext: ciphertext) else {
            throw .decryptionFailed
        }
        nonce += 1
        return plaintext
    }

    /// Transport-only variants writing into caller memory (the chunked framing fills one
    /// buffer). A transport CipherState always has a key.
    mutating func encrypt(plaintext: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(NoiseError) {
        guard let key else { preconditionFailure("transport CipherState without a key") }
        guard nonce != .max else { throw .nonceExhausted }
        cipher.seal(key: key, nonce: nonce, ad: [], plaintext: plaintext, into: out)
        nonce += 1
    }

    mutating func decrypt(ciphertext: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(NoiseError) {
        guard let key else { preconditionFailure("transport CipherState without a key") }
        guard nonce != .max else { throw .nonceExhausted }
        guard ciphertext.count >= NoiseCipher.tagLength else {
            throw .messageTooShort(length: ciphertext.count, minimum: NoiseCipher.tagLength)
        }
        guard cipher.open(key: key, nonce: nonce, ad: [], ciphertext: ciphertext, into: out) else { throw .decryptionFailed }
        nonce += 1
    }

    /// Rekey(): k = REKEY(k); the nonce is not reset (spec section 11.3).
    mutating func rekey() {
        guard let key else { return }
        self.key = cipher.rekey(key)
    }
}

/// SymmetricState (spec section 5.2): chaining key, handshake hash and the handshake CipherState.
struct SymmetricState: Sendable {
    let hash: NoiseHash
    private(set) var chainingKey: SecretBytes
    private(set) var handshakeHash: [UInt8]
    private(set) var cipherState: CipherState

    init(protocolName: NoiseProtocolName) {
        hash = protocolName.hash
        let name = Array(protocolName.name.utf8)
        let h = name.count <= hash.hashLength
            ? name + [UInt8](repeating: 0, count: hash.hashLength - name.count)
            : hash.hash(name)
        handshakeHash = h
        chainingKey = SecretBytes(h)
        cipherState = CipherState(cipher: protocolName.cipher)
    }

    /// HASHLEN-64 outputs are cut to the 32-byte cipher key.
    private func cipherKey(_ bytes: [UInt8]) -> SecretBytes { SecretBytes(bytes.prefix(NoiseCipher.keyLength)) }

    mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let out = hash.hkdf(chainingKey: chainingKey.unprotectedCopy, inputKeyMaterial: inputKeyMaterial, outputs: 2)
        chainingKey = SecretBytes(out[0])
        cipherState = CipherState(cipher: cipherState.cipher, key: cipherKey(out[1]))
    }

    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = hash.hash(handshakeHash, data)
    }

    mutating func mixKeyAndHash(_ inputKeyMaterial: [UInt8]) {
        let out = hash.hkdf(chainingKey: chainingKey.unprotectedCopy, inputKeyMaterial: inputKeyMaterial, outputs: 3)
        chainingKey = SecretBytes(out[0])
        mixHash(out[1])
        cipherState = CipherState(cipher: cipherState.cipher, key: cipherKey(out[2]))
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try plaintext.withBytes { (p) throws(NoiseError) in
            try cipherState.encrypt(ad: handshakeHash, plaintext: p)
        }
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: ArraySlice<UInt8>) throws(NoiseError) -> [UInt8] {
        let plaintext = try ciphertext.withBytes { (c) throws(NoiseError) in
            try cipherState.decrypt(ad: handshakeHash, ciphertext: c)
        }
        mixHash(Array(ciphertext))
        return plaintext
    }

    /// Split(): the initiator-to-responder and responder-to-initiator CipherStates.
    func split() -> (CipherState, CipherState) {
        let out = hash.hkdf(chainingKey: chainingKey.unprotectedCopy, inputKeyMaterial: [], outputs: 2)
        return (CipherState(cipher: cipherState.cipher, key: cipherKey(out[0])),
                CipherState(cipher: cipherState.cipher, key: cipherKey(out[1])))
    }
}
