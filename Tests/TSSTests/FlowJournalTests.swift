import BigNum
import Bytes
import Crypto
import Foundation
import Synchronization
import Secp256k1
import Testing
import TestSupport
@testable import CGGMP
@testable import TSS

/// Crash and resume: a server's flow is rebuilt from its journal after a call and finishes
/// byte-identical to an uninterrupted run; one-time journals are restored only by taking them, and
/// a finished one never revives its presignature.
@Suite struct FlowJournalTests {
    /// Where a test crashes a server: after every `advance` (each round and phase boundary) and
    /// after the first message received after a step (mid-round).
    static func isCrashPoint(_ journal: FlowJournal) -> Bool {
        guard let last = journal.events.last else { return false }
        switch last {
        case .advanced: return true
        case .received:
            guard journal.events.count >= 2 else { return true }
            switch journal.events[journal.events.count - 2] {
            case .advanced, .madeMessages: return true
            default: return false
            }
        default: return false
        }
    }

    static func seed(_ index: Int, _ salt: UInt8) -> SecretBytes {
        SecretBytes([UInt8](repeating: salt &+ UInt8(index), count: 32))
    }

    typealias JournaledRegistration = JournaledFlow<RegistrationFlow>

    static func registrationFlows(_ servers: [Ed25519Signer], plan: RegistrationPlan) throws -> [JournaledRegistration] {
        try servers.enumerated().map { index, server in
            try JournaledRegistration(id: "registration-\(index)", seed: seed(index, 0x30), usedSessionIDs: UsedSessionIDs(),
                                      makeFlow: makeRegistration(server, index: index, plan: plan))
        }
    }

    static func makeRegistration(_ server: Ed25519Signer, index: Int, plan: RegistrationPlan) -> JournaledRegistration.MakeFlow {
        { registry, _ throws(FlowError) in
            try RegistrationFlow(plan: plan, signer: server, parameters: .testing,
                                 primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                                 usedSessionIDs: registry)
        }
    }

