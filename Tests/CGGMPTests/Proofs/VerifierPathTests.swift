import BigNum
import Paillier
import Secp256k1
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Issue #13, multi-exponentiation, fixed-base tables and checks on every core: every verifier
/// whose fast path checks a product of powers by one simultaneous exponentiation, takes powers of
/// one base from a table, or checks its repetitions concurrently, against its oracle
/// (`ArithmeticPath.reference`: each power on its own, full width, one repetition after the
/// other). On the valid proof and on every single-field change of the proof and of
/// the statement (the every-field mutation suite), each path must give the same verdict — the same
/// error, naming the same check — and every change must be rejected on every path.
@Suite struct VerifierPathTests {
    /// Runs `verifiers` (the oracle first) on the valid proof and on every single-field change;
    /// returns the cases where the verdicts differ and the changes some verifier accepted.
    static func check<P: WireCodable, S: WireCodable>(
        _ proof: P, _ statement: S, _ verifiers: [(P, S) throws -> Void]
    ) -> (differing: [String], accepted: [String]) {
        var differing: [String] = [], accepted: [String] = []
        func run(_ name: String, _ p: P, _ s: S, valid: Bool) {
            let verdicts = verifiers.map { verify in CRTPathTests.verdict { try verify(p, s) } }
            if verdicts.contains(where: { $0 != verdicts[0] }) { differing.append(name) }
            if valid ? verdicts.contains(where: { $0 != nil }) : verdicts.contains(where: { $0 == nil }) { accepted.append(name) }
        }
        run("valid", proof, statement, valid: true)
        for (index, name) in proof.fieldNames.enumerated() {
            if case .success(let changed) = proof.perturbed(field: index) { run("proof " + name, changed, statement, valid: false) }
        }
        for (index, name) in statement.fieldNames.enumerated() {
            if case .success(let changed) = statement.perturbed(field: index) { run("statement " + name, proof, changed, valid: false) }
        }
        return (differing, accepted)
    }

    static func expectAgreement(_ result: (differing: [String], accepted: [String]), _ name: String) {
        #expect(result.differing.isEmpty, "\(name): verdicts differ for \(result.differing)")
        #expect(result.accepted.isEmpty, "\(name): wrong verdict (valid rejected or change accepted) for \(result.accepted)")
    }

    @Test func encElg() {
        let c = EncElgCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(EncElgProofTests.proof, c.statement, [
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .fast) },
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: EncElgProof, s: EncElgProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πenc-elg")
    }

