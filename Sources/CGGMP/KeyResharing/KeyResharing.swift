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
    public static let protocolTag = "CGGMP24/KeyResharing/v2"

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
    public let oldKey: ThresholdPublicKey
    /// The old holders that deal, sorted.
    public let dealers: [PartyID]
    /// The new holders, sorted.
    public let newHolders: [PartyID]
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
        var hasher = SHA256Hasher(domain: "swift-tss/CGGMP/KeyResharing/configuration/v1")
        hasher.append(Self.countBytes(oldKey.threshold))
        hasher.append(Self.countBytes(oldKey.publicShares.count))
        for holder in oldKey.holders {
            hasher.append(holder.bytes)
            hasher.append(oldKey.publicShares[holder]!.compressedBytes)
        }
        hasher.append(Self.countBytes(dealers.count))
        for dealer in dealers { hasher.append(dealer.bytes) }
        hasher.append(Self.countBytes(newHolders.count))
        for holder in newHolders { hasher.append(holder.bytes) }
        hasher.append(Self.countBytes(newThreshold))
        return hasher.finalize()
    }

    private static func countBytes(_ value: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(value) >> (56 - 8 * $0)) }
    }

    public var description: String {
        "KeyResharingConfiguration(\(oldKey.threshold)-of-\(oldKey.publicShares.count), \(dealers.count) dealers → "
            + "\(newThreshold)-of-\(newHolders.count))"
    }
}

/// Why a resharing session could not be set up (caller mistakes).
public enum KeyResharingSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    case session(SessionSetupError)
    /// Thresholds, duplicate parties or evaluation points.
    case keyShare(KeyShareError)
    case notEnoughDealers(needed: Int, got: Int)
    case dealerNotAnOldHolder(PartyID)
    /// The signer deals but was given no old share.
    case dealerWithoutShare
    /// The signer is not a dealer but was given an old share (pass nil).
    case shareGivenToNonDealer
    /// The old share is not the signer's, or belongs to another key than the configuration's.
    case shareDoesNotMatchOldKey

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

/// The rounds' checks as pure functions of the configuration and of what the checked party signed
/// (`SignedView`), shared by the rounds and by `KeyResharingRechecker`.
enum KeyResharingChecks {
    /// The parts each round's message has.
    static func kinds(round: Int) -> Set<MessageKind>? {
        switch round {
        case 1: [.echoBroadcast, .direct]
        case 2: [.echoBroadcast]
        default: nil
        }
    }

    /// Refuses parts other than the round's: `incomplete-view` (not proven), never a violation.
    static func requireKinds(of incoming: IncomingPayloads, round: Int) throws(RoundViolation) {
        var present: Set<MessageKind> = []
        if incoming.echoBroadcast != nil { present.insert(.echoBroadcast) }
        if incoming.broadcast != nil { present.insert(.broadcast) }
        if incoming.direct != nil { present.insert(.direct) }
        guard let expected = kinds(round: round), present == expected else {
            throw .incompleteView("KeyResharing has no round \(round) made of \(present.map(\.description).sorted())")
        }
    }

    /// Round 1: C's echo-broadcast (thrown: every party sees it) and C's direct message to its
    /// recipient (returned as a result: a bad share is reported in the complaint round, not by
    /// aborting alone).
    static func round1(_ incoming: IncomingPayloads, configuration: KeyResharingConfiguration) throws(RoundViolation)
        -> (commitment: FeldmanCommitment?, share: Result<Scalar?, RoundViolation>) {
        let commitment = try broadcast(incoming.payload(.echoBroadcast), sender: incoming.sender, configuration: configuration)
        let payload = try incoming.payload(.direct)
        guard let recipient = incoming.recipient else { throw .incompleteView("the recipient of \(incoming.sender)'s share") }
        do {
            return (commitment, .success(try direct(payload, sender: incoming.sender, recipient: recipient,
                                                    commitment: commitment, configuration: configuration)))
        } catch {
            return (commitment, .failure(error))
        }
    }

    /// What a round-2 message says.
    enum Confirmation: Sendable, Equatable {
        /// The sender's hash of the public output (`outputHash`).
        case ok([UInt8])
        /// The sender's complaint: the encoded signed direct message that failed its check.
        case complaint([UInt8])
    }

