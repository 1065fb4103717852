import CGMP

// Modular arithmetic. Functions that take a modulus throw on a non-positive one, so a peer's
// malformed value is an error, never a trap.
//
// Naming: constant time unless the name says variable time. `power(_:modulo:)`, `modulo(_:)`,
// `centred(modulo:)` and `inverse(modulo:)` are constant time (BigInt+ConstantTime.swift); every
// operation whose running time depends on the bits of its operands by algorithm (sliding-window
// `mpz_powm`, `mpz_mod`'s quotient corrections, the Euclid-style loops of `mpz_invert`,
// `mpz_gcd`, `mpz_lcm`, `mpz_jacobi`) carries `VariableTime` in its name, so a secret never reaches
// one by its short name. Use those only on public values, or where the leak is reviewed and
// documented at the call site.
extension BigInt {
    /// The inverse modulo `modulus`, in **variable time** (`mpz_invert`, an extended-Euclid
    /// loop whose step count depends on both operands' bits).
    ///
    /// The constant-time ``inverse(modulo:)`` takes odd moduli only; this one also takes the even
    /// p − 1 and q − 1 of Paillier key set-up.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0;
    ///   ``BigNumError/notInvertible`` when gcd(self, modulus) ≠ 1.
    public func inverseVariableTime(modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        return try BigInt(building: { result throws(BigNumError) in
            guard __gmpz_invert(result, mpz, modulus.mpz) != 0 else { throw .notInvertible }
        })
    }

    /// self^exponent mod m in **variable time** (`mpz_powm`, sliding window): the time and memory
    /// access pattern depend on the exponent's bits. Only for public exponents (a verifier's
    /// checks, Fermat and Miller–Rabin tests of public numbers); a secret exponent goes through
    /// ``power(_:modulo:)``.
    ///
    /// A negative exponent uses the inverse of `self` (``inverseVariableTime(modulo:)``).
    /// - Throws: ``BigNumError/nonPositiveModulus`` when `modulus` ≤ 0;
    ///   ``BigNumError/notInvertible`` for a negative exponent and a base that is not a unit.
    public func powerVariableTime(_ exponent: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        if exponent.isNegative {
            let inverted = try inverseVariableTime(modulo: modulus)
            return BigInt(unchecked: { result in
                let positive = -exponent
                __gmpz_powm(result, inverted.mpz, positive.mpz, modulus.mpz)
            })
        }
        return BigInt(unchecked: { __gmpz_powm($0, mpz, exponent.mpz, modulus.mpz) })
    }

    /// The greatest common divisor (non-negative; gcd(0, 0) = 0), in **variable time**
    /// (`mpz_gcd`: the step count depends on both operands' bits). Never fails.
    public func gcdVariableTime(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_gcd($0, mpz, other.mpz) })
    }

    /// The least common multiple (non-negative; zero when either operand is zero), in
    /// **variable time** (`mpz_lcm`, through a gcd). Never fails.
    public func lcmVariableTime(_ other: BigInt) -> BigInt {
        BigInt(unchecked: { __gmpz_lcm($0, mpz, other.mpz) })
    }

    /// The Jacobi symbol (self / n) ∈ {−1, 0, 1}, in **variable time** (`mpz_jacobi`, a
    /// binary-Euclid loop). For public values such as Πmod's w and y.
    /// - Throws: ``BigNumError/jacobiModulusNotOddPositive`` unless `n` is odd and positive.
    public func jacobiVariableTime(_ n: BigInt) throws(BigNumError) -> Int {
        guard n.signum > 0, n.isOdd else { throw .jacobiModulusNotOddPositive }
        return Int(__gmpz_jacobi(mpz, n.mpz))
    }
}

/// Chinese-remainder recombination for two coprime moduli, with the inverse precomputed so it can
/// be reused (Paillier decryption combines mod p² and q² on every call).
///
/// The precomputed inverse comes from ``BigInt/inverseVariableTime(modulo:)``, once per basis;
/// ``combine(_:_:)`` is GMP multiplication and division (time depends on operand sizes only).
public struct CRTBasis: Sendable {
    /// The first modulus (positive).
    public let first: BigInt
    /// The second modulus (positive, coprime to ``first``).
    public let second: BigInt
    /// first · second.
    public let product: BigInt
    /// first⁻¹ mod second.
    private let firstInverse: BigInt

    /// A basis for the moduli `first` and `second`.
    /// - Throws: ``BigNumError/nonPositiveModulus`` when either is ≤ 0;
    ///   ``BigNumError/moduliNotCoprime`` when they share a factor.
    public init(_ first: BigInt, _ second: BigInt) throws(BigNumError) {
        guard first.signum > 0, second.signum > 0 else { throw .nonPositiveModulus }
        guard let inverse = try? first.inverseVariableTime(modulo: second) else { throw .moduliNotCoprime }
        self.first = first
        self.second = second
        self.product = first * second
        self.firstInverse = inverse
    }

    /// The x in [0, first·second) with x ≡ r1 (mod first) and x ≡ r2 (mod second) (Garner).
    /// Residues outside [0, modulus) (negative ones included) are reduced first; never fails.
    public func combine(_ r1: BigInt, _ r2: BigInt) -> BigInt {
        // x = r1 + first · ((r2 - r1) · first⁻¹ mod second), with r2 - r1 taken as
        // (r2 mod second) + second - (r1 mod second), which is never negative: which residue is
        // larger depends on the secrets (in decryption, m mod p against m mod q), and a sign
        // would pick a branch.
        let a = try! r1.modulo(first)
        let h = try! ((try! r2.modulo(second) + second - (try! a.modulo(second))) * firstInverse).modulo(second)
        return a + first * h
    }
}
