import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

extension AffGCase {
    var starWitness: AffGStarProof.Witness { AffGStarProof.Witness(x: x, y: y, rho: rho, mu: rhoY) }

    func proveStar(seed: UInt64 = 8) -> AffGStarProof {
        var rng = ChaChaRandom(testSeed: seed)
        return try! AffGStarProof.prove(statement, witness: starWitness, context: fixture.context,
                                        parameters: fixture.parameters, using: &rng)
    }

    func verifyStar(_ proof: AffGStarProof, _ statement: AffGProof.Statement? = nil,
                    context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct AffGStarProofTests {
    static let proof = AffGCase.testing.proveStar()

    @Test func validProofVerifiesAtTesting() throws {
        try AffGCase.testing.verifyStar(Self.proof)
    }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = AffGCase(.production112FewRepetitions, seed: 3)
        try c.verifyStar(c.proveStar())
    }

    @Test(arguments: 0..<AffGStarProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        let name = Self.proof.fieldNames[index]
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try AffGCase.testing.verifyStar(changed) }, "field \(name) accepted")
        }
    }

    @Test(arguments: 0..<AffGCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = AffGCase.testing
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verifyStar(Self.proof, changed) },
                    "input \(c.statement.fieldNames[index]) accepted")
        }
    }

    @Test func contextIsBound() {
        for (name, context) in AffGCase.testing.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try AffGCase.testing.verifyStar(Self.proof, context: context) }, "\(name)")
        }
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try AffGStarProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try AffGCase.testing.verifyStar(decoded)
    }

    /// Dropping a repetition (and with it a challenge bit) must be rejected, not verified on fewer.
    @Test func fewerRepetitionsAreRejected() {
        let shorter = AffGStarProof(repetitions: Array(Self.proof.repetitions.dropLast()))
        let expected = SchemeParameters.testing.bitChallengeRepetitions
        #expect(Tamper.error { () throws(ProofError) in try AffGCase.testing.verifyStar(shorter) }
                == .wrongRepetitionCount(expected: expected, got: expected - 1))
    }

    @Test func proofCiphertextAtLeastNSquaredIsRejected() {
        var repetitions = Self.proof.repetitions
        let r = repetitions[0]
        repetitions[0] = AffGStarProof.Repetition(
            ciphertextA: r.ciphertextA, pointR: r.pointR,
            ciphertextB: r.ciphertextB + AffGCase.testing.statement.proverKey.modulusSquared,
            z: r.z, zPrime: r.zPrime, w: r.w, lambda: r.lambda)
        #expect(Tamper.error { () throws(ProofError) in try AffGCase.testing.verifyStar(AffGStarProof(repetitions: repetitions)) }
                == .rangeCheckFailed(field: "B[0]"))
    }
}
