import BigNum

// The key owner's CRT arithmetic for the CGGMP provers (issue #13): the same residues mod N² and
// mod N as the full-width formulas, computed mod p², q² (or p, q) and recombined. Package-internal:
// the provers reach it through the key their witness carries; the public API is unchanged.
//
// Every exponentiation is constant time: the moduli (p, p², …) are secret, and so are the bases or
// exponents (randomness, masks). Exponents that are never negative (N's factors, public challenges'
// signs) go through `BigInt.powerPublicSign(_:modulo:)`, secret-signed ones through
// `BigInt.power(_:modulo:)`. Exponent reductions are GMP divisions, whose time depends on operand
// sizes only.
extension PaillierSecretKey {
    /// r^N mod p² from r mod p alone: r^N = (r^q)^p, and x^p mod p² depends only on x mod p (for
    /// x' = x + kp, x'^p ≡ x^p + p·x^{p−1}·kp ≡ x^p), so r^N ≡ ((r mod p)^(q mod (p − 1)) mod p)^p
    /// (mod p²). One exponentiation mod p with a half-size exponent and one mod p² with exponent p,
    /// instead of N mod p(p − 1) (full size) mod p². r ≡ 0 (mod p) gives 0, as r^N does.
    func nthPowerModPrimeSquared(_ r: BigInt, prime: BigInt, square: BigInt, otherModPrimeMinusOne: BigInt) -> BigInt {
        let base = try! r.modulo(prime)
        let reduced = try! base.powerPublicSign(otherModPrimeMinusOne, modulo: prime)
        return try! reduced.powerPublicSign(prime, modulo: square)
    }

    /// (r^N mod p², r^N mod q²), the two halves of the encryption mask.
    func maskResidues(_ randomness: BigInt) -> (p: BigInt, q: BigInt) {
        (nthPowerModPrimeSquared(randomness, prime: p, square: squaresBasis.first, otherModPrimeMinusOne: qModPMinusOne),
         nthPowerModPrimeSquared(randomness, prime: q, square: squaresBasis.second, otherModPrimeMinusOne: pModQMinusOne))
    }

    /// r^N mod N² by CRT: the same value as `r.power(N, modulo: N²)` for every integer r.
    package func nthPowerModulusSquared(_ randomness: BigInt) -> BigInt {
        let (maskP, maskQ) = maskResidues(randomness)
        return squaresBasis.combine(maskP, maskQ)
    }

    /// enc(m; r) = (1 + N)^m · r^N mod N² by CRT, without the unit check: the same value as the
    /// public key's formula for every m and r.
    package func encryptCRT(_ plaintext: BigInt, randomness: BigInt) -> BigInt {
        try! (publicKey.generatorPower(plaintext) * nthPowerModulusSquared(randomness)).modulo(publicKey.modulusSquared)
    }

    /// base^k mod N² for a secret k whose sign is secret too, computed mod p² and q² and recombined;
    /// base must be a unit when k < 0. k is used as given unless it has more limbs than
    /// φ(p²) = p(p − 1), then it is reduced (the reduction only ever shortens an exponent). `baseInverse` (base⁻¹
    /// mod N², for a base raised to many exponents) saves the constant-time inverse `power` would
    /// otherwise compute mod p² and q² on every call.
    package func powerModulusSquared(_ base: BigInt, _ exponent: BigInt, baseInverse: BigInt? = nil) throws(PaillierError) -> BigInt {
        do {
            func half(_ modulus: BigInt, _ order: BigInt) throws(BigNumError) -> BigInt {
                let k = Self.shortest(exponent, order: order)
                if let baseInverse { return try base.power(k, modulo: modulus, baseInverse: baseInverse) }
                return try base.power(k, modulo: modulus)
            }
            return squaresBasis.combine(try half(squaresBasis.first, totientOfPSquared),
                                        try half(squaresBasis.second, totientOfQSquared))
        } catch {
            throw .notInvertible
        }
    }

    /// base^k mod N² for a secret k that is never negative (a `Scalar`'s value), mod p² and q²: as
    /// ``powerModulusSquared(_:_:baseInverse:)`` without the inverse.
    package func powerModulusSquared(_ base: BigInt, nonNegative exponent: BigInt) -> BigInt {
        precondition(exponent.signum >= 0, "powerModulusSquared(_:nonNegative:): negative exponent")
        let rp = try! base.powerPublicSign(Self.shortest(exponent, order: totientOfPSquared), modulo: squaresBasis.first)
        let rq = try! base.powerPublicSign(Self.shortest(exponent, order: totientOfQSquared), modulo: squaresBasis.second)
        return squaresBasis.combine(rp, rq)
    }

    /// base^k mod N for a k whose sign is public (a proof's challenge), computed mod p and q and
    /// recombined; base must be a unit when k < 0. k is reduced mod p − 1 (q − 1) only when it has
    /// more limbs.
    package func powerModulus(_ base: BigInt, _ exponent: BigInt) throws(PaillierError) -> BigInt {
        do {
            let rp = try base.powerPublicSign(Self.shortest(exponent, order: p - .one), modulo: p)
            let rq = try base.powerPublicSign(Self.shortest(exponent, order: q - .one), modulo: q)
            return primesBasis.combine(rp, rq)
        } catch {
            throw .notInvertible
        }
    }

    /// k, or k mod order when k has more limbs than the order (a unit's power is unchanged).
    /// Decides on limb counts only, which BigNum treats as public: never on k's bits or sign (k is
    /// a secret mask of either sign; `magnitude` and `bitLength` would read the sign, and the bit
    /// length within the top limb is not public).
    static func shortest(_ exponent: BigInt, order: BigInt) -> BigInt {
        exponent.limbCount > order.limbCount ? try! exponent.modulo(order) : exponent
    }

    /// p(p − 1) = φ(p²).
    var totientOfPSquared: BigInt { squaresBasis.first - p }
    /// q(q − 1) = φ(q²).
    var totientOfQSquared: BigInt { squaresBasis.second - q }
}
