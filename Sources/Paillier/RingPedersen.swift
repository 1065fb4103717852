import BigNum

/// Ring-Pedersen parameters (N̂, s, t) (CGGMP, ePrint 2021/060 rev. 2024): N̂ a product of two safe
/// primes, t a random square and s = t^λ, so commitments s^a·t^b mod N̂ hide b… and a, when λ is
/// unknown to the committer.
public struct RingPedersenParameters: Sendable, Hashable {
    /// N̂.
    public let modulus: BigInt
    /// s = t^λ mod N̂.
    public let s: BigInt
    /// t, a square in Z*_N̂ other than ±1.
    public let t: BigInt
    /// The committer's fixed-base tables of s and t, built on first use and shared by every copy
    /// of this value (``commitWithTables(_:_:)``). Derived from (N̂, s, t): not part of equality.
    let committerTables = RingPedersenCommitterTables()

    /// Equal when N̂, s and t are (the cached tables are derived from them).
    public static func == (lhs: RingPedersenParameters, rhs: RingPedersenParameters) -> Bool {
        lhs.modulus == rhs.modulus && lhs.s == rhs.s && lhs.t == rhs.t
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(modulus)
        hasher.combine(s)
        hasher.combine(t)
    }

    /// A peer's parameters: N̂ odd and exactly `expectedBits` long; s and t in [2, N̂ − 1) (not ±1),
    /// coprime to N̂, with Jacobi symbol 1 (necessary for squares). That s lies in ⟨t⟩ is what the
    /// Πprm proof shows; it cannot be checked here.
    ///
    /// Variable time (`gcdVariableTime`, `jacobiVariableTime`) in s and t, which are public.
    /// - Parameters:
    ///   - modulus: N̂.
    ///   - s: s = t^λ.
    ///   - t: the base.
    ///   - expectedBits: the exact bit length the scheme parameters require of N̂.
    /// - Throws: ``PaillierError/modulusNotOddPositive`` for N̂ ≤ 3 or even,
    ///   ``PaillierError/modulusWrongLength(expected:actual:)``, and
    ///   ``PaillierError/ringPedersenParameterInvalid(name:)`` naming s or t.
    public init(modulus: BigInt, s: BigInt, t: BigInt, expectedBits: Int) throws(PaillierError) {
        guard modulus.signum > 0, modulus.isOdd, modulus > BigInt(3) else { throw .modulusNotOddPositive }
        guard modulus.bitLength == expectedBits else {
            throw .modulusWrongLength(expected: expectedBits, actual: modulus.bitLength)
        }
        for (name, value) in [("s", s), ("t", t)] {
            guard value > .one, value < modulus - .one, value.gcdVariableTime(modulus) == .one,
                  (try? value.jacobiVariableTime(modulus)) == 1
            else { throw .ringPedersenParameterInvalid(name: name) }
        }
        self.init(validatedModulus: modulus, s: s, t: t)
    }

    init(validatedModulus modulus: BigInt, s: BigInt, t: BigInt) {
        self.modulus = modulus
        self.s = s
        self.t = t
    }

    /// s^a · t^b mod N̂ for signed, possibly secret a and b (constant-time exponentiation).
    ///
    /// s and t are public, so their inverses (which hide the exponents' signs: a masked choice
    /// between base and inverse) are computed in variable time, not with the constant-time inverse
    /// `BigInt.power(_:modulo:)` would pay on every call. A committer making many commitments with
    /// the same parameters uses ``commitWithTables(_:_:)``.
    /// - Parameters:
    ///   - a: the exponent of s.
    ///   - b: the exponent of t.
    /// - Throws: ``PaillierError/notInvertible`` when s or t is not a unit (never for validated
    ///   parameters).
    public func commit(_ a: BigInt, _ b: BigInt) throws(PaillierError) -> BigInt {
        do {
            let sa = try s.power(a, modulo: modulus, baseInverse: try s.inverseVariableTime(modulo: modulus))
            let tb = try t.power(b, modulo: modulus, baseInverse: try t.inverseVariableTime(modulo: modulus))
            return try (sa * tb).modulo(modulus)
        } catch {
            throw .notInvertible
        }
    }
}

