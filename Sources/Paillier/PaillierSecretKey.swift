import BigNum

/// A Paillier secret key: the primes p, q of N = pq and every constant the CRT paths need.
///
/// Decryption and the owner's encryption work modulo p² and q² separately and recombine (Paillier
/// 1999, §6), with the secret exponents (never negative) through the constant-time
/// `BigInt.powerPublicSign(_:modulo:)`.
/// Setting a key up from its primes (``init(p:q:)``, ``generate(modulusBits:using:workers:)``) is
/// variable time in the primes; see there. `description` and reflection show the type name only.
public struct PaillierSecretKey: Sendable {
    /// The matching public key (N = pq).
    public let publicKey: PaillierPublicKey
    /// The first prime factor of N; secret.
    public let p: BigInt
    /// The second prime factor of N; secret.
    public let q: BigInt
    /// φ(N) = (p − 1)(q − 1); secret.
    public let totient: BigInt

    /// p², q² and the Garner constant to recombine residues mod p² and q² into one mod N².
    let squaresBasis: CRTBasis
    /// p, q and the Garner constant to recombine residues mod p and q into one mod N; secret.
    public let primesBasis: CRTBasis
    /// h_p = L_p(g^(p−1) mod p²)⁻¹ mod p, with L_p(x) = (x − 1)/p.
    let hp: BigInt
    /// h_q = L_q(g^(q−1) mod q²)⁻¹ mod q.
    let hq: BigInt
    /// q mod (p − 1): r^N mod p² is ((r mod p)^(q mod (p − 1)) mod p)^p (see
    /// `nthPowerModPrimeSquared`); secret.
    let qModPMinusOne: BigInt
    /// p mod (q − 1), the same for q².
    let pModQMinusOne: BigInt
    /// N⁻¹ mod (p − 1): the exponent that undoes r ↦ r^N modulo p; secret.
    public let nthRootExponentP: BigInt
    /// N⁻¹ mod (q − 1): the exponent that undoes r ↦ r^N modulo q; secret.
    public let nthRootExponentQ: BigInt

