import BigNum
import Bytes
import Testing
@testable import CGGMP
@testable import TSS

/// The single-party driver: routing, early messages, refusals and garbage.
@Suite struct PartyDriverTests {
    static func journaled(_ server: Ed25519Signer, index: Int, plan: RegistrationPlan) throws -> JournaledFlow<RegistrationFlow> {
        try JournaledFlow(id: "registration", seed: SecretBytes([UInt8](repeating: UInt8(index + 1), count: 32)),
                          usedSessionIDs: UsedSessionIDs()) { registry, _ throws(FlowError) in
            try RegistrationFlow(plan: plan, signer: server, parameters: .testing,
                                 primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                                 usedSessionIDs: registry)
        }
    }

    /// Three drivers over a loopback queue finish a registration; a server that starts late gets
    /// the messages that arrived before it started; every journal is persisted before the
    /// messages made from it.
    @Test func threeDriversRegisterAndALateStarterCatchesUp() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 120)
        var drivers = Dictionary(uniqueKeysWithValues: servers.map { ($0.partyID, PartyDriver(me: $0.partyID)) })
        var queue: [(PartyID, [UInt8], PartyID)] = []
        var persisted: [PartyID: Int] = [:]
        func perform(_ actions: [PartyDriver.Action], by party: PartyID) {
            var journalSeen = false
            for action in actions {
                switch action {
                case .persist: journalSeen = true; persisted[party, default: 0] += 1
                case .send(let outgoing):
                    #expect(journalSeen, "a message is sent only after the journal it was made from")
                    for recipient in outgoing.recipients { queue.append((recipient, outgoing.message.encoded, party)) }
                case .failed(let id, let error): Issue.record("\(party) \(id) failed: \(error)")
                case .dropped(_, let reason): Issue.record("dropped: \(reason)")
                case .finished: break
                }
            }
        }
        // The last server starts only after the others' first messages reached it.
        for (index, server) in servers.enumerated().dropLast() {
            perform(try drivers[server.partyID]!.start(Self.journaled(server, index: index, plan: plan)), by: server.partyID)
        }
        let late = servers[2]
        var started = false
        while !queue.isEmpty {
            let (recipient, bytes, sender) = queue.removeFirst()
            perform(drivers[recipient]!.receive(bytes: bytes, from: sender), by: recipient)
            if !started && !queue.contains(where: { $0.0 == late.partyID }) {
                started = true
                perform(try drivers[late.partyID]!.start(Self.journaled(late, index: 2, plan: plan)), by: late.partyID)
            }
        }
        let keys = try servers.map { server in
            try #require(drivers[server.partyID]!.output(of: "registration", as: RegistrationFlow.self)).keyShare.publicKey
        }
        #expect(Set(keys.map(\.compressedRepresentation)).count == 1)
        #expect(drivers.values.allSatisfy { $0.runningFlowIDs.isEmpty })
        #expect(persisted.count == 3)
    }

    @Test func refusesDuplicatesAnotherPartysFlowAndGarbage() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 121)
        var driver = PartyDriver(me: servers[0].partyID)
        _ = try driver.start(Self.journaled(servers[0], index: 0, plan: plan))
        #expect(throws: PartyDriverError.duplicateFlowID("registration")) {
            try driver.start(Self.journaled(servers[0], index: 0, plan: plan))
        }
        #expect(throws: PartyDriverError.self) { try driver.start(Self.journaled(servers[1], index: 1, plan: plan)) }
        let actions = driver.receive(bytes: [1, 2, 3], from: servers[1].partyID)
        guard actions.count == 1, case .dropped(let deliverer, _) = actions[0] else {
            Issue.record("garbage was not dropped: \(actions)"); return
        }
        #expect(deliverer == servers[1].partyID)
        #expect(driver.runningFlowIDs == ["registration"])
    }

    /// A peer that floods routes no flow declared evicts only its own early messages: another
    /// peer's early message still reaches the flow when it starts. (With one shared bound, the
    /// flood would have pushed it out.)
    @Test func aFloodingPeerCannotPushOutAnotherPeersEarlyMessages() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 122)
        let founder = try #require(servers.first { plan.founders.contains($0.partyID) })
        let other = try #require(servers.first { plan.founders.contains($0.partyID) && $0.partyID != founder.partyID })
        let otherIndex = servers.firstIndex { $0.partyID == other.partyID }!
        var otherDriver = PartyDriver(me: other.partyID)
        let sent = try otherDriver.start(Self.journaled(other, index: otherIndex, plan: plan)).compactMap { action -> OutgoingMessage? in
            if case .send(let message) = action, message.recipients.contains(founder.partyID) { return message }
            return nil
        }
        let first = try #require(sent.first).message

        var driver = PartyDriver(me: founder.partyID, earlyMessageLimit: 4)
        #expect(driver.receive(first, from: other.partyID).isEmpty)
        let flooder = servers.first { $0.partyID != founder.partyID && $0.partyID != other.partyID }!
        for index in 0..<20 {
            let junk = SignedMessage(sessionID: Array("junk \(index)".utf8), protocolTag: "junk", round: 1, kind: .broadcast,
                                     recipient: nil, payload: [1], signer: flooder)
            _ = driver.receive(junk, from: flooder.partyID)
        }
        let founderIndex = servers.firstIndex { $0.partyID == founder.partyID }!
        let actions = try driver.start(Self.journaled(founder, index: founderIndex, plan: plan))
        // The kept message was delivered: the founder's journal records it.
        let persisted = actions.compactMap { action -> FlowJournal? in
            if case .persist(let journal) = action { return journal }
            return nil
        }.last
        let journal = try #require(persisted)
        #expect(journal.events.contains { if case .received(let message, _) = $0 { message == first } else { false } })
    }
}
