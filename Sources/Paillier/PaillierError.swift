import BigNum
import Bytes

/// What was wrong with a Paillier or ring-Pedersen input. Never carries a value (it may be secret
/// or attacker-chosen); says which check failed.
public enum PaillierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A modulus was not positive and odd.
    case modulusNotOddPositive
    /// A modulus did not have the exact bit length the parameters require.
    case modulusWrongLength(expected: Int, actual: Int)
    /// A ciphertext was outside [1, N²).
    case ciphertextOutOfRange
    /// A ciphertext shared a factor with N (so it is not in Z*_{N²}).
    case ciphertextNotCoprime
    /// Encryption randomness was not a unit modulo N.
    case randomnessNotUnit
    /// Secret-key primes were unusable; `reason` names the check.
    case invalidPrimes(reason: String)
    /// A ring-Pedersen parameter s or t was not a non-trivial unit with Jacobi symbol 1.
    case ringPedersenParameterInvalid(name: String)
    /// An exponentiation needed the inverse of a value that has none (a non-unit base with a
    /// negative exponent).
    case notInvertible
    /// A binary encoding was malformed (wrong tag, unsupported version, truncated, trailing or
    /// non-canonical bytes); the error names the field.
    case decoding(DecodingError)

    /// A one-line explanation naming the failed check, without any value.
    public var description: String {
        switch self {
        case .modulusNotOddPositive: "modulus must be odd and positive"
        case .modulusWrongLength(let expected, let actual): "modulus has \(actual) bits, expected exactly \(expected)"
        case .ciphertextOutOfRange: "ciphertext is not in [1, N²)"
        case .ciphertextNotCoprime: "ciphertext is not coprime to N"
        case .randomnessNotUnit: "encryption randomness is not a unit modulo N"
        case .invalidPrimes(let reason): "invalid primes: \(reason)"
        case .ringPedersenParameterInvalid(let name): "ring-Pedersen parameter \(name) is not a non-trivial quadratic-residue candidate in Z*_N̂"
        case .notInvertible: "value is not invertible modulo the modulus"
        case .decoding(let error): "malformed encoding: \(error)"
        }
    }
}
