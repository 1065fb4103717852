import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

let keyRefreshSessionID = Array("test KeyRefresh session".utf8)

func keyRefreshRunner(signers: [Ed25519Signer], shares: [PartyID: AdditiveKeyShare], seed: UInt64,
                      tamper: SimulationRunner<KeyRefreshOutput, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<KeyRefreshOutput, ChaChaRandom> {
    let sessions = signers.enumerated().map { index, signer in
        try! KeyRefresh.makeSession(sessionID: keyRefreshSessionID, keyShare: shares[signer.partyID]!, signer: signer,
                                    parameters: .testing, primes: committedAuxPrimes(index: index, bits: 512))
    }
    return SimulationRunner(sessions: sessions, generators: seededGenerators(signers, seed: seed), tamper: tamper)
}

func keyInitShares(_ signers: [Ed25519Signer], seed: UInt64) throws -> [PartyID: AdditiveKeyShare] {
    var runner = keyInitRunner(signers: signers, seed: seed)
    guard case .finished(let shares) = runner.run() else { throw KeyShareError.malformedEncoding("KeyInit failed") }
    return shares
}

@Suite struct KeyRefreshTests {
    @Test func refreshChangesEveryShareAndKeepsThePublicKey() throws {
        let signers = makeSigners(3)
        let before = try keyInitShares(signers, seed: 3)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 4)
        let outcome = runner.run()
        guard case .finished(let outputs) = outcome else {
            Issue.record("KeyRefresh did not finish: \(outcome)")
            return
        }
        let publicKey = before[signers[0].partyID]!.publicKey
        // Independently of the share bookkeeping: the new secrets still sum to the key's discrete log.
        let newSum = outputs.values.reduce(Scalar.zero) { $0 + $1.keyShare.secretShare }
        #expect(Point.generatorMultiple(newSum) == publicKey)
        let reference = outputs[signers[0].partyID]!
        for signer in signers {
            let party = signer.partyID
            let output = try #require(outputs[party])
            #expect(output.keyShare.publicKey == publicKey)
            #expect(output.keyShare.secretShare != before[party]!.secretShare)
            #expect(output.keyShare.publicShares[party] != before[party]!.publicShares[party])
            #expect(Point.generatorMultiple(output.keyShare.secretShare) == reference.keyShare.publicShares[party])
            #expect(output.keyShare.publicShares == reference.keyShare.publicShares)
            #expect(output.auxInfo.publicInfo == reference.auxInfo.publicInfo)
            #expect(output.auxInfo.owner == party)
        }
    }

    @Test func badSchnorrProofIsBlamed() throws {
        let signers = makeSigners(3)
        let culprit = signers[1]
        let before = try keyInitShares(signers, seed: 5)
        var runner = keyRefreshRunner(signers: signers, shares: before, seed: 6) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .echoBroadcast else { return message }
            let proofs = try! KeyRefreshProofs(serialized: message.payload)
            var list = proofs.proofs
            list[0] = SchnorrProof(commitment: list[0].commitment, response: list[0].response + .one)
            return message.replacingPayload(KeyRefreshProofs(proofs: list, modulusProofDigest: proofs.modulusProofDigest).serialized(),
                                            signer: culprit)
        }
        guard case .faulted(let faults) = runner.run() else {
            Issue.record("expected a fault")
            return
        }
        let publicData = try KeyRefresh.publicData(sessionID: keyRefreshSessionID, committee: signers.map(\.partyID))
        #expect(faults.count >= 2)
        for fault in faults.values {
            #expect(fault.culprit == culprit.partyID)
            guard case .violation(let violation) = fault.reason else {
                Issue.record("expected a violation, got \(fault.reason)")
                continue
            }
            #expect(violation.rule == "invalid-schnorr-proof")
            #expect(throws: Never.self) {
                try fault.evidence.verify(publicData: publicData, rechecker: KeyRefresh.evidenceRechecker(parameters: .testing))
            }
        }
    }
}
