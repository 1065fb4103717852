import Bytes
import Hashing
import Secp256k1

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
        try incoming.require(kinds(round: round), protocolName: "KeyResharing", round: round)
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
            var reader = ByteReader(try incoming.payload(.echoBroadcast))
            let tag = try reader.readLengthPrefixed("confirmation")
            let body = try reader.readLengthPrefixed(tag == [0] ? "output" : "complaint")
            try reader.finish("payload")
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
        var writer = ByteWriter()
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
        var hasher = DomainSeparatedHash(domain: DomainSeparation.keyResharingOutput)
        hasher.appendField(configuration.digest)
        for holder in configuration.newHolders {
            hasher.appendField(holder.rawRepresentation)
            hasher.appendField((shares[holder] ?? .identity).compressedRepresentation)
        }
        hasher.appendField(Point.sum(commitments.map(\.publicKey)).compressedRepresentation)
        return hasher.sha256()
    }

    /// The echo-broadcast: the configuration digest, then (dealers only) the Feldman commitment to
    /// g_i, with t_new points and A_{i,0} = λ_i·X_i.
    static func broadcast(_ payload: [UInt8], sender: PartyID,
                          configuration: KeyResharingConfiguration) throws(RoundViolation) -> FeldmanCommitment? {
        let isDealer = configuration.dealers.contains(sender)
        var reader = ByteReader(payload)
        let digest: [UInt8]
        let commitment: FeldmanCommitment?
        do {
            digest = try reader.readLengthPrefixed("configuration")
            commitment = isDealer ? try reader.read(FeldmanCommitment.self) : nil
            try reader.finish("payload")
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
            var reader = ByteReader(payload)
            share = try reader.readScalar("share")
            try reader.finish("payload")
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
        var writer = ByteWriter()
        writer.write("share", share)
        return writer.bytes
    }

    static func broadcastPayload(configuration: KeyResharingConfiguration, commitment: FeldmanCommitment?) -> [UInt8] {
        var writer = ByteWriter()
        writer.write("configuration", bytes: configuration.digest)
        if let commitment { writer.write(commitment) }
        return writer.bytes
    }
}

/// KeyResharing's checks re-run by a third party over the culprit's `SignedView`: the functions the
/// rounds' `verify(_:view:)` call. A share mismatch is proven by the dealer's signed direct message
/// itself (revealing the share it sent; see docs/protocols.md). A valid complaint passes (the
/// complainer is honest); another round or set of parts proves nothing.
struct KeyResharingRechecker: EvidenceRechecker {
    let configuration: KeyResharingConfiguration
    let verifier: any IdentitySignatureVerifier

    init(configuration: KeyResharingConfiguration, verifier: some IdentitySignatureVerifier) {
        self.configuration = configuration
        self.verifier = verifier
    }

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        try KeyResharingChecks.requireKinds(of: incoming, round: round)
        switch round {
        case 1:
            _ = try KeyResharingChecks.round1(incoming, configuration: configuration).share.get()
        case 2:
            _ = try KeyResharingChecks.round2(incoming, view: &view, configuration: configuration, verifier: verifier)
        default:
            throw .incompleteView("KeyResharing has no round \(round)")
        }
    }
}
