import CGGMP

/// A `SimulationAdversary` scripted one delivery at a time: for each (message, recipient) `route`
/// returns what arrives — the message, a replacement (re-signed by its corrupt sender), several
/// copies, or nothing — each after a delay in steps (0: this step). For suites whose cheat or
/// network behaviour depends on one message alone; `ScriptedAdversary` covers the generic actions.
///
/// A replacement arrives over the channel of the party that signed it (its `sender`).
public struct ScriptedNetwork: SimulationAdversary {
    public typealias Route = @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> [(message: SignedMessage, delay: Int)]

    private let route: Route
    private var held: [(release: Int, delivery: Delivery)] = []

    public init(_ route: @escaping Route) { self.route = route }

    /// Delivers everything at once, through `tamper` (which returns the message to deliver).
    public init(tamper: @escaping @Sendable (_ message: SignedMessage, _ recipient: PartyID) -> SignedMessage) {
        self.init { message, recipient in [(tamper(message, recipient), 0)] }
    }

    public var isHoldingDeliveries: Bool { !held.isEmpty }

    public mutating func deliveries(of sent: [Delivery], step: Int) -> [Delivery] {
        var out = held.filter { $0.release <= step }.map(\.delivery)
        held.removeAll { $0.release <= step }
        for delivery in sent {
            for (message, delay) in route(delivery.message, delivery.recipient) {
                let routed = Delivery(message: message, recipient: delivery.recipient, deliverer: message.sender)
                if delay > 0 { held.append((step + delay, routed)) } else { out.append(routed) }
            }
        }
        return out
    }
}
