import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// A valid Πmul* statement: D = C^x · ρ^{N0}, X = x·G.
struct MulStarCase: Sendable {
    let fixture: PaillierProofFixture
    let statement: MulStarProof.Statement
    let witness: MulStarProof.Witness

    static let testing = MulStarCase(.testing, seed: 41)

    init(_ fixture: PaillierProofFixture, seed: UInt64) {
        self.fixture = fixture
        var rng = ChaChaRandom(testSeed: seed)
        let key = fixture.verifierKey.publicKey
        let x = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        let rho = PaillierProofFixture.unit(fixture.verifierKey, &rng)
        let c = key.encrypt(PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng), using: &rng).ciphertext
        let d = key.add(try! key.multiply(c, by: x), PaillierProofFixture.encrypt(key, .zero, rho))
        statement = MulStarProof.Statement(key: key, c: c, d: d, x: Point.generatorMultiple(Scalar(reducing: x)))
        witness = MulStarProof.Witness(x: x, rho: rho)
    }

    func prove(seed: UInt64 = 42) -> MulStarProof {
        var rng = ChaChaRandom(testSeed: seed)
        return try! MulStarProof.prove(statement, witness: witness, setup: fixture.setup, context: fixture.context,
                                       parameters: fixture.parameters, using: &rng)
    }

    func verify(_ proof: MulStarProof, _ statement: MulStarProof.Statement? = nil,
                setup: RingPedersenParameters? = nil, context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, setup: setup ?? fixture.setup,
                         context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct MulStarProofTests {
    static let proof = MulStarCase.testing.prove()

    @Test func validProofVerifiesAtTesting() throws { try MulStarCase.testing.verify(Self.proof) }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = MulStarCase(.production112, seed: 43)
        try c.verify(c.prove())
    }

    @Test(arguments: 0..<MulStarProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try MulStarCase.testing.verify(changed) },
                    "field \(Self.proof.fieldNames[index]) accepted")
        }
    }

    @Test(arguments: 0..<MulStarCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = MulStarCase.testing
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, changed) },
                    "input \(c.statement.fieldNames[index]) accepted")
        }
    }

    @Test func contextAndSetupAreBound() {
        let c = MulStarCase.testing
        for (name, context) in c.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, context: context) }, "\(name)")
        }
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.swappedSetup) })
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.otherSetup) })
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try MulStarProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try MulStarCase.testing.verify(decoded)
    }

    @Test func ciphertextAtLeastNSquaredIsRejected() {
        let c = MulStarCase.testing, s = c.statement
        let shifted = MulStarProof.Statement(key: s.key, c: s.c, d: PaillierCiphertext(value: s.d.value + s.key.modulusSquared), x: s.x)
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, shifted) } == .rangeCheckFailed(field: "D"))
    }

    @Test func responseOutsideRangeIsRejected() {
        let p = Self.proof
        let params = MulStarCase.testing.fixture.parameters
        let wide = MulStarProof(ciphertextA: p.ciphertextA, pointBx: p.pointBx, commitmentE: p.commitmentE,
                                commitmentS: p.commitmentS, z1: -(BigInt.powerOfTwo(params.ell + params.epsilon) + .one),
                                z2: p.z2, w: p.w)
        #expect(Tamper.error { () throws(ProofError) in try MulStarCase.testing.verify(wide) } == .rangeCheckFailed(field: "z1"))
    }
}
