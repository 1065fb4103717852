import BigNum
import Foundation
import Secp256k1
import Testing
import TestSupport
@testable import CGGMP

/// Fuzz seeds that need this target's fixtures (docs/fuzzing.md): a seeded AuxGen, presigning and
/// standalone signing run at `.testing` parameters, written to `$TSS_WRITE_FUZZ_SEEDS` only when it is set. Writes
/// every sent payload to `_payloads/` (FuzzCorpusTests' SeedGenerator sorts them into the round
/// payload and proof targets), AuxInfo encodings to `auxInfo/` and presignatures to `presignature/`.
@Suite struct FuzzSeedExport {
    @Test func writeSeeds() throws {
        guard let folder = ProcessInfo.processInfo.environment["TSS_WRITE_FUZZ_SEEDS"] else { return }
        let root = URL(fileURLWithPath: folder)
        func write(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
            let dir = root.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(bytes).write(to: dir.appendingPathComponent(name))
        }

        // AuxGen among three, committed primes.
        let signers = makeSigners(3, offset: 0x51)
        let committee = signers.map(\.partyID)
        let auxSessions = try signers.enumerated().map { index, signer in
            try AuxGen.makeSession(sessionID: Array("fuzz seed AuxGen".utf8), committee: committee, signer: signer,
                                   parameters: .testing,
                                   primes: committedAuxPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits))
        }
        var auxRunner = simulation(auxSessions, seed: 11)
        guard case .finished(let infos) = auxRunner.run() else { Issue.record("AuxGen did not finish"); return }
        try write("auxInfo", "seed-0", infos[committee[0]]!.encoded)
        for (index, message) in auxRunner.sentMessages.enumerated() { try write("_payloads", "aux-\(index)", message.payload) }

        // Presigning by two holders of a dealt 2-of-3 key.
        let fixture = PresignatureEncodingTests()
        let shares = try fixture.shares(seed: 3)
        let presigners = fixture.signers(shares)
        let aux = SigningFixture.auxInfos(for: presigners.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try presigners.map {
            try Presigning.makeSession(sessionID: Array("fuzz seed presign".utf8), keyShare: shares[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: 3)
        guard case .finished(let slots) = runner.run() else { Issue.record("presigning did not finish"); return }
        for (party, slot) in slots where party == presigners[0].partyID {
            if let presignature = slot.take() { try write("presignature", "seed-0", presignature.encoded) }
        }
        for (index, message) in runner.sentMessages.enumerated() { try write("_payloads", "presign-\(index)", message.payload) }

        // Standalone signing with the stored presignature and the other signer's.
        let stored = try Data(contentsOf: root.appendingPathComponent("presignature/seed-0"))
        let signing = try presigners.map { signer throws -> Session<RecoverableSignature> in
            let presignature = signer.partyID == presigners[0].partyID
                ? try Presignature(encoded: Array(stored), parameters: .testing) : slots[signer.partyID]!.take()!
            return try Signing.makeSession(sessionID: Array("fuzz seed sign".utf8), presignature: presignature,
                                           keyShare: shares[signer.partyID]!, prehash: testPrehash("fuzz seed"), signer: signer)
        }
        var signRunner = simulation(signing, seed: 4)
        guard case .finished = signRunner.run() else { Issue.record("signing did not finish"); return }
        for (index, message) in signRunner.sentMessages.enumerated() { try write("_payloads", "sign-\(index)", message.payload) }
    }
}
