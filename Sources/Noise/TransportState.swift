/// The transport phase (after Split): one CipherState per direction.
///
/// Non-copyable so that no two copies can encrypt under the same nonce. Failure semantics:
/// every read and write is all-or-nothing — a throw leaves both nonces and keys unchanged, so
/// one forged or corrupted message cannot desynchronise the channel.
public struct TransportState: ~Copyable, Sendable {
    /// The protocol the handshake ran.
    public let protocolName: NoiseProtocolName
    /// Our side of the handshake.
    public let role: NoiseRole
    /// The final handshake hash, for channel binding.
    public let handshakeHash: [UInt8]
    /// The peer's static key, when the pattern has one (pre-message or transmitted).
    public let remoteStaticKey: X25519PublicKey?
    /// nil on the side of a one-way pattern that may not use that direction.
    private var sending: CipherState?
    private var receiving: CipherState?

    init(protocolName: NoiseProtocolName, role: NoiseRole, handshakeHash: [UInt8],
         remoteStaticKey: X25519PublicKey?, sending: CipherState?, receiving: CipherState?) {
        self.protocolName = protocolName
        self.role = role
        self.handshakeHash = handshakeHash
        self.remoteStaticKey = remoteStaticKey
        self.sending = sending
        self.receiving = receiving
    }

    /// The most plaintext one transport message can carry (65535 − 16).
    public static let maximumPayloadLength = noiseMaximumMessageLength - NoiseCipher.tagLength

    /// The nonce the next written message will use.
    public var sendingNonce: UInt64 { sending?.nonce ?? 0 }
    /// The nonce the next read message must have been written with.
    public var receivingNonce: UInt64 { receiving?.nonce ?? 0 }

    /// Encrypts one transport message.
    /// - Throws: ``NoiseError/oneWayPattern`` on the responder of a one-way pattern,
    ///   ``NoiseError/messageTooLong(length:)`` for a payload over ``maximumPayloadLength``,
    ///   ``NoiseError/nonceExhausted``.
    public mutating func writeMessage(_ payload: [UInt8]) throws(NoiseError) -> [UInt8] {
        try payload.withBytes { (p) throws(NoiseError) in try writeMessage(bytes: p) }
    }

    /// Encrypts one transport message from raw memory (no intermediate copy).
    /// - Throws: as ``writeMessage(_:)``.
    public mutating func writeMessage(bytes payload: UnsafeRawBufferPointer) throws(NoiseError) -> [UInt8] {
        guard sending != nil else { throw .oneWayPattern }
        guard payload.count <= Self.maximumPayloadLength else {
            throw .messageTooLong(length: payload.count + NoiseCipher.tagLength)
        }
        return try sending!.encrypt(ad: [], plaintext: payload)
    }

