import BigNum
import Paillier

/// The verifier's ring-Pedersen parameters (N̂, s, t) as the range proofs compute with them:
/// commitments s^a · t^b mod N̂, checked to be units mod N̂.
struct PedersenGroup: Sendable {
    let modulus: BigInt
    let s: BigInt
    let t: BigInt
    /// The verifier's own trapdoor, when the parameters are its own and it takes the CRT path:
    /// `commitPublic` then works mod p̂ and q̂.
    let owner: RingPedersenSecret?
    /// s⁻¹ and t⁻¹ mod N̂ for a prover (``init(prover:)``): `commitSecret` hides its exponents'
    /// signs by choosing between base and inverse, and these spare it an inverse per power.
    let inverses: (s: BigInt, t: BigInt)?

    init(_ parameters: RingPedersenParameters) {
        modulus = parameters.modulus
        s = parameters.s
        t = parameters.t
        owner = nil
        inverses = nil
    }

    /// The verifier's parameters as a prover commits with them: s⁻¹ and t⁻¹ computed once (s and t
    /// are public units of validated parameters, so in variable time).
    init(prover parameters: RingPedersenParameters) {
        modulus = parameters.modulus
        s = parameters.s
        t = parameters.t
        owner = nil
        inverses = (ProofArithmetic.publicInverse(s, modulo: modulus), ProofArithmetic.publicInverse(t, modulo: modulus))
    }

    /// The verifier's own parameters: CRT on the fast path, full width on the reference path.
    init(own secret: RingPedersenSecret, path: ArithmeticPath) {
        modulus = secret.parameters.modulus
        s = secret.parameters.s
        t = secret.parameters.t
        owner = path == .fast ? secret : nil
        inverses = nil
    }

    /// s^a · t^b mod N̂ for secret a, b of either sign, the signs secret too (constant-time
    /// exponentiation; with a prover's ``inverses`` no inverse is computed per call).
    func commitSecret(_ a: BigInt, _ b: BigInt) -> BigInt {
        ProofArithmetic.multiply(
            ProofArithmetic.secretPower(s, a, modulo: modulus, baseInverse: inverses?.s),
            ProofArithmetic.secretPower(t, b, modulo: modulus, baseInverse: inverses?.t),
            modulo: modulus)
    }

    /// s^a · t^b mod N̂ for public (response) exponents. The owner of the parameters computes it
    /// mod p̂ and q̂ with exponents reduced mod p̂ − 1, q̂ − 1 (constant time: p̂, q̂ are secret);
    /// same value, and s, t are units, so neither path can fail.
    func commitPublic(_ a: BigInt, _ b: BigInt) throws(ProofError) -> BigInt {
        if let owner { return owner.commitCRT(a, b) }
        return ProofArithmetic.multiply(
            try ProofArithmetic.publicPower(s, a, modulo: modulus, field: "s"),
            try ProofArithmetic.publicPower(t, b, modulo: modulus, field: "t"),
            modulo: modulus)
    }

    /// commitment · base^e mod N̂ (the right-hand sides "E · S^e").
    func combine(_ commitment: BigInt, _ base: BigInt, exponent e: BigInt, field: String) throws(ProofError) -> BigInt {
        ProofArithmetic.multiply(
            commitment, try ProofArithmetic.publicPower(base, e, modulo: modulus, field: field), modulo: modulus)
    }

    /// Whether s^a · t^b = commitment · base^e (mod N̂): a verifier's ring-Pedersen equation on
    /// public responses a, b and a checked unit `base`.
    ///
    /// `.fast` without the trapdoor: one simultaneous exponentiation s^a · t^b · base^(−e) compared
    /// with `commitment` (moving base^e across is exact: base is a unit). With the trapdoor (the
    /// verifier's own parameters on `.fast`) the left side is `commitCRT`, as before; `.reference`
    /// computes each power on its own. Should a base with a negative exponent not be a unit, the fast
    /// path defers to the separate powers, so the error names the same field.
    /// - Throws: `ProofError.notAUnit(field:)` for a power with a negative exponent on a non-unit.
    func equationHolds(
        _ a: BigInt, _ b: BigInt, equals commitment: BigInt, times base: BigInt, exponent e: BigInt,
        field: String, path: ArithmeticPath
    ) throws(ProofError) -> Bool {
        if path == .fast, owner == nil,
           let product = try? BigInt.productOfPowersVariableTime([(s, a), (t, b), (base, -e)], modulo: modulus) {
            return product == commitment
        }
        return try commitPublic(a, b) == combine(commitment, base, exponent: e, field: field)
    }

    /// A commitment must lie in [1, N̂) and be a unit mod N̂.
    func requireCommitment(_ value: BigInt, field: String) throws(ProofError) {
        try ProofArithmetic.requireUnit(value, modulo: modulus, field: field)
    }

    /// Binds N̂, s, t into a transcript (the proofs are only sound for the verifier's own parameters).
    func bind(into transcript: inout Transcript) {
        transcript.append("ring-pedersen N^", modulus)
        transcript.append("ring-pedersen s", s)
        transcript.append("ring-pedersen t", t)
    }
}
