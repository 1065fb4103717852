import CGGMP
import Noise
import TSSStore

/// Everything ``NodeStore`` can report. Cases carry record keys (public metadata), the lower
/// layer's typed error (which names the field that failed to decode) and reasons — never key
/// material or payload bytes.
public enum NodeStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The encrypted store failed: a record of another encoding version
    /// (`StoreError.encodingVersionMismatch`), one that fails authentication, a bad or reused
    /// record key, an insert-only record that exists, a storage error.
    case store(StoreError)
    /// A stored key share or public key does not decode (`KeyShareError.malformedEncoding` names
    /// the field) or fails its checks.
    case keyShare(RecordKey, KeyShareError)
    /// Stored aux info does not decode or fails its checks (another parameter set included).
    case auxInfo(RecordKey, AuxInfoError)
    /// A stored presignature does not decode or fails its checks (another parameter set included);
    /// it stays in the store.
    case presignature(RecordKey, PresignatureDecodingError)
    /// An identity seed (stored or given) is not an Ed25519 seed.
    case identitySeed(RecordKey, IdentityKeyError)
    /// A stored channel key is not an X25519 private key.
    case channelKey(RecordKey, NoiseError)
    /// A record decodes but does not belong where it is (a key share of another key or epoch than
    /// its registration, aux info of another party, a presignature of another pool).
    case inconsistentRecord(RecordKey, reason: String)
    /// A registration's public key record is there but its key share or aux info is not.
    case incompleteRegistration(keyID: String)
    /// The `PresignatureSlot` given was already emptied.
    case presignatureAlreadyTaken

    /// A one-line explanation; never a secret.
    public var description: String {
        switch self {
        case .store(let error): "store: \(error)"
        case .keyShare(let key, let error): "\(key): \(error)"
        case .auxInfo(let key, let error): "\(key): \(error)"
        case .presignature(let key, let error): "\(key): \(error)"
        case .identitySeed(let key, let error): "\(key): \(error)"
        case .channelKey(let key, let error): "\(key): \(error)"
        case .inconsistentRecord(let key, let reason): "\(key): \(reason)"
        case .incompleteRegistration(let keyID): "registration \(keyID) has a public key but no key share or aux info"
        case .presignatureAlreadyTaken: "the presignature slot was already taken"
        }
    }
}
