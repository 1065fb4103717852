import Secp256k1

/// One party's share of a key split additively among a fixed set of signers: the secrets sum to
/// the key, and X_j = x_j·G are public. KeyInit produces these for all n parties (n-of-n);
/// `ThresholdKeyShare.additiveShare(signers:)` produces them for a chosen t-subset. Signing takes
/// this form.
public struct AdditiveKeyShare: Sendable, CustomStringConvertible {
    /// The party whose secret share this is.
    public let owner: PartyID
    /// X_j for every signer j (their sum is `publicKey`).
    public let publicShares: [PartyID: Point]
    /// The key X = Σ_j X_j.
    public let publicKey: Point
    /// x_owner.
    let secretShare: Scalar
    /// The sharing this share belongs to: for KeyInit's and KeyRefresh's output the epoch of these
    /// public shares (n-of-n), for a share derived from a threshold share that share's epoch.
    public let epoch: KeyEpoch

    /// - Throws: when the owner is not a signer, the secret does not match X_owner, there are fewer
    ///   than two signers, or the public shares sum to the identity.
    public init(owner: PartyID, secretShare: Scalar, publicShares: [PartyID: Point]) throws(KeyShareError) {
        try self.init(owner: owner, secretShare: secretShare, publicShares: publicShares, epoch: nil)
    }

    /// With `epoch` nil, the epoch of these public shares; else the epoch of the share this one was
    /// derived from.
    init(owner: PartyID, secretShare: Scalar, publicShares: [PartyID: Point], epoch: KeyEpoch?) throws(KeyShareError) {
        guard publicShares.count >= 2 else { throw .notEnoughSigners(needed: 2, got: publicShares.count) }
        guard let ownPublic = publicShares[owner] else { throw .ownerNotAHolder(owner) }
        guard Point.generatorMultiple(secretShare) == ownPublic else { throw .secretDoesNotMatchPublicShare }
        let publicKey = Point.sum(publicShares.values)
        guard !publicKey.isIdentity else { throw .publicKeyIsIdentity }
        self.owner = owner
        self.secretShare = secretShare
        self.publicShares = publicShares
        self.publicKey = publicKey
        self.epoch = epoch ?? KeyEpoch(threshold: publicShares.count, publicShares: publicShares)
    }

    /// The signers, sorted.
    public var signers: [PartyID] { publicShares.keys.sorted() }

    /// The shares of sk + tweak (a BIP32 non-hardened child key): the tweak is added to the share of
    /// the first signer (by identity order) and to its public share, so the sum becomes sk + tweak
    /// on every party without communication.
    public func tweaked(by tweak: Scalar) throws(KeyShareError) -> AdditiveKeyShare {
        let adjusted = signers[0]
        var shares = publicShares
        shares[adjusted] = shares[adjusted]! + Point.generatorMultiple(tweak)
        return try AdditiveKeyShare(owner: owner, secretShare: owner == adjusted ? secretShare + tweak : secretShare,
                                    publicShares: shares, epoch: epoch)
    }

    /// Owner and signer count: never the secret share.
    public var description: String { "AdditiveKeyShare(owner: \(owner), signers: \(publicShares.count))" }
}
