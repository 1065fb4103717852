import ArgumentParser
import BigNum
import CGGMP
import Foundation
import Paillier
import Secp256k1

/// `tss bench paillier-proofs`: prove and verify time, and encoded size, of Πenc-elg, Πaff-g,
/// Πaff-g*, Πdec, Πmul and Πmul* at a parameter set (production112 by default). Keys come from the
/// committed primes in `Vectors/primes/` (safe-prime generation would dominate the run). Every
/// proof is verified; a failure aborts the benchmark.
struct BenchPaillierProofs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paillier-proofs",
        abstract: "CGGMP Paillier/curve proofs: prove and verify time (median) and encoded size.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 3
    @Option(help: "Parameter set: production112 or production128.") var params = "production112"
    @Option(help: "Directory holding the committed primes (blum-<bits>.json, safe-<bits>.json).")
    var primes = "Vectors/primes"

    func run() throws {
        let parameters: SchemeParameters = params == "production128" ? .production128 : .production112
        let rows = try PaillierProofBench.rows(parameters: parameters, primesDirectory: primes, samples: samples)
        if json {
            print(BenchOutput.json(["parameters": parameters.name, "benchmarks": rows.map(\.json)]))
        } else {
            print(BenchOutput.table(["proof", "prove ms", "verify ms", "bytes"], rows.map(\.cells)))
        }
    }
}

/// The rows of the Paillier/curve proof benchmark, separate from the command so `tss bench proofs`
/// can include them.
enum PaillierProofBench {
    struct Row {
        let name: String
        let proveMillis: Double
        let verifyMillis: Double
        let bytes: Int
        var json: [String: Any] { ["name": name, "prove_ms": proveMillis, "verify_ms": verifyMillis, "bytes": bytes] }
        var cells: [String] {
            [name, BenchOutput.fixed(proveMillis, 1), BenchOutput.fixed(verifyMillis, 1), String(bytes)]
        }
    }

    struct BenchError: Error, CustomStringConvertible { let description: String }

