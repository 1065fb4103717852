import Bytes
/// Which side of the handshake we are.
public enum NoiseRole: String, Sendable, Hashable {
    /// Writes the first handshake message.
    case initiator
    /// Reads the first handshake message.
    case responder
}

/// The largest Noise message, handshake or transport (spec section 3).
public let noiseMaximumMessageLength = 65535

/// HandshakeState (spec section 5.3): runs one handshake, then becomes a ``TransportState``.
///
/// Non-copyable on purpose: a copy would hold the same keys and nonces, and writing from both
/// copies would reuse a nonce.
///
/// Failure semantics: `writeMessage` and `readMessage` are all-or-nothing. When either throws,
/// the state is exactly what it was before the call (retry-safe): the caller may pass the
/// correct message again, or abandon the handshake. Only ``intoTransport()`` consumes the state.
public struct HandshakeState: ~Copyable, Sendable {
    /// The protocol this handshake runs.
    public let protocolName: NoiseProtocolName
    /// Our side.
    public let role: NoiseRole
    private let localStatic: X25519PrivateKey?
    private let localEphemeral: X25519PrivateKey
    private let preSharedKeys: [SecretBytes]
    /// A remote static key the caller expects the peer to transmit (pinning); checked on receipt.
    private let expectedRemoteStatic: X25519PublicKey?
    private var progress: Progress

    /// What changes per message; replaced wholesale only when a message succeeds.
    private struct Progress: Sendable {
        var symmetric: SymmetricState
        var remoteStatic: X25519PublicKey?
        var remoteEphemeral: X25519PublicKey?
        var messageIndex = 0
        var preSharedKeyIndex = 0
    }

    /// Starts a handshake.
    ///
    /// - Parameters:
    ///   - protocolName: the protocol both sides run.
    ///   - role: our side.
    ///   - prologue: data both sides must agree on (mixed into the handshake hash; a mismatch makes
    ///     the first encrypted payload fail with ``NoiseError/decryptionFailed``).
    ///   - localStaticKey: required when the pattern sends or pre-shares our static key, refused otherwise.
    ///   - remoteStaticKey: required when the peer's static key is a pre-message (`<- s` for the
    ///     initiator of NK/XK/IK…). When the pattern instead *transmits* the peer's key, passing it
    ///     pins it: a different key from the peer fails with `remoteStaticKeyMismatch`.
    ///   - preSharedKeys: one 32-byte key per `psk` token, in the order the tokens occur.
    ///   - rng: draws the ephemeral key, now, so later calls need no randomness; a cryptographically
    ///     secure generator outside tests.
    /// - Throws: ``NoiseError/missingLocalStaticKey``, ``NoiseError/unusedLocalStaticKey``,
    ///   ``NoiseError/missingRemoteStaticKey``, ``NoiseError/unusedRemoteStaticKey`` when the keys
    ///   given do not fit the pattern; ``NoiseError/wrongPreSharedKeyCount(expected:actual:)``;
    ///   ``NoiseError/invalidKeyLength(expected:actual:)`` for a pre-shared key that is not 32 bytes.
    public init(
        protocolName: NoiseProtocolName, role: NoiseRole, prologue: [UInt8] = [],
        localStaticKey: X25519PrivateKey? = nil, remoteStaticKey: X25519PublicKey? = nil,
        preSharedKeys: [[UInt8]] = [], using rng: inout some RandomNumberGenerator
    ) throws(NoiseError) {
        try self.init(protocolName: protocolName, role: role, prologue: prologue,
                      localStaticKey: localStaticKey, remoteStaticKey: remoteStaticKey,
                      preSharedKeys: preSharedKeys, ephemeral: .generate(using: &rng))
    }

    /// Test vectors only: starts a handshake with a caller-chosen ephemeral key. Reusing an
    /// ephemeral key across handshakes breaks Noise's security; hence the SPI and the name.
    @_spi(NoiseTesting)
    public init(
        protocolName: NoiseProtocolName, role: NoiseRole, prologue: [UInt8] = [],
        localStaticKey: X25519PrivateKey? = nil, remoteStaticKey: X25519PublicKey? = nil,
        preSharedKeys: [[UInt8]] = [], insecureFixedEphemeralKeyForTesting ephemeral: X25519PrivateKey
    ) throws(NoiseError) {
        try self.init(protocolName: protocolName, role: role, prologue: prologue,
                      localStaticKey: localStaticKey, remoteStaticKey: remoteStaticKey,
                      preSharedKeys: preSharedKeys, ephemeral: ephemeral)
    }

