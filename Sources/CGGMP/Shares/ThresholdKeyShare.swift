import Secp256k1

/// One holder's share of a t-of-n key: the value f(x_owner) of a degree t−1 polynomial with
/// f(0) = sk, where x_owner is the holder's `PartyID.evaluationPoint`. The public verification
/// shares f(x_j)·G of all holders are kept, so any t-subset can be turned into additive shares for
/// signing and anyone can check a holder's share.
///
/// Made by the dealer (`init(receiving:commitment:holders:)`) or, later, by key resharing
/// (`init(owner:threshold:secretShare:publicShares:)`, which checks everything it is given).
public struct ThresholdKeyShare: Sendable, CustomStringConvertible {
    /// The party whose secret share this is.
    public let owner: PartyID
    /// t: how many holders it takes to sign.
    public let threshold: Int
    /// f(x_j)·G for every holder j.
    public let publicShares: [PartyID: Point]
    /// f(0)·G.
    public let publicKey: Point
    /// f(x_owner).
    let secretShare: Scalar
    /// The sharing this share belongs to (changes on KeyRefresh and KeyResharing; see `KeyEpoch`).
    public let epoch: KeyEpoch

    /// - Throws: on a threshold outside 2...n, an owner who is not a holder, a secret that does not
    ///   match the owner's public share, unusable evaluation points, public shares that do not lie
    ///   on one polynomial of degree t − 1, or an identity public key.
    public init(owner: PartyID, threshold: Int, secretShare: Scalar,
                publicShares: [PartyID: Point]) throws(KeyShareError) {
        try self.init(owner: owner, threshold: threshold, secretShare: secretShare, publicShares: publicShares,
                      epoch: nil)
    }

    /// With `epoch` nil, the epoch of these public shares; else the epoch of the share this one was
    /// derived from.
    init(owner: PartyID, threshold: Int, secretShare: Scalar, publicShares: [PartyID: Point],
         epoch: KeyEpoch?) throws(KeyShareError) {
        // The public part checks the threshold, the evaluation points and that every public
        // share lies on one polynomial of degree t − 1.
        let publicPart = try ThresholdPublicKey(threshold: threshold, publicShares: publicShares)
        guard let ownPublic = publicShares[owner] else { throw .ownerNotAHolder(owner) }
        guard Point.generatorMultiple(secretShare) == ownPublic else { throw .secretDoesNotMatchPublicShare }
        let publicKey = publicPart.publicKey
        self.owner = owner
        self.threshold = threshold
        self.secretShare = secretShare
        self.publicShares = publicShares
        self.publicKey = publicKey
        self.epoch = epoch ?? KeyEpoch(threshold: threshold, publicShares: publicShares)
    }

    /// The holders, sorted.
    public var holders: [PartyID] { publicShares.keys.sorted() }

    /// This holder's additive share for signing with exactly `signers` (at least t holders, the
    /// owner among them): λ_owner·f(x_owner), with λ the Lagrange coefficient at 0 over the
    /// signers' evaluation points; the public shares are scaled alike, so they sum to the key.
    public func additiveShare(signers: [PartyID]) throws(KeyShareError) -> AdditiveKeyShare {
        var seen: Set<PartyID> = []
        for signer in signers {
            guard seen.insert(signer).inserted else { throw .duplicateParty(signer) }
            guard publicShares[signer] != nil else { throw .signerNotAHolder(signer) }
        }
        guard signers.count >= threshold else { throw .notEnoughSigners(needed: threshold, got: signers.count) }
        guard seen.contains(owner) else { throw .ownerNotAHolder(owner) }
        let points = signers.map(\.evaluationPoint)
        var shares: [PartyID: Point] = [:]
        for signer in signers {
            let lambda = Lagrange.coefficient(at: .zero, for: signer.evaluationPoint, among: points)
            shares[signer] = lambda * publicShares[signer]!
        }
        let lambda = Lagrange.coefficient(at: .zero, for: owner.evaluationPoint, among: points)
        return try AdditiveKeyShare(owner: owner, secretShare: lambda * secretShare, publicShares: shares, epoch: epoch)
    }

    /// The shares of sk + tweak (a BIP32 non-hardened child key): every holder adds the tweak to its
    /// share and every public share gains tweak·G. Since the Lagrange coefficients at 0 of any
    /// signer set sum to 1, f + tweak still interpolates to sk + tweak.
    public func tweaked(by tweak: Scalar) throws(KeyShareError) -> ThresholdKeyShare {
        let shift = Point.generatorMultiple(tweak)
        return try ThresholdKeyShare(owner: owner, threshold: threshold, secretShare: secretShare + tweak,
                                     publicShares: publicShares.mapValues { $0 + shift }, epoch: epoch)
    }

    /// Owner, threshold and holder count: never the secret share.
    public var description: String {
        "ThresholdKeyShare(owner: \(owner), \(threshold)-of-\(publicShares.count))"
    }
}