    static func rows(parameters: SchemeParameters, primesDirectory: String, samples: Int) throws -> [Row] {
        let bits = parameters.paillierPrimeBits
        let blum = try loadPrimes(primesDirectory, kind: "blum", bits: bits)
        let safe = try loadPrimes(primesDirectory, kind: "safe", bits: bits)
        guard blum.count >= 4, safe.count >= 2 else { throw BenchError(description: "need 4 blum and 2 safe primes") }
        var rng = ChaChaRandom(testSeed: 0x70726f6f6673)
        let verifierSecret = try PaillierSecretKey(p: blum[0], q: blum[1])
        let proverSecret = try PaillierSecretKey(p: blum[2], q: blum[3])
        let setup = try RingPedersenSecret(p: safe[0], q: safe[1], using: &rng).parameters
        let n0 = verifierSecret.publicKey, n1 = proverSecret.publicKey
        let context = ProofContext(sessionID: Array("bench".utf8), proverID: Array("party-1".utf8))
        let ell = parameters.ell

        func unit(_ key: PaillierPublicKey) -> BigInt { try! BigInt.randomUnit(modulo: key.modulus, using: &rng) }
        func point(_ x: BigInt) -> Point { Point.generatorMultiple(Scalar(reducing: x)) }

        func measure<P: WireCodable>(_ name: String, prove: () throws -> P,
                                     verify: (P) throws -> Void) throws -> Row {
            var proof = try prove()
            try verify(proof)  // a benchmark of a failing proof would be meaningless
            let proveMillis = try median(samples) { proof = try prove() }
            let verifyMillis = try median(samples) { try verify(proof) }
            return Row(name: name, proveMillis: proveMillis, verifyMillis: verifyMillis, bytes: proof.serialized().count)
        }

        var rows: [Row] = []

        // Πenc-elg
        do {
            let x = BigInt.random(signedBits: ell, using: &rng), rho = unit(n1)
            let a = Scalar.random(using: &rng), b = Scalar.random(using: &rng)
            let statement = EncElgProof.Statement(
                key: n1, ciphertext: try n1.encrypt(x, randomness: rho), a: Point.generatorMultiple(a),
                b: Point.generatorMultiple(b), x: Point.generatorMultiple(a * b + Scalar(reducing: x)))
            let witness = EncElgProof.Witness(plaintext: x, randomizer: rho, b: b)
            rows.append(try measure("Πenc-elg", prove: {
                EncElgProof.prove(statement, witness: witness, setup: setup, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, setup: setup, context: context, parameters: parameters) }))
        }

        // Πaff-g and Πaff-g*: D = C^x · enc0(−y; ρ), Y = enc1(y; ρ_y)
        do {
            let x = BigInt.random(signedBits: ell, using: &rng)
            let y = BigInt.random(signedBits: parameters.ellPrime, using: &rng)
            let rho = unit(n0), rhoY = unit(n1)
            let c = n0.encrypt(BigInt.random(signedBits: ell, using: &rng), using: &rng).ciphertext
            let d = n0.add(try n0.multiply(c, by: x), try n0.encrypt(-y, randomness: rho))
            let statement = AffGProof.Statement(verifierKey: n0, proverKey: n1, c: c, d: d,
                                                y: try n1.encrypt(y, randomness: rhoY), x: point(x))
            let witness = AffGProof.Witness(x: x, y: y, rho: rho, rhoY: rhoY)
            rows.append(try measure("Πaff-g", prove: {
                try AffGProof.prove(statement, witness: witness, setup: setup, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, setup: setup, context: context, parameters: parameters) }))
            let starWitness = AffGStarProof.Witness(x: x, y: y, rho: rho, mu: rhoY)
            rows.append(try measure("Πaff-g*", prove: {
                try AffGStarProof.prove(statement, witness: starWitness, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, context: context, parameters: parameters) }))
        }

        // Πdec: enc0(y; ρ) = K^x · D, S = y·Γ, three parties
        do {
            let parties = 3
            let x = BigInt.random(signedBits: ell, using: &rng)
            let y = BigInt.random(signedBits: DecProof.plaintextBits(partyCount: parties, parameters: parameters), using: &rng)
            let rho = unit(n1)
            let k = n1.encrypt(BigInt.random(signedBits: ell, using: &rng), using: &rng).ciphertext
            let d = n1.add(try n1.encrypt(y, randomness: rho), try n1.multiply(k, by: -x))
            let gamma = Point.generatorMultiple(Scalar.random(using: &rng))
            let statement = DecProof.Statement(key: n1, k: k, x: point(x), d: d, s: gamma * Scalar(reducing: y),
                                               gamma: gamma, partyCount: parties)
            let witness = DecProof.Witness(x: x, y: y, rho: rho)
            rows.append(try measure("Πdec", prove: {
                try DecProof.prove(statement, witness: witness, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, context: context, parameters: parameters) }))
        }

        // Πmul: X = enc(x; ρ_x), C = Y^x · ρ^N under the prover's key
        do {
            let x = BigInt.random(signedBits: ell, using: &rng), rho = unit(n1), rhoX = unit(n1)
            let y = n1.encrypt(BigInt.random(signedBits: ell, using: &rng), using: &rng).ciphertext
            let c = n1.add(try n1.multiply(y, by: x), try n1.encrypt(.zero, randomness: rho))
            let statement = MulProof.Statement(key: n1, x: try n1.encrypt(x, randomness: rhoX), y: y, c: c)
            let witness = MulProof.Witness(x: x, rho: rho, rhoX: rhoX)
            rows.append(try measure("Πmul", prove: {
                try MulProof.prove(statement, witness: witness, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, context: context, parameters: parameters) }))
        }

        // Πmul*: D = C^x · ρ^{N0}, X = x·G
        do {
            let x = BigInt.random(signedBits: ell, using: &rng), rho = unit(n0)
            let c = n0.encrypt(BigInt.random(signedBits: ell, using: &rng), using: &rng).ciphertext
            let d = n0.add(try n0.multiply(c, by: x), try n0.encrypt(.zero, randomness: rho))
            let statement = MulStarProof.Statement(key: n0, c: c, d: d, x: point(x))
            let witness = MulStarProof.Witness(x: x, rho: rho)
            rows.append(try measure("Πmul*", prove: {
                try MulStarProof.prove(statement, witness: witness, setup: setup, context: context, parameters: parameters, using: &rng)
            }, verify: { try $0.verify(statement, setup: setup, context: context, parameters: parameters) }))
        }
        return rows
    }

    /// Median wall time of `samples` runs, in milliseconds.
    static func median(_ samples: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(samples, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return times[times.count / 2]
    }

    static func loadPrimes(_ directory: String, kind: String, bits: Int) throws -> [BigInt] {
        struct File: Decodable { let primes: [String] }
        let path = "\(directory)/\(kind)-\(bits).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchError(description: "cannot read \(path) (run from the repository root or pass --primes)")
        }
        return try JSONDecoder().decode(File.self, from: data).primes.map { try BigInt(hex: $0) }
    }
}