    private init(
        protocolName: NoiseProtocolName, role: NoiseRole, prologue: [UInt8],
        localStaticKey: X25519PrivateKey?, remoteStaticKey: X25519PublicKey?,
        preSharedKeys: [[UInt8]], ephemeral: X25519PrivateKey
    ) throws(NoiseError) {
        let pattern = protocolName.pattern
        let isInitiator = role == .initiator
        let myPre = isInitiator ? pattern.initiatorPreMessage : pattern.responderPreMessage
        let theirPre = isInitiator ? pattern.responderPreMessage : pattern.initiatorPreMessage
        let mySends = pattern.messages.enumerated().filter { ($0.offset % 2 == 0) == isInitiator }.flatMap(\.element)
        let theirSends = pattern.messages.enumerated().filter { ($0.offset % 2 == 0) != isInitiator }.flatMap(\.element)

        let needsLocalStatic = myPre.contains(.s) || mySends.contains(.s)
        if needsLocalStatic && localStaticKey == nil { throw .missingLocalStaticKey }
        if !needsLocalStatic && localStaticKey != nil { throw .unusedLocalStaticKey }
        // Every stored property is assigned once at the end: non-copyable types cannot be
        // partially initialised along some paths and not others.
        let expected: X25519PublicKey?
        if theirPre.contains(.s) {
            guard remoteStaticKey != nil else { throw .missingRemoteStaticKey }
            expected = nil
        } else if theirSends.contains(.s) {
            expected = remoteStaticKey
        } else {
            if remoteStaticKey != nil { throw .unusedRemoteStaticKey }
            expected = nil
        }
        guard preSharedKeys.count == pattern.preSharedKeyCount else {
            throw .wrongPreSharedKeyCount(expected: pattern.preSharedKeyCount, actual: preSharedKeys.count)
        }
        for psk in preSharedKeys where psk.count != 32 {
            throw .invalidKeyLength(expected: 32, actual: psk.count)
        }

        var symmetric = SymmetricState(protocolName: protocolName)
        symmetric.mixHash(prologue)
        // Pre-messages: the initiator's first, then the responder's (spec section 5.3).
        let initiatorStatic = isInitiator ? localStaticKey?.publicKey : remoteStaticKey
        let responderStatic = isInitiator ? remoteStaticKey : localStaticKey?.publicKey
        if pattern.initiatorPreMessage.contains(.s), let key = initiatorStatic { symmetric.mixHash(key.rawRepresentation) }
        if pattern.responderPreMessage.contains(.s), let key = responderStatic { symmetric.mixHash(key.rawRepresentation) }

        self.protocolName = protocolName
        self.role = role
        self.localStatic = localStaticKey
        self.localEphemeral = ephemeral
        self.preSharedKeys = preSharedKeys.map { SecretBytes($0) }
        self.expectedRemoteStatic = expected
        self.progress = Progress(symmetric: symmetric,
                                 remoteStatic: theirPre.contains(.s) ? remoteStaticKey : nil)
    }

    // MARK: State

    /// Whether every handshake message has been written or read; ``intoTransport()`` may be called.
    public var isHandshakeFinished: Bool { progress.messageIndex >= protocolName.pattern.messages.count }

    /// True when the next handshake message is ours to write.
    public var isMyTurnToWrite: Bool {
        !isHandshakeFinished && (progress.messageIndex % 2 == 0) == (role == .initiator)
    }

    /// The index of the next handshake message.
    public var messageIndex: Int { progress.messageIndex }

    /// h: after the handshake, a unique channel identifier for channel binding (spec section 11.2).
    public var handshakeHash: [UInt8] { progress.symmetric.handshakeHash }

    /// The peer's static key once known (pre-message or received).
    public var remoteStaticKey: X25519PublicKey? { progress.remoteStatic }

    // MARK: Messages

