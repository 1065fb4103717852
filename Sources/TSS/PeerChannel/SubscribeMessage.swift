import Bytes
import CGGMP

/// The payload of the third Noise handshake message: the initiator says which session it joins
/// and proves its identity by signing the session id.
///
/// Binary, fixed length (129 bytes): `version (1) ‖ session id (32) ‖ identity key (32) ‖
/// Ed25519 signature (64)`; the signature covers `"swift-tss/peer-channel/subscribe/v1" ‖ session id`.
struct SubscribeMessage: Sendable, Equatable, VersionedEncoding {
    static var encodingHeader: EncodingHeader { .subscribeMessage }
    static let byteCount = 1 + SessionID.byteCount + PartyID.byteCount + 64
    static let signatureContext = Array(DomainSeparation.peerChannelSubscribe.utf8)

    var sessionID: SessionID
    var identity: PartyID
    var signature: [UInt8]

    static func signedBytes(_ sessionID: SessionID) -> [UInt8] { signatureContext + sessionID.rawRepresentation }

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

    var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.append(fixed: sessionID.rawRepresentation)
        writer.append(fixed: identity.rawRepresentation)
        writer.append(fixed: signature)
        return writer.bytes
    }

    /// - Throws: `.malformedSubscribe` naming the field: the version comes first, so a newer peer
    ///   is told its version is unsupported rather than that its payload is malformed.
    init(encoded bytes: [UInt8]) throws(PeerChannelError) {
        let name = Self.encodingHeader.name
        do {
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            let sessionID = try reader.readFixed("\(name)/session id", count: SessionID.byteCount)
            let identity = try reader.readFixed("\(name)/identity", count: PartyID.byteCount)
            let signature = try reader.readFixed("\(name)/signature", count: 64)
            try reader.finish(name)
            do {
                self.init(sessionID: try SessionID(rawRepresentation: sessionID), identity: try PartyID(rawRepresentation: identity), signature: signature)
            } catch {
                preconditionFailure("lengths were checked above")
            }
        } catch {
            throw .malformedSubscribe(error)
        }
    }
}
