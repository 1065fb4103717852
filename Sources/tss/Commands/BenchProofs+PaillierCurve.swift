import BigNum
@_spi(Benchmarks) import CGGMP
import Paillier
import Secp256k1

// The Paillier/curve proofs in `tss bench proofs`: Πenc-elg, Πaff-g, Πaff-g*, Πdec, Πmul, Πmul*.
// `proverKey` is the prover's Paillier key (N1, or N0 where the prover owns the ciphertexts),
// `otherKey` the verifier's (N0 of Πaff-g / Πmul*; Πaff-g's verifier checks its N0 equation with it on
// `.fast`), `ringPedersen` the verifier's (N̂, s, t).
extension ProofBenchCase {
    static let paillierCurveCases: [ProofBenchCase] = [.encElg, .affG, .affGStar, .dec, .mul, .mulStar]

    private static func unit(_ key: PaillierPublicKey, _ rng: inout ChaChaRandom) -> BigInt {
        try! BigInt.randomUnit(modulo: key.modulus, using: &rng)
    }

    static let encElg = ProofBenchCase(name: "Πenc-elg", setup: { encElgClosures($0, .fast) },
                                       reference: { encElgClosures($0, .reference) })

    /// The prover owns N0 (CRT encryption on `.fast`), the verifier owns N̂ (CRT check on `.fast`).
    private static func encElgClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        var rng = ChaChaRandom(testSeed: 11)
        let key = inputs.proverKey.publicKey, setup = inputs.ringPedersen.parameters
        let x = BigInt.random(signedBits: inputs.parameters.ell, using: &rng), rho = unit(key, &rng)
        let a = Scalar.random(using: &rng), b = Scalar.random(using: &rng)
        let statement = EncElgProof.Statement(
            key: key, ciphertext: try! key.encrypt(x, randomness: rho), a: .generatorMultiple(a),
            b: .generatorMultiple(b), x: .generatorMultiple(a * b + Scalar(reducing: x)))
        let witness = EncElgProof.Witness(plaintext: x, randomizer: rho, b: b, ownerKey: inputs.proverKey)
        return ({
            var rng = ChaChaRandom(testSeed: 12)
            return EncElgProof.prove(statement, witness: witness, setup: setup, context: inputs.context,
                                     parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try EncElgProof(encoded: bytes).verify(statement, ownSetup: inputs.ringPedersen, context: inputs.context,
                                                      parameters: inputs.parameters, path: path)
        })
    }

    /// D = C^x · enc0(−y; ρ) under the verifier's N0, Y = enc1(y; ρ_y) under the prover's N1.
    private static func affineStatement(_ inputs: ProofBenchInputs, seed: UInt64)
        -> (AffGProof.Statement, x: BigInt, y: BigInt, rho: BigInt, rhoY: BigInt) {
        var rng = ChaChaRandom(testSeed: seed)
        let n0 = inputs.otherKey.publicKey, n1 = inputs.proverKey.publicKey
        let x = BigInt.random(signedBits: inputs.parameters.ell, using: &rng)
        let y = BigInt.random(signedBits: inputs.parameters.ellPrime, using: &rng)
        let rho = unit(n0, &rng), rhoY = unit(n1, &rng)
        let c = n0.encrypt(BigInt.random(signedBits: inputs.parameters.ell, using: &rng), using: &rng).ciphertext
        let d = n0.add(try! n0.multiply(c, by: x), try! n0.encrypt(-y, randomness: rho))
        let statement = AffGProof.Statement(verifierKey: n0, proverKey: n1, c: c, d: d,
                                            y: try! n1.encrypt(y, randomness: rhoY), x: .generatorMultiple(Scalar(reducing: x)))
        return (statement, x, y, rho, rhoY)
    }

    static let affG = ProofBenchCase(name: "Πaff-g", setup: { affGClosures($0, .fast) },
                                     reference: { affGClosures($0, .reference) })