    /// WriteMessage: the next handshake message carrying `payload`. All-or-nothing.
    ///
    /// The payload is encrypted once the handshake has a key (after the first DH or psk token);
    /// before that it travels in clear.
    /// - Throws: ``NoiseError/handshakeAlreadyFinished``, ``NoiseError/notOurTurn``,
    ///   ``NoiseError/messageTooLong(length:)`` when the message would exceed
    ///   ``noiseMaximumMessageLength``, ``NoiseError/invalidRemotePublicKey`` when a DH gives the
    ///   all-zero output, ``NoiseError/nonceExhausted``.
    public mutating func writeMessage(_ payload: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        guard !isHandshakeFinished else { throw .handshakeAlreadyFinished }
        guard isMyTurnToWrite else { throw .notOurTurn }
        let isInitiator = role == .initiator
        let psk = protocolName.pattern.isPSKHandshake
        var next = progress
        var out: [UInt8] = []
        for token in protocolName.pattern.messages[next.messageIndex] {
            switch token {
            case .e:
                let pub = localEphemeral.publicKey.rawRepresentation
                out += pub
                next.symmetric.mixHash(pub)
                if psk { next.symmetric.mixKey(pub) }
            case .s:
                out += try next.symmetric.encryptAndHash(localStatic!.publicKey.rawRepresentation)
            case .ee:
                try mixDH(&next, localEphemeral, next.remoteEphemeral)
            case .es:
                try isInitiator ? mixDH(&next, localEphemeral, next.remoteStatic) : mixDH(&next, localStatic, next.remoteEphemeral)
            case .se:
                try isInitiator ? mixDH(&next, localStatic, next.remoteEphemeral) : mixDH(&next, localEphemeral, next.remoteStatic)
            case .ss:
                try mixDH(&next, localStatic, next.remoteStatic)
            case .psk:
                next.symmetric.mixKeyAndHash(preSharedKeys[next.preSharedKeyIndex].unprotectedCopy)
                next.preSharedKeyIndex += 1
            }
        }
        out += try next.symmetric.encryptAndHash(payload)
        guard out.count <= noiseMaximumMessageLength else { throw .messageTooLong(length: out.count) }
        next.messageIndex += 1
        progress = next
        return out
    }

    /// ReadMessage: the payload of the peer's next handshake message. All-or-nothing: on any throw
    /// the state is unchanged.
    /// - Throws: ``NoiseError/handshakeAlreadyFinished``, ``NoiseError/notTheirTurn``,
    ///   ``NoiseError/messageTooLong(length:)``, ``NoiseError/messageTooShort(length:minimum:)``,
    ///   ``NoiseError/invalidRemotePublicKey`` for a low-order ephemeral or static key,
    ///   ``NoiseError/remoteStaticKeyMismatch`` when a pinned static key differs,
    ///   ``NoiseError/decryptionFailed`` when the static key or payload does not authenticate.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !isHandshakeFinished else { throw .handshakeAlreadyFinished }
        guard !isMyTurnToWrite else { throw .notTheirTurn }
        guard message.count <= noiseMaximumMessageLength else { throw .messageTooLong(length: message.count) }
        let tokens = protocolName.pattern.messages[progress.messageIndex]
        let minimum = minimumLength(of: tokens)
        guard message.count >= minimum else { throw .messageTooShort(length: message.count, minimum: minimum) }

