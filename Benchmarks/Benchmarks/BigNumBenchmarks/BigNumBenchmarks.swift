import Benchmark
import BigNum

// The same modular exponentiations as `tss bench modexp`, under package-benchmark.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2))
    for (modulusBits, exponentBits) in [(1024, 1024), (2048, 2048), (4096, 2048), (2048, 768)] {
        var rng = ChaChaRandom(testSeed: UInt64(modulusBits * 10_000 + exponentBits))
        let modulus = try! BigInt.random(exactBits: modulusBits, using: &rng).settingBit(0)
        let base = try! BigInt.random(below: modulus, using: &rng)
        let exponent = try! BigInt.random(exactBits: exponentBits, using: &rng)
        Benchmark("powm \(modulusBits)/\(exponentBits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try! base.powerVariableTime(exponent, modulo: modulus)) }
        }
        Benchmark("powm_sec \(modulusBits)/\(exponentBits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try! base.powerPublicSign(exponent, modulo: modulus)) }
        }
        Benchmark("powm_sec_hidden_sign \(modulusBits)/\(exponentBits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try! base.power(exponent, modulo: modulus)) }
        }
    }
}
