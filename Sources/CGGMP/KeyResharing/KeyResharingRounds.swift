import Secp256k1

/// What a dealer keeps from sending to finalising: its commitment and, when it is also a new
/// holder, the value of its own polynomial at its own point.
struct KeyResharingDealing: Sendable, CustomStringConvertible {
    let commitment: FeldmanCommitment
    let ownShare: Scalar?

    var description: String { "KeyResharingDealing(…)" }
}

/// What round 1's `verify` keeps from one sender (a non-dealer's entry holds no commitment).
struct KeyResharingReceived: Sendable, CustomStringConvertible {
    let commitment: FeldmanCommitment?
    let share: Scalar?
    /// When the sender's direct message failed its check: the complaint to send in round 2.
    let complaint: KeyResharingComplaint?

    var description: String { "KeyResharingReceived(…)" }
}

/// A bad direct message this party received: the rule it broke and the sender's signed messages
/// that prove it (the direct message, then the sender's round-1 echo-broadcast).
struct KeyResharingComplaint: Sendable {
    let accused: PartyID
    let violation: RoundViolation
    let evidence: [SignedMessage]

    /// The relayed violation the session turns into a fault naming `accused`.
    var relayed: RoundViolation {
        RoundViolation(rule: violation.rule, detail: "\(accused)'s direct message: \(violation.detail)",
                       accused: accused, accusedEvidence: evidence)
    }
}

/// Round 1: dealers echo-broadcast their commitment and send each new holder its share; every other
/// party echo-broadcasts the configuration digest alone and sends empty direct messages (the session
/// expects every kind from every member).
struct KeyResharingRound1: TypedRound {
    let configuration: KeyResharingConfiguration
    let me: PartyID
    let oldShare: ThresholdKeyShare?
    let verifier: any IdentitySignatureVerifier
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast, .direct] }

    /// The artifact is nil for a party that deals nothing.
    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<KeyResharingDealing?> {
        let recipients = configuration.committee.filter { $0 != me }
        guard let oldShare else {
            return TypedPayloads(
                echoBroadcast: KeyResharingChecks.broadcastPayload(configuration: configuration, commitment: nil),
                direct: Dictionary(uniqueKeysWithValues: recipients.map { ($0, []) }), artifact: nil)
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
        return TypedPayloads(
            echoBroadcast: KeyResharingChecks.broadcastPayload(configuration: configuration, commitment: commitment),
            direct: direct, artifact: dealing)
    }

    /// A bad commitment is a fault at once (every party sees the same one after the echo step); a
    /// bad direct message becomes this party's complaint in round 2.
    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> KeyResharingReceived {
        let (commitment, share) = try KeyResharingChecks.round1(incoming, configuration: configuration)
        switch share {
        case .success(let share):
            return KeyResharingReceived(commitment: commitment, share: share, complaint: nil)
        case .failure(let violation):
            let evidence = [try view.ownMessage(round: 1, kind: .direct), try view.ownMessage(round: 1, kind: .echoBroadcast)]
            let complaint = KeyResharingComplaint(accused: incoming.sender, violation: violation, evidence: evidence)
            return KeyResharingReceived(commitment: commitment, share: nil, complaint: complaint)
        }
    }

    func finalize(artifact dealing: KeyResharingDealing?, verified: [PartyID: KeyResharingReceived],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<ThresholdKeyShare?> {
        var received = verified
        if let complaint = configuration.committee.lazy.compactMap({ received[$0]?.complaint }).first {
            return .next(KeyResharingRound2(configuration: configuration, me: me, verifier: verifier,
                                            confirmation: .complaint(complaint.evidence[0].encoded),
                                            complaint: complaint, output: nil, known: nil))
        }
        if let dealing {
            received[me] = KeyResharingReceived(commitment: dealing.commitment, share: dealing.ownShare, complaint: nil)
        }
        var commitments: [FeldmanCommitment] = []
        var secretShare = Scalar.zero
        let isNewHolder = configuration.newHolders.contains(me)
        for dealer in configuration.dealers {
            // verify() returned a commitment for every dealer, and a share for every dealer writing
            // to a new holder (else a complaint).
            guard let entry = received[dealer], let commitment = entry.commitment else {
                preconditionFailure("a dealer's commitment was checked in verify")
            }
            commitments.append(commitment)
            if isNewHolder {
                guard let share = entry.share else { preconditionFailure("a dealer's share was checked in verify") }
                secretShare += share
            }
        }
        // Implied by the per-dealer constant-term checks and the old key's consistency; kept as a
        // last guard because a wrong key here would be silent.
        guard Point.sum(commitments.map(\.publicKey)) == configuration.oldKey.publicKey else {
            return .aborted("the dealers' constant terms do not add up to the old public key")
        }
        var output: ThresholdKeyShare?
        if isNewHolder {
            do {
                output = try ThresholdKeyShare(owner: me, threshold: configuration.newThreshold, secretShare: secretShare,
                                               publicShares: KeyResharingChecks.publicShares(configuration: configuration,
                                                                                             commitments: commitments))
            } catch {
                return .aborted("KeyResharing output unusable: \(error)")
            }
        }
        let hash = KeyResharingChecks.outputHash(configuration: configuration, commitments: commitments)
        let known = KeyResharingChecks.KnownOutput(
            broadcasts: commitments.map { KeyResharingChecks.broadcastPayload(configuration: configuration, commitment: $0) },
            hash: hash)
        return .next(KeyResharingRound2(configuration: configuration, me: me, verifier: verifier,
                                        confirmation: .ok(hash), complaint: nil, output: output, known: known))
    }

    var description: String { "KeyResharingRound1" }
}

/// Round 2 (confirmation): echo-broadcast "ok" with the output hash, or a complaint; check every
/// party's; output the new share only after the echo step, when every party confirmed the same
/// output.
struct KeyResharingRound2: TypedRound {
    let configuration: KeyResharingConfiguration
    let me: PartyID
    let verifier: any IdentitySignatureVerifier
    let confirmation: KeyResharingChecks.Confirmation
    /// This party's own complaint: it names the accused as soon as it checks any round-2 message.
    let complaint: KeyResharingComplaint?
    let output: ThresholdKeyShare?
    /// This party's output hash and the payloads it comes from (spares recomputing it per sender).
    let known: KeyResharingChecks.KnownOutput?
    var number: Int { 2 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        TypedPayloads(echoBroadcast: KeyResharingChecks.confirmationPayload(confirmation))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        // The complaint was sent; this party holds the proof itself and stops here.
        if let complaint { throw complaint.relayed }
        switch try KeyResharingChecks.round2(incoming, view: &view, configuration: configuration, verifier: verifier,
                                             known: known) {
        case .confirmed:
            return
        case .validComplaint(let accused, let violation, let evidence):
            throw KeyResharingComplaint(accused: accused, violation: violation, evidence: evidence).relayed
        }
    }

    func finalize(artifact: Void, verified: [PartyID: Void],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<ThresholdKeyShare?> {
        guard complaint == nil else { return .aborted("this party's complaint was not answered") }
        return .finished(output)
    }

    var description: String { "KeyResharingRound2" }
}
