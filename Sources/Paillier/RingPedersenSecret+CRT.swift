import BigNum

// The owner's CRT arithmetic mod N̂ = p̂·q̂ (issue #13): Πprm's commitments t^a and, for a proof
// made for these parameters, the verifier's s^z1·t^z3. Package-internal; the values equal the
// full-width ones mod N̂ exactly.
//
// Exponentiations are constant time (`BigInt.powerPublicSign(_:modulo:)`: every exponent is reduced
// mod p̂ − 1 or q̂ − 1 first, so none is negative) even where the exponent is a public proof response: the modulus p̂ is secret, and GMP's variable-time powm (sliding window,
// REDC with data-dependent final subtractions) would let a timing observer learn about p̂.
extension RingPedersenSecret {
    /// base^k mod N̂ for a signed k, computed mod p̂ and q̂ with k reduced mod p̂ − 1 and q̂ − 1
    /// (base is a unit mod N̂: s and t always are), then recombined.
    package func powerCRT(_ base: BigInt, _ exponent: BigInt) -> BigInt {
        let p = primesBasis.first, q = primesBasis.second
        let rp = try! base.powerPublicSign(try! exponent.modulo(p - .one), modulo: p)
        let rq = try! base.powerPublicSign(try! exponent.modulo(q - .one), modulo: q)
        return primesBasis.combine(rp, rq)
    }

    /// s^a · t^b mod N̂ by CRT, each exponent reduced mod p̂ − 1 and q̂ − 1: the same value as
    /// `parameters.commit(a, b)`.
    package func commitCRT(_ a: BigInt, _ b: BigInt) -> BigInt {
        let p = primesBasis.first, q = primesBasis.second
        let s = parameters.s, t = parameters.t
        func half(_ prime: BigInt) -> BigInt {
            let order = prime - .one
            let sa = try! s.powerPublicSign(try! a.modulo(order), modulo: prime)
            let tb = try! t.powerPublicSign(try! b.modulo(order), modulo: prime)
            return try! (sa * tb).modulo(prime)
        }
        return primesBasis.combine(half(p), half(q))
    }
}
