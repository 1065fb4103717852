import ArgumentParser
import BigNum
import CSecp256k1
import Secp256k1

/// `tss bench secp256k1`: the Secp256k1 module's operations against direct libsecp256k1 calls on
/// the same inputs, in one process (ratio = swift / c, of the per-call minimums over samples). The C side gets its own context, created
/// and randomized the same way as the module's shared one.
struct BenchSecp256k1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secp256k1",
        abstract: "secp256k1: sign, verify, recover, point multiplication; Swift API vs direct libsecp256k1 (ratio = swift / c).")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 61

    func validate() throws {
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        var rng = ChaChaRandom(testSeed: 0x7365_6370)
        let secretKey = Scalar.random(using: &rng)
        let tweak = Scalar.random(using: &rng)
        let publicKey = Point.generatorMultiple(secretKey)
        let other = Point.generatorMultiple(Scalar.random(using: &rng))
        let prehash = try Prehash(rawRepresentation: randomBytes(32, using: &rng))
        let signature = try ECDSA.sign(prehash, secretKey: secretKey)
        let recoverable = try ECDSA.signRecoverable(prehash, secretKey: secretKey)

        // The C side: its own randomized context and pre-parsed inputs.
        let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(context) }
        var seed = randomBytes(32, using: &rng)
        precondition(secp256k1_context_randomize(context, &seed) == 1)
        let keyBytes = secretKey.rawRepresentation, tweakBytes = tweak.rawRepresentation, digest = prehash.rawRepresentation
        var cPublicKey = secp256k1_pubkey(), cOther = secp256k1_pubkey()
        let publicBytes = publicKey.compressedRepresentation, otherBytes = other.compressedRepresentation
        precondition(secp256k1_ec_pubkey_parse(context, &cPublicKey, publicBytes, 33) == 1)
        precondition(secp256k1_ec_pubkey_parse(context, &cOther, otherBytes, 33) == 1)
        var cSignature = secp256k1_ecdsa_signature()
        precondition(secp256k1_ecdsa_signature_parse_compact(context, &cSignature, signature.compactRepresentation) == 1)
        var cRecoverable = secp256k1_ecdsa_recoverable_signature()
        precondition(secp256k1_ecdsa_recoverable_signature_parse_compact(
            context, &cRecoverable, recoverable.signature.compactRepresentation, Int32(recoverable.recoveryID)) == 1)

        var results: [[String: Any]] = []
        func compare(_ name: String, _ swift: () -> Void, _ c: () -> Void) {
            // Many short (5 ms) alternating samples. On this shared machine other processes steal
            // whole stretches of time from one side or the other, so besides the medians the
            // per-call minimum of each side is kept: the least-disturbed sample of each, and the
            // ratio reported is of those minimums.
            let iterations = BenchClock.iterations(forTarget: 0.005, swift)
            var swiftSamples: [Double] = [], cSamples: [Double] = []
            for _ in 0..<samples {
                swiftSamples.append(BenchClock.medianMicros(samples: 1, iterations: iterations, swift))
                cSamples.append(BenchClock.medianMicros(samples: 1, iterations: iterations, c))
            }
            let a = swiftSamples.min()!, b = cSamples.min()!
            results.append(["name": name, "swift_us": a, "c_us": b, "ratio": a / b,
                            "swift_median_us": BenchClock.median(swiftSamples),
                            "c_median_us": BenchClock.median(cSamples)])
        }

        var sink = 0
        compare("ecdsa sign (RFC 6979)", {
            sink &+= Int(try! ECDSA.sign(prehash, secretKey: secretKey).r.isZero ? 1 : 0)
        }, {
            var out = secp256k1_ecdsa_signature()
            sink &+= Int(secp256k1_ecdsa_sign(context, &out, digest, keyBytes, nil, nil))
        })
        compare("ecdsa verify", {
            sink &+= signature.isValid(for: prehash, publicKey: publicKey) ? 1 : 0
        }, {
            sink &+= Int(secp256k1_ecdsa_verify(context, &cSignature, digest, &cPublicKey))
        })
        compare("ecdsa recover", {
            sink &+= (try! recoverable.recoverPublicKey(from: prehash)).isIdentity ? 0 : 1
        }, {
            var out = secp256k1_pubkey()
            sink &+= Int(secp256k1_ecdsa_recover(context, &out, &cRecoverable, digest))
        })
        compare("point multiply k·P", {
            sink &+= (tweak * publicKey).isIdentity ? 0 : 1
        }, {
            var point = cPublicKey
            sink &+= Int(secp256k1_ec_pubkey_tweak_mul(context, &point, tweakBytes))
        })
        compare("generator multiply k·G", {
            sink &+= Point.generatorMultiple(tweak).isIdentity ? 0 : 1
        }, {
            var out = secp256k1_pubkey()
            sink &+= Int(secp256k1_ec_pubkey_create(context, &out, tweakBytes))
        })
        compare("point add P+Q", {
            sink &+= (publicKey + other).isIdentity ? 0 : 1
        }, {
            var out = secp256k1_pubkey()
            withUnsafePointer(to: &cPublicKey) { a in
                withUnsafePointer(to: &cOther) { b in
                    var pointers: (UnsafePointer<secp256k1_pubkey>?, UnsafePointer<secp256k1_pubkey>?) = (a, b)
                    withUnsafeBytes(of: &pointers) { raw in
                        sink &+= Int(secp256k1_ec_pubkey_combine(
                            context, &out, raw.bindMemory(to: UnsafePointer<secp256k1_pubkey>?.self).baseAddress!, 2))
                    }
                }
            }
        })
        // Scalar operations chain through a running value, so the optimizer cannot hoist a
        // loop-invariant product out of the timing loop (on either side).
        var product = secretKey, cProduct = keyBytes
        compare("scalar multiply (vs seckey_tweak_mul)", {
            product *= tweak
        }, {
            sink &+= Int(secp256k1_ec_seckey_tweak_mul(context, &cProduct, tweakBytes))
        })
        var total = secretKey, cTotal = keyBytes
        compare("scalar add (vs seckey_tweak_add)", {
            total += tweak
        }, {
            sink &+= Int(secp256k1_ec_seckey_tweak_add(context, &cTotal, tweakBytes))
        })
        // No libsecp256k1 API inverts a scalar; reported for scale only.
        var inverse = secretKey
        let invertIterations = BenchClock.iterations(forTarget: 0.005) { inverse = try! inverse.inverted() }
        let invertMicros = (0..<samples).map { _ in
            BenchClock.medianMicros(samples: 1, iterations: invertIterations) { inverse = try! inverse.inverted() }
        }.min()!
        results.append(["name": "scalar invert (no C API)", "swift_us": invertMicros])
        sink &+= (product.isZero ? 0 : 1) &+ (total.isZero ? 0 : 1) &+ (inverse.isZero ? 0 : 1)
        precondition(sink != 0)

        if json {
            print(BenchOutput.json(["benchmarks": results]))
        } else {
            print(BenchOutput.table(
                ["benchmark", "swift µs", "c µs", "ratio", "swift median", "c median"],
                results.map { r in
                    [r["name"] as! String, BenchOutput.fixed(r["swift_us"] as! Double, 3),
                     (r["c_us"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-",
                     (r["ratio"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-",
                     (r["swift_median_us"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-",
                     (r["c_median_us"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-"]
                }) + "\n(µs per call: minimum over samples; ratio = swift / c of those minimums)")
        }
    }
}
