import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// A valid Πdec statement: enc0(y; ρ) = K^x · D, X = x·G, S = y·Γ, for 3 parties.
struct DecCase: Sendable {
    let fixture: PaillierProofFixture
    let statement: DecProof.Statement
    let witness: DecProof.Witness

    static let testing = DecCase(.testing, seed: 21)

    init(_ fixture: PaillierProofFixture, seed: UInt64) {
        self.fixture = fixture
        var rng = ChaChaRandom(testSeed: seed)
        let key = fixture.proverKey.publicKey
        let parties = 3
        let x = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        let y = PaillierProofFixture.signed(bits: DecProof.plaintextBits(partyCount: parties, parameters: fixture.parameters), &rng)
        let rho = PaillierProofFixture.unit(fixture.proverKey, &rng)
        let k = key.encrypt(PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng), using: &rng).ciphertext
        // D = enc0(y; ρ) · K^{−x}
        let d = key.add(PaillierProofFixture.encrypt(key, y, rho), try! key.multiply(k, by: -x))
        let gamma = Point.generatorMultiple(Scalar.random(using: &rng))
        statement = DecProof.Statement(key: key, k: k, x: Point.generatorMultiple(Scalar(reducing: x)), d: d,
                                       s: gamma * Scalar(reducing: y), gamma: gamma, partyCount: parties)
        witness = DecProof.Witness(x: x, y: y, rho: rho)
    }

    func prove(seed: UInt64 = 22) -> DecProof {
        var rng = ChaChaRandom(testSeed: seed)
        return try! DecProof.prove(statement, witness: witness, context: fixture.context,
                                   parameters: fixture.parameters, using: &rng)
    }

    func verify(_ proof: DecProof, _ statement: DecProof.Statement? = nil, context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct DecProofTests {
    static let proof = DecCase.testing.prove()

    @Test func validProofVerifiesAtTesting() throws { try DecCase.testing.verify(Self.proof) }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = DecCase(.production112FewRepetitions, seed: 23)
        try c.verify(c.prove())
    }

    @Test(arguments: 0..<DecProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try DecCase.testing.verify(changed) },
                    "field \(Self.proof.fieldNames[index]) accepted")
        }
    }

    @Test(arguments: 0..<DecCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = DecCase.testing
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, changed) },
                    "input \(c.statement.fieldNames[index]) accepted")
        }
    }

    @Test func contextIsBound() {
        for (name, context) in DecCase.testing.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try DecCase.testing.verify(Self.proof, context: context) }, "\(name)")
        }
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try DecProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try DecCase.testing.verify(decoded)
    }

    @Test func fewerRepetitionsAreRejected() {
        let shorter = DecProof(repetitions: Array(Self.proof.repetitions.dropFirst()))
        let expected = SchemeParameters.testing.bitChallengeRepetitions
        #expect(Tamper.error { () throws(ProofError) in try DecCase.testing.verify(shorter) }
                == .wrongRepetitionCount(expected: expected, got: expected - 1))
    }

    @Test func ciphertextAtLeastNSquaredIsRejected() {
        let c = DecCase.testing, s = c.statement
        let shifted = DecProof.Statement(key: s.key, k: s.k, x: s.x, d: PaillierCiphertext(value: s.d.value + s.key.modulusSquared),
                                         s: s.s, gamma: s.gamma, partyCount: s.partyCount)
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, shifted) } == .rangeCheckFailed(field: "D"))
    }

    @Test func partyCountBoundsTheRange() {
        let p = { (n: Int, s: SchemeParameters) in DecProof.plaintextBits(partyCount: n, parameters: s) }
        #expect(p(1, .testing) == SchemeParameters.testing.ellPrime + SchemeParameters.testing.epsilon + 1)
        #expect(p(2, .testing) == p(1, .testing) + 1)
        #expect(p(3, .testing) == p(1, .testing) + 2)
        #expect(p(4, .testing) == p(1, .testing) + 2)
        #expect(p(5, .testing) == p(1, .testing) + 3)
    }
}
