import CGMP

extension BigInt {
    /// Probable-prime test: GMP's trial division + Baillie–PSW (`mpz_probab_prime_p`, which since
    /// GMP 6.2 runs BPSW first), then `rounds` Miller–Rabin rounds with bases drawn from `generator`
    /// so an adversary who chose the candidate cannot predict them.
    ///
    /// No composite is known to pass BPSW; the random-base rounds bound the error by 4^-rounds
    /// even for adversarial input. Values below 2 (negative ones included) are not prime; never
    /// fails. `rounds: 0` runs trial division and BPSW only.
    ///
    /// **Variable time**: trial division stops at the first factor and the tests use
    /// ``powerVariableTime(_:modulo:)``, so the running time depends on the candidate's value.
    /// Testing one's own secret primes (a restored Paillier key) leaks through timing what the
    /// test's timing reveals; the name says so.
    public func isProbablePrimeVariableTime(rounds: Int = 32, using generator: inout some RandomNumberGenerator) -> Bool {
        if self < BigInt(2) { return false }
        // reps ≤ 24 means GMP runs BPSW only (plus trial division); our own MR rounds follow.
        guard __gmpz_probab_prime_p(mpz, 24) != 0 else { return false }
        if self < BigInt(1 << 20) { return true } // BPSW is deterministic below 2^64
        return passesMillerRabinVariableTime(rounds: rounds, using: &generator)
    }

    /// ``isProbablePrimeVariableTime(rounds:using:)`` with the system CSPRNG choosing the
    /// Miller–Rabin bases. Variable time; never fails.
    public func isProbablePrimeVariableTime(rounds: Int = 32) -> Bool {
        var generator = SystemRandomNumberGenerator()
        return isProbablePrimeVariableTime(rounds: rounds, using: &generator)
    }

    /// `rounds` Miller–Rabin rounds with uniformly random bases in [2, n − 2], in **variable
    /// time** (``powerVariableTime(_:modulo:)``).
    ///
    /// For n ≤ 3 or even n no round runs: the answer is whether n is 2 or 3. Never fails.
    public func passesMillerRabinVariableTime(rounds: Int, using generator: inout some RandomNumberGenerator) -> Bool {
        guard self > BigInt(3), isOdd else { return self == BigInt(2) || self == BigInt(3) }
        let nMinusOne = self - .one
        var d = nMinusOne
        var s = 0
        while d.isEven { d = d >> 1; s += 1 }
        let baseRange = self - BigInt(3) // bases 2 … n-2
        for _ in 0..<rounds {
            let a = try! BigInt.random(below: baseRange, using: &generator) + BigInt(2)
            var x = try! a.powerVariableTime(d, modulo: self)
            if x == .one || x == nMinusOne { continue }
            var witness = true
            for _ in 1..<max(s, 1) {
                x = try! (x * x).modulo(self)
                if x == nMinusOne { witness = false; break }
            }
            if witness { return false }
        }
        return true
    }
}
