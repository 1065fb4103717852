import CGMP

/// The combined small-prime sieve behind `PrimeGenerator` (the Wiener / OpenSSL approach, done over
/// a window of candidates at once).
///
/// Candidates are n = start + step·k for k in 0..<windowSize. For each small odd prime ℓ the
/// residue start mod ℓ is computed once; the k that make ℓ divide n (and, for safe primes, 2n + 1)
/// then form an arithmetic progression with difference ℓ, so marking them costs windowSize/ℓ.
/// Survivors of every small prime are the only candidates that reach an exponentiation.
struct SmallPrimeSieve {
    /// Odd primes below `largestSievingPrime`, with 2⁻¹ and 4⁻¹ mod each precomputed.
    struct Entry {
        let prime: UInt64
        let inverseOfTwo: UInt64
        let inverseOfFour: UInt64
    }

    /// Sieving to 2^18 leaves about 1.5 % of odd q with both q and 2q + 1 free of small factors;
    /// a larger bound costs more residues per window than the exponentiations it saves
    /// (measured with `tss bench primes`).
    static let largestSievingPrime = 1 << 18

    /// Candidates per window.
    static let windowSize = 1 << 16

    static let table: [Entry] = {
        let limit = largestSievingPrime
        var composite = [Bool](repeating: false, count: limit)
        var entries: [Entry] = []
        var i = 3
        while i < limit {
            if !composite[i] {
                let prime = UInt64(i)
                let inverseOfTwo = (prime + 1) / 2
                entries.append(Entry(prime: prime, inverseOfTwo: inverseOfTwo,
                                     inverseOfFour: inverseOfTwo * inverseOfTwo % prime))
                var multiple = i * i
                while multiple < limit { composite[multiple] = true; multiple += 2 * i }
            }
            i += 2
        }
        return entries
    }()

    /// Marks in `rejected` every k in 0..<rejected.count for which some odd prime ℓ < `primeBound`
    /// divides start + step·k, or, when `alsoTwiceN` is set, 2(start + step·k) + 1.
    ///
    /// - Precondition: step is 2 or 4.
    static func mark(_ rejected: inout [Bool], start: BigInt, step: UInt64, alsoTwiceN: Bool, primeBound: UInt64) {
        precondition(step == 2 || step == 4)
        let count = rejected.count
        rejected.withUnsafeMutableBufferPointer { marks in
            for i in 0..<count { marks[i] = false }
            for entry in table {
                let prime = entry.prime
                if prime >= primeBound { break }
                let residue = UInt64(start.withMPZ { __gmpz_fdiv_ui($0, UInt(prime)) })
                let stepInverse = step == 2 ? entry.inverseOfTwo : entry.inverseOfFour
                // ℓ | n  ⇔  residue + step·k ≡ 0  ⇔  k ≡ −residue · step⁻¹ (mod ℓ)
                var k = Int((prime - residue) % prime * stepInverse % prime)
                let stride = Int(prime)
                while k < count { marks[k] = true; k += stride }
                if alsoTwiceN {
                    // ℓ | 2n + 1  ⇔  n ≡ (ℓ − 1)/2  ⇔  k ≡ ((ℓ − 1)/2 − residue) · step⁻¹ (mod ℓ)
                    let target = (prime - 1) / 2
                    var k2 = Int((target + prime - residue) % prime * stepInverse % prime)
                    while k2 < count { marks[k2] = true; k2 += stride }
                }
            }
        }
    }
}
