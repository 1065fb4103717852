import Bytes
import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// A valid Πaff-g / Πaff-g* statement: D = C^x · enc0(−y; ρ), Y = enc1(y; ρ_y), X = x·G.
struct AffGCase: Sendable {
    let fixture: PaillierProofFixture
    let statement: AffGProof.Statement
    let x: BigInt, y: BigInt, rho: BigInt, rhoY: BigInt

    static let testing = AffGCase(.testing, seed: 1)

    init(_ fixture: PaillierProofFixture, seed: UInt64) {
        self.fixture = fixture
        var rng = ChaChaRandom(testSeed: seed)
        let n0 = fixture.verifierKey.publicKey, n1 = fixture.proverKey.publicKey
        x = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        y = PaillierProofFixture.signed(bits: fixture.parameters.ellPrime, &rng)
        rho = PaillierProofFixture.unit(fixture.verifierKey, &rng)
        rhoY = PaillierProofFixture.unit(fixture.proverKey, &rng)
        let k = PaillierProofFixture.signed(bits: fixture.parameters.ell, &rng)
        let c = n0.encrypt(k, using: &rng).ciphertext
        let d = n0.add(try! n0.multiply(c, by: x), PaillierProofFixture.encrypt(n0, -y, rho))
        statement = AffGProof.Statement(
            verifierKey: n0, proverKey: n1, c: c, d: d,
            y: PaillierProofFixture.encrypt(n1, y, rhoY), x: Point.generatorMultiple(Scalar(reducing: x)))
    }

    var witness: AffGProof.Witness { AffGProof.Witness(x: x, y: y, rho: rho, rhoY: rhoY) }

    func prove(seed: UInt64 = 7) -> AffGProof {
        var rng = ChaChaRandom(testSeed: seed)
        return try! AffGProof.prove(statement, witness: witness, setup: fixture.setup,
                                    context: fixture.context, parameters: fixture.parameters, using: &rng)
    }

    func verify(_ proof: AffGProof, _ statement: AffGProof.Statement? = nil,
                setup: RingPedersenParameters? = nil, context: ProofContext? = nil) throws(ProofError) {
        try proof.verify(statement ?? self.statement, setup: setup ?? fixture.setup,
                         context: context ?? fixture.context, parameters: fixture.parameters)
    }
}

@Suite struct AffGProofTests {
    static let proof = AffGCase.testing.prove()

    @Test func validProofVerifiesAtTesting() throws {
        try AffGCase.testing.verify(Self.proof)
    }

    @Test func validProofVerifiesAtProduction112() throws {
        let c = AffGCase(.production112, seed: 2)
        try c.verify(c.prove())
    }

    @Test(arguments: 0..<AffGProofTests.proof.fieldNames.count)
    func changedProofFieldIsRejected(_ index: Int) {
        let name = Self.proof.fieldNames[index]
        if case .success(let changed) = Self.proof.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try AffGCase.testing.verify(changed) }, "field \(name) accepted")
        }
    }

    @Test(arguments: 0..<AffGCase.testing.statement.fieldNames.count)
    func changedPublicInputIsRejected(_ index: Int) {
        let c = AffGCase.testing
        let name = c.statement.fieldNames[index]
        if case .success(let changed) = c.statement.perturbed(field: index) {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, changed) }, "input \(name) accepted")
        }
    }

    @Test func contextAndSetupAreBound() {
        let c = AffGCase.testing
        for (name, context) in c.fixture.otherContexts {
            #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, context: context) }, "\(name)")
        }
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.swappedSetup) })
        #expect(Tamper.rejects { () throws(ProofError) in try c.verify(Self.proof, setup: c.fixture.otherSetup) })
    }

    @Test func encodingRoundTrips() throws {
        let decoded = try AffGProof(encoded: Self.proof.encoded)
        #expect(decoded == Self.proof)
        try AffGCase.testing.verify(decoded)
        #expect(throws: DecodingError(field: "AffGProof", reason: .trailingBytes(count: 1))) { try AffGProof(encoded: Self.proof.encoded + [0]) }
    }

    /// D + N0² is the same residue mod N0², so only the range check on the ciphertext rejects it.
    @Test func ciphertextAtLeastNSquaredIsRejected() {
        let c = AffGCase.testing
        let s = c.statement
        let shifted = AffGProof.Statement(
            verifierKey: s.verifierKey, proverKey: s.proverKey, c: s.c,
            d: PaillierCiphertext(value: s.d.value + s.verifierKey.modulusSquared), y: s.y, x: s.x)
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, shifted) } == .rangeCheckFailed(field: "D"))
    }

    /// A + N0² leaves every equation intact; the verifier must still reject it.
    @Test func proofCiphertextAtLeastNSquaredIsRejected() throws {
        let p = Self.proof
        let shifted = AffGProof(
            ciphertextA: p.ciphertextA + AffGCase.testing.statement.verifierKey.modulusSquared, pointBx: p.pointBx,
            ciphertextBy: p.ciphertextBy, commitmentE: p.commitmentE, commitmentS: p.commitmentS,
            commitmentF: p.commitmentF, commitmentT: p.commitmentT, z1: p.z1, z2: p.z2, z3: p.z3, z4: p.z4,
            w: p.w, wY: p.wY)
        #expect(Tamper.error { () throws(ProofError) in try AffGCase.testing.verify(shifted) } == .rangeCheckFailed(field: "A"))
    }

    /// A ciphertext sharing a factor with N0 is not in Z*_{N0²}.
    @Test func nonUnitCiphertextIsRejected() {
        let c = AffGCase.testing
        let s = c.statement
        let factor = AffGProof.Statement(
            verifierKey: s.verifierKey, proverKey: s.proverKey, c: PaillierCiphertext(value: c.fixture.verifierKey.p),
            d: s.d, y: s.y, x: s.x)
        #expect(Tamper.error { () throws(ProofError) in try c.verify(Self.proof, factor) } == .notAUnit(field: "C"))
    }

    /// A commitment shifted by N̂ is the same residue; only the range check rejects it.
    @Test func commitmentAtLeastNHatIsRejected() {
        let p = Self.proof
        let shifted = AffGProof(
            ciphertextA: p.ciphertextA, pointBx: p.pointBx, ciphertextBy: p.ciphertextBy,
            commitmentE: p.commitmentE, commitmentS: p.commitmentS + AffGCase.testing.fixture.setup.modulus,
            commitmentF: p.commitmentF, commitmentT: p.commitmentT, z1: p.z1, z2: p.z2, z3: p.z3, z4: p.z4,
            w: p.w, wY: p.wY)
        #expect(Tamper.error { () throws(ProofError) in try AffGCase.testing.verify(shifted) } == .rangeCheckFailed(field: "S"))
    }

    @Test func proofForAnotherParameterSetIsRejected() {
        let c = AffGCase.testing
        #expect(Tamper.rejects { () throws(ProofError) in
            try Self.proof.verify(c.statement, setup: c.fixture.setup, context: c.fixture.context, parameters: .production112)
        })
    }
}
