import ArgumentParser
import BigNum
import Foundation
@_spi(Benchmarks) import Paillier

/// `tss bench paillier`: the Paillier hot path at N = 2048 (or --bits).
struct BenchPaillier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paillier",
        abstract: "Time Paillier encryption, CRT and naive decryption and homomorphic operations.")

    @Option(help: "Bit length of N (two Blum primes of half the length are generated first).") var bits: Int = 2048
    @Option(help: "Samples per operation (the median is reported).") var iterations: Int = 30
    @Option(help: "Bit length of the signed scalar in scalar multiply (256: a secp256k1 scalar).") var scalarBits: Int = 256
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        try OptionCheck.require(bits, in: 64...16_384, "--bits")
        guard bits % 2 == 0 else { throw ValidationError("--bits must be even (N is the product of two primes of half its length)") }
        try OptionCheck.require(iterations, in: OptionCheck.samples, "--iterations")
        try OptionCheck.require(scalarBits, in: 1...16_384, "--scalar-bits")
    }

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let key = PaillierSecretKey.generate(modulusBits: bits, using: &generator, workers: 2)
        let pk = key.publicKey
        let n = pk.modulus

        // Fresh inputs per sample, made outside the timed region.
        func sample(_ body: (inout SystemRandomNumberGenerator) -> () throws -> Void) throws -> Double {
            var times: [Double] = []
            for _ in 0..<iterations {
                let operation = body(&generator)
                times.append(try PaillierBenchTiming.seconds(operation) * 1000)
            }
            return PaillierBenchTiming.median(times)
        }
        func plaintext(_ g: inout SystemRandomNumberGenerator) -> BigInt { try! BigInt.random(below: n, using: &g) }
        func unit(_ g: inout SystemRandomNumberGenerator) -> BigInt { try! BigInt.randomUnit(modulo: n, using: &g) }

        let encryptPublic = try sample { g in
            let m = plaintext(&g), r = unit(&g)
            return { _ = try pk.encrypt(m, randomness: r) }
        }
        let encryptOwner = try sample { g in
            let m = plaintext(&g), r = unit(&g)
            return { _ = try key.encrypt(m, randomness: r) }
        }
        let decrypt = try sample { g in
            let (c, _) = key.encrypt(plaintext(&g), using: &g)
            return { _ = try key.decrypt(c) }
        }
        let decryptNaive = try sample { g in
            let (c, _) = key.encrypt(plaintext(&g), using: &g)
            return { _ = try key.decryptWithoutCRTVariableTime(c) }
        }
        let add = try sample { g in
            let (a, _) = key.encrypt(plaintext(&g), using: &g), (b, _) = key.encrypt(plaintext(&g), using: &g)
            return { _ = pk.add(a, b) }
        }
        let multiply = try sample { g in
            let (c, _) = key.encrypt(plaintext(&g), using: &g)
            let k = BigInt.random(signedBits: scalarBits, using: &g)
            return { _ = try pk.multiply(c, by: k) }
        }
        let ratio = decrypt / decryptNaive
        // Issue #13: owner-side vs public-key encryption, and CRT decryption vs python-paillier.
        let ownerRatio = encryptOwner / encryptPublic
        let phe = PheComparison.decryptMillis(p: key.p, q: key.q, iterations: iterations)
        let pheRatio = phe.map { decrypt / $0.ms }

        if json {
            let f = { (v: Double) in PaillierBenchTiming.json(v, digits: 4) }
            print("""
            {"modulus_bits":\(bits),"iterations":\(iterations),"scalar_bits":\(scalarBits),\
            "encrypt_public_ms":\(f(encryptPublic)),"encrypt_owner_crt_ms":\(f(encryptOwner)),\
            "decrypt_crt_ms":\(f(decrypt)),"decrypt_naive_ms":\(f(decryptNaive)),"add_ms":\(f(add)),\
            "scalar_multiply_ms":\(f(multiply)),"decrypt_ratio":\(PaillierBenchTiming.json(ratio, digits: 3)),\
            "encrypt_owner_ratio":\(PaillierBenchTiming.json(ownerRatio, digits: 3)),\
            "phe_decrypt_ms":\(PaillierBenchTiming.json(phe?.ms, digits: 4)),"phe_backend":\(phe.map { "\"\($0.backend)\"" } ?? "null"),\
            "decrypt_vs_phe":\(PaillierBenchTiming.json(pheRatio, digits: 3))}
            """)
        } else {
            print("Paillier, N = \(bits) bits, median of \(iterations) samples")
            for (name, value) in [("encrypt (public key)", encryptPublic), ("encrypt (owner, CRT)", encryptOwner),
                                  ("decrypt (CRT)", decrypt), ("decrypt (naive, powm_sec mod N²)", decryptNaive),
                                  ("add", add), ("scalar multiply (\(scalarBits)-bit signed)", multiply)] {
                print("  " + name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: " %9.3f ms", value))
            }
            print(String(format: "  decrypt ratio (CRT / naive)          %9.3f", ratio))
            print(String(format: "  encrypt ratio (owner / public)       %9.3f", ownerRatio))
            if let phe, let pheRatio {
                print(String(format: "  phe raw_decrypt (\(phe.backend), VT CRT) %9.3f ms", phe.ms))
                print(String(format: "  decrypt ratio (ours CT / phe VT)     %9.3f", pheRatio))
            } else {
                print("  phe: python3 with the phe package not found (pip install phe gmpy2)")
            }
        }
    }
}