    /// The prover owns N1 (B_y, w_y by CRT on `.fast`), the verifier owns N̂ and N0.
    private static func affGClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        let (statement, x, y, rho, rhoY) = affineStatement(inputs, seed: 13)
        let setup = inputs.ringPedersen.parameters
        let witness = AffGProof.Witness(x: x, y: y, rho: rho, rhoY: rhoY, ownerKey: inputs.proverKey)
        return ({
            var rng = ChaChaRandom(testSeed: 14)
            return try! AffGProof.prove(statement, witness: witness, setup: setup, context: inputs.context,
                                        parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try AffGProof(encoded: bytes).verify(statement, ownSetup: inputs.ringPedersen, ownKey: inputs.otherKey,
                                                    context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    static let affGStar = ProofBenchCase(name: "Πaff-g*", setup: { affGStarClosures($0, .fast) },
                                         reference: { affGStarClosures($0, .reference) })

    /// The prover owns N1 (every B_j, λ_j by CRT on `.fast`); the verifier has no secret here (its
    /// fast path is multi-exponentiation).
    private static func affGStarClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        let (statement, x, y, rho, rhoY) = affineStatement(inputs, seed: 15)
        let witness = AffGStarProof.Witness(x: x, y: y, rho: rho, mu: rhoY, ownerKey: inputs.proverKey)
        return ({
            var rng = ChaChaRandom(testSeed: 16)
            return try! AffGStarProof.prove(statement, witness: witness, context: inputs.context,
                                            parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try AffGStarProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    /// Three parties: y ∈ ±2^{ℓ′+ε+1+2}.
    static let dec = ProofBenchCase(name: "Πdec", setup: { decClosures($0, .fast) },
                                    reference: { decClosures($0, .reference) })

    /// The prover owns N0 (K^{−α}, encryptions, ν_j by CRT on `.fast`).
    private static func decClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        var rng = ChaChaRandom(testSeed: 17)
        let key = inputs.proverKey.publicKey, parties = 3
        let x = BigInt.random(signedBits: inputs.parameters.ell, using: &rng)
        let y = BigInt.random(signedBits: DecProof.plaintextBits(partyCount: parties, parameters: inputs.parameters), using: &rng)
        let rho = unit(key, &rng)
        let k = key.encrypt(BigInt.random(signedBits: inputs.parameters.ell, using: &rng), using: &rng).ciphertext
        let d = key.add(try! key.encrypt(y, randomness: rho), try! key.multiply(k, by: -x))
        let gamma = Point.generatorMultiple(.random(using: &rng))
        let statement = DecProof.Statement(key: key, k: k, x: .generatorMultiple(Scalar(reducing: x)), d: d,
                                           s: gamma * Scalar(reducing: y), gamma: gamma, partyCount: parties)
        let witness = DecProof.Witness(x: x, y: y, rho: rho, ownerKey: inputs.proverKey)
        return ({
            var rng = ChaChaRandom(testSeed: 18)
            return try! DecProof.prove(statement, witness: witness, context: inputs.context,
                                       parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try DecProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    static let mul = ProofBenchCase(name: "Πmul", setup: { mulClosures($0, .fast) },
                                    reference: { mulClosures($0, .reference) })

    /// The prover owns N (everything under N by CRT on `.fast`).
    private static func mulClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        var rng = ChaChaRandom(testSeed: 19)
        let key = inputs.proverKey.publicKey
        let x = BigInt.random(signedBits: inputs.parameters.ell, using: &rng), rho = unit(key, &rng), rhoX = unit(key, &rng)
        let y = key.encrypt(BigInt.random(signedBits: inputs.parameters.ell, using: &rng), using: &rng).ciphertext
        let c = key.add(try! key.multiply(y, by: x), try! key.encrypt(.zero, randomness: rho))
        let statement = MulProof.Statement(key: key, x: try! key.encrypt(x, randomness: rhoX), y: y, c: c)
        let witness = MulProof.Witness(x: x, rho: rho, rhoX: rhoX, ownerKey: inputs.proverKey)
        return ({
            var rng = ChaChaRandom(testSeed: 20)
            return try! MulProof.prove(statement, witness: witness, context: inputs.context,
                                       parameters: inputs.parameters, using: &rng, path: path).encoded
        }, { bytes in
            try MulProof(encoded: bytes).verify(statement, context: inputs.context, parameters: inputs.parameters, path: path)
        })
    }

    static let mulStar = ProofBenchCase(name: "Πmul*", setup: { mulStarClosures($0, .fast) },
                                        reference: { mulStarClosures($0, .reference) })

    /// The verifier owns N̂ (s^z1·t^z2 by CRT on `.fast`); N0 is the verifier's, not the prover's.
    private static func mulStarClosures(_ inputs: ProofBenchInputs, _ path: ArithmeticPath) -> BenchClosures {
        var rng = ChaChaRandom(testSeed: 21)
        let key = inputs.otherKey.publicKey, setup = inputs.ringPedersen.parameters
        let x = BigInt.random(signedBits: inputs.parameters.ell, using: &rng), rho = unit(key, &rng)
        let c = key.encrypt(BigInt.random(signedBits: inputs.parameters.ell, using: &rng), using: &rng).ciphertext
        let d = key.add(try! key.multiply(c, by: x), try! key.encrypt(.zero, randomness: rho))
        let statement = MulStarProof.Statement(key: key, c: c, d: d, x: .generatorMultiple(Scalar(reducing: x)))
        let witness = MulStarProof.Witness(x: x, rho: rho)
        return ({
            var rng = ChaChaRandom(testSeed: 22)
            return try! MulStarProof.prove(statement, witness: witness, setup: setup, context: inputs.context,
                                           parameters: inputs.parameters, using: &rng).encoded
        }, { bytes in
            try MulStarProof(encoded: bytes).verify(statement, ownSetup: inputs.ringPedersen, context: inputs.context,
                                                       parameters: inputs.parameters, path: path)
        })
    }
}
