import BigNum
import CGMP

/// The machine's yardstick for the benchmarks (issue #13): one GMP `mpz_powm` with a 2048-bit
/// base, a 2048-bit exponent and a random odd 2048-bit modulus (operands from a fixed seed), timed
/// in the same process run as the benchmark it scales, so "seconds ÷ modexp seconds" (modexp
/// equivalents) compares across machines and loads.
///
/// `tss bench proofs` and `tss bench protocol` measure it before and after their whole run (top-level
/// `modexp_ms`: the median of every sample taken, with `modexp_ms_start` / `modexp_ms_end`) and, on a
/// shared machine whose load drifts within a run, also right before and after each entry (`tss bench proofs`: the
/// entry's own `modexp_ms`) or each sample of an entry (`tss bench protocol`: `modexp_equivalents`
/// is the median over samples of the sample's seconds per party ÷ the reference around it, and the
/// entry's `modexp_ms` the median of those references).
struct ModexpReference {
    /// Median of every sample, in milliseconds per `mpz_powm`.
    let milliseconds: Double
    /// Median of the samples taken before the benchmark, and of those taken after it.
    let startMilliseconds: Double
    let endMilliseconds: Double

    /// Samples per measurement; each sample is a loop of calls lasting about 20 ms.
    static let samples = 11

    /// Samples per entry (before and after it, each).
    static let entrySamples = 5

    /// From `sampleMicros()` taken before and after the benchmark (and `between` it).
    init(before: [Double], after: [Double], between: [Double] = []) {
        milliseconds = BenchClock.median(before + between + after) / 1000
        startMilliseconds = BenchClock.median(before) / 1000
        endMilliseconds = BenchClock.median(after) / 1000
    }

    /// The JSON fields every benchmark that scales by it reports.
    var jsonFields: [String: Any] {
        ["modexp_ms": milliseconds, "modexp_ms_start": startMilliseconds, "modexp_ms_end": endMilliseconds,
         "modexp": "mpz_powm, 2048-bit base / 2048-bit exponent / odd 2048-bit modulus"]
    }

    /// `samples` per-call times in microseconds of `mpz_powm` 2048/2048.
    static func sampleMicros(count: Int = samples) -> [Double] {
        var rng = ChaChaRandom(testSeed: 0x6d6f6465787031)
        let modulus = try! BigInt.random(exactBits: 2048, using: &rng).settingBit(0)
        let base = try! BigInt.random(below: modulus, using: &rng)
        let exponent = try! BigInt.random(exactBits: 2048, using: &rng)
        let result = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        __gmpz_init(result)
        defer { __gmpz_clear(result); result.deallocate() }
        return base.withMPZ { b in
            exponent.withMPZ { e in
                modulus.withMPZ { m in
                    let call = { __gmpz_powm(result, b, e, m) }
                    let iterations = BenchClock.iterations(forTarget: 0.02, call)
                    return (0..<count).map { _ in BenchClock.medianMicros(samples: 1, iterations: iterations, call) }
                }
            }
        }
    }
}

extension ModexpReference {
    /// One line for the tables: the reference time, and its drift over the run.
    var tableLine: String {
        "GMP powm 2048/2048 (same run): \(BenchOutput.fixed(milliseconds, 3)) ms "
            + "(start \(BenchOutput.fixed(startMilliseconds, 3)), end \(BenchOutput.fixed(endMilliseconds, 3)))"
    }
}

/// The reference measured around one benchmark entry.
struct EntryModexp {
    private(set) var all: [Double] = []

    /// Runs `body` between two short reference measurements; returns its result and the entry's
    /// reference in milliseconds.
    mutating func around<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let before = ModexpReference.sampleMicros(count: ModexpReference.entrySamples)
        let result = try body()
        let after = ModexpReference.sampleMicros(count: ModexpReference.entrySamples)
        all += before + after
        return (result, BenchClock.median(before + after) / 1000)
    }

    private var pending: [Double] = []

    /// The first half of `around`, for an entry timed in several statements: call `end()` after it.
    mutating func begin() { pending = ModexpReference.sampleMicros(count: ModexpReference.entrySamples) }

    /// The entry's reference in milliseconds (samples from `begin()` and from now).
    mutating func end() -> Double {
        let samples = pending + ModexpReference.sampleMicros(count: ModexpReference.entrySamples)
        all += samples
        pending = []
        return BenchClock.median(samples) / 1000
    }
}
