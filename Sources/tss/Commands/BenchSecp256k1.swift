import ArgumentParser
import BigNum
import CSecp256k1
import Secp256k1

/// `tss bench secp256k1`: the Secp256k1 module's operations against direct libsecp256k1 calls on
/// the same inputs, in one process (ratio = swift / c). The C side gets its own context, created
/// and randomized the same way as the module's shared one.
struct BenchSecp256k1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secp256k1",
        abstract: "secp256k1: sign, verify, recover, point multiplication; Swift API vs direct libsecp256k1 (ratio = swift / c).")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 15

    func run() throws {
        var rng = ChaChaRandom(testSeed: 0x7365_6370)
        let secretKey = Scalar.random(using: &rng)
        let tweak = Scalar.random(using: &rng)
        let publicKey = Point.generatorMultiple(secretKey)
        let other = Point.generatorMultiple(Scalar.random(using: &rng))
        let prehash = try Prehash(bytes: randomBytes(32, using: &rng))
        let signature = try ECDSA.sign(prehash, secretKey: secretKey)
        let recoverable = try ECDSA.signRecoverable(prehash, secretKey: secretKey)

        // The C side: its own randomized context and pre-parsed inputs.
        let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(context) }
        var seed = randomBytes(32, using: &rng)
        precondition(secp256k1_context_randomize(context, &seed) == 1)
        let keyBytes = secretKey.bytes, tweakBytes = tweak.bytes, digest = prehash.bytes
        var cPublicKey = secp256k1_pubkey(), cOther = secp256k1_pubkey()
        let publicBytes = publicKey.compressedBytes, otherBytes = other.compressedBytes
        precondition(secp256k1_ec_pubkey_parse(context, &cPublicKey, publicBytes, 33) == 1)
        precondition(secp256k1_ec_pubkey_parse(context, &cOther, otherBytes, 33) == 1)
        var cSignature = secp256k1_ecdsa_signature()
        precondition(secp256k1_ecdsa_signature_parse_compact(context, &cSignature, signature.compactRepresentation) == 1)
        var cRecoverable = secp256k1_ecdsa_recoverable_signature()
        precondition(secp256k1_ecdsa_recoverable_signature_parse_compact(
            context, &cRecoverable, recoverable.signature.compactRepresentation, Int32(recoverable.recoveryID)) == 1)

        var results: [[String: Any]] = []
        func compare(_ name: String, _ swift: () -> Void, _ c: () -> Void) {
            let (a, b) = BenchClock.pairedMedianMicros(samples: samples, swift, c)
            results.append(["name": name, "swift_us": a, "c_us": b, "ratio": a / b])
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
        compare("scalar multiply (vs seckey_tweak_mul)", {
            sink &+= (secretKey * tweak).isZero ? 0 : 1
        }, {
            var key = keyBytes
            sink &+= Int(secp256k1_ec_seckey_tweak_mul(context, &key, tweakBytes))
        })
        compare("scalar add (vs seckey_tweak_add)", {
            sink &+= (secretKey + tweak).isZero ? 0 : 1
        }, {
            var key = keyBytes
            sink &+= Int(secp256k1_ec_seckey_tweak_add(context, &key, tweakBytes))
        })
        // No libsecp256k1 API inverts a scalar; reported against itself for scale only.
        let inverse = BenchClock.medianMicros(samples: samples, iterations: BenchClock.iterations(forTarget: 0.02) {
            sink &+= (try! secretKey.inverted()).isZero ? 0 : 1
        }) { sink &+= (try! secretKey.inverted()).isZero ? 0 : 1 }
        results.append(["name": "scalar invert (no C API)", "swift_us": inverse])
        precondition(sink != 0)

        if json {
            print(BenchOutput.json(["benchmarks": results]))
        } else {
            print(BenchOutput.table(
                ["benchmark", "swift µs", "c µs", "ratio"],
                results.map { r in
                    [r["name"] as! String, BenchOutput.fixed(r["swift_us"] as! Double, 3),
                     (r["c_us"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-",
                     (r["ratio"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-"]
                }))
        }
    }
}
