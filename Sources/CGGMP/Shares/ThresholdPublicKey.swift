import Secp256k1

/// The public side of a t-of-n key: the threshold, every holder's public share f(x_j)·G and the
/// public key f(0)·G. What a party that holds no share needs to check shares of the key — for
/// instance a new holder joining in key resharing.
public struct ThresholdPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// t: how many holders it takes to sign.
    public let threshold: Int
    /// f(x_j)·G for every holder j.
    public let publicShares: [PartyID: Point]
    /// f(0)·G.
    public let publicKey: Point

    /// - Throws: on a threshold outside 2...n, unusable evaluation points, public shares that do not
    ///   lie on one polynomial of degree t − 1, or an identity public key (the checks
    ///   `ThresholdKeyShare` makes of its public part).
    public init(threshold: Int, publicShares: [PartyID: Point]) throws(KeyShareError) {
        let holders = publicShares.keys.sorted()
        guard threshold >= 2 else { throw .thresholdTooSmall(threshold) }
        guard threshold <= holders.count else {
            throw .thresholdExceedsPartyCount(threshold: threshold, parties: holders.count)
        }
        try Lagrange.requireUsablePoints(holders)
        let basis = holders.prefix(threshold).map { (x: $0.evaluationPoint, y: publicShares[$0]!) }
        for holder in holders.dropFirst(threshold) {
            guard Lagrange.interpolate(at: holder.evaluationPoint, basis) == publicShares[holder]! else {
                throw .inconsistentPublicShares(holder)
            }
        }
        let publicKey = Lagrange.interpolate(at: .zero, basis)
        guard !publicKey.isIdentity else { throw .publicKeyIsIdentity }
        self.threshold = threshold
        self.publicShares = publicShares
        self.publicKey = publicKey
    }

    /// The holders, sorted.
    public var holders: [PartyID] { publicShares.keys.sorted() }

    /// The epoch of this sharing (equal to the `epoch` of an underived share with these public shares).
    public var epoch: KeyEpoch { KeyEpoch(threshold: threshold, publicShares: publicShares) }

    /// Threshold and holder count.
    public var description: String { "ThresholdPublicKey(\(threshold)-of-\(publicShares.count))" }
}

extension ThresholdKeyShare {
    /// The share's public part (already checked when the share was made).
    public var publicPart: ThresholdPublicKey {
        do {
            return try ThresholdPublicKey(threshold: threshold, publicShares: publicShares)
        } catch {
            preconditionFailure("a ThresholdKeyShare's public part passed these checks when it was made")
        }
    }

    /// The n-of-n threshold form of an additive key (for example KeyInit's output), so that key
    /// resharing can take it as its old key: with λ_j the Lagrange coefficients at 0 over the
    /// signers' evaluation points, holder j's threshold share is x_j/λ_j, and Σ λ_j·(x_j/λ_j) is
    /// the key. With n points and threshold n, any public shares lie on one polynomial.
    public init(additive share: AdditiveKeyShare) throws(KeyShareError) {
        let signers = share.signers
        try Lagrange.requireUsablePoints(signers)
        let points = signers.map(\.evaluationPoint)
        func inverseWeight(_ party: PartyID) -> Scalar {
            let lambda = Lagrange.coefficient(at: .zero, for: party.evaluationPoint, among: points)
            guard let inverse = try? lambda.inverted() else { preconditionFailure("distinct nonzero points give λ ≠ 0") }
            return inverse
        }
        var publicShares: [PartyID: Point] = [:]
        for signer in signers { publicShares[signer] = inverseWeight(signer) * share.publicShares[signer]! }
        try self.init(owner: share.owner, threshold: signers.count,
                      secretShare: inverseWeight(share.owner) * share.secretShare, publicShares: publicShares,
                      epoch: share.epoch)
    }
}
