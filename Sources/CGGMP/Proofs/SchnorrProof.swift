import Bytes
import Secp256k1

/// Πsch (ePrint 2021/060 rev. 2024, Fig. 22): knowledge of x with X = x·G.
///
/// A = α·G, e ← challenge mod q, z = α + e·x; the verifier checks z·G = A + e·X. KeyInit and
/// KeyRefresh commit to A a round before the proof is sent, so the commitment can be made first
/// (`SchnorrCommitment`) and the proof completed later with it.
@_spi(Benchmarks) public struct SchnorrProof: Sendable, Hashable, WireCodable {
    /// The public input: X.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// X.
        public let publicPoint: Point

        /// The statement for X; nothing is checked until `verify`.
        public init(publicPoint: Point) { self.publicPoint = publicPoint }

        public func encode(to writer: inout ByteWriter) { writer.write("X", publicPoint) }
        public init(from reader: inout ByteReader) throws(DecodingError) {
            publicPoint = try reader.readPoint("X")
        }
    }

    /// The commitment A.
    let commitment: Point
    /// The response z.
    let response: Scalar

    static let tag = ProofTag.schnorr

    init(commitment: Point, response: Scalar) {
        self.commitment = commitment
        self.response = response
    }

    /// Proves knowledge of `secret` for X = secret·G with a fresh commitment.
    public static func prove(
        secret: Scalar, statement: Statement, context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator
    ) -> SchnorrProof {
        prove(secret: secret, statement: statement, commitment: SchnorrCommitment(using: &generator),
              context: context, parameters: parameters)
    }

    /// Completes a proof with a commitment made (and published) earlier.
    /// - Warning: a commitment must be used for one proof only: two responses to different
    ///   challenges for the same α reveal x. It is `~Copyable` and consumed here for that reason.
    public static func prove(
        secret: Scalar, statement: Statement, commitment: consuming SchnorrCommitment,
        context: ProofContext, parameters: SchemeParameters
    ) -> SchnorrProof {
        precondition(Point.generatorMultiple(secret) == statement.publicPoint, "Πsch: X ≠ x·G")
        let e = challenge(statement: statement, commitment: commitment.point, context: context, parameters: parameters)
        return SchnorrProof(commitment: commitment.point, response: commitment.nonce + e * secret)
    }

    /// Verifies the proof for `statement`: z·G = A + e·X.
    /// - Throws: `.equationFailed` when it does not hold.
    public func verify(_ statement: Statement, context: ProofContext, parameters: SchemeParameters) throws(ProofError) {
        let e = Self.challenge(statement: statement, commitment: commitment, context: context, parameters: parameters)
        guard Point.generatorMultiple(response) == commitment + e * statement.publicPoint else {
            throw .equationFailed("z·G = A + e·X")
        }
    }

    private static func challenge(statement: Statement, commitment: Point, context: ProofContext,
                                  parameters: SchemeParameters) -> Scalar {
        var transcript = Transcript(proof: tag, context: context, parameters: parameters)
        transcript.append("statement", statement)
        transcript.append("A", commitment)
        return transcript.challengeScalar()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write("A", commitment)
        writer.write("z", response)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        commitment = try reader.readPoint("A")
        response = try reader.readScalar("z")
    }
}

/// The first message of a Schnorr proof: the secret nonce α and A = α·G. Publish `point` (or a
/// hash of it); keep the value until the proof is made. Non-copyable, so it cannot be used twice.
@_spi(Benchmarks) public struct SchnorrCommitment: ~Copyable, Sendable {
    let nonce: Scalar
    /// A = α·G.
    let point: Point

    /// A fresh commitment: a uniform nonce α and A = α·G.
    public init(using generator: inout some RandomNumberGenerator) {
        nonce = Scalar.random(using: &generator)
        point = Point.generatorMultiple(nonce)
    }
}