    @Test func registrationResumesAtEveryPhaseBoundaryAndMidRound() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 90)
        var reference = FlowRunner(machines: try Self.registrationFlows(servers, plan: plan),
                                   generators: flowGenerators(servers, seed: 91))
        guard case .finished(let expected) = reference.run() else { Issue.record("reference registration failed"); return }

        // A founder (it runs every phase) crashes at every crash point and is restored from the
        // journal's encoded bytes, as read back from disk.
        let crashing = plan.founders[0]
        let index = servers.firstIndex { $0.partyID == crashing }!
        let makeFlow = Self.makeRegistration(servers[index], index: index, plan: plan)
        let restarts = Mutex(0)
        var crashed = FlowRunner(machines: try Self.registrationFlows(servers, plan: plan), generators: flowGenerators(servers, seed: 91))
        crashed.interrupt = { party, flow in
            guard party == crashing, !flow.journal.isFinished, Self.isCrashPoint(flow.journal) else { return nil }
            do {
                let stored = try FlowJournal(encoded: flow.journal.encoded)
                let restored = try JournaledRegistration.restore(stored, makeFlow: makeFlow)
                #expect(restored.journal == flow.journal)
                restarts.withLock { $0 += 1 }
                return restored
            } catch {
                Issue.record("restore failed: \(error)")
                return nil
            }
        }
        guard case .finished(let outputs) = crashed.run() else { Issue.record("registration with restarts failed"); return }
        #expect(restarts.withLock { $0 } >= 12, "crashed at every phase boundary and mid-round")
        #expect(crashed.sentMessages == reference.sentMessages, "byte-identical to the uninterrupted run")
        for server in servers {
            #expect(outputs[server.partyID]!.keyShare.encoded == expected[server.partyID]!.keyShare.encoded)
            #expect(outputs[server.partyID]!.auxInfo.encoded == expected[server.partyID]!.auxInfo.encoded)
        }
        // The finished journal has no seed and is never restored.
        let finished = crashed.machines[crashing]!.journal
        #expect(finished.isFinished && finished.seed == nil)
        #expect(throws: FlowJournalError.self) { try JournaledRegistration.restore(finished, makeFlow: makeFlow) }
        #expect(throws: FlowJournalError.self) {
            try JournaledRegistration.restore(try FlowJournal(encoded: finished.encoded), makeFlow: makeFlow)
        }
    }

    @Test func aJournalRestoresOnlyItsOwnFlow() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 92)
        let other = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 93)
        let flow = try JournaledRegistration(id: "r", seed: Self.seed(0, 1), usedSessionIDs: UsedSessionIDs(),
                                             makeFlow: Self.makeRegistration(servers[0], index: 0, plan: plan))
        // Another plan claims other session ids: the replay registry refuses them.
        #expect(throws: FlowJournalError.self) {
            try JournaledRegistration.restore(flow.journal, makeFlow: Self.makeRegistration(servers[0], index: 0, plan: other))
        }
        // The journal's seed prints nowhere.
        #expect(!"\(flow)".contains("3030"))
        var dumped = ""
        dump(flow.journal, to: &dumped)
        #expect(!dumped.contains("seed"))
    }

    // MARK: Signing

    typealias JournaledSigning = JournaledFlow<SigningFlow>

    static func makeSigning(_ server: Ed25519Signer, request: SigningRequest, output: RegistrationOutput) -> JournaledSigning.MakeFlow {
        { registry, entry throws(FlowError) in
            // The entry, when there is one, is the presignature taken from the pool.
            let slot: PresignatureSlot?
            if let entry {
                guard let presignature = try? Presignature(encoded: entry.withUnsafeBytes { Array($0) }, parameters: .testing) else {
                    throw .outOfOrder("the journal's entry is not a presignature")
                }
                slot = PresignatureSlot(presignature)
            } else {
                slot = nil
            }
            return try SigningFlow(request: request, keyShare: output.keyShare, auxInfo: output.auxInfo, presignature: slot,
                                   usedSessionIDs: registry, signer: server, parameters: .testing)
        }
    }

    static func request(_ text: String, signers: [PartyID]) throws -> SigningRequest {
        try SigningRequest(user: flowUser, blockNumber: 95,
                           prehash: try Prehash(rawRepresentation: Array(Crypto.SHA256.hash(data: Data(text.utf8)))),
                           derivationPath: "m/1", signers: signers)
    }

    @Test func signingResumesFromTakenJournalsAndAFinishedOneIsNeverRestored() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 94)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let signing = [servers[0], servers[1]]
        let request = try Self.request("journaled signing", signers: signing.map(\.partyID))
        func flows() throws -> [JournaledSigning] {
            try signing.enumerated().map { index, server in
                try JournaledSigning(id: "signing-\(index)", seed: Self.seed(index, 0x40), usedSessionIDs: UsedSessionIDs(),
                                     makeFlow: Self.makeSigning(server, request: request, output: outputs[server.partyID]!))
            }
        }
        var reference = FlowRunner(machines: try flows(), generators: flowGenerators(signing, seed: 96))
        guard case .finished(let expected) = reference.run() else { Issue.record("reference signing failed"); return }

        let store = InMemoryFlowJournalStore()
        let crashing = signing[1]
        let makeFlow = Self.makeSigning(crashing, request: request, output: outputs[crashing.partyID]!)
        let restarts = Mutex(0)
        var crashed = FlowRunner(machines: try flows(), generators: flowGenerators(signing, seed: 96))
        crashed.interrupt = { party, flow in
            guard party == crashing.partyID, !flow.journal.isFinished else { return nil }
            // The server saves its journal after every call; it crashes at the crash points.
            store.saveFlowJournal(flow.journal)
            guard Self.isCrashPoint(flow.journal) else { return nil }
            #expect(throws: FlowJournalError.self) { try JournaledSigning.restore(flow.journal, makeFlow: makeFlow) }
            do {
                let restored = try JournaledSigning.restore(takingFrom: store, id: flow.journal.id, makeFlow: makeFlow)
                // Taken: a second restorer finds nothing.
                #expect(throws: FlowJournalError.self) {
                    try JournaledSigning.restore(takingFrom: store, id: flow.journal.id, makeFlow: makeFlow)
                }
                restarts.withLock { $0 += 1 }
                return restored
            } catch {
                Issue.record("restore failed: \(error)")
                return nil
            }
        }
        guard case .finished(let signed) = crashed.run() else { Issue.record("signing with restarts failed"); return }
        #expect(restarts.withLock { $0 } >= 6)
        #expect(crashed.sentMessages == reference.sentMessages)
        let signature = signed[crashing.partyID]!
        #expect(signature.signature == expected[crashing.partyID]!.signature)
        #expect(try RecoverableSignature(rawRepresentation: signature.signature).signature
            .isValid(for: request.prehash, publicKey: signature.publicKey))
        // The finished journal lost its seed; saved anyway, it is refused when taken.
        let finished = crashed.machines[crashing.partyID]!.journal
        #expect(finished.isFinished && finished.seed == nil && finished.entry == nil)
        store.saveFlowJournal(finished)
        #expect(throws: FlowJournalError.self) { try JournaledSigning.restore(takingFrom: store, id: finished.id, makeFlow: makeFlow) }
    }

    @Test func aJournalNeverRevivesASpentPresignature() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 97)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let signing = [servers[0], servers[2]]
        let signers = signing.map(\.partyID)
        let presign = try signing.map { server in
            try PresignFlow(user: flowUser, blockNumber: 95, derivationPath: "m/1", signers: signers, poolIndex: 0,
                            keyShare: outputs[server.partyID]!.keyShare, auxInfo: outputs[server.partyID]!.auxInfo,
                            usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing)
        }
        var presigning = FlowRunner(machines: presign, generators: flowGenerators(signing, seed: 98))
        guard case .finished(let slots) = presigning.run() else { Issue.record("presigning failed"); return }

        // Each signer moves its pooled presignature into its signing journal's entry.
        let request = try Self.request("from the pool", signers: signers)
        let store = InMemoryFlowJournalStore()
        let flows: [JournaledSigning] = try signing.enumerated().map { index, server in
            guard let presignature = slots[server.partyID]!.take() else { throw FlowError.presignatureAlreadyUsed }
            let encoded = presignature.encoded
            return try JournaledSigning(id: "pooled-\(index)", seed: Self.seed(index, 0x50), entry: SecretBytes(encoded),
                                        usedSessionIDs: UsedSessionIDs(),
                                        makeFlow: Self.makeSigning(server, request: request, output: outputs[server.partyID]!))
        }
        #expect(flows.allSatisfy { $0.journal.isOneTime && $0.journal.entry != nil })
        // Mid-run, the journal restores (taken) with its presignature.
        let crashing = signing[0]
        let makeFlow = Self.makeSigning(crashing, request: request, output: outputs[crashing.partyID]!)
        var runner = FlowRunner(machines: flows, generators: flowGenerators(signing, seed: 99))
        runner.interrupt = { party, flow in
            guard party == crashing.partyID, !flow.journal.isFinished, flow.journal.events.last == .advanced else { return nil }
            store.saveFlowJournal(flow.journal)
            return try? JournaledSigning.restore(takingFrom: store, id: flow.journal.id, makeFlow: makeFlow)
        }
        guard case .finished(let signed) = runner.run() else { Issue.record("signing from the pool failed"); return }
        #expect(try RecoverableSignature(rawRepresentation: signed[crashing.partyID]!.signature).signature
            .isValid(for: request.prehash, publicKey: signed[crashing.partyID]!.publicKey))

        // Spent: the journal holds neither seed nor presignature, in memory or encoded, and no
        // restore path accepts it.
        let finished = runner.machines[crashing.partyID]!.journal
        #expect(finished.isFinished && finished.entry == nil && finished.seed == nil)
        let decoded = try FlowJournal(encoded: finished.encoded)
        #expect(decoded.entry == nil && decoded.seed == nil)
        store.saveFlowJournal(finished)
        #expect(throws: FlowJournalError.self) { try JournaledSigning.restore(takingFrom: store, id: finished.id, makeFlow: makeFlow) }
        #expect(throws: FlowJournalError.self) { try JournaledSigning.restore(decoded, makeFlow: makeFlow) }
    }

    @Test func journalDecodingRefusesInconsistentBytes() throws {
        let servers = flowServers()
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 92)
        let flow = try JournaledRegistration(id: "r", seed: Self.seed(0, 1), usedSessionIDs: UsedSessionIDs(),
                                             makeFlow: Self.makeRegistration(servers[0], index: 0, plan: plan))
        let bytes = flow.journal.encoded
        #expect(try FlowJournal(encoded: bytes) == flow.journal)
        for cut in [0, 3, 7, bytes.count / 2, bytes.count - 1] {
            #expect(throws: DecodingError.self) { try FlowJournal(encoded: Array(bytes.prefix(cut))) }
        }
        #expect(throws: DecodingError.self) { try FlowJournal(encoded: bytes + [0]) }
        #expect(throws: FlowJournalError.self) {
            try JournaledRegistration(id: "r", seed: SecretBytes([1, 2, 3]), usedSessionIDs: UsedSessionIDs(),
                                      makeFlow: Self.makeRegistration(servers[0], index: 0, plan: plan))
        }
    }
}
