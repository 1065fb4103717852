import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Issue #13, presigning on all cores: on `.fast` a round's independent proofs are computed and
/// checked concurrently, each from masks drawn in the sequential order first. The sequential
/// `.reference` path is the oracle: for a seed both must send byte-identical messages, and for a
/// mutated message both must stop on the same (first in order) violation.
@Suite struct PresigningPathTests {
    typealias Runner = SimulationRunner<PresignatureSlot, ChaChaRandom>
    let harness = PresignHarness.shared

    func runner(path: ArithmeticPath, seed: UInt64, tamper: Runner.Tamper? = nil) throws -> Runner {
        let sessions = try harness.signers.map {
            try Presigning.makeSession(sessionID: harness.sessionID, keyShare: harness.shares[$0.partyID]!,
                                       auxInfo: harness.aux[$0.partyID]!, signer: $0, parameters: .testing, path: path)
        }
        return simulation(sessions, seed: seed, tamper: tamper)
    }

    /// Every accuser's (culprit, violation), for comparing the two paths.
    func verdicts(_ outcome: Runner.Outcome) -> [PartyID: String] {
        guard let faults = outcome.faults else { return [:] }
        return faults.mapValues { fault in
            guard case .violation(let violation) = fault.reason else { return "\(fault.culprit): \(fault.reason)" }
            return "\(fault.culprit): \(violation.rule): \(violation.detail)"
        }
    }

    @Test func bothPathsSendTheSameMessagesForASeed() throws {
        // Three signers: each makes two Πenc-elg per peer in round 1, and two Πaff-g per peer and a
        // Πelog in round 2.
        var fast = try runner(path: .fast, seed: 5)
        var reference = try runner(path: .reference, seed: 5)
        guard case .finished(let fastSlots) = fast.run(), case .finished(let referenceSlots) = reference.run() else {
            Issue.record("presigning did not finish")
            return
        }
        #expect(!fast.sentMessages.isEmpty)
        #expect(fast.sentMessages.map(\.encoded) == reference.sentMessages.map(\.encoded))
        for party in harness.committee {
            #expect(fastSlots[party]!.commitments == referenceSlots[party]!.commitments)
        }
        var other = try runner(path: .fast, seed: 6)
        _ = other.run()
        #expect(other.sentMessages.map(\.encoded) != fast.sentMessages.map(\.encoded))
    }

    /// The culprit's `kind` payload of `round` changed by `change` for everyone.
    func tampering(round: Int, kind: MessageKind,
                   _ change: @escaping @Sendable ([UInt8]) -> [UInt8]) -> Runner.Tamper {
        let culprit = harness.culprit
        return { message, _ in
            guard message.sender == culprit.partyID, message.round == round, message.kind == kind else { return message }
            return message.replacingPayload(change(message.payload), signer: culprit)
        }
    }

    func expectSameVerdicts(_ tamper: @escaping Runner.Tamper, rule: String, seed: UInt64) throws {
        var fast = try runner(path: .fast, seed: seed, tamper: tamper)
        var reference = try runner(path: .reference, seed: seed, tamper: tamper)
        let fastVerdicts = verdicts(fast.run()), referenceVerdicts = verdicts(reference.run())
        #expect(fastVerdicts == referenceVerdicts)
        #expect(fast.sentMessages.map(\.encoded) == reference.sentMessages.map(\.encoded))
        for party in harness.honest {
            #expect(fastVerdicts[party]?.hasPrefix("\(harness.culprit.partyID): \(rule):") == true,
                    "\(party): \(fastVerdicts[party] ?? "no fault")")
        }
    }

    @Test func bothPathsReportTheFirstBadEncElgProof() throws {
        // ψ⁰ (field 6, its w) and ψ¹ (field 15) both broken: the first in order, ψ⁰, is reported.
        try expectSameVerdicts(tampering(round: 1, kind: .direct) { payload in
            let once = try! PresignRound1Direct(encoded: payload).perturbed(field: 6).get()
            return try! once.perturbed(field: 15).get().encoded
        }, rule: "invalid-enc-elg-K", seed: 7)
        // ψ¹ alone.
        try expectSameVerdicts(tampering(round: 1, kind: .direct) { payload in
            try! PresignRound1Direct(encoded: payload).perturbed(field: 15).get().encoded
        }, rule: "invalid-enc-elg-G", seed: 8)
    }

    @Test func bothPathsReportTheFirstBadRoundTwoProof() throws {
        // The first ψ̂ (field 13) and Πelog both broken: ψ̂ comes first in order.
        try expectSameVerdicts(tampering(round: 2, kind: .broadcast) { payload in
            let message = try! PresignRound2Broadcast(encoded: payload).perturbed(field: 13).get()
            let elog = ElogProof(A: message.elog.A, N: message.elog.N, B: message.elog.B,
                                 z: message.elog.z + .one, u: message.elog.u)
            return PresignRound2Broadcast(psi: message.psi, psiHat: message.psiHat, elog: elog).encoded
        }, rule: "invalid-aff-g-hat", seed: 9)
        // The second recipient's ψ (field 26) and Πelog: ψ first.
        try expectSameVerdicts(tampering(round: 2, kind: .broadcast) { payload in
            let message = try! PresignRound2Broadcast(encoded: payload).perturbed(field: 26).get()
            let elog = ElogProof(A: message.elog.A, N: message.elog.N, B: message.elog.B,
                                 z: message.elog.z + .one, u: message.elog.u)
            return PresignRound2Broadcast(psi: message.psi, psiHat: message.psiHat, elog: elog).encoded
        }, rule: "invalid-aff-g", seed: 10)
        // Πelog alone, after every Πaff-g passed.
        try expectSameVerdicts(tampering(round: 2, kind: .broadcast) { payload in
            let message = try! PresignRound2Broadcast(encoded: payload)
            let elog = ElogProof(A: message.elog.A, N: message.elog.N, B: message.elog.B,
                                 z: message.elog.z + .one, u: message.elog.u)
            return PresignRound2Broadcast(psi: message.psi, psiHat: message.psiHat, elog: elog).encoded
        }, rule: "invalid-elog-gamma", seed: 11)
    }
}
