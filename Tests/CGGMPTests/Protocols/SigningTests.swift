import BigNum
import Paillier
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// Checks a threshold signature with libsecp256k1 alone: it verifies under `publicKey`, has low s,
/// and recovers `publicKey` from its 65-byte form.
func expectValidSignature(_ signature: RecoverableSignature, prehash: Prehash, publicKey: Point) throws {
    #expect(signature.signature.isValid(for: prehash, publicKey: publicKey))
    #expect(signature.signature.isLowS)
    let raw = signature.rawRepresentation
    #expect(raw.count == 65)
    let decoded = try RecoverableSignature(rawRepresentation: raw)
    #expect(try decoded.recoverPublicKey(from: prehash) == publicKey)
}

@Suite struct SigningHonestTests {
    /// (n, t): n-of-n shares from KeyInit when t = n, a dealer's t-of-n shares otherwise.
    @Test(arguments: [(2, 2), (3, 2), (4, 3), (5, 3)])
    func interactiveSigningVerifies(parties: Int, threshold: Int) throws {
        let all = makeSigners(parties)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: threshold, seed: UInt64(parties * 10 + threshold))
        let signers = all.filter { shares[$0.partyID] != nil }
        #expect(signers.count == threshold)
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let prehash = testPrehash("interactive \(parties)/\(threshold)")
        let sessions = try signers.map {
            try InteractiveSigning.makeSession(sessionID: Array("sign-\(parties)-\(threshold)".utf8),
                                               keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                                               prehash: prehash, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: UInt64(parties), parallel: parties >= 4)
        let outcome = runner.run()
        guard case .finished(let signatures) = outcome else {
            Issue.record("signing did not finish: \(outcome)")
            return
        }
        let publicKey = shares.values.first!.publicKey
        #expect(Set(signatures.values).count == 1)
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: publicKey)
    }
}
