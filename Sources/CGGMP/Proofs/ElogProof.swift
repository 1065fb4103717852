import Bytes
import Secp256k1

/// Πelog (ePrint 2021/060 rev. 2024, Fig. 23): for public points (L, M, X, Y, h), knowledge of
/// (y, λ) with L = λ·G, M = y·G + λ·X and Y = y·h — an ElGamal ciphertext (L, M) under the key X
/// encrypts the discrete log y of Y to base h. Used in presigning (Fig. 8) and its blame rounds.
///
/// A = α·G, N = m·G + α·X, B = m·h; e ← challenge mod q; z = α + e·λ, u = m + e·y. The verifier
/// checks z·G = A + e·L, u·G + z·X = N + e·M and u·h = B + e·Y.
@_spi(Benchmarks) public struct ElogProof: Sendable, Hashable, WireCodable {
    /// The public input, in Fig. 23's order (synedrion's PAPER.md notes Fig. 8 lists it otherwise).
    public struct Statement: Sendable, Hashable, WireCodable {
        /// L = λ·G.
        public let L: Point
        /// M = y·G + λ·X.
        public let M: Point
        /// X, the ElGamal key.
        public let X: Point
        /// Y = y·h.
        public let Y: Point
        /// h, the base of Y.
        public let h: Point

        /// The statement from its parts; nothing is checked until `verify`.
        public init(L: Point, M: Point, X: Point, Y: Point, h: Point) {
            self.L = L; self.M = M; self.X = X; self.Y = Y; self.h = h
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("L", L)
            writer.write("M", M)
            writer.write("X", X)
            writer.write("Y", Y)
            writer.write("h", h)
        }
        public init(from reader: inout ByteReader) throws(DecodingError) {
            L = try reader.readPoint("L")
            M = try reader.readPoint("M")
            X = try reader.readPoint("X")
            Y = try reader.readPoint("Y")
            h = try reader.readPoint("h")
        }
    }

    let A: Point
    let N: Point
    let B: Point
    let z: Scalar
    let u: Scalar

    static let tag = ProofTag.elog

    init(A: Point, N: Point, B: Point, z: Scalar, u: Scalar) {
        self.A = A; self.N = N; self.B = B; self.z = z; self.u = u
    }

    /// Proves knowledge of `y` and `lambda` for `statement`.
    public static func prove(
        y: Scalar, lambda: Scalar, statement: Statement, context: ProofContext,
        parameters: SchemeParameters, using generator: inout some RandomNumberGenerator
    ) -> ElogProof {
        let masks = drawMasks(using: &generator)
        return prove(y: y, lambda: lambda, statement: statement, context: context, parameters: parameters, masks: masks)
    }

    /// The prover's randomness α, m, drawn in the order `prove` has always drawn it (so a caller
    /// can draw several proofs' masks in order and compute them concurrently, issue #13).
    struct Masks: Sendable {
        let alpha: Scalar
        let m: Scalar
    }

    static func drawMasks(using generator: inout some RandomNumberGenerator) -> Masks {
        let alpha = Scalar.random(using: &generator), m = Scalar.random(using: &generator)
        return Masks(alpha: alpha, m: m)
    }

    /// The proof from masks drawn by `drawMasks` (pure: no generator).
    static func prove(y: Scalar, lambda: Scalar, statement: Statement, context: ProofContext,
                      parameters: SchemeParameters, masks: Masks) -> ElogProof {
        precondition(Point.generatorMultiple(lambda) == statement.L, "Πelog: L ≠ λ·G")
        precondition(Point.generatorMultiple(y) + lambda * statement.X == statement.M, "Πelog: M ≠ y·G + λ·X")
        precondition(y * statement.h == statement.Y, "Πelog: Y ≠ y·h")
        let (alpha, m) = (masks.alpha, masks.m)
        let a = Point.generatorMultiple(alpha)
        let n = Point.generatorMultiple(m) + alpha * statement.X
        let b = m * statement.h
        let e = challenge(statement: statement, A: a, N: n, B: b, context: context, parameters: parameters)
        return ElogProof(A: a, N: n, B: b, z: alpha + e * lambda, u: m + e * y)
    }

    /// Verifies the proof for `statement`.
    /// - Throws: `.equationFailed` naming the first equation that does not hold.
    public func verify(_ statement: Statement, context: ProofContext, parameters: SchemeParameters) throws(ProofError) {
        let e = Self.challenge(statement: statement, A: A, N: N, B: B, context: context, parameters: parameters)
        guard Point.generatorMultiple(z) == A + e * statement.L else { throw .equationFailed("z·G = A + e·L") }
        guard Point.generatorMultiple(u) + z * statement.X == N + e * statement.M else {
            throw .equationFailed("u·G + z·X = N + e·M")
        }
        guard u * statement.h == B + e * statement.Y else { throw .equationFailed("u·h = B + e·Y") }
    }

    private static func challenge(statement: Statement, A: Point, N: Point, B: Point, context: ProofContext,
                                  parameters: SchemeParameters) -> Scalar {
        var transcript = Transcript(proof: tag, context: context, parameters: parameters)
        transcript.append("statement", statement)
        transcript.append("A", A)
        transcript.append("N", N)
        transcript.append("B", B)
        return transcript.challengeScalar()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write("A", A)
        writer.write("N", N)
        writer.write("B", B)
        writer.write("z", z)
        writer.write("u", u)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        A = try reader.readPoint("A")
        N = try reader.readPoint("N")
        B = try reader.readPoint("B")
        z = try reader.readScalar("z")
        u = try reader.readScalar("u")
    }
}
