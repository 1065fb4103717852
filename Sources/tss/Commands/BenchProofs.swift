import ArgumentParser
import BigNum
@_spi(Benchmarks) import CGGMP
import Foundation
import Paillier
import Secp256k1

/// `tss bench proofs`: prove and verify time and encoded size of each CGGMP proof at a parameter
/// set (production112 by default), with keys built from the committed primes in `Vectors/primes`.
struct BenchProofs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs",
        abstract: "CGGMP zero-knowledge proofs: prove / verify medians and encoded sizes.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 5
    @OptionGroup var parameters: ParameterSetOptions
    @Option(help: "Folder holding blum-<bits>.json and safe-<bits>.json.") var primes = "Vectors/primes"
    @Option(help: "Only proofs whose name contains this text.") var only: String?

    func validate() throws {
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        parameters.warnIfDeprecated()
        let set = parameters.selected.parameters
        let inputs = try ProofBenchInputs(parameters: set, primesFolder: primes)
        var results: [[String: Any]] = []
        let modexpBefore = ModexpReference.sampleMicros()
        var entryReference = EntryModexp()
        for benchCase in ProofBenchCase.all where only.map({ benchCase.name.contains($0) }) ?? true {
            let (prove, verify) = benchCase.setup(inputs)
            var encoded: [UInt8] = []
            entryReference.begin()
            let proveMicros = BenchClock.medianMicros(samples: samples, iterations: 1) { encoded = prove() }
            guard (try? verify(encoded)) != nil else {
                throw ValidationError("\(benchCase.name): a fresh proof did not verify")
            }
            let verifyMicros = BenchClock.medianMicros(samples: samples, iterations: 1) { try! verify(encoded) }
            results.append(["proof": benchCase.name, "parameters": set.name, "prove_ms": proveMicros / 1000,
                            "verify_ms": verifyMicros / 1000, "bytes": encoded.count])
            results[results.count - 1]["modexp_ms"] = entryReference.end()
            if let reference = benchCase.reference {
                let fields = try ProofBenchCase.referenceFields(benchCase.name, fast: (prove, verify),
                                                                reference: reference(inputs), samples: samples)
                results[results.count - 1].merge(fields) { _, new in new }
            }
        }
        let modexp = ModexpReference(before: modexpBefore, after: ModexpReference.sampleMicros(), between: entryReference.all)
        results = results.map { $0.merging(["modexp_ms": modexp.milliseconds]) { old, _ in old } }
        if json {
            print(BenchOutput.json((["benchmarks": results] as [String: Any]).merging(modexp.jsonFields) { old, _ in old }))
        } else {
            print(modexp.tableLine)
            print(BenchOutput.table(
                ["proof (\(set.name))", "prove ms", "verify ms", "bytes"],
                results.map { r in [r["proof"] as! String, BenchOutput.fixed(r["prove_ms"] as! Double, 1),
                                    BenchOutput.fixed(r["verify_ms"] as! Double, 1), String(r["bytes"] as! Int)] }))
        }
    }
}

/// What every proof benchmark draws on: the prover's Paillier key, a second party's Paillier key,
/// the verifier's ring-Pedersen parameters, a context and a seeded generator.
struct ProofBenchInputs: Sendable {
    let parameters: SchemeParameters
    let proverKey: PaillierSecretKey
    let otherKey: PaillierSecretKey
    let ringPedersen: RingPedersenSecret
    let context = ProofContext(sessionID: Array("bench-session".utf8), proverID: Array("bench-prover".utf8))

    init(parameters: SchemeParameters, primesFolder: String) throws {
        self.parameters = parameters
        func load(_ kind: String) throws -> [BigInt] {
            let url = URL(fileURLWithPath: primesFolder).appendingPathComponent("\(kind)-\(parameters.paillierPrimeBits).json")
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let hex = object["primes"] as? [String], hex.count >= 4
            else { throw ValidationError("cannot read four primes from \(url.path) (run from the repository root)") }
            return try hex.map { try BigInt(hex: $0) }
        }
        let blum = try load("blum"), safe = try load("safe")
        proverKey = try PaillierSecretKey(p: blum[0], q: blum[1])
        otherKey = try PaillierSecretKey(p: blum[2], q: blum[3])
        var rng = ChaChaRandom(testSeed: 0x70726f6f6673)
        ringPedersen = try RingPedersenSecret(p: safe[0], q: safe[1], using: &rng)
    }
}

