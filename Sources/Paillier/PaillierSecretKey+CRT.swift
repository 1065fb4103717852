import BigNum

// The key owner's CRT arithmetic for the CGGMP provers (issue #13): the same residues mod N² and
// mod N as the full-width formulas, computed mod p², q² (or p, q) and recombined. Package-internal:
// the provers reach it through the key their witness carries; the public API is unchanged.
//
// Every exponentiation is the constant-time `BigInt.power(_:modulo:)`: the moduli (p, p², …) are
// secret, and so are the bases or exponents (randomness, masks). Exponent reductions are GMP
// divisions, whose time depends on operand sizes only.
extension PaillierSecretKey {
    /// r^N mod p² from r mod p alone: r^N = (r^q)^p, and x^p mod p² depends only on x mod p (for
    /// x' = x + kp, x'^p ≡ x^p + p·x^{p−1}·kp ≡ x^p), so r^N ≡ ((r mod p)^(q mod (p − 1)) mod p)^p
    /// (mod p²). One exponentiation mod p with a half-size exponent and one mod p² with exponent p,
    /// instead of N mod p(p − 1) (full size) mod p². r ≡ 0 (mod p) gives 0, as r^N does.
    func nthPowerModPrimeSquared(_ r: BigInt, prime: BigInt, square: BigInt, otherModPrimeMinusOne: BigInt) -> BigInt {
        let base = try! r.modulo(prime)
        let reduced = try! base.power(otherModPrimeMinusOne, modulo: prime)
        return try! reduced.power(prime, modulo: square)
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

    /// base^k mod N² for a secret signed k, computed mod p² and q² and recombined; base must be a
    /// unit when k < 0. k is used as given unless it is longer than φ(p²) = p(p − 1), then it is
    /// reduced (the reduction only ever shortens an exponent).
    package func powerModulusSquared(_ base: BigInt, _ exponent: BigInt) throws(PaillierError) -> BigInt {
        do {
            let rp = try base.power(Self.shortest(exponent, order: totientOfPSquared), modulo: squaresBasis.first)
            let rq = try base.power(Self.shortest(exponent, order: totientOfQSquared), modulo: squaresBasis.second)
            return squaresBasis.combine(rp, rq)
        } catch {
            throw .notInvertible
        }
    }

    /// base^k mod N for a signed k, computed mod p and q and recombined; base must be a unit when
    /// k < 0. k is reduced mod p − 1 (q − 1) only when it is longer.
    package func powerModulus(_ base: BigInt, _ exponent: BigInt) throws(PaillierError) -> BigInt {
        do {
            let rp = try base.power(Self.shortest(exponent, order: p - .one), modulo: p)
            let rq = try base.power(Self.shortest(exponent, order: q - .one), modulo: q)
            return primesBasis.combine(rp, rq)
        } catch {
            throw .notInvertible
        }
    }

    /// k, or k mod order when |k| has more bits than the order (a unit's power is unchanged).
    /// Branches on bit lengths only, which the library treats as public.
    static func shortest(_ exponent: BigInt, order: BigInt) -> BigInt {
        exponent.magnitude.bitLength > order.bitLength ? try! exponent.modulo(order) : exponent
    }

    /// p(p − 1) = φ(p²).
    var totientOfPSquared: BigInt { squaresBasis.first - p }
    /// q(q − 1) = φ(q²).
    var totientOfQSquared: BigInt { squaresBasis.second - q }
}
