import BigNum
import Paillier

/// The verifier's ring-Pedersen parameters (N̂, s, t) as the range proofs compute with them:
/// commitments s^a · t^b mod N̂, checked to be units mod N̂.
struct PedersenGroup: Sendable {
    let modulus: BigInt
    let s: BigInt
    let t: BigInt

    init(_ parameters: RingPedersenParameters) {
        modulus = parameters.modulus
        s = parameters.s
        t = parameters.t
    }

    /// s^a · t^b mod N̂ for secret a, b of either sign (constant-time exponentiation).
    func commitSecret(_ a: BigInt, _ b: BigInt) -> BigInt {
        ProofArithmetic.multiply(
            ProofArithmetic.secretPower(s, a, modulo: modulus),
            ProofArithmetic.secretPower(t, b, modulo: modulus),
            modulo: modulus)
    }

    /// s^a · t^b mod N̂ for public (response) exponents.
    func commitPublic(_ a: BigInt, _ b: BigInt) throws(ProofError) -> BigInt {
        ProofArithmetic.multiply(
            try ProofArithmetic.publicPower(s, a, modulo: modulus, field: "s"),
            try ProofArithmetic.publicPower(t, b, modulo: modulus, field: "t"),
            modulo: modulus)
    }

    /// commitment · base^e mod N̂ (the right-hand sides "E · S^e").
    func combine(_ commitment: BigInt, _ base: BigInt, exponent e: BigInt, field: String) throws(ProofError) -> BigInt {
        ProofArithmetic.multiply(
            commitment, try ProofArithmetic.publicPower(base, e, modulo: modulus, field: field), modulo: modulus)
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
