import Secp256k1

/// What a dealer keeps from sending to finalising: its commitment and, when it is also a new
/// holder, the value of its own polynomial at its own point.
struct KeyResharingDealing: Sendable, CustomStringConvertible {
    let commitment: FeldmanCommitment
    let ownShare: Scalar?

    var description: String { "KeyResharingDealing(…)" }
}

/// What `verify` keeps from one sender (a non-dealer's entry holds nothing).
struct KeyResharingReceived: Sendable, CustomStringConvertible {
    let commitment: FeldmanCommitment?
    let share: Scalar?

    var description: String { "KeyResharingReceived(…)" }
}

/// The single round: dealers echo-broadcast their commitment and send each new holder its share;
/// every other party echo-broadcasts the configuration digest alone and sends empty direct
/// messages (the session expects every kind from every member).
struct KeyResharingRound1: Round, CustomStringConvertible {
    let configuration: KeyResharingConfiguration
    let me: PartyID
    let oldShare: ThresholdKeyShare?
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .direct] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> OutgoingPayloads {
        let recipients = configuration.committee.filter { $0 != me }
        guard let oldShare else {
            return OutgoingPayloads(
                echoBroadcast: KeyResharingChecks.broadcastPayload(configuration: configuration, commitment: nil),
                direct: Dictionary(uniqueKeysWithValues: recipients.map { ($0, []) }))
        }
        // g(x) = λ_me·x_me + a_1·x + … + a_{t−1}·x^{t−1}.
        let coefficients = [configuration.weight(of: me) * oldShare.secretShare]
            + (1..<configuration.newThreshold).map { _ in Scalar.random(using: &generator) }
        func evaluate(at party: PartyID) -> Scalar {
            let x = party.evaluationPoint
            return coefficients.reversed().reduce(Scalar.zero) { $0 * x + $1 }
        }
        let commitment = FeldmanCommitment(coefficients: coefficients.map(Point.generatorMultiple))
        var direct: [PartyID: [UInt8]] = [:]
        for party in recipients {
            direct[party] = configuration.newHolders.contains(party)
                ? KeyResharingChecks.directPayload(share: evaluate(at: party)) : []
        }
        let dealing = KeyResharingDealing(commitment: commitment,
                                          ownShare: configuration.newHolders.contains(me) ? evaluate(at: me) : nil)
        return OutgoingPayloads(
            echoBroadcast: KeyResharingChecks.broadcastPayload(configuration: configuration, commitment: commitment),
            direct: direct, artifact: RoundArtifact(dealing))
    }

    func verify(_ incoming: IncomingPayloads) throws(RoundViolation) -> VerifiedPayload {
        let commitment = try KeyResharingChecks.broadcast(incoming.echoBroadcast!, sender: incoming.sender,
                                                          configuration: configuration)
        let share = try KeyResharingChecks.direct(incoming.direct!, sender: incoming.sender, recipient: me,
                                                  commitment: commitment, configuration: configuration)
        return VerifiedPayload(KeyResharingReceived(commitment: commitment, share: share))
    }

    func finalize(artifact: RoundArtifact, verified: [PartyID: VerifiedPayload],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<ThresholdKeyShare?> {
        guard configuration.newHolders.contains(me) else { return .finished(nil) }
        var received = verified.mapValues { $0.unwrap(as: KeyResharingReceived.self) }
        if oldShare != nil {
            let dealing = artifact.unwrap(as: KeyResharingDealing.self)
            received[me] = KeyResharingReceived(commitment: dealing.commitment, share: dealing.ownShare)
        }
        var commitments: [FeldmanCommitment] = []
        var secretShare = Scalar.zero
        for dealer in configuration.dealers {
            // verify() returned both for every dealer writing to a new holder.
            guard let entry = received[dealer], let commitment = entry.commitment, let share = entry.share else {
                preconditionFailure("a dealer's commitment and share were checked in verify")
            }
            commitments.append(commitment)
            secretShare += share
        }
        // Implied by the per-dealer constant-term checks and the old key's consistency; kept as a
        // last guard because a wrong key here would be silent.
        guard Point.sum(commitments.map(\.publicKey)) == configuration.oldKey.publicKey else {
            return .aborted("the dealers' constant terms do not add up to the old public key")
        }
        var publicShares: [PartyID: Point] = [:]
        for holder in configuration.newHolders {
            publicShares[holder] = Point.sum(commitments.map { $0.publicShare(for: holder) })
        }
        do {
            return .finished(try ThresholdKeyShare(owner: me, threshold: configuration.newThreshold,
                                                   secretShare: secretShare, publicShares: publicShares))
        } catch {
            return .aborted("KeyResharing output unusable: \(error)")
        }
    }

    var description: String { "KeyResharingRound1" }
}

/// KeyResharing's checks re-run from signed messages alone. A share mismatch is only provable
/// with the direct message itself, so such evidence reveals the share the culprit sent (see
/// docs/protocols.md for why that is acceptable).
struct KeyResharingRechecker: LegacyEvidenceRechecker {
    let configuration: KeyResharingConfiguration

    func violation(offending: SignedMessage, supporting: [SignedMessage],
                   publicData: SessionPublicData) -> RoundViolation? {
        guard offending.round == 1 else {
            return RoundViolation(rule: "unexpected-message", detail: "KeyResharing has one round")
        }
        let senderMessages = ([offending] + supporting).filter { $0.sender == offending.sender && $0.round == 1 }
        guard let broadcast = senderMessages.first(where: { $0.kind == .echoBroadcast }) else { return nil }
        do throws(RoundViolation) {
            let commitment = try KeyResharingChecks.broadcast(broadcast.payload, sender: broadcast.sender,
                                                              configuration: configuration)
            if let direct = senderMessages.first(where: { $0.kind == .direct }), let recipient = direct.recipient {
                _ = try KeyResharingChecks.direct(direct.payload, sender: direct.sender, recipient: recipient,
                                                  commitment: commitment, configuration: configuration)
            }
            return nil
        } catch {
            return error
        }
    }
}