    /// A key from two distinct odd primes with gcd(N, φ(N)) = 1 (true for primes of equal length).
    ///
    /// The primes are checked with Baillie–PSW, which no known composite passes; callers that hold
    /// primes from `PrimeGenerator` or the committed vectors pass this check in milliseconds.
    ///
    /// Variable time in p and q, once per key: the primality tests
    /// (`isProbablePrimeVariableTime`), gcd(N, φ(N)) (`gcdVariableTime`) and the four CRT
    /// constants (`inverseVariableTime`; two of them are modulo the even p − 1 and q − 1, which
    /// rules out a constant-time exponentiation) all run on the secret primes. Like prime
    /// generation itself, call it where its timing cannot be observed remotely (key generation,
    /// loading a stored key), never per request.
    /// - Throws: ``PaillierError/invalidPrimes(reason:)`` naming the failed check (not odd primes
    ///   above 2, equal, composite, or gcd(N, φ(N)) ≠ 1).
    public init(p: BigInt, q: BigInt) throws(PaillierError) {
        guard p > BigInt(2), q > BigInt(2), p.isOdd, q.isOdd else { throw .invalidPrimes(reason: "p and q must be odd primes") }
        guard p != q else { throw .invalidPrimes(reason: "p and q must differ") }
        // Zero Miller–Rabin rounds: BPSW only, so the generator is never drawn from.
        var unusedGenerator = ChaChaRandom(testSeed: 0)
        guard p.isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator),
              q.isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator)
        else { throw .invalidPrimes(reason: "p and q must be prime") }
        let n = p * q
        let pMinusOne = p - .one, qMinusOne = q - .one
        let totient = pMinusOne * qMinusOne
        guard n.gcdVariableTime(totient) == .one else { throw .invalidPrimes(reason: "gcd(N, φ(N)) must be 1") }

        self.p = p
        self.q = q
        self.totient = totient
        self.publicKey = PaillierPublicKey(validatedModulus: n)
        let pSquared = p * p, qSquared = q * q
        self.squaresBasis = try! CRTBasis(pSquared, qSquared)
        self.primesBasis = try! CRTBasis(p, q)
        // g = N + 1, so g^(p−1) mod p² = 1 + (p − 1)·N and L_p of it is (p − 1)·q mod p.
        self.hp = try! (pMinusOne * q).inverseVariableTime(modulo: p)
        self.hq = try! (qMinusOne * p).inverseVariableTime(modulo: q)
        self.qModPMinusOne = try! q.modulo(pMinusOne)
        self.pModQMinusOne = try! p.modulo(qMinusOne)
        self.nthRootExponentP = try! n.inverseVariableTime(modulo: pMinusOne)
        self.nthRootExponentQ = try! n.inverseVariableTime(modulo: qMinusOne)
    }

    /// A fresh key with a modulus of exactly `modulusBits` bits from two distinct Paillier–Blum
    /// primes (p ≡ q ≡ 3 mod 4) of `modulusBits / 2` bits each, as CGGMP requires.
    ///
    /// Variable time, like `PrimeGenerator` and ``init(p:q:)``, which it uses.
    /// - Parameters:
    ///   - modulusBits: the bit length of N.
    ///   - generator: a cryptographically secure generator outside tests.
    ///   - workers: threads searching for primes in parallel.
    /// - Precondition: `modulusBits` is even and ≥ 16.
    public static func generate(modulusBits: Int, using generator: inout some RandomNumberGenerator, workers: Int = 1) -> PaillierSecretKey {
        precondition(modulusBits % 2 == 0 && modulusBits >= 16, "modulus bits must be even and ≥ 16")
        let p = PrimeGenerator.blumPrime(bits: modulusBits / 2, using: &generator, workers: workers)
        var q = p
        while q == p { q = PrimeGenerator.blumPrime(bits: modulusBits / 2, using: &generator, workers: workers) }
        return try! PaillierSecretKey(p: p, q: q)
    }

    /// N, the public key's modulus.
    public var modulus: BigInt { publicKey.modulus }

    // MARK: Encryption by the owner (CRT)

    /// enc(m; r) computed as r^N mod p² and mod q² (each from r mod p: ((r mod p)^(q mod (p − 1))
    /// mod p)^p, see `nthPowerModPrimeSquared`), then recombined — about a third of the work of
    /// `PaillierPublicKey.encrypt`, same ciphertext.
    ///
    /// Constant time in m and r. The unit check looks at the two mask residues (r is a unit mod N
    /// exactly when neither is zero), which says no more than the check on the returned ciphertext
    /// in `PaillierPublicKey.encrypt(_:randomness:)` and costs no gcd.
    /// - Parameters:
    ///   - plaintext: m, any signed integer.
    ///   - randomness: r; secret.
    /// - Throws: ``PaillierError/randomnessNotUnit`` when r mod N is zero or shares a factor with N.
    public func encrypt(_ plaintext: BigInt, randomness: BigInt) throws(PaillierError) -> PaillierCiphertext {
        guard let c = encryptIfUnit(plaintext, randomness: randomness) else { throw .randomnessNotUnit }
        return PaillierCiphertext(value: c)
    }

    /// The CRT encryption, or nil when r is not a unit modulo N.
    private func encryptIfUnit(_ plaintext: BigInt, randomness: BigInt) -> BigInt? {
        let (maskP, maskQ) = maskResidues(randomness)
        guard !maskP.isZero, !maskQ.isZero else { return nil }
        let mask = squaresBasis.combine(maskP, maskQ)
        return try! (publicKey.generatorPower(plaintext) * mask).modulo(publicKey.modulusSquared)
    }

    /// enc(m; r) with r sampled uniformly from Z*_N, by the CRT path; returns r too. Never fails.
    ///
    /// The same draws as `PaillierPublicKey.encrypt(_:using:)`: r uniform in [0, N), redrawn while
    /// the ciphertext is not a unit, with no variable-time operation on r.
    public func encrypt(_ plaintext: BigInt, using generator: inout some RandomNumberGenerator) -> (ciphertext: PaillierCiphertext, randomness: BigInt) {
        while true {
            let r = try! BigInt.random(below: modulus, using: &generator)
            if let c = encryptIfUnit(plaintext, randomness: r) { return (PaillierCiphertext(value: c), r) }
        }
    }

    // MARK: Decryption

    /// The plaintext of a (validated) ciphertext, centred in (−N/2, N/2], by CRT:
    /// m_p = L_p(c^(p−1) mod p²)·h_p mod p, likewise m_q, recombined mod N.
    ///
    /// Constant time in the secret exponents; the ciphertext is validated first.
    /// - Throws: ``PaillierError/ciphertextOutOfRange``, ``PaillierError/ciphertextNotCoprime``
    ///   (from `PaillierPublicKey.validate(_:)`).
    public func decrypt(_ ciphertext: PaillierCiphertext) throws(PaillierError) -> BigInt {
        try publicKey.validate(ciphertext)
        let mp = residue(of: ciphertext.value, prime: p, square: squaresBasis.first, h: hp)
        let mq = residue(of: ciphertext.value, prime: q, square: squaresBasis.second, h: hq)
        return try! primesBasis.combine(mp, mq).centred(modulo: modulus)
    }

    /// m mod prime = L_prime(c^(prime−1) mod prime²) · h mod prime.
    private func residue(of c: BigInt, prime: BigInt, square: BigInt, h: BigInt) -> BigInt {
        let u = try! c.powerPublicSign(prime - .one, modulo: square)
        let l = try! (u - .one).dividedExactly(by: prime)
        return try! (l * h).modulo(prime)
    }

    /// Textbook decryption without CRT, m = L(c^φ mod N²)·φ⁻¹ mod N (g = N + 1 makes μ = φ⁻¹):
    /// the reference the CRT path is tested and benchmarked against.
    ///
    /// Variable time in the secret φ(N): μ = φ⁻¹ mod N is computed with `inverseVariableTime` on
    /// every call. Benchmarks and tests only; use ``decrypt(_:)``.
    /// - Throws: ``PaillierError/ciphertextOutOfRange``, ``PaillierError/ciphertextNotCoprime``.
    @_spi(Benchmarks)
    public func decryptWithoutCRTVariableTime(_ ciphertext: PaillierCiphertext) throws(PaillierError) -> BigInt {
        try publicKey.validate(ciphertext)
        let n = modulus
        let u = try! ciphertext.value.powerPublicSign(totient, modulo: publicKey.modulusSquared)
        let l = try! (u - .one).dividedExactly(by: n)
        let mu = try! totient.inverseVariableTime(modulo: n)
        return try! (l * mu).centred(modulo: n)
    }

    // MARK: Randomness recovery

    /// The r in Z*_N with c = enc(m; r) for some m: c ≡ r^N (mod N), so r = (c mod N)^(N⁻¹ mod φ(N))
    /// mod N, computed mod p and q with the reduced exponents. Needed by proofs (Πdec-like) that
    /// open a ciphertext the prover did not make.
    ///
    /// Constant time in the secret exponents; the ciphertext is validated first.
    /// - Throws: ``PaillierError/ciphertextOutOfRange``, ``PaillierError/ciphertextNotCoprime``.
    public func recoverRandomness(of ciphertext: PaillierCiphertext) throws(PaillierError) -> BigInt {
        try publicKey.validate(ciphertext)
        let c = ciphertext.value
        let rp = try! c.powerPublicSign(nthRootExponentP, modulo: p)
        let rq = try! c.powerPublicSign(nthRootExponentQ, modulo: q)
        return primesBasis.combine(rp, rq)
    }
}

extension PaillierSecretKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The type name only.
    public var description: String { "PaillierSecretKey" }
    /// The type name only.
    public var debugDescription: String { description }
    /// No children, so `dump` never shows the primes.
    public var customMirror: Mirror { Mirror(self, children: []) }
}
