import ArgumentParser
import Bytes
import CSodium
import Hashing

/// `tss bench hashing`: throughput of the Keccak sponge and BLAKE2s written in Swift, and the
/// libsodium-backed BLAKE2b / SHA-256 wrappers against direct libsodium calls on the same input.
struct BenchHashing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hashing",
        abstract: "Hash throughput: Keccak/SHAKE and BLAKE2s in Swift; libsodium wrappers vs direct calls.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Samples per measurement (median is reported).") var samples = 15

    func validate() throws {
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        // A fixed pattern; hash speed does not depend on the bytes.
        let megabyte = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let small = Array(megabyte[0..<64])
        var results: [[String: Any]] = []

        func measure(_ name: String, bytes: Int, _ body: () -> Void) {
            let iterations = BenchClock.iterations(forTarget: 0.02, body)
            let micros = BenchClock.medianMicros(samples: samples, iterations: iterations, body)
            results.append(["name": name, "bytes": bytes, "swift_us": micros, "mb_per_s": Double(bytes) / micros])
        }

        func measurePaired(_ name: String, bytes: Int, _ ours: () -> Void, _ direct: () -> Void) {
            let (a, b) = BenchClock.pairedMedianMicros(samples: samples, ours, direct)
            results.append(["name": name, "bytes": bytes, "swift_us": a, "mb_per_s": Double(bytes) / a,
                            "libsodium_us": b, "ratio": a / b])
        }

        measure("SHAKE256 absorb 1 MiB, squeeze 32", bytes: megabyte.count) {
            var shake = SHAKE256()
            shake.update(megabyte)
            _ = shake.squeeze(32)
        }
        measure("SHAKE128 squeeze 1 MiB", bytes: megabyte.count) {
            var shake = SHAKE128()
            shake.update(small)
            _ = shake.squeeze(megabyte.count)
        }
        measure("SHA3-256 1 MiB", bytes: megabyte.count) { _ = SHA3_256.hash(megabyte) }
        measure("Keccak-256 1 MiB", bytes: megabyte.count) { _ = Keccak256.hash(megabyte) }
        measure("SHA3-256 64 B", bytes: small.count) { _ = SHA3_256.hash(small) }
        measure("BLAKE2s 1 MiB", bytes: megabyte.count) { _ = BLAKE2s.hash(megabyte) }
        measure("BLAKE2s 64 B", bytes: small.count) { _ = BLAKE2s.hash(small) }

        Sodium.ensureInitialised()
        var output = [UInt8](repeating: 0, count: 64)
        for (name, input) in [("1 MiB", megabyte), ("64 B", small)] {
            measurePaired("BLAKE2b-512 \(name)", bytes: input.count, { _ = BLAKE2b.hash(input) }, {
                _ = crypto_generichash(&output, 64, input, UInt64(input.count), nil, 0)
            })
            measurePaired("SHA-256 \(name)", bytes: input.count, { _ = SHA256.hash(input) }, {
                _ = crypto_hash_sha256(&output, input, UInt64(input.count))
            })
        }

        if json {
            print(BenchOutput.json(["benchmarks": results]))
        } else {
            print(BenchOutput.table(
                ["benchmark", "µs", "MB/s", "libsodium µs", "ratio"],
                results.map { r in
                    [r["name"] as! String, BenchOutput.fixed(r["swift_us"] as! Double, 2),
                     BenchOutput.fixed(r["mb_per_s"] as! Double, 1),
                     (r["libsodium_us"] as? Double).map { BenchOutput.fixed($0, 2) } ?? "-",
                     (r["ratio"] as? Double).map { BenchOutput.fixed($0, 3) } ?? "-"]
                }))
        }
    }
}