    /// What checking a round-2 message found.
    enum ConfirmationCheck: Sendable {
        case confirmed
        /// A valid complaint: `accused` broke `violation`, which `evidence` (its own signed messages,
        /// the offending direct message first) proves. The sender is honest.
        case validComplaint(accused: PartyID, violation: RoundViolation, evidence: [SignedMessage])
    }

    /// Round 2: C's confirmation. "ok" must carry the hash of the output that the dealers'
    /// commitments C attested in its round-1 echo give; a complaint must carry a direct message of
    /// round 1 addressed to C, signed by its sender, that fails the round-1 share check against
    /// the commitment C attested — otherwise it is a false complaint.
    /// - Parameter known: the checking party's own output hash with the dealers' round-1 payloads it
    ///   was computed from; used only when the sender attested exactly those payloads (a cache: the
    ///   result is the same as recomputing).
    static func round2(_ incoming: IncomingPayloads, view: inout SignedView, configuration: KeyResharingConfiguration,
                       verifier: some IdentitySignatureVerifier,
                       known: KnownOutput? = nil) throws(RoundViolation) -> ConfirmationCheck {
        let confirmation: Confirmation
        do {
            var reader = WireReader(try incoming.payload(.echoBroadcast))
            let tag = try reader.readBytes("confirmation")
            let body = try reader.readBytes(tag == [0] ? "output" : "complaint")
            try reader.finish()
            switch tag {
            case [0] where body.count == 32: confirmation = .ok(body)
            case [1]: confirmation = .complaint(body)
            default: throw RoundViolation(rule: "malformed-confirmation", detail: "unknown confirmation")
            }
        } catch let error as RoundViolation {
            throw error
        } catch {
            throw RoundViolation(rule: "malformed-confirmation", detail: "\(error)")
        }
        switch confirmation {
        case .ok(let hash):
            var payloads: [[UInt8]] = []
            for dealer in configuration.dealers { payloads.append(try view.attestedPayload(round: 1, from: dealer)) }
            let expected: [UInt8]
            if let known, known.broadcasts == payloads {
                expected = known.hash
            } else {
                var commitments: [FeldmanCommitment] = []
                for (dealer, payload) in zip(configuration.dealers, payloads) {
                    guard let commitment = try? broadcast(payload, sender: dealer, configuration: configuration) else {
                        throw .incompleteView("a well-formed commitment of \(dealer) in \(incoming.sender)'s echo")
                    }
                    commitments.append(commitment)
                }
                expected = outputHash(configuration: configuration, commitments: commitments)
            }
            guard hash == expected else {
                throw RoundViolation(rule: "confirmation-mismatch",
                                     detail: "the hash is not that of the output the attested commitments give")
            }
            return .confirmed
        case .complaint(let encoded):
            let complainer = incoming.sender
            guard let message = try? SignedMessage(encoded: encoded), message.sessionID == view.publicData.sessionID,
                  message.protocolTag == view.publicData.protocolTag, message.round == 1, message.kind == .direct,
                  message.recipient == complainer, message.sender != complainer,
                  configuration.committee.contains(message.sender), message.hasValidSignature(verifier) else {
                throw RoundViolation(rule: "malformed-complaint",
                                     detail: "not a signed round-1 direct message of another party to the complainer")
            }
            let accused = message.sender
            let commitmentMessage = try view.attestedMessage(round: 1, from: accused)
            let parts = IncomingPayloads(sender: accused, parts: [.echoBroadcast: commitmentMessage, .direct: message])
            guard let (_, share) = try? round1(parts, configuration: configuration) else {
                throw .incompleteView("a well-formed commitment of \(accused) in \(complainer)'s echo")
            }
            if case .failure(let violation) = share {
                return .validComplaint(accused: accused, violation: violation, evidence: [message, commitmentMessage])
            }
            throw RoundViolation(rule: "false-complaint", detail: "the share \(accused) sent matches its commitment")
        }
    }

    /// An output hash and the dealers' round-1 echo-broadcast payloads (dealer order) it comes from.
    struct KnownOutput: Sendable {
        let broadcasts: [[UInt8]]
        let hash: [UInt8]
    }

    static func confirmationPayload(_ confirmation: Confirmation) -> [UInt8] {
        var writer = WireWriter()
        switch confirmation {
        case .ok(let hash):
            writer.write("confirmation", bytes: [0])
            writer.write("output", bytes: hash)
        case .complaint(let message):
            writer.write("confirmation", bytes: [1])
            writer.write("complaint", bytes: message)
        }
        return writer.bytes
    }

