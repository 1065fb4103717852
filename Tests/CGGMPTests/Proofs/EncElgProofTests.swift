import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// A valid Πenc-elg statement: C = enc0(x; ρ), A = a·G, B = b·G, X = (a·b + x)·G.
struct EncElgCase: Sendable {
    let fixture: PaillierProofFixture
    let statement: EncElgProof.Statement
    let witness: EncElgProof.Witness

    static let testing = EncElgCase(.testing, seed: 11)

    init(_ fixture: PaillierProofFixture, seed: UInt64) {
        self.fixture = fixture
        var rng = ChaChaRandom(testSeed: seed)
        let key = fixture.proverKey.publicKey
        let x = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        let rho = PaillierProofFixture.unit(fixture.proverKey, &rng)
        let a = Scalar.random(using: &rng), b = Scalar.random(using: &rng)
        statement = EncElgProof.Statement(
            key: key, ciphertext: PaillierProofFixture.encrypt(key, x, rho),
            a: Point.generatorMultiple(a), b: Point.generatorMultiple(b),
            x: Point.generatorMultiple(a * b + Scalar(reducing: x)))
        witness = EncElgProof.Witness(plaintext: x, randomizer: rho, b: b)
    }

    func prove(seed: UInt64 = 12) -> EncElgProof {
        var rng = ChaChaRandom(testSeed: seed)
        return EncElgProof.prove(statement, witness: witness, setup: fixture.setup, context: fixture.context,
                                 parameters: fixture.parameters, using: &rng)
    }

    func verify(_ proof: EncElgProof, _ statement: EncElgProof.Statement? = nil,
                setup: RingPedersenParameters? = nil, context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, setup: setup ?? fixture.setup,
                         context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct EncElgProofTests {
    static let proof = EncElgCase.testing.prove()

    @Test func validProofVerifiesAtTesting() throws { try EncElgCase.testing.verify(Self.proof) }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = EncElgCase(.production112, seed: 13)
        try c.verify(c.prove())
    }

    @Test(arguments: 0..<EncElgProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try EncElgCase.testing.verify(changed) },
                    "field \(Self.proof.fieldNames[index]) accepted")
        }
    }

    @Test(arguments: 0..<EncElgCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = EncElgCase.testing
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, changed) },
                    "input \(c.statement.fieldNames[index]) accepted")
        }
    }

    @Test func contextAndSetupAreBound() {
        let c = EncElgCase.testing
        for (name, context) in c.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, context: context) }, "\(name)")
        }
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.swappedSetup) })
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.otherSetup) })
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try EncElgProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try EncElgCase.testing.verify(decoded)
    }

    @Test func ciphertextAtLeastNSquaredIsRejected() {
        let c = EncElgCase.testing, s = c.statement
        let shifted = EncElgProof.Statement(
            key: s.key, ciphertext: PaillierCiphertext(value: s.ciphertext.value + s.key.modulusSquared), a: s.a, b: s.b, x: s.x)
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, shifted) } == .rangeCheckFailed(field: "C"))
    }

    /// z1 outside ±2^{ℓ+ε} is rejected before any equation is evaluated.
    @Test func responseOutsideRangeIsRejected() {
        let p = Self.proof
        let params = EncElgCase.testing.fixture.parameters
        let wide = EncElgProof(commitmentS: p.commitmentS, ciphertextD: p.ciphertextD, pointY: p.pointY, pointZ: p.pointZ,
                               commitmentT: p.commitmentT, z1: BigInt.powerOfTwo(params.ell + params.epsilon) + .one,
                               w: p.w, z2: p.z2, z3: p.z3)
        #expect(Tamper.error { () throws(ProofError) in try EncElgCase.testing.verify(wide) } == .rangeCheckFailed(field: "z1"))
    }
}
