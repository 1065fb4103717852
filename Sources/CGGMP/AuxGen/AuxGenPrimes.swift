import BigNum

/// The primes one party's AuxGen (or KeyRefresh) run needs: two Paillier–Blum primes for its
/// Paillier key N and two safe primes for its ring-Pedersen modulus N̂.
///
/// Prime generation dominates the cost of AuxGen at production sizes (seconds to minutes), so it is
/// done ahead of time and passed to the entry point: tests pass committed primes, servers can keep a
/// pool, and `generate` makes fresh ones. `description` prints no value.
public struct AuxGenPrimes: Sendable, CustomStringConvertible {
    /// The first Blum prime of the Paillier modulus N. Secret.
    public let paillierP: BigInt
    /// The second Blum prime of N. Secret.
    public let paillierQ: BigInt
    /// The first safe prime of the ring-Pedersen modulus N̂. Secret.
    public let ringPedersenP: BigInt
    /// The second safe prime of N̂. Secret.
    public let ringPedersenQ: BigInt

    /// The primes are checked when the protocol starts (`AuxGen.makeSession`), against the
    /// parameter set's prime size.
    public init(paillierP: BigInt, paillierQ: BigInt, ringPedersenP: BigInt, ringPedersenQ: BigInt) {
        self.paillierP = paillierP
        self.paillierQ = paillierQ
        self.ringPedersenP = ringPedersenP
        self.ringPedersenQ = ringPedersenQ
    }

    /// Which prime `generate` has just finished (for progress reports).
    public enum Step: Int, Sendable, CaseIterable, CustomStringConvertible {
        /// The four primes, in the order they are generated.
        case paillierP = 1, paillierQ, ringPedersenP, ringPedersenQ

        /// Which prime of which modulus, in words.
        public var description: String {
            switch self {
            case .paillierP: "Paillier prime 1 of 2"
            case .paillierQ: "Paillier prime 2 of 2"
            case .ringPedersenP: "ring-Pedersen safe prime 1 of 2"
            case .ringPedersenQ: "ring-Pedersen safe prime 2 of 2"
            }
        }
    }

    /// Fresh primes of `parameters.paillierPrimeBits` bits with `PrimeGenerator`: two distinct
    /// Blum primes and two distinct safe primes. `progress` is called after each prime (safe
    /// primes take most of the time).
    public static func generate(
        parameters: SchemeParameters, using generator: inout some RandomNumberGenerator, workers: Int = 1,
        progress: (Step) -> Void = { _ in }
    ) -> AuxGenPrimes {
        let bits = parameters.paillierPrimeBits
        let p = PrimeGenerator.blumPrime(bits: bits, using: &generator, workers: workers)
        progress(.paillierP)
        var q = p
        while q == p { q = PrimeGenerator.blumPrime(bits: bits, using: &generator, workers: workers) }
        progress(.paillierQ)
        let pHat = PrimeGenerator.safePrime(bits: bits, using: &generator, workers: workers)
        progress(.ringPedersenP)
        var qHat = pHat
        while qHat == pHat { qHat = PrimeGenerator.safePrime(bits: bits, using: &generator, workers: workers) }
        progress(.ringPedersenQ)
        return AuxGenPrimes(paillierP: p, paillierQ: q, ringPedersenP: pHat, ringPedersenQ: qHat)
    }

    /// The type name only: no prime is printed.
    public var description: String { "AuxGenPrimes" }
}
