import Bytes

/// Why key shares could not be made, checked or combined. Never carries secret values.
public enum KeyShareError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Thresholds below 2 are refused: a 1-of-n "share" is the whole key.
    case thresholdTooSmall(Int)
    /// The threshold is larger than the number of parties.
    case thresholdExceedsPartyCount(threshold: Int, parties: Int)
    /// A party is listed twice.
    case duplicateParty(PartyID)
    /// The secret key to split is zero.
    case zeroSecret
    /// A holder's secret share does not lie on the committed polynomial.
    case shareDoesNotMatchCommitments(PartyID)
    /// A Feldman commitment must hold exactly `threshold` coefficient points.
    case commitmentCountMismatch(expected: Int, got: Int)
    /// The share's owner is not among the holders (or signers).
    case ownerNotAHolder(PartyID)
    /// The secret share does not match the owner's public share.
    case secretDoesNotMatchPublicShare
    /// The public shares do not lie on one polynomial of degree threshold − 1.
    case inconsistentPublicShares(PartyID)
    /// Two holders have the same evaluation point, or one's is zero (a negligible-probability
    /// hash event, refused rather than assumed away).
    case unusableEvaluationPoint(PartyID)
    /// Fewer signers than the threshold.
    case notEnoughSigners(needed: Int, got: Int)
    /// A signer holds no share of the key.
    case signerNotAHolder(PartyID)
    /// The (tweaked) public key is the point at infinity.
    case publicKeyIsIdentity
    /// The bytes are not a key share (or threshold public key) encoding; the error names the field.
    case malformedEncoding(DecodingError)

    /// The reason in words; never a secret value.
    public var description: String {
        switch self {
        case .thresholdTooSmall(let t): "threshold \(t) is below 2"
        case .thresholdExceedsPartyCount(let t, let n): "threshold \(t) exceeds the \(n) parties"
        case .duplicateParty(let party): "\(party) appears twice"
        case .zeroSecret: "the secret key is zero"
        case .shareDoesNotMatchCommitments(let party): "the share of \(party) does not match the commitments"
        case .commitmentCountMismatch(let expected, let got): "expected \(expected) commitments, got \(got)"
        case .ownerNotAHolder(let party): "\(party) is not a holder"
        case .secretDoesNotMatchPublicShare: "the secret share does not match its public share"
        case .inconsistentPublicShares(let party): "the public share of \(party) is off the polynomial"
        case .unusableEvaluationPoint(let party): "the evaluation point of \(party) is zero or repeated"
        case .notEnoughSigners(let needed, let got): "\(got) signers, \(needed) needed"
        case .signerNotAHolder(let party): "signer \(party) holds no share"
        case .publicKeyIsIdentity: "the public key is the point at infinity"
        case .malformedEncoding(let error): "malformed key share encoding: \(error)"
        }
    }
}
