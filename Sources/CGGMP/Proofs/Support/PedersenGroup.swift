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
    /// The verifier's parameters as a prover holds them (``init(prover:)``): `commitSecret` then
    /// uses their fixed-base comb tables (`RingPedersenParameters.commitWithTables`), built once per
    /// parameters value and shared by every proof made with it.
    let committer: RingPedersenParameters?

    init(_ parameters: RingPedersenParameters) {
        modulus = parameters.modulus
        s = parameters.s
        t = parameters.t
        owner = nil
        committer = nil
    }

    /// The verifier's parameters as a prover commits with them: on `.fast`, from constant-time comb
    /// tables of s and t (public), built on the first commitment; on `.reference`, by separate
    /// constant-time powers.
    init(prover parameters: RingPedersenParameters, path: ArithmeticPath = .fast) {
        modulus = parameters.modulus
        s = parameters.s
        t = parameters.t
        owner = nil
        committer = path == .fast ? parameters : nil
    }

    /// The verifier's own parameters: CRT on the fast path, full width on the reference path.
    init(own secret: RingPedersenSecret, path: ArithmeticPath) {
        modulus = secret.parameters.modulus
        s = secret.parameters.s
        t = secret.parameters.t
        owner = path == .fast ? secret : nil
        committer = nil
    }

    /// s^a · t^b mod N̂ for secret a, b of either sign, the signs secret too, in constant time:
    /// from the committer's tables when the group was made with ``init(prover:path:)`` on `.fast`,
    /// otherwise by two constant-time powers (s and t are public units, so their inverses, which
    /// hide the signs, are computed in variable time).
    func commitSecret(_ a: BigInt, _ b: BigInt) -> BigInt {
        if let committer { return committer.commitWithTables(a, b) }
        return ProofArithmetic.multiply(
            ProofArithmetic.secretPower(s, a, modulo: modulus, baseInverse: ProofArithmetic.publicInverse(s, modulo: modulus)),
            ProofArithmetic.secretPower(t, b, modulo: modulus, baseInverse: ProofArithmetic.publicInverse(t, modulo: modulus)),
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
