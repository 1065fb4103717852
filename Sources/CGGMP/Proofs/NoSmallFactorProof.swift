import Bytes
import BigNum
import Paillier

/// Πfac (ePrint 2021/060 rev. 2024, Fig. 26): the prover's modulus N₀ = pq has no small factor —
/// both factors lie in ±2^(ℓ+ε)·√N₀, so with N₀ of the set's exact length neither is below
/// about 2^ℓ.
///
/// The factors are committed with the *verifier's* ring-Pedersen parameters (N̂, s, t): P = s^p t^μ,
/// Q = s^q t^ν. The responses z₁ = α + e·p, z₂ = β + e·q are range-checked, and
/// Q^z₁ · t^v = T · (s^N₀ t^σ)^e shows the committed p·q equals N₀. A modulus with sixteen tiny
/// factors (BitForge, CVE-2023-33241) cannot pass the range check on the large cofactor.
@_spi(Benchmarks) public struct NoSmallFactorProof: Sendable, Hashable, WireCodable {
    /// The public input: the prover's modulus N₀ and the verifier's ring-Pedersen parameters.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N₀, the prover's Paillier modulus.
        public let modulus: BigInt
        /// The verifier's ring-Pedersen parameters (N̂, s, t) the factors are committed with.
        public let ringPedersen: RingPedersenProof.Statement