extension RingPedersenParameters: CustomStringConvertible {
    /// The type and N̂'s bit length.
    public var description: String { "RingPedersenParameters(\(modulus.bitLength) bits)" }
}

/// The trapdoor of ring-Pedersen parameters made by us: the factorisation's totient φ(N̂) and λ
/// with s = t^λ (the witness of the Πprm proof). `description` and reflection show the type name only.
public struct RingPedersenSecret: Sendable {
    /// The public parameters (N̂, s, t) these are the trapdoor of.
    public let parameters: RingPedersenParameters
    /// λ with s = t^λ mod N̂.
    public let lambda: BigInt
    /// φ(N̂) = (p − 1)(q − 1).
    public let totient: BigInt
    /// The safe primes p̂, q̂ of N̂ and the constant that recombines residues mod p̂ and q̂: the
    /// owner's CRT path (Πprm's prover, the verifier of proofs made for these parameters). Secret;
    /// package-internal.
    package let primesBasis: CRTBasis

    /// N̂ = pq for two distinct safe primes; t = r² mod N̂ for a uniform r ∈ Z*_N̂, λ uniform in
    /// [0, φ(N̂)), s = t^λ.
    ///
    /// p, q and (p − 1)/2, (q − 1)/2 are checked with Baillie–PSW: variable time in the secret
    /// primes (`isProbablePrimeVariableTime`), once per set-up, like prime generation itself. r is
    /// drawn uniformly from [0, N̂) and redrawn until t = r² mod N̂ is a unit other than ±1; the
    /// unit check runs on t, which is published, never on r. λ and s = t^λ are constant time.
    /// - Parameters:
    ///   - p: a safe prime > 7.
    ///   - q: another safe prime > 7.
    ///   - generator: a cryptographically secure generator outside tests.
    /// - Throws: ``PaillierError/invalidPrimes(reason:)`` naming the failed check.
    public init(p: BigInt, q: BigInt, using generator: inout some RandomNumberGenerator) throws(PaillierError) {
        guard p > BigInt(7), q > BigInt(7), p != q else { throw .invalidPrimes(reason: "p and q must be distinct safe primes > 7") }
        // Zero Miller–Rabin rounds: BPSW only, so this generator is never drawn from.
        var unusedGenerator = ChaChaRandom(testSeed: 0)
        for prime in [p, q] {
            guard prime.isOdd, prime.isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator),
                  (prime >> 1).isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator)
            else { throw .invalidPrimes(reason: "p and q must be safe primes") }
        }
        let modulus = p * q
        let totient = (p - .one) * (q - .one)
        var t = BigInt.one
        // r² ∈ {1} happens only for r = ±1-like roots of unity; redraw so t is a non-trivial square.
        // t must be a unit (r is one exactly when r² is), checked on the public t.
        while t == .one || t == modulus - .one || t.isZero || t.gcdVariableTime(modulus) != .one {
            let r = try! BigInt.random(below: modulus, using: &generator)
            t = try! (r * r).modulo(modulus)
        }
        var lambda = BigInt.zero
        var s = BigInt.one
        while s == .one {  // λ with t^λ = 1 would make s trivial (λ = 0 or a multiple of t's order)
            lambda = try! BigInt.random(below: totient, using: &generator)
            s = try! t.powerPublicSign(lambda, modulo: modulus)
        }
        self.parameters = RingPedersenParameters(validatedModulus: modulus, s: s, t: t)
        self.lambda = lambda
        self.totient = totient
        self.primesBasis = try! CRTBasis(p, q)
    }
}

extension RingPedersenSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The type name only.
    public var description: String { "RingPedersenSecret" }
    /// The type name only.
    public var debugDescription: String { description }
    /// No children, so `dump` never shows λ or φ(N̂).
    public var customMirror: Mirror { Mirror(self, children: []) }
}