    /// Decrypts one transport message. All-or-nothing: on any throw the nonce is unchanged.
    /// - Throws: ``NoiseError/oneWayPattern`` on the initiator of a one-way pattern,
    ///   ``NoiseError/messageTooLong(length:)`` over ``noiseMaximumMessageLength``,
    ///   ``NoiseError/messageTooShort(length:minimum:)`` below the tag length,
    ///   ``NoiseError/decryptionFailed``, ``NoiseError/nonceExhausted``.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        try message.withBytes { (m) throws(NoiseError) in try readMessage(bytes: m) }
    }

    /// Decrypts one transport message from raw memory.
    /// - Throws: as ``readMessage(_:)``.
    public mutating func readMessage(bytes message: UnsafeRawBufferPointer) throws(NoiseError) -> [UInt8] {
        guard receiving != nil else { throw .oneWayPattern }
        guard message.count <= noiseMaximumMessageLength else { throw .messageTooLong(length: message.count) }
        return try receiving!.decrypt(ad: [], ciphertext: message)
    }

    /// Rekey() of the sending CipherState (spec section 11.3); the peer must rekey its
    /// receiving side at the same point in the message stream.
    /// - Throws: ``NoiseError/oneWayPattern`` on the responder of a one-way pattern.
    public mutating func rekeySending() throws(NoiseError) {
        guard sending != nil else { throw .oneWayPattern }
        sending!.rekey()
    }

    /// Rekey() of the receiving CipherState, at the point where the peer rekeyed its sending side.
    /// - Throws: ``NoiseError/oneWayPattern`` on the initiator of a one-way pattern.
    public mutating func rekeyReceiving() throws(NoiseError) {
        guard receiving != nil else { throw .oneWayPattern }
        receiving!.rekey()
    }

    // MARK: The network's chunking

    /// The network's chunking for large payloads: the plaintext is cut into
    /// ``maximumPayloadLength``-byte (65519) chunks, each encrypted as its own transport message,
    /// and the ciphertexts are concatenated. An empty plaintext is one empty chunk.
    /// All-or-nothing: on a throw the nonce is unchanged.
    /// - Throws: ``NoiseError/oneWayPattern``, ``NoiseError/nonceExhausted``.
    public mutating func writeChunked(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard var next = sending else { throw .oneWayPattern }
        let chunk = Self.maximumPayloadLength
        let chunkCount = max(1, (plaintext.count + chunk - 1) / chunk)
        let total = plaintext.count + chunkCount * NoiseCipher.tagLength
        var failure: NoiseError?
        // Each chunk is sealed straight into its place in the output: no per-chunk arrays.
        let out = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialised in
            plaintext.withUnsafeBytes { all in
                for index in 0..<chunkCount {
                    let start = index * chunk
                    let end = min(start + chunk, all.count)
                    let outStart = start + index * NoiseCipher.tagLength
                    let outEnd = outStart + (end - start) + NoiseCipher.tagLength
                    do throws(NoiseError) {
                        try next.encrypt(plaintext: UnsafeRawBufferPointer(rebasing: all[start..<end]),
                                         into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[outStart..<outEnd]))
                    } catch {
                        failure = error
                        return
                    }
                }
            }
            initialised = failure == nil ? total : 0
        }
        if let failure { throw failure }
        sending = next
        return out
    }

    /// Inverse of ``writeChunked(_:)``: splits at 65535-byte boundaries and decrypts each piece.
    /// All-or-nothing: one bad chunk rejects the whole message and leaves the nonce unchanged.
    /// - Throws: ``NoiseError/oneWayPattern``, ``NoiseError/truncatedChunk(length:)`` for empty data
    ///   or a last chunk shorter than a tag, ``NoiseError/decryptionFailed``,
    ///   ``NoiseError/nonceExhausted``.
    public mutating func readChunked(_ data: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard var next = receiving else { throw .oneWayPattern }
        let chunk = noiseMaximumMessageLength
        // Every chunk, including a final short one, carries at least a tag.
        guard !data.isEmpty, data.count % chunk == 0 || data.count % chunk >= NoiseCipher.tagLength
        else { throw .truncatedChunk(length: data.count) }
        let chunkCount = (data.count + chunk - 1) / chunk
        let total = data.count - chunkCount * NoiseCipher.tagLength
        var failure: NoiseError?
        // Capacity at least 1: with capacity 0 the standard library writes the count into the
        // shared empty-array singleton, a data race (ThreadSanitizer) with every other thread
        // touching an empty array.
        let out = [UInt8](unsafeUninitializedCapacity: max(total, 1)) { buffer, initialised in
            data.withUnsafeBytes { all in
                for index in 0..<chunkCount {
                    let start = index * chunk
                    let end = min(start + chunk, all.count)
                    let outStart = index * (chunk - NoiseCipher.tagLength)
                    let outEnd = outStart + (end - start) - NoiseCipher.tagLength
                    do throws(NoiseError) {
                        try next.decrypt(ciphertext: UnsafeRawBufferPointer(rebasing: all[start..<end]),
                                         into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[outStart..<outEnd]))
                    } catch {
                        failure = error
                        return
                    }
                }
            }
            initialised = failure == nil ? total : 0
        }
        if let failure { throw failure }
        receiving = next
        return out
    }

    // MARK: Testing

    /// Tests only: jumps the nonces (e.g. to 2^64−2 to test exhaustion without 2^64 messages).
    @_spi(NoiseTesting)
    public mutating func setNoncesForTesting(sending sendingNonce: UInt64? = nil, receiving receivingNonce: UInt64? = nil) {
        if let sendingNonce { sending?.nonce = sendingNonce }
        if let receivingNonce { receiving?.nonce = receivingNonce }
    }
}
