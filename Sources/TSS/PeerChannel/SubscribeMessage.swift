import CGGMP

/// The payload of the third Noise handshake message: the initiator says which session it joins
/// and proves its identity by signing the session id.
///
/// Binary, fixed length (129 bytes): `version (1) ‖ session id (32) ‖ identity key (32) ‖
/// Ed25519 signature (64)`; the signature covers `"swift-tss/peer-channel/subscribe/v1" ‖ session id`.
struct SubscribeMessage: Sendable, Equatable {
    static let version: UInt8 = 1
    static let byteCount = 1 + SessionID.byteCount + PartyID.byteCount + 64
    static let signatureContext = Array("swift-tss/peer-channel/subscribe/v1".utf8)

    var sessionID: SessionID
    var identity: PartyID
    var signature: [UInt8]

    static func signedBytes(_ sessionID: SessionID) -> [UInt8] { signatureContext + sessionID.bytes }

    init(sessionID: SessionID, identity: PartyID, signature: [UInt8]) {
        self.sessionID = sessionID
        self.identity = identity
        self.signature = signature
    }

    init(sessionID: SessionID, signer: some IdentitySigner) {
        self.init(sessionID: sessionID, identity: signer.partyID, signature: signer.sign(Self.signedBytes(sessionID)))
    }

    var isSignatureValid: Bool {
        Ed25519Verifier().isValidSignature(signature, of: Self.signedBytes(sessionID), by: identity)
    }

    func encoded() -> [UInt8] { [Self.version] + sessionID.bytes + identity.bytes + signature }

    init(decoding bytes: [UInt8]) throws(PeerChannelError) {
        // The version comes first so a newer peer is told so rather than "malformed".
        guard let version = bytes.first else { throw .malformedSubscribe("empty payload") }
        guard version == Self.version else { throw .unsupportedSubscribeVersion(version) }
        guard bytes.count == Self.byteCount else {
            throw .malformedSubscribe("payload is \(bytes.count) bytes, expected \(Self.byteCount)")
        }
        let idEnd = 1 + SessionID.byteCount
        let identityEnd = idEnd + PartyID.byteCount
        do {
            self.init(sessionID: try SessionID(bytes: Array(bytes[1..<idEnd])),
                      identity: try PartyID(bytes: Array(bytes[idEnd..<identityEnd])),
                      signature: Array(bytes[identityEnd...]))
        } catch {
            preconditionFailure("lengths were checked above")
        }
    }
}
