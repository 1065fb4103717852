import BigNum
import Paillier

/// Which arithmetic a prover or verifier uses (issue #13): `.fast` works mod the primes (CRT)
/// where the computing party knows a factorisation, and verifies each equation that is a product
/// of two or three public powers by one simultaneous exponentiation
/// (`BigInt.productOfPowersVariableTime`); `.reference` is the plain computation — full width, each
/// power on its own — kept as the oracle the fast path is tested and benchmarked against. Both give
/// identical proofs (for the same generator) and identical verdicts.
@_spi(Benchmarks) public enum ArithmeticPath: Sendable, Hashable {
    /// CRT with the owner's primes wherever they are available, multi-exponentiation in the
    /// verifiers (the default).
    case fast
    /// Full width, no CRT, separate powers: the oracle.
    case reference
}

/// One public power base^exponent in a verifier's equation, with the field to name when the base
/// is not a unit (a negative exponent needs its inverse).
struct PublicPower {
    let base: BigInt
    let exponent: BigInt
    let field: String
    init(_ base: BigInt, _ exponent: BigInt, field: String) {
        self.base = base; self.exponent = exponent; self.field = field
    }
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
        let rToN = ProofArithmetic.secretPowerPublicSign(randomizer, modulus, modulo: modulusSquared)
        return ProofArithmetic.multiply(generatorPower(plaintext), rToN, modulo: modulusSquared)
    }

    /// (1 + N)^m = 1 + (m mod N)·N mod N² for a secret m (constant-time reduction).
    private func generatorPower(_ plaintext: BigInt) -> BigInt {
        let message = try! plaintext.modulo(modulus)
        return try! (BigInt.one + message * modulus).modulo(modulusSquared)
    }

    /// c1 · c2 mod N² (homomorphic addition of plaintexts).
    func add(_ c1: BigInt, _ c2: BigInt) -> BigInt {
        ProofArithmetic.multiply(c1, c2, modulo: modulusSquared)
    }

    /// c^k mod N² for a secret integer k of either sign, its sign secret too, constant time in k;
    /// c is **public** (a statement's ciphertext) and a unit. Its inverse, which hides k's sign (a
    /// masked swap between c and c⁻¹), is therefore computed in variable time, once per call, instead
    /// of `BigInt.power`'s constant-time one. The owner computes it mod p² and q².
    func scaleSecret(_ ciphertext: BigInt, by k: BigInt) -> BigInt {
        let inverse = ProofArithmetic.publicInverse(ciphertext, modulo: modulusSquared)
        if let owner {
            do { return try owner.powerModulusSquared(ciphertext, k, baseInverse: inverse) }
            catch { preconditionFailure("scaleSecret: the ciphertext must be a unit") }
        }
        return ProofArithmetic.secretPower(ciphertext, k, modulo: modulusSquared, baseInverse: inverse)
    }

    /// c^k mod N² for a secret k that is never negative (a `Scalar`'s value: presigning's K^γ,
    /// K^x), constant time in c and k, without the inverse a secret sign needs.
    /// - Precondition: k ≥ 0.
    func scaleSecret(_ ciphertext: BigInt, byNonNegative k: BigInt) -> BigInt {
        precondition(k.signum >= 0, "scaleSecret(_:byNonNegative:): negative exponent")
        if let owner { return owner.powerModulusSquared(ciphertext, nonNegative: k) }
        return ProofArithmetic.secretPowerPublicSign(ciphertext, k, modulo: modulusSquared)
    }


    /// c^k · enc(m; r) mod N² for a **public** unit c, a secret k whose sign is secret too, and
    /// secret m, r: a prover's first message "A = C^α·enc(β; r)" (Πaff-g, Πaff-g*, Πdec). On
    /// `.fast` under someone else's key, one constant-time product of powers
    /// (`BigInt.productOfPowers`): C^α and r^N share their squarings. The owner computes both parts
    /// mod p², q² (as `scaleSecret` and `encrypt`); `.reference` computes them apart, full width.
    /// The same value on every path.
    func scaleSecretAndEncrypt(_ ciphertext: BigInt, by k: BigInt, plaintext: BigInt, randomizer: BigInt,
                               path: ArithmeticPath) -> BigInt {
        guard path == .fast, owner == nil else {
            return add(scaleSecret(ciphertext, by: k), encrypt(plaintext, randomizer: randomizer))
        }
        let inverse = ProofArithmetic.publicInverse(ciphertext, modulo: modulusSquared)
        return productWithGeneratorPower(
            [.hidingSign(ciphertext, k, baseInverse: inverse), .publicSign(randomizer, modulus)], plaintext)
    }

    /// c^k · enc(m; r) mod N² for a secret k that is never negative (presigning's D = K^γ·enc(−β; s)):
    /// as ``scaleSecretAndEncrypt(_:by:plaintext:randomizer:path:)`` without the inverse.
    /// - Precondition: k ≥ 0.
    func scaleSecretAndEncrypt(_ ciphertext: BigInt, byNonNegative k: BigInt, plaintext: BigInt, randomizer: BigInt,
                               path: ArithmeticPath) -> BigInt {
        precondition(k.signum >= 0, "scaleSecretAndEncrypt(_:byNonNegative:): negative exponent")
        guard path == .fast, owner == nil else {
            return add(scaleSecret(ciphertext, byNonNegative: k), encrypt(plaintext, randomizer: randomizer))
        }
        return productWithGeneratorPower([.publicSign(ciphertext, k), .publicSign(randomizer, modulus)], plaintext)
    }

    /// (1 + N)^m · Π terms mod N², the powers by one constant-time product.
    private func productWithGeneratorPower(_ terms: [BigInt.SecretPowerTerm], _ plaintext: BigInt) -> BigInt {
        let product: BigInt
        do { product = try BigInt.productOfPowers(terms, modulo: modulusSquared) }
        catch { preconditionFailure("scaleSecretAndEncrypt: the ciphertext must be a unit") }
        return ProofArithmetic.multiply(generatorPower(plaintext), product, modulo: modulusSquared)
    }

    /// c^k mod N² for a public integer k of either sign; c was checked to be a unit.
    func scalePublic(_ ciphertext: BigInt, by k: BigInt, field: String) throws(ProofError) -> BigInt {
        try ProofArithmetic.publicPower(ciphertext, k, modulo: modulusSquared, field: field)
    }

    /// r · ρ^e mod N: a randomizer masked by a public exponent (ρ secret, e public and signed);
    /// the base is secret, so the power is constant time, and e's sign is public, so only a negative
    /// e pays for an inverse (`powerPublicSign`).
    /// The owner computes ρ^e mod p and q.
    func maskRandomizer(_ r: BigInt, secret rho: BigInt, exponent e: BigInt) -> BigInt {
        let rhoToE: BigInt
        if let owner {
            do { rhoToE = try owner.powerModulus(rho, e) }
            catch { preconditionFailure("maskRandomizer: ρ must be a unit") }
        } else {
            rhoToE = ProofArithmetic.secretPowerPublicSign(rho, e, modulo: modulus)
        }
        return ProofArithmetic.multiply(r, rhoToE, modulo: modulus)
    }

    /// Whether enc(m; r) · Π left = target · Π right (mod N²): a verifier's Paillier equation, all
    /// values public, each base a checked unit and `target` a checked ciphertext (or a product
    /// mod N²).
    ///
    /// `.reference` evaluates both sides as written: enc(m; r) with the constant-time r^N, each
    /// power on its own (`scalePublic`). `.fast` moves the right-hand powers across (exact: their
    /// bases are units) and computes (1 + mN) · r^N · Π left · Π right^(−1) by one simultaneous
    /// exponentiation, then compares with `target`. Should a base with a negative exponent not be
    /// a unit (the membership checks rule it out), the fast path defers to the reference one, so the
    /// error names the same field.
    /// - Throws: `ProofError.notAUnit(field:)` for a power with a negative exponent on a non-unit.
    func equationHolds(
        encrypting plaintext: BigInt, randomizer: BigInt, times left: [PublicPower],
        equals target: BigInt, times right: [PublicPower], path: ArithmeticPath
    ) throws(ProofError) -> Bool {
        if path == .fast, let owner, let holds = ownerEquationHolds(
            owner, encrypting: plaintext, randomizer: randomizer, times: left, equals: target, times: right) {
            return holds
        }
        if path == .fast {
            let terms = [(base: randomizer, exponent: modulus)]
                + left.map { (base: $0.base, exponent: $0.exponent) }
                + right.map { (base: $0.base, exponent: -$0.exponent) }
            if let product = try? BigInt.productOfPowersVariableTime(terms, modulo: modulusSquared) {
                // (1 + N)^m = 1 + (m mod N)·N, already below N².
                let generatorPower = BigInt.one + (try! plaintext.moduloVariableTime(modulus)) * modulus
                return try! (generatorPower * product).moduloVariableTime(modulusSquared) == target
            }
        }
        var lhs = encrypt(plaintext, randomizer: randomizer)
        for power in left { lhs = add(lhs, try scalePublic(power.base, by: power.exponent, field: power.field)) }
        var rhs = target
        for power in right { rhs = add(rhs, try scalePublic(power.base, by: power.exponent, field: power.field)) }
        return lhs == rhs
    }

    /// The owner's check of the same equation (a verifier whose own key N is, issue #13): each
    /// side computed mod p² and q² and recombined — enc(m; r) by `encryptCRT`, every power with a
    /// non-negative exponent (a power with a negative one is moved to the other side as its
    /// positive power: exact, as its base is a unit) — then the two sides compared. Constant time
    /// in the secret moduli; the values are public. Nil (the caller takes the public path, with
    /// the same verdict and errors) when a base with a negative exponent is not a unit.
    private func ownerEquationHolds(
        _ owner: PaillierSecretKey, encrypting plaintext: BigInt, randomizer: BigInt, times left: [PublicPower],
        equals target: BigInt, times right: [PublicPower]
    ) -> Bool? {
        for power in left + right where power.exponent.isNegative {
            guard !power.base.isZero, power.base.gcdVariableTime(modulus) == .one else { return nil }
        }
        var lhs = owner.encryptCRT(plaintext, randomness: randomizer)
        var rhs = target
        for (powers, onLeft) in [(left, true), (right, false)] {
            for power in powers {
                let value = owner.powerModulusSquared(power.base, nonNegative: power.exponent.magnitude)
                if onLeft != power.exponent.isNegative { lhs = add(lhs, value) } else { rhs = add(rhs, value) }
            }
        }
        return lhs == rhs
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
