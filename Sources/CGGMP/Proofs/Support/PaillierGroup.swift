import BigNum

/// One Paillier modulus N as the proofs compute with it: plaintexts mod N, ciphertexts in Z*_{N²},
/// randomizers in Z*_N.
///
/// The proofs need "enc(z, w)" for a signed integer z and a masked randomizer w, and the
/// homomorphic operations, on values that have been range-checked; this keeps that arithmetic, and
/// the membership checks that go with each modulus, in one place.
struct PaillierGroup: Sendable {
    /// N.
    let modulus: BigInt
    /// N².
    let modulusSquared: BigInt

    init(modulus: BigInt) {
        self.modulus = modulus
        self.modulusSquared = modulus * modulus
    }

    /// enc(m; r) = (1 + N)^m · r^N mod N², for any integer m (taken mod N: (1 + N)^m = 1 + mN mod N²).
    /// The prover's r is secret; GMP's variable-time power leaks through its reductions as well as
    /// through the exponent, so r^N uses the constant-time power (as `PaillierPublicKey` does).
    func encrypt(_ plaintext: BigInt, randomizer: BigInt) -> BigInt {
        let message = try! plaintext.modulo(modulus)
        let gToM = try! (BigInt.one + message * modulus).modulo(modulusSquared)
        let rToN = ProofArithmetic.secretPower(randomizer, modulus, modulo: modulusSquared)
        return ProofArithmetic.multiply(gToM, rToN, modulo: modulusSquared)
    }

    /// c1 · c2 mod N² (homomorphic addition of plaintexts).
    func add(_ c1: BigInt, _ c2: BigInt) -> BigInt {
        ProofArithmetic.multiply(c1, c2, modulo: modulusSquared)
    }

    /// c^k mod N² for a secret integer k of either sign (constant time); c must be a unit.
    func scaleSecret(_ ciphertext: BigInt, by k: BigInt) -> BigInt {
        ProofArithmetic.secretPower(ciphertext, k, modulo: modulusSquared)
    }

    /// c^k mod N² for a public integer k of either sign; c was checked to be a unit.
    func scalePublic(_ ciphertext: BigInt, by k: BigInt, field: String) throws(ProofError) -> BigInt {
        try ProofArithmetic.publicPower(ciphertext, k, modulo: modulusSquared, field: field)
    }

    /// r · ρ^e mod N: a randomizer masked by a public exponent (ρ secret, e public and signed);
    /// the base is secret, so the power is the constant-time one.
    func maskRandomizer(_ r: BigInt, secret rho: BigInt, exponent e: BigInt) -> BigInt {
        let rhoToE = ProofArithmetic.secretPower(rho, e, modulo: modulus)
        return ProofArithmetic.multiply(r, rhoToE, modulo: modulus)
    }

    /// A ciphertext must lie in [1, N²) and be a unit (gcd with N is 1).
    func requireCiphertext(_ value: BigInt, field: String) throws(ProofError) {
        try ProofArithmetic.requireUnit(value, modulo: modulusSquared, field: field)
    }

    /// A randomizer must lie in [1, N) and be a unit mod N.
    func requireRandomizer(_ value: BigInt, field: String) throws(ProofError) {
        try ProofArithmetic.requireUnit(value, modulo: modulus, field: field)
    }

    /// A fresh uniform randomizer in Z*_N.
    func randomRandomizer(using generator: inout some RandomNumberGenerator) -> BigInt {
        ProofArithmetic.randomUnit(modulo: modulus, using: &generator)
    }
}
