import Bytes
import Secp256k1

/// Centralised ("dealer") key generation: one trusted dealer splits a secret key into t-of-n shares
/// with Shamir's scheme and publishes Feldman commitments, so each holder can check its share
/// without trusting the channel it came over.
public enum DealerKeyGeneration {
    /// Splits `secretKey` (or a fresh one from `generator` when nil) among `holders`.
    /// - Throws: threshold < 2 or > n, duplicate holders, a zero secret, unusable evaluation points.
    public static func deal(secretKey: Scalar? = nil, threshold: Int, holders: [PartyID],
                            using generator: inout some RandomNumberGenerator) throws(KeyShareError) -> DealtKey {
        guard threshold >= 2 else { throw .thresholdTooSmall(threshold) }
        guard threshold <= holders.count else {
            throw .thresholdExceedsPartyCount(threshold: threshold, parties: holders.count)
        }
        var seen: Set<PartyID> = []
        for holder in holders where !seen.insert(holder).inserted { throw .duplicateParty(holder) }
        try Lagrange.requireUsablePoints(holders)
        let secret = secretKey ?? Scalar.random(using: &generator)
        guard !secret.isZero else { throw .zeroSecret }

        // f(x) = a_0 + a_1·x + … + a_{t−1}·x^{t−1}, a_0 = secret.
        let coefficients = [secret] + (1..<threshold).map { _ in Scalar.random(using: &generator) }
        let commitment = FeldmanCommitment(coefficients: coefficients.map(Point.generatorMultiple))
        var shares: [PartyID: DealtShare] = [:]
        for holder in holders {
            let x = holder.evaluationPoint
            // Horner's rule.
            let value = coefficients.reversed().reduce(Scalar.zero) { $0 * x + $1 }
            shares[holder] = DealtShare(holder: holder, secretShare: value)
        }
        return DealtKey(threshold: threshold, holders: holders.sorted(), commitment: commitment, shares: shares)
    }
}

/// The dealer's output: the public commitment and one share per holder (each to be sent to its
/// holder over a confidential channel).
public struct DealtKey: Sendable, CustomStringConvertible {
    /// t: how many holders it takes to sign.
    public let threshold: Int
    /// The holders, sorted.
    public let holders: [PartyID]
    /// The public commitment every holder checks its share against.
    public let commitment: FeldmanCommitment
    /// Each holder's secret share, to be sent to that holder only.
    public let shares: [PartyID: DealtShare]

    /// Threshold and holder count: no share.
    public var description: String { "DealtKey(\(threshold)-of-\(holders.count))" }
}

/// One holder's secret share f(x_holder), as the dealer sends it.
public struct DealtShare: Sendable, WireCodable, CustomStringConvertible {
    /// The holder this share is for.
    public let holder: PartyID
    let secretShare: Scalar

    init(holder: PartyID, secretShare: Scalar) {
        self.holder = holder
        self.secretShare = secretShare
    }

    /// Writes the holder and the secret share (secret: send it over a confidential channel). Never fails.
    public func encode(to writer: inout ByteWriter) {
        writer.write("holder", bytes: holder.rawRepresentation)
        writer.write("share", secretShare)
    }

    /// Reads `encode(to:)`'s fields.
    /// - Throws: `DecodingError` naming the field ("holder", "share") for truncated bytes, a party id
    ///   that is not 32 bytes, or a scalar that is not canonical. Whether the share fits the commitment
    ///   is ``FeldmanCommitment/verify(_:)``'s question.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        holder = try reader.readPartyID("holder")
        secretShare = try reader.readScalar("share")
    }

    /// The holder only: never the share.
    public var description: String { "DealtShare(holder: \(holder))" }
}

/// Feldman commitments A_k = a_k·G to the dealer's polynomial coefficients; A_0 is the public key.
public struct FeldmanCommitment: Sendable, Hashable, WireCodable {
    /// A_0, …, A_{t−1}.
    public let coefficients: [Point]

    /// A commitment from its points. Checks nothing; ``ThresholdKeyShare/init(receiving:commitment:threshold:holders:)``
    /// checks the count and the share.
    public init(coefficients: [Point]) { self.coefficients = coefficients }

    /// A_0, the public key (the identity point for an empty commitment).
    public var publicKey: Point { coefficients.first ?? .identity }

    /// f(x_holder)·G = Σ_k x^k·A_k: the holder's public verification share.
    public func publicShare(for holder: PartyID) -> Point {
        let x = holder.evaluationPoint
        // Horner's rule in the exponent.
        return coefficients.reversed().reduce(Point.identity) { x * $0 + $1 }
    }

    /// - Throws: `.shareDoesNotMatchCommitments` unless share·G = Σ_k x^k·A_k.
    public func verify(_ share: DealtShare) throws(KeyShareError) {
        guard Point.generatorMultiple(share.secretShare) == publicShare(for: share.holder) else {
            throw .shareDoesNotMatchCommitments(share.holder)
        }
    }

    /// Writes the count and the points. Never fails.
    public func encode(to writer: inout ByteWriter) {
        writer.appendCount(coefficients.count)
        for point in coefficients { writer.write("A", point) }
    }

    /// Reads `encode(to:)`'s fields.
    /// - Throws: `DecodingError` naming the field ("coefficients", "A") for truncated bytes, a count the
    ///   bytes cannot hold, or a point that is not a valid encoding.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        let count = try reader.readCount("coefficients", minimumElementSize: 5)
        var points: [Point] = []
        for _ in 0..<count { points.append(try reader.readPoint("A")) }
        coefficients = points
    }
}

extension ThresholdKeyShare {
    /// The holder's share from a dealer: checks the commitment size, the share against the
    /// commitments, and derives every holder's public share from the commitments.
    public init(receiving share: DealtShare, commitment: FeldmanCommitment, threshold: Int,
                holders: [PartyID]) throws(KeyShareError) {
        guard threshold >= 2 else { throw .thresholdTooSmall(threshold) }
        guard commitment.coefficients.count == threshold else {
            throw .commitmentCountMismatch(expected: threshold, got: commitment.coefficients.count)
        }
        guard !commitment.publicKey.isIdentity else { throw .publicKeyIsIdentity }
        var publicShares: [PartyID: Point] = [:]
        for holder in holders {
            guard publicShares.updateValue(commitment.publicShare(for: holder), forKey: holder) == nil else {
                throw .duplicateParty(holder)
            }
        }
        guard publicShares[share.holder] != nil else { throw .ownerNotAHolder(share.holder) }
        try commitment.verify(share)
        try self.init(owner: share.holder, threshold: threshold, secretShare: share.secretShare,
                      publicShares: publicShares)
    }
}
