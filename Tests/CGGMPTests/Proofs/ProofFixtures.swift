import BigNum
import Paillier
import Secp256k1
import TestSupport
@_spi(Benchmarks) @testable import CGGMP

/// Keys and parameters for proof tests, from the committed primes (never generated in a test).
enum Fixtures {
    static let context = ProofContext(sessionID: Array("test-session".utf8), proverID: Array("party-1".utf8))

    static func primes(_ kind: String, bits: Int) -> [BigInt] {
        CommittedPrimes.hex(kind: kind, bits: bits).map { try! BigInt(hex: $0) }
    }

    /// The `index`-th Paillier key of the set's size (Blum primes 2·index, 2·index + 1).
    static func paillierKey(_ parameters: SchemeParameters, index: Int = 0) -> PaillierSecretKey {
        let blum = primes("blum", bits: parameters.paillierPrimeBits)
        return try! PaillierSecretKey(p: blum[2 * index], q: blum[2 * index + 1])
    }

    /// The `index`-th ring-Pedersen secret of the set's size (safe primes), with seeded s, t.
    static func ringPedersen(_ parameters: SchemeParameters, index: Int = 0) -> RingPedersenSecret {
        let safe = primes("safe", bits: parameters.paillierPrimeBits)
        var rng = ChaChaRandom(testSeed: UInt64(1000 + index))
        return try! RingPedersenSecret(p: safe[2 * index], q: safe[2 * index + 1], using: &rng)
    }

    static let testingKey = paillierKey(.testing)
    static let testingRingPedersen = ringPedersen(.testing)
    static let productionKey = paillierKey(.production112)
    static let productionRingPedersen = ringPedersen(.production112)

    static func key(_ parameters: SchemeParameters) -> PaillierSecretKey {
        parameters == .production112 ? productionKey : testingKey
    }
    static func ringPedersenSecret(_ parameters: SchemeParameters) -> RingPedersenSecret {
        parameters == .production112 ? productionRingPedersen : testingRingPedersen
    }
}

/// A proof and its statement with the types erased, so one set of tests runs over every proof.
struct ErasedProof: Sendable {
    let proofFieldNames: [String]
    let statementFieldNames: [String]
    let encodedSize: Int
    /// Verifies the proof as made.
    let verify: @Sendable (ProofContext) -> Result<Void, ProofError>
    /// Decodes the proof with field i changed and verifies it (a decoding failure is a rejection).
    let verifyWithPerturbedProofField: @Sendable (Int) -> Result<Void, ProofError>
    /// Verifies the proof against the statement with field i changed.
    let verifyWithPerturbedStatementField: @Sendable (Int) -> Result<Void, ProofError>
    /// Whether serialize → decode → serialize gives the same bytes and the decoded proof verifies.
    let roundTrips: @Sendable () -> Bool

    init<Proof: WireCodable, Statement: WireCodable>(
        proof: Proof, statement: Statement, context: ProofContext, parameters: SchemeParameters,
        verify: @escaping @Sendable (Proof, Statement, ProofContext, SchemeParameters) throws(ProofError) -> Void
    ) {
        let run: @Sendable (Proof, Statement, ProofContext) -> Result<Void, ProofError> = { p, s, c in
            do throws(ProofError) { try verify(p, s, c, parameters); return .success(()) } catch { return .failure(error) }
        }
        proofFieldNames = proof.fieldNames
        statementFieldNames = statement.fieldNames
        encodedSize = proof.encoded.count
        self.verify = { run(proof, statement, $0) }
        verifyWithPerturbedProofField = { index in
            proof.perturbed(field: index).mapError(ProofError.malformedEncoding).flatMap { run($0, statement, context) }
        }
        verifyWithPerturbedStatementField = { index in
            statement.perturbed(field: index).mapError(ProofError.malformedEncoding).flatMap { run(proof, $0, context) }
        }
        roundTrips = {
            let bytes = proof.encoded
            guard let decoded = try? Proof(encoded: bytes) else { return false }
            return decoded.encoded == bytes && (try? run(decoded, statement, context).get()) != nil
        }
    }
}