    @Test func affG() {
        let c = AffGCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(AffGProofTests.proof, c.statement, [
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .fast) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: AffGProof, s: AffGProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πaff-g")
    }

    @Test func affGStar() {
        let c = AffGCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(AffGStarProofTests.proof, c.statement, [
            { (p: AffGStarProof, s: AffGProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: AffGStarProof, s: AffGProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πaff-g*")
    }

    @Test func dec() {
        let c = DecCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(DecProofTests.proof, c.statement, [
            { (p: DecProof, s: DecProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: DecProof, s: DecProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πdec")
    }

    @Test func mul() {
        let c = MulCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(MulProofTests.proof, c.statement, [
            { (p: MulProof, s: MulProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: MulProof, s: MulProof.Statement) throws in
                try p.verify(s, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πmul")
    }

    @Test func mulStar() {
        let c = MulStarCase.testing, f = c.fixture
        Self.expectAgreement(Self.check(MulStarProofTests.proof, c.statement, [
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, setup: f.setup, context: f.context, parameters: f.parameters, path: .fast) },
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .reference) },
            { (p: MulStarProof, s: MulStarProof.Statement) throws in
                try p.verify(s, ownSetup: f.setupSecret, context: f.context, parameters: f.parameters, path: .fast) },
        ]), "Πmul*")
    }

    static func noSmallFactorCase(_ parameters: SchemeParameters) -> (NoSmallFactorProof, NoSmallFactorProof.Statement) {
        var rng = ChaChaRandom(testSeed: 3)
        let key = Fixtures.key(parameters)
        let verifierParameters = Fixtures.ringPedersenSecret(parameters).parameters
        let proof = NoSmallFactorProof.prove(key: key, verifierParameters: verifierParameters, context: Fixtures.context,
                                             parameters: parameters, using: &rng)
        return (proof, NoSmallFactorProof.Statement(key.publicKey, verifierParameters: verifierParameters))
    }

    @Test func noSmallFactor() {
        let (proof, statement) = Self.noSmallFactorCase(.testing)
        Self.expectAgreement(Self.check(proof, statement, [
            { (p: NoSmallFactorProof, s: NoSmallFactorProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .reference) },
            { (p: NoSmallFactorProof, s: NoSmallFactorProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .fast) },
        ]), "Πfac")
    }

    static func modulusCase(_ parameters: SchemeParameters) -> (ModulusProof, ModulusProof.Statement) {
        var rng = ChaChaRandom(testSeed: 1)
        let key = Fixtures.key(parameters)
        return (ModulusProof.prove(key: key, context: Fixtures.context, parameters: parameters, using: &rng),
                ModulusProof.Statement(key.publicKey))
    }

    static func ringPedersenCase(_ parameters: SchemeParameters) -> (RingPedersenProof, RingPedersenProof.Statement) {
        var rng = ChaChaRandom(testSeed: 2)
        let secret = Fixtures.ringPedersenSecret(parameters)
        return (RingPedersenProof.prove(secret: secret, context: Fixtures.context, parameters: parameters, using: &rng),
                RingPedersenProof.Statement(secret.parameters))
    }

    /// Πmod: the fast path checks the repetitions on every core.
    @Test func modulus() {
        let (proof, statement) = Self.modulusCase(.testing)
        Self.expectAgreement(Self.check(proof, statement, [
            { (p: ModulusProof, s: ModulusProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .reference) },
            { (p: ModulusProof, s: ModulusProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .fast) },
        ]), "Πmod")
    }

    /// Πprm: the fast path takes every t^z_i from a fixed-base table, on every core.
    @Test func ringPedersen() {
        let (proof, statement) = Self.ringPedersenCase(.testing)
        Self.expectAgreement(Self.check(proof, statement, [
            { (p: RingPedersenProof, s: RingPedersenProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .reference) },
            { (p: RingPedersenProof, s: RingPedersenProof.Statement) throws in
                try p.verify(s, context: Fixtures.context, parameters: .testing, path: .fast) },
        ]), "Πprm")
    }

    /// With two failing repetitions, the parallel checks name the first one, as the sequential
    /// loop does (a later failure finishing first on another core must not win).
    @Test func concurrentChecksNameTheFirstFailingRepetition() throws {
        let (prm, prmStatement) = Self.ringPedersenCase(.testing)
        let last = prm.responses.count - 1
        var responses = prm.responses
        responses[2] = responses[2] + .one
        responses[last] = responses[last] + .one
        let broken = RingPedersenProof(commitments: prm.commitments, responses: responses)
        for path in [ArithmeticPath.reference, .fast] {
            #expect(throws: ProofError.equationFailed("t^z[2] = A[2]·s^e[2]")) {
                try broken.verify(prmStatement, context: Fixtures.context, parameters: .testing, path: path)
            }
        }

        let c = DecCase.testing, f = c.fixture, dec = DecProofTests.proof
        var repetitions = dec.repetitions
        for j in [3, repetitions.count - 1] {
            let r = repetitions[j]
            repetitions[j] = .init(ciphertextA: r.ciphertextA, pointB: r.pointB, pointC: r.pointC,
                                   z: r.z, w: r.w + .one, nu: r.nu)
        }
        let brokenDec = DecProof(repetitions: repetitions)
        for path in [ArithmeticPath.reference, .fast] {
            #expect(throws: ProofError.equationFailed("enc0(w; nu)·K^-z = A·D^e [3]")) {
                try brokenDec.verify(c.statement, context: f.context, parameters: f.parameters, path: path)
            }
        }
    }

    /// Both paths accept at production sizes (committed 1024-bit primes), where the exponents have
    /// their real lengths.
    @Test func bothPathsAcceptAtProduction112() throws {
        let (fac, facStatement) = Self.noSmallFactorCase(.production112)
        let (prm, prmStatement) = Self.ringPedersenCase(.production112)
        let encElg = EncElgCase(.production112, seed: 13), mulStar = MulStarCase(.production112, seed: 43)
        let encElgProof = encElg.prove(), mulStarProof = mulStar.prove()
        for path in [ArithmeticPath.reference, .fast] {
            try fac.verify(facStatement, context: Fixtures.context, parameters: .production112, path: path)
            try prm.verify(prmStatement, context: Fixtures.context, parameters: .production112, path: path)
            try encElgProof.verify(encElg.statement, setup: encElg.fixture.setup, context: encElg.fixture.context,
                                   parameters: encElg.fixture.parameters, path: path)
            try mulStarProof.verify(mulStar.statement, setup: mulStar.fixture.setup, context: mulStar.fixture.context,
                                    parameters: mulStar.fixture.parameters, path: path)
        }
    }
}
