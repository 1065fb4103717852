import BigNum

extension RingPedersenSecret {
    /// Rebuilds stored parameters from their safe primes, the base t and the trapdoor λ (so a
    /// party can keep its ring-Pedersen secret across restarts; s = t^λ is recomputed, not trusted).
    ///
    /// p and q are checked as in `init(p:q:using:)`; t must be a square candidate in Z*_N̂ other
    /// than ±1 and λ must lie in [0, φ(N̂)) with t^λ ≠ 1. Variable time in the secret primes
    /// (`isProbablePrimeVariableTime`), as at set-up; s = t^λ is constant time in λ.
    /// - Parameters:
    ///   - p: the first safe prime of N̂.
    ///   - q: the second safe prime of N̂.
    ///   - t: the stored base.
    ///   - lambda: the stored trapdoor λ.
    /// - Throws: ``PaillierError/invalidPrimes(reason:)`` or
    ///   ``PaillierError/ringPedersenParameterInvalid(name:)`` (naming `t` or `lambda`).
    public init(p: BigInt, q: BigInt, t: BigInt, lambda: BigInt) throws(PaillierError) {
        guard p > BigInt(7), q > BigInt(7), p != q else { throw .invalidPrimes(reason: "p and q must be distinct safe primes > 7") }
        var unusedGenerator = ChaChaRandom(testSeed: 0)
        for prime in [p, q] {
            guard prime.isOdd, prime.isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator),
                  (prime >> 1).isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator)
            else { throw .invalidPrimes(reason: "p and q must be safe primes") }
        }
        let modulus = p * q
        let totient = (p - .one) * (q - .one)
        guard lambda.signum >= 0, lambda < totient else { throw .ringPedersenParameterInvalid(name: "lambda") }
        guard t > .one, t < modulus - .one, t.gcdVariableTime(modulus) == .one, (try? t.jacobiVariableTime(modulus)) == 1 else {
            throw .ringPedersenParameterInvalid(name: "t")
        }
        let s = try! t.powerPublicSign(lambda, modulo: modulus)
        guard s != .one else { throw .ringPedersenParameterInvalid(name: "lambda") }
        self.init(parameters: RingPedersenParameters(validatedModulus: modulus, s: s, t: t), lambda: lambda, totient: totient,
                  primesBasis: try! CRTBasis(p, q))
    }

    private init(parameters: RingPedersenParameters, lambda: BigInt, totient: BigInt, primesBasis: CRTBasis) {
        self.parameters = parameters
        self.lambda = lambda
        self.totient = totient
        self.primesBasis = primesBasis
    }
}