/// One proof type under test: makes a valid proof for a parameter set and context.
struct ProofCase: Sendable, CustomStringConvertible {
    let name: String
    let make: @Sendable (SchemeParameters, ProofContext) -> ErasedProof
    var description: String { name }

    /// Every proof of this module. (Helper P2 adds its proofs here.)
    static let all: [ProofCase] = [.modulus, .ringPedersen, .noSmallFactor, .schnorr, .elog]

    static let modulus = ProofCase(name: "Πmod") { parameters, context in
        var rng = ChaChaRandom(testSeed: 1)
        let key = Fixtures.key(parameters)
        let proof = ModulusProof.prove(key: key, context: context, parameters: parameters, using: &rng)
        return ErasedProof(proof: proof, statement: ModulusProof.Statement(key.publicKey),
                           context: context, parameters: parameters) { (p, s, c, params) throws(ProofError) in try p.verify(s, context: c, parameters: params) }
    }

    static let ringPedersen = ProofCase(name: "Πprm") { parameters, context in
        var rng = ChaChaRandom(testSeed: 2)
        let secret = Fixtures.ringPedersenSecret(parameters)
        let proof = RingPedersenProof.prove(secret: secret, context: context, parameters: parameters, using: &rng)
        return ErasedProof(proof: proof, statement: RingPedersenProof.Statement(secret.parameters),
                           context: context, parameters: parameters) { (p, s, c, params) throws(ProofError) in try p.verify(s, context: c, parameters: params) }
    }

    static let noSmallFactor = ProofCase(name: "Πfac") { parameters, context in
        var rng = ChaChaRandom(testSeed: 3)
        let key = Fixtures.key(parameters)
        let verifierParameters = Fixtures.ringPedersenSecret(parameters).parameters
        let proof = NoSmallFactorProof.prove(key: key, verifierParameters: verifierParameters, context: context,
                                             parameters: parameters, using: &rng)
        let statement = NoSmallFactorProof.Statement(key.publicKey, verifierParameters: verifierParameters)
        return ErasedProof(proof: proof, statement: statement, context: context, parameters: parameters) { (p, s, c, params) throws(ProofError) in
            try p.verify(s, context: c, parameters: params)
        }
    }

    static let schnorr = ProofCase(name: "Πsch") { parameters, context in
        var rng = ChaChaRandom(testSeed: 4)
        let x = Scalar.random(using: &rng)
        let statement = SchnorrProof.Statement(publicPoint: .generatorMultiple(x))
        let proof = SchnorrProof.prove(secret: x, statement: statement, context: context, parameters: parameters, using: &rng)
        return ErasedProof(proof: proof, statement: statement, context: context, parameters: parameters) { (p, s, c, params) throws(ProofError) in
            try p.verify(s, context: c, parameters: params)
        }
    }

    static let elog = ProofCase(name: "Πelog") { parameters, context in
        var rng = ChaChaRandom(testSeed: 5)
        let y = Scalar.random(using: &rng), lambda = Scalar.random(using: &rng)
        let x = Point.generatorMultiple(.random(using: &rng)), h = Point.generatorMultiple(.random(using: &rng))
        let statement = ElogProof.Statement(L: .generatorMultiple(lambda), M: .generatorMultiple(y) + lambda * x,
                                            X: x, Y: y * h, h: h)
        let proof = ElogProof.prove(y: y, lambda: lambda, statement: statement, context: context,
                                    parameters: parameters, using: &rng)
        return ErasedProof(proof: proof, statement: statement, context: context, parameters: parameters) { (p, s, c, params) throws(ProofError) in
            try p.verify(s, context: c, parameters: params)
        }
    }
}
