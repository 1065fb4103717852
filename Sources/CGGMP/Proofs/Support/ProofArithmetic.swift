import BigNum

/// Ranges and group-membership checks the Paillier-based proofs share.
///
/// The paper's intervals are symmetric: "z ∈ ±2^k" means −2^k ≤ z ≤ 2^k, and "±2^k·N̂" means
/// −2^k·N̂ ≤ z ≤ 2^k·N̂. Prover masks are drawn uniformly from exactly those intervals.
enum ProofArithmetic {
    /// Whether −2^bits ≤ value ≤ 2^bits.
    static func isInSignedRange(_ value: BigInt, bits: Int) -> Bool {
        value.magnitude <= BigInt.powerOfTwo(bits)
    }

    /// Whether −bound ≤ value ≤ bound.
    static func isInSignedRange(_ value: BigInt, bound: BigInt) -> Bool {
        value.magnitude <= bound
    }

    /// Rejects a response outside ±2^bits (the range checks that make the proofs sound).
    static func requireSignedRange(_ value: BigInt, bits: Int, field: String) throws(ProofError) {
        guard isInSignedRange(value, bits: bits) else { throw .rangeCheckFailed(field: field) }
    }

    /// Rejects a value outside ±bound.
    static func requireSignedRange(_ value: BigInt, bound: BigInt, field: String) throws(ProofError) {
        guard isInSignedRange(value, bound: bound) else { throw .rangeCheckFailed(field: field) }
    }

    /// Rejects anything that is not a canonical unit modulo `modulus`: in [1, modulus) and coprime
    /// to it. Applied to ring-Pedersen commitments (mod N̂), masked randomizers (mod N) and
    /// ciphertexts (mod N², where coprime to N² is coprime to N).
    static func requireUnit(_ value: BigInt, modulo modulus: BigInt, field: String) throws(ProofError) {
        guard value.signum > 0, value < modulus else { throw .rangeCheckFailed(field: field) }
        guard value.gcdVariableTime(modulus) == .one else { throw .notAUnit(field: field) }
    }

    /// Rejects a Paillier or ring-Pedersen modulus whose size is not the parameter set's.
    static func requireModulusBits(_ modulus: BigInt, parameters: SchemeParameters) throws(ProofError) {
        guard modulus.bitLength == parameters.modulusBits else {
            throw .modulusHasWrongBitLength(expected: parameters.modulusBits, got: modulus.bitLength)
        }
        guard modulus.isOdd else { throw .modulusIsEven }
    }

    /// Uniform in ±2^bits · scale (scale > 0): the masks of ring-Pedersen randomness (γ, μ, m, δ).
    static func randomSigned(bits: Int, scaledBy scale: BigInt, using generator: inout some RandomNumberGenerator) -> BigInt {
        let bound = scale << bits
        // The width 2·bound + 1 is positive, so sampling cannot fail.
        return try! BigInt.random(below: (bound << 1) + .one, using: &generator) - bound
    }

    /// Uniform in Z*_modulus for a modulus > 1 our own code vouches for (a validated key).
    static func randomUnit(modulo modulus: BigInt, using generator: inout some RandomNumberGenerator) -> BigInt {
        do { return try BigInt.randomUnit(modulo: modulus, using: &generator) }
        catch { preconditionFailure("randomUnit: modulus must exceed 1") }
    }

    /// base^exponent mod modulus for a public exponent on a value already checked to be a unit.
    static func publicPower(_ base: BigInt, _ exponent: BigInt, modulo modulus: BigInt, field: String) throws(ProofError) -> BigInt {
        do { return try base.powerVariableTime(exponent, modulo: modulus) }
        catch { throw .notAUnit(field: field) }
    }

    /// base^exponent mod an odd modulus for a secret exponent whose sign is secret too (a mask or
    /// witness of either sign), in constant time, on our own values. `baseInverse` (base⁻¹ mod
    /// modulus) saves the inverse `BigInt.power` otherwise computes on every call.
    static func secretPower(_ base: BigInt, _ exponent: BigInt, modulo modulus: BigInt, baseInverse: BigInt? = nil) -> BigInt {
        do {
            if let baseInverse { return try base.power(exponent, modulo: modulus, baseInverse: baseInverse) }
            return try base.power(exponent, modulo: modulus)
        } catch { preconditionFailure("secretPower: base must be a unit and the modulus odd") }
    }

    /// base^exponent mod an odd modulus, constant time in base and |exponent|, for an exponent whose
    /// sign is public (a challenge) or that is never negative (N): no inverse unless it is negative.
    static func secretPowerPublicSign(_ base: BigInt, _ exponent: BigInt, modulo modulus: BigInt) -> BigInt {
        do { return try base.powerPublicSign(exponent, modulo: modulus) }
        catch { preconditionFailure("secretPowerPublicSign: base must be a unit and the modulus odd") }
    }

    /// base⁻¹ mod modulus for a **public** base our caller checked to be a unit (a ciphertext of
    /// the statement, ring-Pedersen s and t, a commitment that is sent), in variable time
    /// (`mpz_invert`): the `baseInverse` of `secretPower`, which then hides the exponent and its
    /// sign without a constant-time inverse per call.
    static func publicInverse(_ base: BigInt, modulo modulus: BigInt) -> BigInt {
        do { return try base.inverseVariableTime(modulo: modulus) }
        catch { preconditionFailure("publicInverse: base must be a unit") }
    }

    /// (a · b) mod modulus, for a positive modulus.
    static func multiply(_ a: BigInt, _ b: BigInt, modulo modulus: BigInt) -> BigInt {
        try! (a * b).modulo(modulus)
    }
}
