import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// A valid Πmul statement under the prover's key: X = enc(x; ρ_x), C = Y^x · ρ^N.
struct MulCase: Sendable {
    let fixture: PaillierProofFixture
    let statement: MulProof.Statement
    let witness: MulProof.Witness

    static let testing = MulCase(.testing, seed: 31)

    init(_ fixture: PaillierProofFixture, seed: UInt64) {
        self.fixture = fixture
        var rng = ChaChaRandom(testSeed: seed)
        let key = fixture.proverKey.publicKey
        let x = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        let rho = PaillierProofFixture.unit(fixture.proverKey, &rng)
        let rhoX = PaillierProofFixture.unit(fixture.proverKey, &rng)
        let y = key.encrypt(PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng), using: &rng).ciphertext
        let c = key.add(try! key.multiply(y, by: x), PaillierProofFixture.encrypt(key, .zero, rho))
        statement = MulProof.Statement(key: key, x: PaillierProofFixture.encrypt(key, x, rhoX), y: y, c: c)
        witness = MulProof.Witness(x: x, rho: rho, rhoX: rhoX)
    }

    func prove(seed: UInt64 = 32) -> MulProof {
        var rng = ChaChaRandom(testSeed: seed)
        return try! MulProof.prove(statement, witness: witness, context: fixture.context,
                                   parameters: fixture.parameters, using: &rng)
    }

    func verify(_ proof: MulProof, _ statement: MulProof.Statement? = nil, context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct MulProofTests {
    static let proof = MulCase.testing.prove()

    @Test func validProofVerifiesAtTesting() throws { try MulCase.testing.verify(Self.proof) }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = MulCase(.production112, seed: 33)
        try c.verify(c.prove())
    }

    @Test(arguments: 0..<MulProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try MulCase.testing.verify(changed) },
                    "field \(Self.proof.fieldNames[index]) accepted")
        }
    }

    @Test(arguments: 0..<MulCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = MulCase.testing
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, changed) },
                    "input \(c.statement.fieldNames[index]) accepted")
        }
    }

    @Test func contextIsBound() {
        for (name, context) in MulCase.testing.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try MulCase.testing.verify(Self.proof, context: context) }, "\(name)")
        }
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try MulProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try MulCase.testing.verify(decoded)
    }

    @Test func ciphertextAtLeastNSquaredIsRejected() {
        let c = MulCase.testing, s = c.statement
        let shifted = MulProof.Statement(key: s.key, x: s.x, y: s.y, c: PaillierCiphertext(value: s.c.value + s.key.modulusSquared))
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, shifted) } == .rangeCheckFailed(field: "C"))
    }

    /// u + N is the same N-th power mod N², so only the randomizer range check rejects it.
    @Test func randomizerAtLeastNIsRejected() {
        let p = Self.proof
        let shifted = MulProof(ciphertextA: p.ciphertextA, ciphertextB: p.ciphertextB, z: p.z,
                               u: p.u + MulCase.testing.statement.key.modulus, v: p.v)
        #expect(Tamper.error { () throws(ProofError) in try MulCase.testing.verify(shifted) } == .rangeCheckFailed(field: "u"))
    }
}
