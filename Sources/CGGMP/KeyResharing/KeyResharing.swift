import Bytes
import Hashing
import Secp256k1

/// KeyResharing: moves a t_old-of-n_old key to a new set of holders with a new threshold, keeping
/// the public key (Wong–Wang–Wing verifiable secret redistribution, REDIST; compare synedrion
/// `protocols/key_resharing.rs`). Not part of CGGMP proper, which only has n-of-n keys; it turns
/// KeyInit's output into a t-of-n key and later changes committees.
///
/// Round 1. Each dealer i (old holders, at least t_old of them, fixed in the configuration):
/// - takes its Lagrange-weighted old share s_i = λ_i·x_i (λ_i at 0 over the dealers), so that
///   Σ_i s_i = sk;
/// - picks g_i of degree t_new − 1 with g_i(0) = s_i and echo-broadcasts the Feldman commitment
///   A_{i,k} = a_{i,k}·G (the echo step makes every party see the same commitments);
/// - sends g_i(x_j) to each new holder j as a direct message.
///
/// New holder j checks that A_{i,0} = λ_i·X_i with X_i dealer i's old public share (so the
/// constant terms add up to the old public key) and g_i(x_j)·G = Σ_k x_j^k·A_{i,k}; its new share is
/// Σ_i g_i(x_j), and every new holder's public share is Σ_i Σ_k x^k·A_{i,k}.
///
/// Round 2 (confirmation). Every party echo-broadcasts either "ok" with a hash of the public output
/// (configuration, every new public share, the public key), or a complaint carrying the signed
/// direct message that failed its check. Everyone checks a complaint from the accused's own signed
/// messages — the share against the commitments the complainer attested in its round-1 echo — and
/// names the accused (a bad share) or the complainer (a false complaint), with proven evidence. A
/// party outputs its new share only after the echo step of round 2, that is when every party said
/// "ok" with the same hash; a party that found a fault stops before echoing, so no other party can
/// finish (see docs/protocols.md for what remains: a withheld or forged last echo).
///
/// Confidentiality of the direct messages is the channel's job: in this library a direct payload
/// is the share in the clear, and the network layer sends it over the encrypted Noise channel.
/// A complaint reveals the (bad) share it carries to every party.
public enum KeyResharing {
    /// The tag bound into every message of a KeyResharing session.
    public static let protocolTag = ProtocolTag.keyResharing

    /// The protocol's entry point for one party: a dealer passes its old share, a new holder that
    /// is not a dealer passes nil. A dealer that is not a new holder finishes with nil.
    /// - Throws: `KeyResharingSetupError` when the signer is in neither set, a dealer has no share
    ///   (or a non-dealer has one), or the share does not belong to the configuration's old key.
    public static func makeSession(
        sessionID: [UInt8], configuration: KeyResharingConfiguration, oldShare: ThresholdKeyShare?,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier()
    ) throws(KeyResharingSetupError) -> Session<ThresholdKeyShare?> {
        let me = signer.partyID
        let publicData = try publicData(sessionID: sessionID, configuration: configuration)
        let isDealer = configuration.dealers.contains(me)
        switch (isDealer, oldShare) {
        case (true, nil):
            throw .dealerWithoutShare
        case (false, .some):
            throw .shareGivenToNonDealer
        case (true, .some(let share)):
            guard share.owner == me, share.publicPart == configuration.oldKey else { throw .shareDoesNotMatchOldKey }
        case (false, nil):
            break
        }
        let round = KeyResharingRound1(configuration: configuration, me: me, oldShare: oldShare, verifier: verifier)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier, firstRound: round)
        } catch {
            throw .session(error)
        }
    }

    /// Re-runs KeyResharing's checks for third-party verification of `Evidence` (`verifier` checks
    /// the signed direct message a complaint carries).
    public static func evidenceRechecker(configuration: KeyResharingConfiguration,
                                         verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> some EvidenceRechecker {
        KeyResharingRechecker(configuration: configuration, verifier: verifier)
    }

    /// The public data of a KeyResharing session (for `Evidence.verify`): the committee is the
    /// dealers together with the new holders.
    public static func publicData(sessionID: [UInt8],
                                  configuration: KeyResharingConfiguration) throws(KeyResharingSetupError) -> SessionPublicData {
        do {
            return try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: configuration.committee)
        } catch {
            throw .session(error)
        }
    }
}