/// One proof to benchmark: `setup` builds the statement and returns a prover (giving the encoded
/// proof) and a verifier (of encoded proofs, so decoding is timed too).
struct ProofBenchCase: Sendable {
    let name: String
    let setup: @Sendable (ProofBenchInputs) -> BenchClosures
    /// The same proof on the oracle path (`ArithmeticPath.reference`, issue #13: full width, separate
    /// powers), for proofs whose fast path uses a factorisation or multi-exponentiation; nil for the
    /// others.
    var reference: (@Sendable (ProofBenchInputs) -> BenchClosures)? = nil

    /// Every benchmarked proof; add a line per proof.
    static let all: [ProofBenchCase] = [.modulus, .ringPedersen, .noSmallFactor, .schnorr, .elog] + paillierCurveCases

    static let modulus = ProofBenchCase(name: "Πmod", setup: { modulusClosures($0, .fast) },
                                        reference: { modulusClosures($0, .reference) })

    /// The fast path proves and checks the repetitions on every core; the oracle one by one.
    private static func modulusClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        let statement = ModulusProof.Statement(inputs.proverKey.publicKey)
        return ({
            var rng = ChaChaRandom(testSeed: 1)
            return ModulusProof.prove(key: inputs.proverKey, context: inputs.context, parameters: inputs.parameters,
                                      using: &rng, path: path).encoded
        }, { bytes in
            try ModulusProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    static let ringPedersen = ProofBenchCase(name: "Πprm", setup: { ringPedersenClosures($0, .fast) },
                                             reference: { ringPedersenClosures($0, .reference) })

    /// The prover owns N̂ (commitments by CRT on `.fast`); the fast verifier takes t^z_i from a
    /// fixed-base table. Both fan the repetitions out over every core on `.fast`.
    private static func ringPedersenClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        let statement = RingPedersenProof.Statement(inputs.ringPedersen.parameters)
        return ({
            var rng = ChaChaRandom(testSeed: 2)
            return RingPedersenProof.prove(secret: inputs.ringPedersen, context: inputs.context,
                                           parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try RingPedersenProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    static let noSmallFactor = ProofBenchCase(name: "Πfac", setup: { noSmallFactorClosures($0, .fast) },
                                              reference: { noSmallFactorClosures($0, .reference) })

    /// The verifier has no secret here: its fast path is multi-exponentiation (the prover is the same
    /// on both paths).
    private static func noSmallFactorClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        let verifierParameters = inputs.ringPedersen.parameters
        let statement = NoSmallFactorProof.Statement(inputs.proverKey.publicKey, verifierParameters: verifierParameters)
        return ({
            var rng = ChaChaRandom(testSeed: 3)
            return NoSmallFactorProof.prove(key: inputs.proverKey, verifierParameters: verifierParameters,
                                            context: inputs.context, parameters: inputs.parameters, using: &rng).encoded
        }, { bytes in
            try NoSmallFactorProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters,
                                                          path: path)
        })
    }

    static let schnorr = ProofBenchCase(name: "Πsch") { inputs in
        var setupRNG = ChaChaRandom(testSeed: 4)
        let x = Scalar.random(using: &setupRNG)
        let statement = SchnorrProof.Statement(publicPoint: .generatorMultiple(x))
        return ({
            var rng = ChaChaRandom(testSeed: 5)
            return SchnorrProof.prove(secret: x, statement: statement, context: inputs.context,
                                      parameters: inputs.parameters, using: &rng).encoded
        }, { bytes in
            try SchnorrProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters)
        })
    }

    static let elog = ProofBenchCase(name: "Πelog") { inputs in
        var setupRNG = ChaChaRandom(testSeed: 6)
        let y = Scalar.random(using: &setupRNG), lambda = Scalar.random(using: &setupRNG)
        let x = Point.generatorMultiple(.random(using: &setupRNG)), h = Point.generatorMultiple(.random(using: &setupRNG))
        let statement = ElogProof.Statement(L: .generatorMultiple(lambda), M: .generatorMultiple(y) + lambda * x,
                                            X: x, Y: y * h, h: h)
        return ({
            var rng = ChaChaRandom(testSeed: 7)
            return ElogProof.prove(y: y, lambda: lambda, statement: statement, context: inputs.context,
                                   parameters: inputs.parameters, using: &rng).encoded
        }, { bytes in
            try ElogProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters)
        })
    }
}