        let isInitiator = role == .initiator
        let psk = protocolName.pattern.isPSKHandshake
        let dhLength = NoiseProtocolName.dhLength
        var next = progress
        var rest = message[...]
        for token in tokens {
            switch token {
            case .e:
                let pub = Array(rest.prefix(dhLength))
                rest = rest.dropFirst(dhLength)
                // A low-order key makes every DH with it all-zero: refuse it on arrival, before
                // anything depends on it (the DH would refuse it too, but only later).
                guard !X25519PublicKey.isLowOrder(pub) else { throw .invalidRemotePublicKey }
                next.remoteEphemeral = X25519PublicKey(unchecked: pub)
                next.symmetric.mixHash(pub)
                if psk { next.symmetric.mixKey(pub) }
            case .s:
                let length = dhLength + (next.symmetric.cipherState.hasKey ? NoiseCipher.tagLength : 0)
                let key = X25519PublicKey(unchecked: try next.symmetric.decryptAndHash(rest.prefix(length)))
                rest = rest.dropFirst(length)
                guard !key.isLowOrder else { throw .invalidRemotePublicKey }
                if let expected = expectedRemoteStatic, expected != key { throw .remoteStaticKeyMismatch }
                next.remoteStatic = key
            case .ee:
                try mixDH(&next, localEphemeral, next.remoteEphemeral)
            case .es:
                try isInitiator ? mixDH(&next, localEphemeral, next.remoteStatic) : mixDH(&next, localStatic, next.remoteEphemeral)
            case .se:
                try isInitiator ? mixDH(&next, localStatic, next.remoteEphemeral) : mixDH(&next, localEphemeral, next.remoteStatic)
            case .ss:
                try mixDH(&next, localStatic, next.remoteStatic)
            case .psk:
                next.symmetric.mixKeyAndHash(preSharedKeys[next.preSharedKeyIndex].unprotectedCopy)
                next.preSharedKeyIndex += 1
            }
        }
        let payload = try next.symmetric.decryptAndHash(rest)
        next.messageIndex += 1
        progress = next
        return payload
    }

    /// Split(): the transport state. For a one-way pattern only the initiator-to-responder
    /// direction is kept.
    /// - Throws: ``NoiseError/handshakeNotFinished`` (consuming this state) when called early;
    ///   check ``isHandshakeFinished`` first.
    public consuming func intoTransport() throws(NoiseError) -> TransportState {
        guard isHandshakeFinished else { throw .handshakeNotFinished }
        let (initiatorToResponder, responderToInitiator) = progress.symmetric.split()
        let oneWay = protocolName.pattern.isOneWay
        let isInitiator = role == .initiator
        return TransportState(
            protocolName: protocolName, role: role, handshakeHash: progress.symmetric.handshakeHash,
            remoteStaticKey: progress.remoteStatic,
            sending: isInitiator ? initiatorToResponder : (oneWay ? nil : responderToInitiator),
            receiving: isInitiator ? (oneWay ? nil : responderToInitiator) : initiatorToResponder)
    }

    /// Test vectors only: like ``intoTransport()``, but a one-way pattern keeps the second
    /// CipherState (responder → initiator) that Noise discards. flynn's vectors send on it;
    /// production code must not, which is why ``intoTransport()`` refuses that direction.
    @_spi(NoiseTesting)
    public consuming func intoTransportKeepingOneWayReverseDirectionForTesting() throws(NoiseError) -> TransportState {
        guard isHandshakeFinished else { throw .handshakeNotFinished }
        let (initiatorToResponder, responderToInitiator) = progress.symmetric.split()
        let isInitiator = role == .initiator
        return TransportState(
            protocolName: protocolName, role: role, handshakeHash: progress.symmetric.handshakeHash,
            remoteStaticKey: progress.remoteStatic,
            sending: isInitiator ? initiatorToResponder : responderToInitiator,
            receiving: isInitiator ? responderToInitiator : initiatorToResponder)
    }

    // MARK: Helpers

    private func mixDH(_ next: inout Progress, _ local: X25519PrivateKey?, _ remote: X25519PublicKey?) throws(NoiseError) {
        // Both keys exist by construction: init checked the statics, and every valid pattern
        // sends an ephemeral before using it.
        guard let local, let remote else { preconditionFailure("DH token before its keys are known") }
        next.symmetric.mixKey(try local.sharedSecret(with: remote).unprotectedCopy)
    }

    /// The shortest a message with these tokens can be, given whether a key is already set.
    private func minimumLength(of tokens: [HandshakePattern.Token]) -> Int {
        var hasKey = progress.symmetric.cipherState.hasKey
        var length = 0
        for token in tokens {
            switch token {
            case .e:
                length += NoiseProtocolName.dhLength
                if protocolName.pattern.isPSKHandshake { hasKey = true }
            case .s:
                length += NoiseProtocolName.dhLength + (hasKey ? NoiseCipher.tagLength : 0)
            case .ee, .es, .se, .ss, .psk:
                hasKey = true
            }
        }
        return length + (hasKey ? NoiseCipher.tagLength : 0)
    }
}