    /// Every new holder's public share: Σ_i Σ_k x^k·A_{i,k} over the dealers' commitments.
    static func publicShares(configuration: KeyResharingConfiguration,
                             commitments: [FeldmanCommitment]) -> [PartyID: Point] {
        var shares: [PartyID: Point] = [:]
        for holder in configuration.newHolders {
            shares[holder] = Point.sum(commitments.map { $0.publicShare(for: holder) })
        }
        return shares
    }

    /// The hash every party confirms: the configuration, each new holder's public share and the
    /// public key the dealers' commitments (in dealer order) give.
    static func outputHash(configuration: KeyResharingConfiguration, commitments: [FeldmanCommitment]) -> [UInt8] {
        let shares = publicShares(configuration: configuration, commitments: commitments)
        var hasher = SHA256Hasher(domain: "swift-tss/CGGMP/KeyResharing/output/v1")
        hasher.append(configuration.digest)
        for holder in configuration.newHolders {
            hasher.append(holder.bytes)
            hasher.append((shares[holder] ?? .identity).compressedBytes)
        }
        hasher.append(Point.sum(commitments.map(\.publicKey)).compressedBytes)
        return hasher.finalize()
    }

    /// The echo-broadcast: the configuration digest, then (dealers only) the Feldman commitment to
    /// g_i, with t_new points and A_{i,0} = λ_i·X_i.
    static func broadcast(_ payload: [UInt8], sender: PartyID,
                          configuration: KeyResharingConfiguration) throws(RoundViolation) -> FeldmanCommitment? {
        let isDealer = configuration.dealers.contains(sender)
        var reader = WireReader(payload)
        let digest: [UInt8]
        let commitment: FeldmanCommitment?
        do {
            digest = try reader.readBytes("configuration")
            commitment = isDealer ? try reader.read(FeldmanCommitment.self) : nil
            try reader.finish()
        } catch {
            throw RoundViolation(rule: "malformed-broadcast", detail: "\(error)")
        }
        guard digest == configuration.digest else {
            throw RoundViolation(rule: "configuration-mismatch",
                                 detail: "the sender signed for another resharing configuration")
        }
        guard let commitment else { return nil }
        guard commitment.coefficients.count == configuration.newThreshold else {
            throw RoundViolation(rule: "commitment-size", detail: "\(commitment.coefficients.count) points, "
                                 + "the new threshold needs \(configuration.newThreshold)")
        }
        guard commitment.coefficients[0] == configuration.expectedConstantTerm(of: sender) else {
            throw RoundViolation(rule: "constant-term-mismatch",
                                 detail: "A_0 ≠ λ_i·X_i for the dealer's old public share X_i")
        }
        return commitment
    }

    /// The direct message from `sender` to `recipient`: g_i(x_j) when a dealer writes to a new
    /// holder, checked against the dealer's commitment; otherwise empty.
    static func direct(_ payload: [UInt8], sender: PartyID, recipient: PartyID, commitment: FeldmanCommitment?,
                       configuration: KeyResharingConfiguration) throws(RoundViolation) -> Scalar? {
        guard let commitment, configuration.newHolders.contains(recipient) else {
            guard payload.isEmpty else {
                throw RoundViolation(rule: "unexpected-share", detail: "only a dealer sends shares, and only to new holders")
            }
            return nil
        }
        let share: Scalar
        do {
            var reader = WireReader(payload)
            share = try reader.readScalar("share")
            try reader.finish()
        } catch {
            throw RoundViolation(rule: "malformed-share", detail: "\(error)")
        }
        do {
            try commitment.verify(DealtShare(holder: recipient, secretShare: share))
        } catch {
            throw RoundViolation(rule: "share-mismatch", detail: "g_i(x_j)·G ≠ Σ_k x_j^k·A_{i,k}")
        }
        return share
    }

    static func directPayload(share: Scalar) -> [UInt8] {
        var writer = WireWriter()
        writer.write("share", share)
        return writer.bytes
    }

    static func broadcastPayload(configuration: KeyResharingConfiguration, commitment: FeldmanCommitment?) -> [UInt8] {
        var writer = WireWriter()
        writer.write("configuration", bytes: configuration.digest)
        if let commitment { writer.write(commitment) }
        return writer.bytes
    }
}
