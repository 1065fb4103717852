import ArgumentParser
import BigNum
import CGMP

/// `tss bench modexp`: BigInt `powerVariableTime` / `powerPublicSign` against direct `mpz_powm` /
/// `mpz_powm_sec` on the same operands, in one process; `power` (which also hides the exponent's
/// sign, so always inverts the base) against `mpz_powm_sec`, which shows what that costs; and
/// `productOfPowersVariableTime` against the separate `mpz_powm` calls it replaces in the verifiers;
/// `FixedBasePowers` (Πprm's verifier) against the `mpz_powm` calls it replaces.
struct BenchModexp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modexp",
        abstract: "Modular exponentiation: BigInt vs direct GMP calls (ratio = bignum / gmp).")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 15

    static let shapes = [(1024, 1024), (2048, 2048), (4096, 2048), (2048, 768)]

    /// Products of powers as the verifiers check them: a name, the modulus bits and each exponent's
    /// bits (negative: the exponent is negated, so the base is inverted).
    static let products: [(name: String, modulusBits: Int, exponentBits: [Int])] = [
        ("s^z1·t^z3·S^-e (ring-Pedersen, N^)", 2048, [800, 2816, -256]),
        ("r^N·C^-e (Paillier, N²)", 4096, [2048, -256]),
        ("C^z1·w^N·D^-e (Πaff-g, Πmul*, N²)", 4096, [800, 2048, -256]),
        ("Q^z1·t^(v-σe)·s^(-N0·e) (Πfac, N^)", 2048, [1792, 4865, -2304]),
    ]

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
            // "powm": variable time; "powm_sec": constant time, public sign; "powm_sec_hidden_sign":
            // constant time with the sign hidden too (one mpn_sec_invert more), against the same GMP call.
            for kind in ["powm", "powm_sec", "powm_sec_hidden_sign"] {
                let direct = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
                __gmpz_init(direct)
                defer { __gmpz_clear(direct); direct.deallocate() }
                let (ours, gmp) = base.withMPZ { b in
                    exponent.withMPZ { e in
                        modulus.withMPZ { m in
                            BenchClock.pairedMedianMicros(samples: samples, {
                                switch kind {
                                case "powm": _ = try! base.powerVariableTime(exponent, modulo: modulus)
                                case "powm_sec": _ = try! base.powerPublicSign(exponent, modulo: modulus)
                                default: _ = try! base.power(exponent, modulo: modulus)
                                }
                            }, {
                                if kind == "powm" { __gmpz_powm(direct, b, e, m) } else { __gmpz_powm_sec(direct, b, e, m) }
                            })
                        }
                    }
                }
                results.append(["name": "\(kind) \(modulusBits)/\(exponentBits)",
                                "modulus_bits": modulusBits, "exponent_bits": exponentBits,
                                "secret": kind != "powm", "bignum_us": ours, "gmp_us": gmp, "ratio": ours / gmp])
            }
        }
        for product in Self.products {
            let modulus = try BigInt.random(exactBits: product.modulusBits, using: &rng).settingBit(0)
            let terms = try product.exponentBits.map { bits in
                let exponent = try BigInt.random(exactBits: abs(bits), using: &rng)
                // A unit: a random odd modulus may have small factors, and negative exponents need inverses.
                return (base: try BigInt.randomUnit(modulo: modulus, using: &rng), exponent: bits < 0 ? -exponent : exponent)
            }
            let (ours, gmp) = BenchClock.pairedMedianMicros(samples: samples, {
                _ = try! BigInt.productOfPowersVariableTime(terms, modulo: modulus)
            }, {
                // What the reference path does: each power by mpz_powm (inverting for a negative
                // exponent), then the products reduced.
                var product = BigInt.one
                for term in terms {
                    product = try! (product * term.base.powerVariableTime(term.exponent, modulo: modulus)).moduloVariableTime(modulus)
                }
            })
            results.append(["name": "multiexp \(product.name) \(product.modulusBits)/" + product.exponentBits.map { String(abs($0)) }.joined(separator: ","),
                            "modulus_bits": product.modulusBits, "exponent_bits": product.exponentBits.map(abs),
                            "secret": false, "bignum_us": ours, "gmp_us": gmp, "ratio": ours / gmp])
        }
        // Πprm's verifier: m = 112 powers t^z of one base with 2048-bit exponents, from one
        // `FixedBasePowers` table (its construction included) against 112 separate mpz_powm; µs per power.
        do {
            let count = 112
            let modulus = try BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
            let base = try BigInt.randomUnit(modulo: modulus, using: &rng)
            let exponents = try (0..<count).map { _ in try BigInt.random(below: modulus, using: &rng) }
            let (ours, gmp) = BenchClock.pairedMedianMicros(samples: samples, {
                let table = try! FixedBasePowers(base: base, modulo: modulus, maximumExponentBits: modulus.bitLength)
                for exponent in exponents { _ = try! table.powerVariableTime(exponent) }
            }, {
                for exponent in exponents { _ = try! base.powerVariableTime(exponent, modulo: modulus) }
            })
            results.append(["name": "fixedbase t^z ×\(count) (Πprm, N^, table built each time) 2048/2048, per power",
                            "modulus_bits": 2048, "exponent_bits": 2048,
                            "secret": false, "bignum_us": ours / Double(count), "gmp_us": gmp / Double(count), "ratio": ours / gmp])
        }
        // A prover's ring-Pedersen commitment s^a·t^b mod N^ with secret signed masks (Πaff-g's
        // E = s^α·t^γ: 768 and 2816 bits), from `SecretExponentPowers` comb tables (built once,
        // outside the timing) against two constant-time powers with public inverses (what
        // `RingPedersenParameters.commit` does); then the tables' construction against one power.
        do {
            let modulus = try BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
            let s = try BigInt.randomUnit(modulo: modulus, using: &rng), t = try BigInt.randomUnit(modulo: modulus, using: &rng)
            let (sInverse, tInverse) = (try s.inverseVariableTime(modulo: modulus), try t.inverseVariableTime(modulo: modulus))
            let a = -(try BigInt.random(exactBits: 768, using: &rng)), b = try BigInt.random(exactBits: 2816, using: &rng)
            let tables = (s: try SecretExponentPowers(base: s, modulo: modulus, maximumExponentBits: 3072),
                          t: try SecretExponentPowers(base: t, modulo: modulus, maximumExponentBits: 3072))
            let (ours, gmp) = BenchClock.pairedMedianMicros(samples: samples, {
                _ = SecretExponentPowers.product([(tables.s, a), (tables.t, b)])
            }, {
                _ = try! (try s.power(a, modulo: modulus, baseInverse: sInverse)
                          * t.power(b, modulo: modulus, baseInverse: tInverse)).modulo(modulus)
            })
            results.append(["name": "comb s^a·t^b (ring-Pedersen commitment, secret) 2048/768,2816",
                            "modulus_bits": 2048, "exponent_bits": [768, 2816],
                            "secret": true, "bignum_us": ours, "gmp_us": gmp, "ratio": ours / gmp])
            let (build, power) = BenchClock.pairedMedianMicros(samples: samples, {
                _ = try! SecretExponentPowers(base: s, modulo: modulus, maximumExponentBits: 3072)
            }, {
                _ = try! s.power(b, modulo: modulus, baseInverse: sInverse)
            })
            results.append(["name": "comb table build (one base, exponents ≤ 3072 bits) vs one power 2048/2816",
                            "modulus_bits": 2048, "exponent_bits": 4096,
                            "secret": false, "bignum_us": build, "gmp_us": power, "ratio": build / power])
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
