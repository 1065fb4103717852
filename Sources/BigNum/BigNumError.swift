/// What was wrong with an input to a `BigInt` operation.
///
/// Errors never carry the operands' values: they may be secret.
public enum BigNumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A modulus was zero or negative.
    case nonPositiveModulus
    /// The constant-time ``BigInt/power(_:modulo:)`` and its variants need an odd modulus greater
    /// than one (`mpn_sec_powm`); ``BigInt/productOfPowersVariableTime(_:modulo:)`` an odd one
    /// (Montgomery arithmetic).
    case evenModulus
    /// The value has no inverse modulo the modulus (they share a factor).
    case notInvertible
    /// Exact division was asked for, but the divisor does not divide the dividend.
    case notDivisible
    /// Division by zero.
    case divisionByZero
    /// A Jacobi symbol was asked for with an even or non-positive modulus.
    case jacobiModulusNotOddPositive
    /// Text was not a valid number in the named base; `position` is the offending character.
    case malformedText(base: Int, position: Int)
    /// A value does not fit in the requested fixed width (or is negative where unsigned is required).
    case doesNotFit(width: Int)
    /// A sampling bound or bit count was not positive.
    case invalidBound
    /// CRT moduli were not coprime.
    case moduliNotCoprime

    /// A one-line English description; never an operand's value.
    public var description: String {
        switch self {
        case .nonPositiveModulus: "modulus must be positive"
        case .evenModulus: "modulus must be odd (and > 1 for the constant-time power)"
        case .notInvertible: "value is not invertible modulo the modulus"
        case .notDivisible: "divisor does not divide the dividend exactly"
        case .divisionByZero: "division by zero"
        case .jacobiModulusNotOddPositive: "Jacobi symbol needs an odd positive modulus"
        case .malformedText(let base, let position): "malformed base-\(base) number at character \(position)"
        case .doesNotFit(let width): "value does not fit in \(width) bytes"
        case .invalidBound: "sampling bound must be positive"
        case .moduliNotCoprime: "CRT moduli are not coprime"
        }
    }
}
