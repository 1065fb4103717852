import BigNum
import Paillier
import Secp256k1

/// What one signer brings to presigning besides its key share: its own Paillier secret key and
/// every signer's public auxiliary data.
///
/// The minimal shape presigning needs; AuxGen's `AuxInfo` converts to it with
/// `init(_:signers:)`. The public aux data (`PublicAuxInfo`, AuxGen's type) is trusted to have
/// passed AuxGen's Πmod, Πfac and Πprm checks; presigning checks only the moduli sizes.
public struct SigningAuxInfo: Sendable, CustomStringConvertible {
    /// The signer these secrets belong to.
    public let owner: PartyID
    /// The owner's Paillier secret key. Secret.
    public let paillierSecret: PaillierSecretKey
    /// Every signer's public aux data, the owner's included.
    public let publicAux: [PartyID: PublicAuxInfo]
    /// The owner's ring-Pedersen trapdoor when known (from AuxGen's `AuxInfo`): the proofs made
    /// for the owner's parameters are then checked mod p̂ and q̂ (issue #13). Secret.
    private(set) var ringPedersenSecret: RingPedersenSecret?

    /// - Throws: when the owner's entry is missing or does not hold the owner's Paillier key.
    public init(owner: PartyID, paillierSecret: PaillierSecretKey,
                publicAux: [PartyID: PublicAuxInfo]) throws(SigningSetupError) {
        guard let own = publicAux[owner] else { throw .missingAuxInfo(owner) }
        guard own.paillierKey == paillierSecret.publicKey else { throw .auxInfoDoesNotMatchSecret }
        self.owner = owner
        self.paillierSecret = paillierSecret
        self.publicAux = publicAux
        self.ringPedersenSecret = nil
    }

    /// The same, with the owner's ring-Pedersen trapdoor, as `init(_:signers:)` keeps it from
    /// AuxGen's output: proofs made for the owner's parameters are then checked mod p̂, q̂, and
    /// Πaff-g's equation under the owner's Paillier key mod p², q². A trapdoor of other parameters
    /// than the owner's published ones is ignored.
    /// - Throws: when the owner's entry is missing or does not hold the owner's Paillier key.
    public init(owner: PartyID, paillierSecret: PaillierSecretKey, publicAux: [PartyID: PublicAuxInfo],
                ringPedersenSecret: RingPedersenSecret) throws(SigningSetupError) {
        try self.init(owner: owner, paillierSecret: paillierSecret, publicAux: publicAux)
        // The trapdoor is used only for the owner's own published parameters.
        if publicAux[owner]?.ringPedersen == ringPedersenSecret.parameters { self.ringPedersenSecret = ringPedersenSecret }
    }

    /// AuxGen's (or KeyRefresh's) output restricted to one signing session's signers.
    public init(_ auxInfo: AuxInfo, signers: [PartyID]) throws(SigningSetupError) {
        var publicAux: [PartyID: PublicAuxInfo] = [:]
        for party in signers {
            guard let info = auxInfo.publicInfo[party] else { throw .missingAuxInfo(party) }
            publicAux[party] = info
        }
        try self.init(owner: auxInfo.owner, paillierSecret: auxInfo.paillierSecretKey, publicAux: publicAux,
                      ringPedersenSecret: auxInfo.ringPedersenSecret)
    }

    /// Owner and party count: no secret.
    public var description: String { "SigningAuxInfo(owner: \(owner), parties: \(publicAux.count))" }
}

/// Why a presigning or signing session could not be set up (caller mistakes).
public enum SigningSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The committee or signer was refused (see ``SessionSetupError``).
    case session(SessionSetupError)
    /// A signer has no public aux info.
    case missingAuxInfo(PartyID)
    /// The owner's public aux info does not hold the Paillier key of the secret given.
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
    /// The presignature was made with a share of another key epoch (before a KeyRefresh or
    /// KeyResharing of the key; see `KeyEpoch`).
    case presignatureForAnotherEpoch
    /// More signers than presigning supports (`SchemeParameters.maximumCommitteeSize`: Πdec's
    /// bound in the failure rounds grows with the committee).
    case committeeTooLarge(Int, maximum: Int)

    /// The reason in words.
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
        case .presignatureForAnotherEpoch: "the presignature was made with a share of another key epoch"
        case .committeeTooLarge(let count, let maximum): "\(count) signers exceed the supported \(maximum)"
        }
    }
}
