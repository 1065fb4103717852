import BigNum
import Paillier
import Secp256k1

/// One signer's public auxiliary data: its Paillier key (for the MtA ciphertexts addressed to it)
/// and its ring-Pedersen parameters (the setup other parties' range proofs to it are made under).
///
/// Presigning trusts these values: they must come out of AuxGen (or key refresh), which checks
/// Πmod and Πfac for every Paillier modulus and Πprm for every ring-Pedersen setup. Presigning
/// checks only their sizes against the parameter set.
public struct PublicAuxInfo: Sendable, Hashable {
    public let paillierKey: PaillierPublicKey
    public let ringPedersen: RingPedersenParameters

    public init(paillierKey: PaillierPublicKey, ringPedersen: RingPedersenParameters) {
        self.paillierKey = paillierKey
        self.ringPedersen = ringPedersen
    }
}

/// What one signer brings to presigning besides its key share: its own Paillier secret key and
/// every signer's public auxiliary data.
///
/// The minimal shape presigning needs; AuxGen's output converts to it.
public struct SigningAuxInfo: Sendable, CustomStringConvertible {
    public let owner: PartyID
    public let paillierSecret: PaillierSecretKey
    /// Every signer's public aux data, the owner's included.
    public let publicAux: [PartyID: PublicAuxInfo]

    /// - Throws: when the owner's entry is missing or does not hold the owner's Paillier key.
    public init(owner: PartyID, paillierSecret: PaillierSecretKey,
                publicAux: [PartyID: PublicAuxInfo]) throws(SigningSetupError) {
        guard let own = publicAux[owner] else { throw .missingAuxInfo(owner) }
        guard own.paillierKey == paillierSecret.publicKey else { throw .auxInfoDoesNotMatchSecret }
        self.owner = owner
        self.paillierSecret = paillierSecret
        self.publicAux = publicAux
    }

    public var description: String { "SigningAuxInfo(owner: \(owner), parties: \(publicAux.count))" }
}

/// Why a presigning or signing session could not be set up (caller mistakes).
public enum SigningSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    case session(SessionSetupError)
    case missingAuxInfo(PartyID)
    case auxInfoDoesNotMatchSecret
    /// The key share's signers and the aux info's parties differ.
    case signerSetMismatch
    /// A Paillier or ring-Pedersen modulus does not have the parameter set's size.
    case auxInfoWrongSize(PartyID)
    /// The key share or aux info belongs to another party than the session's signer.
    case ownerMismatch
    /// The presignature was made for another public key (another BIP32 derivation, another key)
    /// than the one asked to sign under (RUSTSEC-2025-0127).
    case presignatureForAnotherKey
    /// The presignature was made by another signer set than the one asked to sign.
    case presignatureForAnotherSignerSet

    public var description: String {
        switch self {
        case .session(let error): "session setup: \(error)"
        case .missingAuxInfo(let party): "no aux info for \(party)"
        case .auxInfoDoesNotMatchSecret: "the owner's public aux info does not hold its Paillier key"
        case .signerSetMismatch: "the key share's signers and the aux info's parties differ"
        case .auxInfoWrongSize(let party): "the aux info of \(party) has moduli of the wrong size"
        case .ownerMismatch: "the key share or aux info belongs to another party"
        case .presignatureForAnotherKey: "the presignature was made for another public key"
        case .presignatureForAnotherSignerSet: "the presignature was made by another signer set"
        }
    }
}