/// What every party of a resharing must agree on beforehand: the old key's public part, which old
/// holders deal, the new holders and the new threshold. Its digest travels in every party's
/// broadcast, so parties set up differently find out instead of accepting each other's shares.
public struct KeyResharingConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The public side of the key being reshared (old threshold and old public shares).
    public let oldKey: ThresholdPublicKey
    /// The old holders that deal, sorted.
    public let dealers: [PartyID]
    /// The new holders, sorted.
    public let newHolders: [PartyID]
    /// The threshold of the new sharing.
    public let newThreshold: Int

    /// - Throws: fewer dealers than the old threshold, a dealer that holds no old share, duplicate
    ///   parties, a new threshold outside 2...n_new, unusable evaluation points.
    public init(oldKey: ThresholdPublicKey, dealers: [PartyID], newHolders: [PartyID],
                newThreshold: Int) throws(KeyResharingSetupError) {
        if let party = Self.firstDuplicate(dealers) ?? Self.firstDuplicate(newHolders) {
            throw .keyShare(.duplicateParty(party))
        }
        guard dealers.count >= oldKey.threshold else {
            throw .notEnoughDealers(needed: oldKey.threshold, got: dealers.count)
        }
        for dealer in dealers where oldKey.publicShares[dealer] == nil { throw .dealerNotAnOldHolder(dealer) }
        guard newThreshold >= 2 else { throw .keyShare(.thresholdTooSmall(newThreshold)) }
        guard newThreshold <= newHolders.count else {
            throw .keyShare(.thresholdExceedsPartyCount(threshold: newThreshold, parties: newHolders.count))
        }
        do {
            try Lagrange.requireUsablePoints(newHolders)
        } catch {
            throw .keyShare(error)
        }
        self.oldKey = oldKey
        self.dealers = dealers.sorted()
        self.newHolders = newHolders.sorted()
        self.newThreshold = newThreshold
    }

    private static func firstDuplicate(_ parties: [PartyID]) -> PartyID? {
        var seen: Set<PartyID> = []
        return parties.first { !seen.insert($0).inserted }
    }

    /// Everyone taking part: dealers and new holders, sorted.
    public var committee: [PartyID] { Set(dealers).union(newHolders).sorted() }

    /// λ_i: dealer i's Lagrange coefficient at 0 over the dealers' evaluation points.
    func weight(of dealer: PartyID) -> Scalar {
        Lagrange.coefficient(at: .zero, for: dealer.evaluationPoint, among: dealers.map(\.evaluationPoint))
    }

    /// λ_i·X_i: what dealer i's committed constant term must be.
    func expectedConstantTerm(of dealer: PartyID) -> Point {
        weight(of: dealer) * oldKey.publicShares[dealer]!
    }

    /// A hash of every field, carried in each party's broadcast.
    var digest: [UInt8] {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.keyResharingConfiguration)
        hasher.append(UInt64(oldKey.threshold))
        hasher.append(UInt64(oldKey.publicShares.count))
        for holder in oldKey.holders {
            hasher.appendField(holder.rawRepresentation)
            hasher.appendField(oldKey.publicShares[holder]!.compressedRepresentation)
        }
        hasher.append(UInt64(dealers.count))
        for dealer in dealers { hasher.appendField(dealer.rawRepresentation) }
        hasher.append(UInt64(newHolders.count))
        for holder in newHolders { hasher.appendField(holder.rawRepresentation) }
        hasher.append(UInt64(newThreshold))
        return hasher.sha256()
    }

    /// Old and new thresholds and party counts.
    public var description: String {
        "KeyResharingConfiguration(\(oldKey.threshold)-of-\(oldKey.publicShares.count), \(dealers.count) dealers → "
            + "\(newThreshold)-of-\(newHolders.count))"
    }
}

/// Why a resharing session could not be set up (caller mistakes).
public enum KeyResharingSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The committee or signer was refused (see ``SessionSetupError``).
    case session(SessionSetupError)
    /// Thresholds, duplicate parties or evaluation points.
    case keyShare(KeyShareError)
    /// Fewer dealers than the old threshold.
    case notEnoughDealers(needed: Int, got: Int)
    /// A dealer holds no share of the old key.
    case dealerNotAnOldHolder(PartyID)
    /// The signer deals but was given no old share.
    case dealerWithoutShare
    /// The signer is not a dealer but was given an old share (pass nil).
    case shareGivenToNonDealer
    /// The old share is not the signer's, or belongs to another key than the configuration's.
    case shareDoesNotMatchOldKey

    /// The reason in words.
    public var description: String {
        switch self {
        case .session(let error): "session: \(error)"
        case .keyShare(let error): "\(error)"
        case .notEnoughDealers(let needed, let got): "\(got) dealers, the old threshold needs \(needed)"
        case .dealerNotAnOldHolder(let party): "dealer \(party) holds no old share"
        case .dealerWithoutShare: "this party deals but has no old share"
        case .shareGivenToNonDealer: "this party does not deal but was given an old share"
        case .shareDoesNotMatchOldKey: "the old share does not belong to this party and the configured old key"
        }
    }
}
