import ArgumentParser
import BigNum
import CGMP

/// `tss bench modexp`: BigInt `powerVariableTime` / `power` against direct `mpz_powm` / `mpz_powm_sec`
/// on the same operands, in one process.
struct BenchModexp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modexp",
        abstract: "Modular exponentiation: BigInt vs direct GMP calls (ratio = bignum / gmp).")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 15

    static let shapes = [(1024, 1024), (2048, 2048), (4096, 2048), (2048, 768)]

    func validate() throws {
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        var rng = ChaChaRandom(testSeed: 0x6d6f6465787031)
        var results: [[String: Any]] = []
        for (modulusBits, exponentBits) in Self.shapes {
            let modulus = try BigInt.random(exactBits: modulusBits, using: &rng).settingBit(0)
            let base = try BigInt.random(below: modulus, using: &rng)
            let exponent = try BigInt.random(exactBits: exponentBits, using: &rng)
            for secret in [false, true] {
                let direct = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
                __gmpz_init(direct)
                defer { __gmpz_clear(direct); direct.deallocate() }
                let (ours, gmp) = base.withMPZ { b in
                    exponent.withMPZ { e in
                        modulus.withMPZ { m in
                            BenchClock.pairedMedianMicros(samples: samples, {
                                _ = secret ? try! base.power(exponent, modulo: modulus)
                                           : try! base.powerVariableTime(exponent, modulo: modulus)
                            }, {
                                if secret { __gmpz_powm_sec(direct, b, e, m) } else { __gmpz_powm(direct, b, e, m) }
                            })
                        }
                    }
                }
                results.append(["name": "powm\(secret ? "_sec" : "") \(modulusBits)/\(exponentBits)",
                                "modulus_bits": modulusBits, "exponent_bits": exponentBits,
                                "secret": secret, "bignum_us": ours, "gmp_us": gmp, "ratio": ours / gmp])
            }
        }
        if json {
            print(BenchOutput.json(["benchmarks": results]))
        } else {
            print(BenchOutput.table(
                ["benchmark", "bignum µs", "gmp µs", "ratio"],
                results.map { r in [r["name"] as! String, BenchOutput.fixed(r["bignum_us"] as! Double, 1),
                                    BenchOutput.fixed(r["gmp_us"] as! Double, 1), BenchOutput.fixed(r["ratio"] as! Double, 3)] }))
        }
    }
}
