import CGGMP
import TSS

/// The node's `PartyDriver` on an actor of its own. A flow step is where the time goes — checking
/// a round's proofs and making the next round's, seconds per step at the production parameter
/// sets — so it runs here, and the node actor stays free meanwhile for API requests (a new
/// signing request, a registration job), deadlines and the pool filler. The worker only drives
/// flows; what to persist, send and store stays with the node, which carries out the returned
/// actions in order.
actor FlowWorker {
    private var driver: PartyDriver

    init(me: PartyID) {
        driver = PartyDriver(me: me)
    }

    /// `PartyDriver.start(_:)`.
    func start<Wrapped: Flow>(_ flow: JournaledFlow<Wrapped>) throws(PartyDriverError) -> [PartyDriver.Action] {
        try driver.start(flow)
    }

    /// `PartyDriver.receive(bytes:from:)`.
    func receive(bytes: [UInt8], from deliverer: PartyID) -> [PartyDriver.Action] {
        driver.receive(bytes: bytes, from: deliverer)
    }

    /// The finished flow's output, forgotten by the driver (the node stores it).
    func takeOutput<Wrapped: Flow>(of id: String, as type: Wrapped.Type) -> Wrapped.Output? {
        defer { driver.removeOutput(of: id) }
        return driver.output(of: id, as: type)
    }

    /// Forgets a finished flow's output that the node could not use.
    func removeOutput(of id: String) {
        driver.removeOutput(of: id)
    }

    /// Stops the running flow `id` (the node gave up on it) and returns whom it still waited for.
    func abandon(_ id: String) -> [PartyID] {
        let waiting = driver.waitingFor(id) ?? []
        driver.abandon(id)
        return waiting
    }

    /// Stops the running flow `id` without asking (its journal could not be persisted).
    func drop(_ id: String) {
        driver.abandon(id)
    }

    /// Forgets every flow (the node stopped; a new start restores them from the store).
    func reset(me: PartyID) {
        driver = PartyDriver(me: me)
    }
}
