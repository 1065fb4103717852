/// What the round keeps of one other party's checked echo-broadcast.
struct SignedAgreementEntry: Sendable {
    /// The sender's value; nil for a receiver that is not a sender.
    let value: [UInt8]?
    /// The signed echo-broadcast it came from.
    let message: SignedMessage
}

/// Round 1: echo-broadcast this party's value (empty if it is not a sender); after the echo step,
/// compare every sender's value.
struct SignedAgreementRound1: TypedRound {
    let context: SignedAgreementContext
    var number: Int { 1 }
    var messageKinds: Set<MessageKind> { [.echoBroadcast] }

    func makeMessages(using generator: inout some RandomNumberGenerator) -> TypedPayloads<Void> {
        TypedPayloads(echoBroadcast: SignedAgreementPayload.encode(context.value))
    }

    func verify(_ incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) -> SignedAgreementEntry {
        let value = try SignedAgreementChecks.round1(incoming, configuration: context.configuration)
        return SignedAgreementEntry(value: value, message: try view.ownMessage(round: 1, kind: .echoBroadcast))
    }

    func finalize(artifact: Void, verified: [PartyID: SignedAgreementEntry],
                  using generator: inout some RandomNumberGenerator) -> RoundTransition<SignedAgreementOutcome> {
        var values: [PartyID: [UInt8]] = [:]
        var messages: [PartyID: SignedMessage] = [:]
        for sender in context.configuration.senders {
            if sender == context.me, let own = context.value {
                values[sender] = own
            } else {
                let entry = verified.entry(for: sender)
                guard let value = entry.value else { preconditionFailure("a sender's checked payload has a value") }
                values[sender] = value
                messages[sender] = entry.message
            }
        }
        let distinct = Set(values.values)
        if distinct.count == 1, let value = distinct.first, context.reference == nil || context.reference == value {
            return .finished(.agreed(value))
        }
        return .finished(.disagreed(SignedAgreementDisagreement(values: values, messages: messages,
                                                                reference: context.reference)))
    }

    var description: String { "SignedAgreementRound1" }
}
