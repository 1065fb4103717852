import BigNum
import Paillier

/// Which arithmetic a prover or verifier uses where the computing party knows a factorisation
/// (issue #13): `.fast` works mod the primes (CRT) with the key owner's secret; `.reference` is
/// the plain full-width computation, kept as the oracle the fast path is tested and benchmarked
/// against. Both give identical proofs (for the same generator) and identical verdicts.
@_spi(Benchmarks) public enum ArithmeticPath: Sendable, Hashable {
    /// CRT with the owner's primes wherever they are available (the default).
    case fast
    /// Full width, no CRT: the oracle.
    case reference
}

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
    /// The key owner's secret key, when the computing party owns N and takes the CRT path:
    /// `encrypt`, `scaleSecret` and `maskRandomizer` then work mod p², q² (p, q) and recombine.
    let owner: PaillierSecretKey?

    /// Someone's modulus: full-width arithmetic.
    init(modulus: BigInt) {
        self.modulus = modulus
        self.modulusSquared = modulus * modulus
        self.owner = nil
    }

    /// N as its owner computes with it: CRT when `path` is `.fast` and `owner` is N's secret key,
    /// full width otherwise (no key, another key, or the reference path).
    init(modulus: BigInt, owner: PaillierSecretKey?, path: ArithmeticPath) {
        self.modulus = modulus
        self.modulusSquared = modulus * modulus
        self.owner = path == .fast && owner?.modulus == modulus ? owner : nil
    }

    /// enc(m; r) = (1 + N)^m · r^N mod N², for any integer m (taken mod N: (1 + N)^m = 1 + mN mod N²).
    /// The prover's r is secret; GMP's variable-time power leaks through its reductions as well as
    /// through the exponent, so r^N uses the constant-time power (as `PaillierPublicKey` does).
    /// The owner computes r^N mod p² and q² instead (`PaillierSecretKey.encryptCRT`), same value.
    func encrypt(_ plaintext: BigInt, randomizer: BigInt) -> BigInt {
        if let owner { return owner.encryptCRT(plaintext, randomness: randomizer) }
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
    /// The owner computes it mod p² and q².
    func scaleSecret(_ ciphertext: BigInt, by k: BigInt) -> BigInt {
        if let owner {
            do { return try owner.powerModulusSquared(ciphertext, k) }
            catch { preconditionFailure("scaleSecret: the ciphertext must be a unit") }
        }
        return ProofArithmetic.secretPower(ciphertext, k, modulo: modulusSquared)
    }

    /// c^k mod N² for a public integer k of either sign; c was checked to be a unit.
    func scalePublic(_ ciphertext: BigInt, by k: BigInt, field: String) throws(ProofError) -> BigInt {
        try ProofArithmetic.publicPower(ciphertext, k, modulo: modulusSquared, field: field)
    }

    /// r · ρ^e mod N: a randomizer masked by a public exponent (ρ secret, e public and signed);
    /// the base is secret, so the power is the constant-time one.
    /// The owner computes ρ^e mod p and q.
    func maskRandomizer(_ r: BigInt, secret rho: BigInt, exponent e: BigInt) -> BigInt {
        let rhoToE: BigInt
        if let owner {
            do { rhoToE = try owner.powerModulus(rho, e) }
            catch { preconditionFailure("maskRandomizer: ρ must be a unit") }
        } else {
            rhoToE = ProofArithmetic.secretPower(rho, e, modulo: modulus)
        }
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
