import CGGMP

/// A misbehaviour played by one running server on its own outgoing messages (a fault drill:
/// `tss node run --misbehave`, and the node tests), rather than by the simulated network of
/// `ScriptedAdversary`. The server runs the library's honest code; the cheat rewrites the payload
/// of one round's message after the session made it and re-signs it with the server's own
/// identity key, so the honest parties hold the culprit's signature over the bad message: the
/// fault they report is proven.
extension Misbehaviour {
    /// The misbehaviours a lone server can play on its outgoing messages: they happen in presigning
    /// or signing and need nothing but the message itself (no rushing over the others' messages of
    /// the step, no victim's Paillier key, no own modulus).
    public static let outgoingCheats: [Misbehaviour] = [.badSigma, .equivocateS]

    /// The protocol tag of the session the misbehaviour happens in, for those a server can play.
    public var outgoingProtocolTag: String? {
        switch phase {
        case .presign: Presigning.protocolTag
        case .sign: Signing.protocolTag
        case .keyInit, .keyResharing, .keyRefresh: nil
        }
    }

    /// The rewrite of every message `signer` sends, or nil when this misbehaviour is not one of
    /// ``outgoingCheats``. Messages of other sessions, rounds or kinds pass unchanged; the
    /// singled-out victim of an equivocation is the first recipient in identity order.
    public func outgoingCheat(signer: some IdentitySigner) -> (@Sendable (OutgoingMessage) -> [OutgoingMessage])? {
        guard Self.outgoingCheats.contains(self), let tag = outgoingProtocolTag else { return nil }
        let me = signer.partyID
        let misbehaviour = self
        return { outgoing in
            let message = outgoing.message
            guard message.sender == me, message.protocolTag == tag, let victim = outgoing.recipients.sorted().first else {
                return [outgoing]
            }
            let payloadFor: (PartyID) -> [UInt8]?
            switch misbehaviour.action(culprit: me, victim: victim) {
            case .corrupt(let round, let kind) where message.round == round && message.kind == kind:
                payloadFor = { _ in ScriptedAdversary.damaged(message.payload) }
            case .equivocate(let round, let kind) where message.round == round && message.kind == kind:
                payloadFor = { $0 == victim ? ScriptedAdversary.damaged(message.payload) : nil }
            case .rewrite(let round, let kind, _, let transform) where message.round == round && message.kind == kind:
                payloadFor = { transform(message, [message], $0) }
            default:
                return [outgoing]
            }
            // Recipients grouped by the payload they get (nil: the real message), in first-seen order.
            var groups: [(payload: [UInt8]?, recipients: [PartyID])] = []
            for recipient in outgoing.recipients {
                let payload = payloadFor(recipient)
                if let index = groups.firstIndex(where: { $0.payload == payload }) {
                    groups[index].recipients.append(recipient)
                } else {
                    groups.append((payload, [recipient]))
                }
            }
            return groups.map { group in
                OutgoingMessage(recipients: group.recipients,
                                message: group.payload.map { message.replacingPayload($0, signer: signer) } ?? message)
            }
        }
    }
}
