import Bytes
import Hashing
import Secp256k1

extension PartyID {
    /// The x-coordinate at which this party's threshold share is the polynomial's value:
    /// the SHA-512 `DomainSeparatedHash` of the identity key under `DomainSeparation.evaluationPoint`,
    /// reduced mod q: SHA-512(u64be(|domain|) ‖ domain ‖ u64be(32) ‖ identity key) mod q.
    ///
    /// Derived from the identity rather than from a position in a list, so a party keeps its point
    /// when committees change (resharing) and no index assignment needs agreeing on.
    public var evaluationPoint: Scalar {
        var hash = DomainSeparatedHash(domain: DomainSeparation.evaluationPoint)
        hash.appendField(rawRepresentation)
        return Scalar(reducing: hash.sha512())
    }
}

/// Lagrange interpolation over evaluation points.
enum Lagrange {
    /// λ_i(x) = Π_{j≠i} (x − x_j)/(x_i − x_j): the weight of point `i` when interpolating at `x`.
    /// The points must be distinct (callers check).
    static func coefficient(at x: Scalar, for i: Scalar, among points: [Scalar]) -> Scalar {
        var numerator = Scalar.one
        var denominator = Scalar.one
        for j in points where j != i {
            numerator *= x - j
            denominator *= i - j
        }
        guard let inverse = try? denominator.inverted() else { preconditionFailure("evaluation points repeat") }
        return numerator * inverse
    }

    /// Σ λ_i(x)·Y_i: the committed polynomial's value at x, in the exponent.
    static func interpolate(at x: Scalar, _ points: [(x: Scalar, y: Point)]) -> Point {
        let xs = points.map(\.x)
        return Point.sum(points.map { coefficient(at: x, for: $0.x, among: xs) * $0.y })
    }

    /// Throws when any party's point is zero or two parties share one.
    static func requireUsablePoints(_ parties: [PartyID]) throws(KeyShareError) {
        var seen: Set<Scalar> = []
        for party in parties {
            let x = party.evaluationPoint
            guard !x.isZero, seen.insert(x).inserted else { throw .unusableEvaluationPoint(party) }
        }
    }
}