        /// The statement from its parts; nothing is checked until `verify`.
        public init(modulus: BigInt, ringPedersen: RingPedersenProof.Statement) {
            self.modulus = modulus
            self.ringPedersen = ringPedersen
        }
        /// The statement for `key`'s modulus against the verifier's `verifierParameters`.
        public init(_ key: PaillierPublicKey, verifierParameters: RingPedersenParameters) {
            self.init(modulus: key.modulus, ringPedersen: .init(verifierParameters))
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N0", modulus)
            writer.write(ringPedersen)
        }
        public init(from reader: inout ByteReader) throws(DecodingError) {
            modulus = try reader.readBigInt("N0")
            ringPedersen = try reader.read()
        }
    }

    // First message.
    let P: BigInt
    let Q: BigInt
    let A: BigInt
    let B: BigInt
    let T: BigInt
    let sigma: BigInt
    // Responses.
    let z1: BigInt
    let z2: BigInt
    let w1: BigInt
    let w2: BigInt
    let v: BigInt

    static let tag = ProofTag.noSmallFactor

    init(P: BigInt, Q: BigInt, A: BigInt, B: BigInt, T: BigInt, sigma: BigInt,
                z1: BigInt, z2: BigInt, w1: BigInt, w2: BigInt, v: BigInt) {
        self.P = P; self.Q = Q; self.A = A; self.B = B; self.T = T; self.sigma = sigma
        self.z1 = z1; self.z2 = z2; self.w1 = w1; self.w2 = w2; self.v = v
    }

    /// Proves that `key`'s modulus has no small factor, against the verifier's parameters.
    public static func prove(
        key: PaillierSecretKey, verifierParameters: RingPedersenParameters, context: ProofContext,
        parameters: SchemeParameters, using generator: inout some RandomNumberGenerator
    ) -> NoSmallFactorProof {
        prove(p: key.p, q: key.q, statement: Statement(key.publicKey, verifierParameters: verifierParameters),
              context: context, parameters: parameters, using: &generator)
    }

    /// The prover on bare factors (the tests also run it on moduli no honest key would have).
    static func prove(
        p: BigInt, q: BigInt, statement: Statement, context: ProofContext,
        parameters: SchemeParameters, using generator: inout some RandomNumberGenerator
    ) -> NoSmallFactorProof {
        let n0 = statement.modulus, rp = statement.ringPedersen, nHat = rp.modulus
        precondition(p * q == n0, "Πfac: the factors must multiply to the modulus")
        let ell = parameters.ell, ellEps = parameters.ell + parameters.epsilon
        let sqrtN0 = integerSquareRoot(n0)
        func sample(_ bound: BigInt) -> BigInt { randomSigned(magnitude: bound, using: &generator) }
        let alpha = sample(sqrtN0 << ellEps), beta = sample(sqrtN0 << ellEps)
        let mu = sample(nHat << ell), nu = sample(nHat << ell)
        let sigma = sample((n0 * nHat) << ell)
        let r = sample((n0 * nHat) << ellEps)
        let x = sample(nHat << ellEps), y = sample(nHat << ellEps)

        // Every exponent but p and q is a signed secret: the constant-time power hides the sign by a
        // masked choice between base and inverse. The bases (s, t, and Q, which is sent) are public
        // units, so their inverses are computed once, in variable time.
        let sInverse = try! rp.s.inverseVariableTime(modulo: nHat), tInverse = try! rp.t.inverseVariableTime(modulo: nHat)
        func commit(_ a: BigInt, _ b: BigInt) -> BigInt {
            let sa = try! rp.s.power(a, modulo: nHat, baseInverse: sInverse)
            let tb = try! rp.t.power(b, modulo: nHat, baseInverse: tInverse)
            return try! (sa * tb).modulo(nHat)
        }
        let bigP = commit(p, mu), bigQ = commit(q, nu)
        let bigA = commit(alpha, x), bigB = commit(beta, y)
        let qToAlpha = try! bigQ.power(alpha, modulo: nHat, baseInverse: try! bigQ.inverseVariableTime(modulo: nHat))
        let bigT = try! (qToAlpha * (try! rp.t.power(r, modulo: nHat, baseInverse: tInverse))).modulo(nHat)

        var transcript = Transcript(proof: tag, context: context, parameters: parameters)
        transcript.append("statement", statement)
        appendFirstMessage(P: bigP, Q: bigQ, A: bigA, B: bigB, T: bigT, sigma: sigma, to: &transcript)
        let e = transcript.challengeSigned(bits: ell)

        return NoSmallFactorProof(
            P: bigP, Q: bigQ, A: bigA, B: bigB, T: bigT, sigma: sigma,
            z1: alpha + e * p, z2: beta + e * q, w1: x + e * mu, w2: y + e * nu,
            v: r + e * (sigma - nu * p))
    }

    /// Verifies the proof for `statement`.
    ///
    /// Checks: N₀ has the exact bit length and is odd; (N̂, s, t) as in Πprm; P, Q, A, B, T ∈ [1, N̂)
    /// and units; z₁, z₂ ∈ ±2^(ℓ+ε)·⌊√N₀⌋ (the paper's range checks); and, so no peer can make us
    /// exponentiate by huge numbers, the sizes an honest prover always meets: σ ∈ ±2^ℓ·N₀N̂,
    /// w₁, w₂ ∈ ±2^(ℓ+ε+1)·N̂, v ∈ ±2^(ℓ+ε+1)·N₀N̂. Then the three equations
    /// s^z₁ t^w₁ = A·P^e, s^z₂ t^w₂ = B·Q^e, Q^z₁ t^v = T·(s^N₀ t^σ)^e (mod N̂).
    ///
    /// Unless `path` is `.reference`, each equation is checked by one simultaneous exponentiation
    /// with the right-hand powers moved across (every base is a checked unit, so this is exact):
    /// s^z₁ t^w₁ P^(−e) = A, s^z₂ t^w₂ Q^(−e) = B and Q^z₁ t^(v − σe) s^(−N₀e) = T. Same verdict.
    /// - Throws: the `ProofError` naming the first failed check.
    public func verify(
        _ statement: Statement, context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        let n0 = statement.modulus, rp = statement.ringPedersen, nHat = rp.modulus
        guard n0.signum > 0, n0.bitLength == parameters.modulusBits else {
            throw .modulusHasWrongBitLength(expected: parameters.modulusBits, got: n0.bitLength)
        }
        guard n0.isOdd else { throw .modulusIsEven }
        try RingPedersenProof.checkRingPedersen(rp, bits: parameters.modulusBits)
        for (name, value) in [("P", P), ("Q", Q), ("A", A), ("B", B), ("T", T)] {
            guard value.signum > 0, value < nHat else { throw .rangeCheckFailed(field: name) }
            guard value.gcdVariableTime(nHat) == .one else { throw .notAUnit(field: name) }
        }
        let ell = parameters.ell, ellEps = parameters.ell + parameters.epsilon
        let zBound = integerSquareRoot(n0) << ellEps
        for (name, value, bound) in [
            ("z1", z1, zBound), ("z2", z2, zBound),
            ("sigma", sigma, (n0 * nHat) << ell),
            ("w1", w1, nHat << (ellEps + 1)), ("w2", w2, nHat << (ellEps + 1)),
            ("v", v, (n0 * nHat) << (ellEps + 1)),
        ] {
            guard value.magnitude <= bound else { throw .rangeCheckFailed(field: name) }
        }

        var transcript = Transcript(proof: Self.tag, context: context, parameters: parameters)
        transcript.append("statement", statement)
        Self.appendFirstMessage(P: P, Q: Q, A: A, B: B, T: T, sigma: sigma, to: &transcript)
        let e = transcript.challengeSigned(bits: ell)

        // Every base is a checked unit, so negative exponents are defined.
        if path == .fast {
            func product(_ terms: [(base: BigInt, exponent: BigInt)]) -> BigInt {
                try! BigInt.productOfPowersVariableTime(terms, modulo: nHat)
            }
            guard product([(rp.s, z1), (rp.t, w1), (P, -e)]) == A else { throw .equationFailed("s^z1·t^w1 = A·P^e") }
            guard product([(rp.s, z2), (rp.t, w2), (Q, -e)]) == B else { throw .equationFailed("s^z2·t^w2 = B·Q^e") }
            // Q^z1·t^v = T·(s^N0·t^σ)^e, as Q^z1·t^(v − σe)·s^(−N0·e) = T.
            guard product([(Q, z1), (rp.t, v - sigma * e), (rp.s, -(n0 * e))]) == T else {
                throw .equationFailed("Q^z1·t^v = T·R^e")
            }
            return
        }
        func pow(_ base: BigInt, _ exponent: BigInt) -> BigInt { try! base.powerVariableTime(exponent, modulo: nHat) }
        func mul(_ a: BigInt, _ b: BigInt) -> BigInt { try! (a * b).modulo(nHat) }
        guard mul(pow(rp.s, z1), pow(rp.t, w1)) == mul(A, pow(P, e)) else {
            throw .equationFailed("s^z1·t^w1 = A·P^e")
        }
        guard mul(pow(rp.s, z2), pow(rp.t, w2)) == mul(B, pow(Q, e)) else {
            throw .equationFailed("s^z2·t^w2 = B·Q^e")
        }
        let bigR = mul(pow(rp.s, n0), pow(rp.t, sigma))
        guard mul(pow(Q, z1), pow(rp.t, v)) == mul(T, pow(bigR, e)) else {
            throw .equationFailed("Q^z1·t^v = T·R^e")
        }
    }

    private static func appendFirstMessage(P: BigInt, Q: BigInt, A: BigInt, B: BigInt, T: BigInt, sigma: BigInt,
                                           to transcript: inout Transcript) {
        transcript.append("P", P)
        transcript.append("Q", Q)
        transcript.append("A", A)
        transcript.append("B", B)
        transcript.append("T", T)
        transcript.append("sigma", sigma)
    }

    // MARK: Encoding

    public func encode(to writer: inout ByteWriter) {
        for (name, value) in [("P", P), ("Q", Q), ("A", A), ("B", B), ("T", T), ("sigma", sigma),
                              ("z1", z1), ("z2", z2), ("w1", w1), ("w2", w2), ("v", v)] {
            writer.write(name, value)
        }
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        P = try reader.readBigInt("P")
        Q = try reader.readBigInt("Q")
        A = try reader.readBigInt("A")
        B = try reader.readBigInt("B")
        T = try reader.readBigInt("T")
        sigma = try reader.readBigInt("sigma")
        z1 = try reader.readBigInt("z1")
        z2 = try reader.readBigInt("z2")
        w1 = try reader.readBigInt("w1")
        w2 = try reader.readBigInt("w2")
        v = try reader.readBigInt("v")
    }
}

/// ⌊√n⌋ for n ≥ 0, by Newton's iteration from a power of two above the root.
func integerSquareRoot(_ n: BigInt) -> BigInt {
    precondition(n.signum >= 0)
    if n < BigInt(2) { return n }
    var x = BigInt.powerOfTwo((n.bitLength + 1) / 2)
    while true {
        let next = (x + n / x) >> 1
        if next >= x { return x }
        x = next
    }
}

/// Uniform in [−bound, bound].
func randomSigned(magnitude bound: BigInt, using generator: inout some RandomNumberGenerator) -> BigInt {
    try! BigInt.random(below: (bound << 1) + .one, using: &generator) - bound
}
