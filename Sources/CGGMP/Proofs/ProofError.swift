import Bytes

/// Why a proof was rejected (or could not be decoded). Each case names the check that failed, so a
/// caller can report which rule a peer broke. Cases carry field names and sizes, never values.
///
/// The protocols turn it into the round violation they report against the prover; a verifier
/// throws the first failed check, in the order: sizes of the moduli, repetition counts, ranges
/// and group membership of each field, then the verification equations.
public enum ProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed encoding (truncated, trailing bytes, non-canonical integer,
    /// bad point, unsupported version…); the error names the field and says what.
    case malformedEncoding(DecodingError)
    /// A value lies outside the range the verifier requires (±2^k bounds, or [0, N) residues).
    case rangeCheckFailed(field: String)
    /// A value that must be a unit modulo its modulus shares a factor with it (or is zero).
    case notAUnit(field: String)
    /// Πmod: the commitment w does not have Jacobi symbol −1 modulo N (CVE-2025-66016).
    case jacobiSymbolNotMinusOne
    /// A repeated proof carries the wrong number of repetitions for the parameter set.
    case wrongRepetitionCount(expected: Int, got: Int)
    /// A verification equation does not hold; the string names it.
    case equationFailed(String)
    /// A modulus has a bit length other than the parameter set's.
    case modulusHasWrongBitLength(expected: Int, got: Int)
    /// A modulus that must be composite is (probably) prime.
    case modulusIsPrime
    /// A modulus that must be odd is even.
    case modulusIsEven
    /// A modulus is a perfect power (p^k), not a product of distinct primes.
    case modulusIsPerfectPower
    /// A curve point that must not be the point at infinity is.
    case identityPoint(field: String)
    /// The statement itself is unusable (for example a ring-Pedersen s or t equal to 1).
    case invalidStatement(String)

    /// A one-line account of the failed check, naming the field or equation (never a value).
    public var description: String {
        switch self {
        case .malformedEncoding(let error): "malformed proof encoding: \(error)"
        case .rangeCheckFailed(let field): "range check failed for \(field)"
        case .notAUnit(let field): "\(field) is not a unit modulo its modulus"
        case .jacobiSymbolNotMinusOne: "Πmod commitment w does not have Jacobi symbol −1"
        case .wrongRepetitionCount(let expected, let got): "expected \(expected) repetitions, got \(got)"
        case .equationFailed(let which): "verification equation failed: \(which)"
        case .modulusHasWrongBitLength(let expected, let got): "modulus has \(got) bits, expected \(expected)"
        case .modulusIsPrime: "modulus is prime"
        case .modulusIsEven: "modulus is even"
        case .modulusIsPerfectPower: "modulus is a perfect power"
        case .identityPoint(let field): "\(field) is the point at infinity"
        case .invalidStatement(let what): "invalid statement: \(what)"
        }
    }
}
