import ArgumentParser
import BigNum
import Foundation

/// `tss bench primes`: prime generation time, compared with `openssl prime -generate` in the same run.
struct BenchPrimes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "primes",
        abstract: "Time safe / Blum prime generation (median, min, max) against openssl prime -generate.")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case safe, blum }

    @Option(help: "safe (p = 2q + 1) or blum (p ≡ 3 mod 4).") var kind: Kind = .safe
    @Option(help: "Bit length of each prime.") var bits: Int = 1024
    @Option(help: "Number of primes to generate (and of openssl runs).") var count: Int = 10
    @Option(help: "Search threads per prime (openssl uses one).") var workers: Int = 1
    @Flag(help: "Skip the openssl comparison.") var noOpenssl = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        try OptionCheck.require(bits, in: 16...8_192, "--bits")
        try OptionCheck.require(count, in: 1...10_000, "--count")
        try OptionCheck.require(workers, in: 1...64, "--workers")
    }

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        var ours: [Double] = []
        for _ in 0..<count {
            var prime = BigInt.zero
            ours.append(PaillierBenchTiming.seconds {
                prime = kind == .safe
                    ? PrimeGenerator.safePrime(bits: bits, using: &generator, workers: workers)
                    : PrimeGenerator.blumPrime(bits: bits, using: &generator, workers: workers)
            })
            precondition(prime.bitLength == bits)
        }
        var openssl: [Double] = []
        if !noOpenssl, let path = PaillierBenchTiming.onPath("openssl") {
            let arguments = ["prime", "-generate", "-bits", String(bits)] + (kind == .safe ? ["-safe"] : [])
            for _ in 0..<count {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                openssl.append(try PaillierBenchTiming.seconds {
                    try process.run()
                    process.waitUntilExit()
                })
                guard process.terminationStatus == 0 else { throw ValidationError("openssl \(arguments.joined(separator: " ")) failed") }
            }
        }
        let median = PaillierBenchTiming.median(ours)
        let opensslMedian = openssl.isEmpty ? nil : PaillierBenchTiming.median(openssl)
        let ratio = opensslMedian.map { median / $0 }
        if json {
            print("""
            {"kind":"\(kind.rawValue)","bits":\(bits),"count":\(count),"workers":\(workers),\
            "median_s":\(PaillierBenchTiming.json(median)),"min_s":\(PaillierBenchTiming.json(ours.min()!)),\
            "max_s":\(PaillierBenchTiming.json(ours.max()!)),"openssl_median_s":\(PaillierBenchTiming.json(opensslMedian)),\
            "ratio":\(PaillierBenchTiming.json(ratio, digits: 3))}
            """)
        } else {
            print("\(kind.rawValue) primes, \(bits) bits, \(count) runs, \(workers) worker(s)")
            print(String(format: "  swift-tss  median %.3f s  min %.3f s  max %.3f s", median, ours.min()!, ours.max()!))
            if let opensslMedian, let ratio {
                print(String(format: "  openssl    median %.3f s  (openssl prime -generate%@ -bits %d)", opensslMedian, kind == .safe ? " -safe" : "", bits))
                print(String(format: "  ratio      %.3f", ratio))
            } else {
                print("  openssl    not measured")
            }
        }
    }
}
