import BigNum
import Foundation
import Paillier
import Testing
import TestSupport
@_spi(Benchmarks) @testable import CGGMP

/// Named regressions: each fails if the check it names is removed from the verifier (the tests
/// expect the specific error, and where a forged proof is built, it satisfies every other check).
@Suite struct ProofRegressionTests {
    let context = Fixtures.context

    func honestModulusProof() -> (ModulusProof, ModulusProof.Statement) {
        var rng = ChaChaRandom(testSeed: 11)
        let key = Fixtures.testingKey
        return (ModulusProof.prove(key: key, context: context, parameters: .testing, using: &rng), .init(key.publicKey))
    }

    @Test("Πmod rejects w with Jacobi symbol +1 (CVE-2025-66016)")
    func modRejectsJacobiPlusOne() throws {
        let (proof, statement) = honestModulusProof()
        let n = statement.modulus
        let minusOne = n - .one  // Jacobi(−1, N) = +1 for a Blum modulus
        #expect(try minusOne.jacobiVariableTime(n) == 1)
        let forged = ModulusProof(w: minusOne, repetitions: proof.repetitions)
        #expect(throws: ProofError.jacobiSymbolNotMinusOne) {
            try forged.verify(statement, context: context, parameters: .testing)
        }
    }

    @Test("Πmod rejects w sharing a factor with N")
    func modRejectsNonUnitW() {
        let (proof, statement) = honestModulusProof()
        let forged = ModulusProof(w: Fixtures.testingKey.p, repetitions: proof.repetitions)
        #expect(throws: ProofError.notAUnit(field: "w")) {
            try forged.verify(statement, context: context, parameters: .testing)
        }
    }

    @Test("Πmod rejects a prime N even when every equation holds")
    func modRejectsPrimeModulus() throws {
        // A prime p ≡ 3 (mod 4) of the set's modulus length: every y has a fourth root of ±y and
        // z = y is an N-th root, so only the primality check stops this proof.
        let n = Fixtures.primes("blum", bits: SchemeParameters.testing.modulusBits)[0]
        var rng = ChaChaRandom(testSeed: 12)
        var w: BigInt
        repeat { w = try BigInt.randomUnit(modulo: n, using: &rng) } while try w.jacobiVariableTime(n) != -1
        let statement = ModulusProof.Statement(modulus: n)
        var transcript = Transcript(proof: ModulusProof.tag, context: context, parameters: .testing)
        transcript.append("statement", statement)
        transcript.append("w", w)
        let fourthRoot = try (((n + .one) >> 2) * ((n + .one) >> 2)).modulo(n - .one)
        let repetitions = try (0..<SchemeParameters.testing.modRepetitions).map { _ in
            let y = transcript.challengeUnit(modulo: n)
            let a = try y.jacobiVariableTime(n) == -1
            let target = a ? n - y : y
            let x = try target.powerVariableTime(fourthRoot, modulo: n)
            #expect(try x.powerVariableTime(BigInt(4), modulo: n) == target)
            #expect(try y.powerVariableTime(n, modulo: n) == y)
            return ModulusProof.Repetition(x: x, a: a, b: false, z: y)
        }
        let forged = ModulusProof(w: w, repetitions: repetitions)
        #expect(throws: ProofError.modulusIsPrime) { try forged.verify(statement, context: context, parameters: .testing) }
    }

    @Test("Πmod and Πprm reject fewer repetitions than the parameter set's m (TSSHOCK c-guess)")
    func fewerRepetitionsRejected() throws {
        let m = SchemeParameters.testing.modRepetitions
        let (proof, statement) = honestModulusProof()
        let shortMod = ModulusProof(w: proof.w, repetitions: Array(proof.repetitions.dropLast()))
        #expect(throws: ProofError.wrongRepetitionCount(expected: m, got: m - 1)) {
            try shortMod.verify(statement, context: context, parameters: .testing)
        }

        // A prover who ran fewer repetitions honestly (a weaker parameter set) is rejected too.
        let weaker = SchemeParameters(
            name: SchemeParameters.testing.name, paillierPrimeBits: 512, ell: 256, ellPrime: 576, epsilon: 320,
            securityBits: 256, modRepetitions: 8, prmRepetitions: SchemeParameters.testing.prmRepetitions - 1,
            bitChallengeRepetitions: 8, statisticalSlack: 64)
        var rng = ChaChaRandom(testSeed: 13)
        let secret = Fixtures.testingRingPedersen
        let shortPrm = RingPedersenProof.prove(secret: secret, context: context, parameters: weaker, using: &rng)
        try shortPrm.verify(.init(secret.parameters), context: context, parameters: weaker)
        #expect(throws: ProofError.wrongRepetitionCount(expected: weaker.prmRepetitions + 1, got: weaker.prmRepetitions)) {
            try shortPrm.verify(.init(secret.parameters), context: context, parameters: .testing)
        }
    }

    @Test("Πprm rejects a commitment outside [1, N̂)")
    func prmRejectsUnreducedCommitment() {
        var rng = ChaChaRandom(testSeed: 14)
        let secret = Fixtures.testingRingPedersen
        let proof = RingPedersenProof.prove(secret: secret, context: context, parameters: .testing, using: &rng)
        var commitments = proof.commitments
        commitments[0] = commitments[0] + secret.parameters.modulus  // same residue, not reduced
        let forged = RingPedersenProof(commitments: commitments, responses: proof.responses)
        #expect(throws: ProofError.rangeCheckFailed(field: "A[0]")) {
            try forged.verify(.init(secret.parameters), context: context, parameters: .testing)
        }
    }

    private struct MaliciousModuli: Decodable {
        struct BitForge: Decodable { let modulus: String; let small_primes_product: String; let large_prime: String }
        let bitforge2048: BitForge
        enum CodingKeys: String, CodingKey { case bitforge2048 = "bitforge-2048" }
    }

    @Test("Πfac rejects N₀ with 16 small factors (BitForge, CVE-2023-33241) at production112")
    func facRejectsBitForge() throws {
        let file = try TestVectors.decode(MaliciousModuli.self, from: TestVectors.local("proofs/malicious-moduli.json"))
        let n0 = try BigInt(hex: file.bitforge2048.modulus)
        let small = try BigInt(hex: file.bitforge2048.small_primes_product)
        let large = try BigInt(hex: file.bitforge2048.large_prime)
        #expect(small * large == n0 && n0.bitLength == 2048)
        let parameters = SchemeParameters.production112
        let statement = NoSmallFactorProof.Statement(
            modulus: n0, ringPedersen: .init(Fixtures.productionRingPedersen.parameters))
        // The prover runs the honest algorithm on the real factorisation: every equation holds,
        // but the response for the large factor cannot fit the range.
        var rng = ChaChaRandom(testSeed: 15)
        let proof = NoSmallFactorProof.prove(p: small, q: large, statement: statement, context: context,
                                             parameters: parameters, using: &rng)
        #expect(throws: ProofError.rangeCheckFailed(field: "z2")) {
            try proof.verify(statement, context: context, parameters: parameters)
        }
    }

    @Test("Πmod and Πfac reject an N of the wrong length or an even N")
    func modulusShapeChecks() {
        let (proof, _) = honestModulusProof()
        let n = Fixtures.testingKey.modulus
        #expect(throws: ProofError.modulusHasWrongBitLength(expected: 1024, got: 1025)) {
            try proof.verify(.init(modulus: n << 1 + .one), context: context, parameters: .testing)
        }
        #expect(throws: ProofError.modulusIsEven) {
            try proof.verify(.init(modulus: n + .one), context: context, parameters: .testing)
        }
        let p = Fixtures.primes("blum", bits: 512)[0]
        #expect(throws: ProofError.modulusIsPerfectPower) {
            try proof.verify(.init(modulus: p * p), context: context, parameters: .testing)
        }
    }
}
