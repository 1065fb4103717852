import Bytes
import CGGMP
import Noise

/// Why a peer channel could not be set up or used.
public enum PeerChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The Noise layer failed (decryption, message length, sequencing…).
    case noise(NoiseError)
    /// We tried to initiate to a peer with a larger id: the larger id initiates.
    case weAreNotTheInitiator
    /// The peer that initiated has the smaller id: the larger id initiates.
    case peerIsNotTheInitiator(PartyID)
    /// A handshake message carried a payload where the channel sends none (messages 1 and 2).
    case unexpectedHandshakePayload(message: Int)
    /// The subscribe payload does not decode (unsupported version, wrong length); names the field.
    case malformedSubscribe(DecodingError)
    /// The subscribe message names a different session.
    case wrongSession
    /// The identity in the subscribe message is not one we expect in this session.
    case unexpectedIdentity(PartyID)
    /// The Noise static key the peer authenticated with is not the one expected for its identity.
    case wrongStaticKey(PartyID)
    /// The signature over the session id does not verify under the claimed identity.
    case badSignature(PartyID)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noise(let error): "Noise: \(error)"
        case .weAreNotTheInitiator: "the party with the larger id initiates; ours is smaller"
        case .peerIsNotTheInitiator(let p): "\(p) initiated but has the smaller id"
        case .unexpectedHandshakePayload(let message): "handshake message \(message) carried a payload (none is expected)"
        case .malformedSubscribe(let error): "malformed subscribe message: \(error)"
        case .wrongSession: "the subscribe message is for a different session"
        case .unexpectedIdentity(let p): "\(p) is not an expected participant"
        case .wrongStaticKey(let p): "\(p) authenticated with a static key other than the expected one"
        case .badSignature(let p): "\(p)'s signature over the session id does not verify"
        }
    }
}
