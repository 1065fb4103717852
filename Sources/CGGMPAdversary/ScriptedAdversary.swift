import CGGMP

/// What a corrupt party (and the network, which the adversary also controls) does in a simulated
/// run. Message-level actions need no knowledge of a protocol's payloads; `rewrite` takes a closure
/// for protocol-aware cheating (a value chosen after seeing the honest messages of the step, a
/// ciphertext that passes a proof with a wrong witness, …).
public enum AdversaryAction: Sendable, CustomStringConvertible {
    /// Runs honestly (the baseline every property must also hold for).
    case none
    /// The culprit's (round, kind) message carries a damaged payload, re-signed, to every recipient.
    case corrupt(round: Int, kind: MessageKind)
    /// The damaged payload goes to one honest victim only; the others get the real message.
    case equivocate(round: Int, kind: MessageKind)
    /// The culprit's messages of `round` are withheld from one honest victim.
    case drop(round: Int)
    /// The culprit crashes before sending round `round` (and sends nothing afterwards).
    case crash(round: Int)
    /// The network delivers every honest message twice.
    case duplicateHonest
    /// The network holds one honest party's messages back for `steps` steps.
    case delayHonest(steps: Int)
    /// The network delivers every honest message again three steps later, after its round is over.
    case lateRetransmission
    /// The culprit's messages are replaced with messages it signed in another session (same slots).
    case replay(from: [SignedMessage])
    /// The culprit's (round, kind) payload to each recipient is `transform(real, everything sent in
    /// the step, recipient)` (nil: the real payload): rushing and protocol-aware cheating.
    case rewrite(round: Int, kind: MessageKind, name: String,
                 transform: @Sendable (_ real: SignedMessage, _ step: [SignedMessage], _ recipient: PartyID) -> [UInt8]?)

    public var description: String {
        switch self {
        case .none: "none"
        case .corrupt(let round, let kind): "corrupt round \(round) \(kind)"
        case .equivocate(let round, let kind): "equivocate round \(round) \(kind)"
        case .drop(let round): "drop round \(round) to one victim"
        case .crash(let round): "crash before round \(round)"
        case .duplicateHonest: "duplicate honest messages"
        case .delayHonest(let steps): "delay an honest party by \(steps) steps"
        case .lateRetransmission: "retransmit honest messages after their round"
        case .replay: "replay from another session"
        case .rewrite(let round, let kind, let name, _): "\(name) (round \(round) \(kind))"
        }
    }

    /// Whether every honest party must see the culprit break a rule it can prove.
    public var isProvablyDetectable: Bool {
        switch self {
        case .corrupt: true
        case .none, .equivocate, .drop, .crash, .duplicateHonest, .delayHonest, .lateRetransmission, .replay, .rewrite: false
        }
    }

    /// Whether the adversary changes nothing the parties can tell apart from an honest run with a
    /// slow network, so every honest party must finish.
    public var isHarmless: Bool {
        switch self {
        case .none, .duplicateHonest, .delayHonest, .lateRetransmission: true
        case .corrupt, .equivocate, .drop, .crash, .replay, .rewrite: false
        }
    }
}

/// A `SimulationAdversary` that plays one `AdversaryAction` for one corrupt party.
public struct ScriptedAdversary: SimulationAdversary {
    public let culprit: any IdentitySigner
    public let action: AdversaryAction
    /// The honest party singled out by `equivocate`, `drop` and `delayHonest`.
    public let victim: PartyID
    private var held: [(release: Int, delivery: Delivery)] = []

    public init(culprit: some IdentitySigner, victim: PartyID, action: AdversaryAction) {
        self.culprit = culprit
        self.victim = victim
        self.action = action
    }

    /// `payload` with its last byte changed (or one byte added to an empty one): what a careless or
    /// malicious sender's damaged value looks like on the wire.
    public static func damaged(_ payload: [UInt8]) -> [UInt8] {
        guard let last = payload.last else { return [1] }
        return payload.dropLast() + [last ^ 0x01]
    }

    public var isHoldingDeliveries: Bool { !held.isEmpty }

    public mutating func deliveries(of sent: [Delivery], step: Int) -> [Delivery] {
        let me = culprit.partyID
        var out: [Delivery] = []
        let released = held.filter { $0.release <= step }
        held.removeAll { $0.release <= step }
        out += released.map(\.delivery)
        let stepMessages = sent.map(\.message)
        for delivery in sent {
            let message = delivery.message
            let fromCulprit = message.sender == me
            switch action {
            case .none:
                out.append(delivery)
            case .corrupt(let round, let kind):
                if fromCulprit, message.round == round, message.kind == kind {
                    out.append(replaced(delivery, payload: Self.damaged(message.payload)))
                } else {
                    out.append(delivery)
                }
            case .equivocate(let round, let kind):
                if fromCulprit, message.round == round, message.kind == kind, delivery.recipient == victim {
                    out.append(replaced(delivery, payload: Self.damaged(message.payload)))
                } else {
                    out.append(delivery)
                }
            case .drop(let round):
                if !(fromCulprit && message.round == round && delivery.recipient == victim) { out.append(delivery) }
            case .crash(let round):
                if !(fromCulprit && message.round >= round) { out.append(delivery) }
            case .duplicateHonest:
                out.append(delivery)
                if !fromCulprit { out.append(delivery) }
            case .delayHonest(let steps):
                if message.sender == victim {
                    held.append((step + steps, delivery))
                } else {
                    out.append(delivery)
                }
            case .lateRetransmission:
                out.append(delivery)
                if !fromCulprit { held.append((step + 3, delivery)) }
            case .replay(let recorded):
                if fromCulprit, let old = recorded.first(where: {
                    $0.sender == me && $0.round == message.round && $0.kind == message.kind
                        && $0.recipient == message.recipient
                }) {
                    out.append(Delivery(message: old, recipient: delivery.recipient, deliverer: delivery.deliverer))
                } else {
                    out.append(delivery)
                }
            case .rewrite(let round, let kind, _, let transform):
                if fromCulprit, message.round == round, message.kind == kind,
                   let payload = transform(message, stepMessages, delivery.recipient) {
                    out.append(replaced(delivery, payload: payload))
                } else {
                    out.append(delivery)
                }
            }
        }
        return out
    }

    private func replaced(_ delivery: Delivery, payload: [UInt8]) -> Delivery {
        Delivery(message: delivery.message.replacingPayload(payload, signer: culprit), recipient: delivery.recipient,
                 deliverer: delivery.deliverer)
    }
}
