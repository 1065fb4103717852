import CGMP
import Dispatch
import Synchronization

/// Random primes of an exact bit length, for Paillier and ring-Pedersen moduli (CGGMP, ePrint
/// 2021/060 rev. 2024: Paillier–Blum moduli from primes ≡ 3 mod 4, ring-Pedersen moduli from safe
/// primes).
///
/// Every prime has exactly `bits` bits with the top two set, so a product of two has exactly
/// 2·`bits` bits. The search starts at a random point and walks forward through a window of
/// candidates; a combined sieve (`SmallPrimeSieve`) removes candidates with small factors (for
/// safe primes: q or 2q + 1), then a base-2 Fermat test discards almost all remaining composites
/// cheaply, and only then the full test runs: GMP's Baillie–PSW (strong base-2 Miller–Rabin plus a
/// strong Lucas test) followed by Miller–Rabin rounds with bases drawn from the generator — on both
/// q and 2q + 1 for safe primes.
///
/// With `workers: 1` the result is a pure function of the generator's output. With more workers,
/// each searches with its own ``ChaChaRandom`` seeded from the caller's generator, the first to find
/// a prime wins and the others stop; which one wins depends on scheduling.
///
/// **Variable time.** The search's length depends on where the primes lie, and the Fermat and
/// primality tests of the prime that is returned run in variable time
/// (``BigInt/powerVariableTime(_:modulo:)``, ``BigInt/isProbablePrimeVariableTime(rounds:using:)``):
/// generation must not run where an observer can time it finely (docs/api-documentation.md).
public enum PrimeGenerator {
    /// A prime of exactly `bits` bits with the top two bits set. Variable time.
    /// - Precondition: `bits` ≥ 8 and `workers` ≥ 1 (a trap otherwise: callers pass constants).
    public static func prime(bits: Int, using generator: inout some RandomNumberGenerator, workers: Int = 1) -> BigInt {
        generate(.plain, bits: bits, using: &generator, workers: workers)
    }

    /// A prime p ≡ 3 mod 4 (a Paillier–Blum factor) of exactly `bits` bits, top two bits set.
    /// Variable time.
    /// - Precondition: `bits` ≥ 8 and `workers` ≥ 1 (a trap otherwise: callers pass constants).
    public static func blumPrime(bits: Int, using generator: inout some RandomNumberGenerator, workers: Int = 1) -> BigInt {
        generate(.blum, bits: bits, using: &generator, workers: workers)
    }

    /// A safe prime p = 2q + 1 (q prime) of exactly `bits` bits, top two bits set. Safe primes
    /// greater than 7 are also ≡ 3 mod 4 (q is odd). Variable time.
    /// - Precondition: `bits` ≥ 8 and `workers` ≥ 1 (a trap otherwise: callers pass constants).
    public static func safePrime(bits: Int, using generator: inout some RandomNumberGenerator, workers: Int = 1) -> BigInt {
        generate(.safe, bits: bits, using: &generator, workers: workers)
    }

    enum Kind: Sendable { case plain, blum, safe }

    private static func generate(_ kind: Kind, bits: Int, using generator: inout some RandomNumberGenerator, workers: Int) -> BigInt {
        precondition(bits >= 8, "primes need at least 8 bits")
        precondition(workers >= 1, "at least one worker")
        if workers == 1 {
            // No stop flag: a lone search only ends by finding a prime.
            return search(kind, bits: bits, using: &generator, stop: nil)!
        }
        let seeds = (0..<workers).map { _ in randomBytes(32, using: &generator) }
        let stop = StopFlag()
        let winner = Mutex<BigInt?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { index in
            var workerGenerator = ChaChaRandom(seed: seeds[index])
            if let found = search(kind, bits: bits, using: &workerGenerator, stop: stop) {
                winner.withLock { if $0 == nil { $0 = found } }
                stop.raise()
            }
        }
        return winner.withLock { $0 }!
    }

    /// Tells the other workers that a prime was found.
    final class StopFlag: Sendable {
        private let raised = Atomic<Bool>(false)
        func raise() { raised.store(true, ordering: .relaxed) }
        var isRaised: Bool { raised.load(ordering: .relaxed) }
    }

    /// Miller–Rabin rounds after Baillie–PSW. Candidates here are random, not adversarial, so far
    /// fewer rounds than `isProbablePrimeVariableTime`'s default give a negligible error (FIPS 186-5, Table
    /// B.1, asks for 4–5 rounds at 1024 bits with a Lucas test); we keep a margin above that.
    static func millerRabinRounds(bits: Int) -> Int {
        bits >= 1024 ? 8 : (bits >= 512 ? 12 : 20)
    }

    /// One worker's search: random windows until a prime of `kind` turns up, or `stop` is raised
    /// (then `nil`).
    static func search(_ kind: Kind, bits: Int, using generator: inout some RandomNumberGenerator, stop: StopFlag?) -> BigInt? {
        // For safe primes we search for q (one bit shorter) and return 2q + 1.
        let candidateBits = kind == .safe ? bits - 1 : bits
        let step: UInt64 = kind == .blum ? 4 : 2
        let lowBits = kind == .blum ? BigInt(3) : BigInt(1)
        // Sieve only with primes below the smallest candidate, so no candidate equals a sieving prime.
        let primeBound = candidateBits - 2 >= 62 ? UInt64.max : UInt64(1) << UInt64(candidateBits - 2)
        let rounds = millerRabinRounds(bits: bits)
        let two = BigInt(2)
        var rejected = [Bool](repeating: false, count: SmallPrimeSieve.windowSize)

        while true {
            if stop?.isRaised == true { return nil }
            // Top two bits set, low bits fixing the residue mod 2 or 4.
            let start = BigInt.random(bits: candidateBits, using: &generator)
                .settingBit(candidateBits - 1).settingBit(candidateBits - 2) | lowBits
            SmallPrimeSieve.mark(&rejected, start: start, step: step, alsoTwiceN: kind == .safe, primeBound: primeBound)
            for k in 0..<rejected.count where !rejected[k] {
                let candidate = start + BigInt(UInt(k) * UInt(step))
                if candidate.bitLength > candidateBits { break }  // walked off the top: new window
                if stop?.isRaised == true { return nil }
                guard passesFermatBaseTwo(candidate, two: two) else { continue }
                switch kind {
                case .plain, .blum:
                    if candidate.isProbablePrimeVariableTime(rounds: rounds, using: &generator) { return candidate }
                case .safe:
                    let safe = candidate << 1 + .one
                    guard passesFermatBaseTwo(safe, two: two) else { continue }
                    if candidate.isProbablePrimeVariableTime(rounds: rounds, using: &generator),
                       safe.isProbablePrimeVariableTime(rounds: rounds, using: &generator) {
                        return safe
                    }
                }
            }
        }
    }

    /// 2^(n−1) ≡ 1 (mod n): every odd prime passes; almost no random composite does.
    private static func passesFermatBaseTwo(_ n: BigInt, two: BigInt) -> Bool {
        try! two.powerVariableTime(n - .one, modulo: n) == .one
    }
}
