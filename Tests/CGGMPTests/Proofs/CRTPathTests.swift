import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Issue #13: the key owner's CRT path against the full-width oracle (`ArithmeticPath.reference`
/// and the plain public-key entry points). A seeded prover must give byte-identical proofs on both
/// paths, and the CRT verifier must give the same verdict as the plain one on the valid proof and
/// on every single-field change of the proof and of the statement.
@Suite struct CRTPathTests {
    /// The verdict as a comparable value: nil for accepted, else the error's description.
    static func verdict(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    /// Every single-field change of `proof` and of `statement` gets the same verdict from each
    /// of `verifiers` (the first is the oracle); returns the fields where they differ.
    static func disagreements<P: WireCodable, S: WireCodable>(
        _ proof: P, _ statement: S, _ verifiers: [(P, S) throws -> Void]
    ) -> [String] {
        var differing: [String] = []
        func compare(_ name: String, _ p: P, _ s: S) {
            let verdicts = verifiers.map { verify in verdict { try verify(p, s) } }
            if verdicts.contains(where: { $0 != verdicts[0] }) { differing.append(name) }
        }
        compare("valid", proof, statement)
        for (index, name) in proof.fieldNames.enumerated() {
            if case .success(let changed) = proof.perturbed(field: index) { compare("proof " + name, changed, statement) }
        }
        for (index, name) in statement.fieldNames.enumerated() {
            if case .success(let changed) = statement.perturbed(field: index) { compare("statement " + name, proof, changed) }
        }
        return differing
    }

    // MARK: Provers: identical proofs

    @Test func encElgProverIsIdenticalOnBothPaths() throws {
        let c = EncElgCase.testing
        let w = c.witness
        let owner = EncElgProof.Witness(plaintext: w.plaintext, randomizer: w.randomizer, b: w.b, ownerKey: c.fixture.proverKey)
        func prove(_ witness: EncElgProof.Witness, _ path: ArithmeticPath) -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 12)
            return EncElgProof.prove(c.statement, witness: witness, setup: c.fixture.setup, context: c.fixture.context,
                                     parameters: c.fixture.parameters, using: &rng, path: path).encoded
        }
        let reference = prove(w, .fast)
        #expect(prove(owner, .fast) == reference)
        #expect(prove(owner, .reference) == reference)
        #expect(reference == c.prove().encoded)
    }

    @Test func affGProverIsIdenticalOnBothPaths() throws {
        let c = AffGCase.testing
        let owner = AffGProof.Witness(x: c.x, y: c.y, rho: c.rho, rhoY: c.rhoY, ownerKey: c.fixture.proverKey)
        func prove(_ witness: AffGProof.Witness, _ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 7)
            return try AffGProof.prove(c.statement, witness: witness, setup: c.fixture.setup, context: c.fixture.context,
                                       parameters: c.fixture.parameters, using: &rng, path: path).encoded
        }
        let reference = try prove(c.witness, .fast)
        #expect(try prove(owner, .fast) == reference)
        #expect(try prove(owner, .reference) == reference)
    }

    @Test func affGStarProverIsIdenticalOnBothPaths() throws {
        let c = AffGCase.testing
        let owner = AffGStarProof.Witness(x: c.x, y: c.y, rho: c.rho, mu: c.rhoY, ownerKey: c.fixture.proverKey)
        func prove(_ witness: AffGStarProof.Witness, _ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 8)
            return try AffGStarProof.prove(c.statement, witness: witness, context: c.fixture.context,
                                           parameters: c.fixture.parameters, using: &rng, path: path).encoded
        }
        let reference = try prove(c.starWitness, .fast)
        #expect(try prove(owner, .fast) == reference)
        #expect(try prove(owner, .reference) == reference)
    }

    @Test func decProverIsIdenticalOnBothPaths() throws {
        let c = DecCase.testing
        let w = c.witness
        let owner = DecProof.Witness(x: w.x, y: w.y, rho: w.rho, ownerKey: c.fixture.proverKey)
        func prove(_ witness: DecProof.Witness, _ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 22)
            return try DecProof.prove(c.statement, witness: witness, context: c.fixture.context,
                                      parameters: c.fixture.parameters, using: &rng, path: path).encoded
        }
        let reference = try prove(w, .fast)
        #expect(try prove(owner, .fast) == reference)
        #expect(try prove(owner, .reference) == reference)
    }

    @Test func mulProverIsIdenticalOnBothPaths() throws {
        let c = MulCase.testing
        let w = c.witness
        let owner = MulProof.Witness(x: w.x, rho: w.rho, rhoX: w.rhoX, ownerKey: c.fixture.proverKey)
        func prove(_ witness: MulProof.Witness, _ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 32)
            return try MulProof.prove(c.statement, witness: witness, context: c.fixture.context,
                                      parameters: c.fixture.parameters, using: &rng, path: path).encoded
        }
        let reference = try prove(w, .fast)
        #expect(try prove(owner, .fast) == reference)
        #expect(try prove(owner, .reference) == reference)
    }

    @Test func ownerKeyOfAnotherModulusFallsBackToFullWidth() throws {
        // A witness carrying a key that is not the statement's N must not change the proof.
        let c = MulCase.testing
        let w = c.witness
        let wrong = MulProof.Witness(x: w.x, rho: w.rho, rhoX: w.rhoX, ownerKey: c.fixture.verifierKey)
        var rng1 = ChaChaRandom(testSeed: 32), rng2 = ChaChaRandom(testSeed: 32)
        let a = try MulProof.prove(c.statement, witness: wrong, context: c.fixture.context, parameters: c.fixture.parameters, using: &rng1)
        let b = try MulProof.prove(c.statement, witness: w, context: c.fixture.context, parameters: c.fixture.parameters, using: &rng2)
        #expect(a.encoded == b.encoded)
    }

    @Test func ringPedersenProverIsIdenticalOnBothPaths() throws {
        let fixture = PaillierProofFixture.testing
        func prove(_ path: ArithmeticPath) -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 5)
            return RingPedersenProof.prove(secret: fixture.setupSecret, context: fixture.context,
                                           parameters: fixture.parameters, using: &rng, path: path).encoded
        }
        let fast = prove(.fast)
        #expect(fast == prove(.reference))
        let proof = try RingPedersenProof(encoded: fast)
        try proof.verify(.init(fixture.setup), context: fixture.context, parameters: fixture.parameters)
    }

    // MARK: Verifiers: identical verdicts, every-field mutation suite included

    @Test func encElgVerdictsAgreeOnEveryField() {
        let c = EncElgCase.testing
        let f = c.fixture
        let differing = Self.disagreements(EncElgProofTests.proof, c.statement, [
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters) },
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters) },
        ])
        #expect(differing.isEmpty, "verdicts differ for \(differing)")
    }

    @Test func affGVerdictsAgreeOnEveryField() {
        let c = AffGCase.testing
        let f = c.fixture
        let differing = Self.disagreements(AffGProofTests.proof, c.statement, [
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters) },
            // The verifier's own Paillier key too: C^z1·enc0(z2; w) = A·D^e checked mod p², q².
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, ownKey: f.verifierKey, context: f.context, parameters: f.parameters) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, ownKey: f.verifierKey, context: f.context, parameters: f.parameters,
                             path: .reference) },
            // Another key than N0's is not used.
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, ownKey: f.proverKey, context: f.context, parameters: f.parameters) },
        ])
        #expect(differing.isEmpty, "verdicts differ for \(differing)")
    }

    @Test func mulStarVerdictsAgreeOnEveryField() {
        let c = MulStarCase.testing
        let f = c.fixture
        let differing = Self.disagreements(MulStarProofTests.proof, c.statement, [
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters) },
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters) },
        ])
        #expect(differing.isEmpty, "verdicts differ for \(differing)")
    }

    @Test func crtVerifierAcceptsAtProduction112() throws {
        let c = EncElgCase(.production112, seed: 13)
        let f = c.fixture
        try c.prove().verify(c.statement, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters)
    }

    // MARK: The arithmetic itself

    @Test func crtArithmeticEqualsFullWidth() throws {
        let fixture = PaillierProofFixture.testing
        let key = fixture.proverKey, n = key.modulus, n2 = key.publicKey.modulusSquared
        var rng = ChaChaRandom(testSeed: 77)
        let own = PaillierGroup(modulus: n, owner: key, path: .fast), plain = PaillierGroup(modulus: n)
        #expect(own.owner != nil && plain.owner == nil)
        for _ in 0..<8 {
            let m = BigInt.random(signedBits: n.bitLength + 3, using: &rng)
            let r = try BigInt.randomUnit(modulo: n, using: &rng)
            #expect(own.encrypt(m, randomizer: r) == plain.encrypt(m, randomizer: r))
            #expect(own.encrypt(m, randomizer: r + n) == plain.encrypt(m, randomizer: r))
            let c = plain.encrypt(m, randomizer: r)
            for bits in [1, 300, n.bitLength, 2 * n.bitLength + 5] {
                let k = BigInt.random(signedBits: bits, using: &rng)
                #expect(own.scaleSecret(c, by: k) == plain.scaleSecret(c, by: k))
                #expect(own.maskRandomizer(c % n, secret: r, exponent: k) == plain.maskRandomizer(c % n, secret: r, exponent: k))
            }
            #expect(key.nthPowerModulusSquared(r) == (try r.power(n, modulo: n2)))
        }
        let secret = fixture.setupSecret, rp = secret.parameters
        for _ in 0..<8 {
            let a = BigInt.random(signedBits: 3 * rp.modulus.bitLength, using: &rng)
            let b = BigInt.random(signedBits: 700, using: &rng)
            #expect(secret.commitCRT(a, b) == (try rp.s.powerVariableTime(a, modulo: rp.modulus) * rp.t.powerVariableTime(b, modulo: rp.modulus)) % rp.modulus)
            #expect(secret.powerCRT(rp.t, a.magnitude) == (try rp.t.power(a.magnitude, modulo: rp.modulus)))
        }
    }
}
