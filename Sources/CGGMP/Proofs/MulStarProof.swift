import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πmul* (CGGMP, "multiplication Paillier vs group", Fig. 31 of the 2021 numbering): D is C
/// multiplied by the x committed in X = x·G, in range.
///
/// Public: N0, C, D = C^x · ρ^{N0} (mod N0²), X = x·G; the verifier's ring-Pedersen (N̂, s, t).
/// Witness: x ∈ ±2^ℓ, ρ ∈ Z*_{N0}. Proves x ∈ ±2^{ℓ+ε}.
///
/// The paper's figure creates B_x but sends "B", creates an unused r_y, and adds an undefined β
/// into A (synedrion noted the same); this is the consistent reading: A = C^α · r^{N0}.
@_spi(Benchmarks) public struct MulStarProof: Sendable, Hashable, WireCodable {
    /// The public input (N0, C, D, X); its field encoding is bound into the challenge.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N0, the Paillier key C and D are under.
        public let key: PaillierPublicKey
        /// C, a ciphertext under N0.
        public let c: PaillierCiphertext
        /// D = C^x · ρ^{N0}
        public let d: PaillierCiphertext
        /// X = x·G
        public let x: Point
        /// The statement from its parts; nothing is checked until `verify`.
        public init(key: PaillierPublicKey, c: PaillierCiphertext, d: PaillierCiphertext, x: Point) {
            self.key = key; self.c = c; self.d = d; self.x = x
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N0", key)
            writer.write("C", c)
            writer.write("D", d)
            writer.write("X", x)
        }

        public init(from reader: inout ByteReader) throws(DecodingError) {
            key = try reader.readPaillierKey("N0")
            c = try reader.readCiphertext("C")
            d = try reader.readCiphertext("D")
            x = try reader.readPoint("X")
        }
    }

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let x: BigInt
        /// ρ ∈ Z*_{N0}
        let rho: BigInt
        /// The witness from its parts; `prove` checks the range of x (a precondition).
        public init(x: BigInt, rho: BigInt) { self.x = x; self.rho = rho }
        public var description: String { "MulStarProof.Witness" }
        public var debugDescription: String { description }
    }

    /// A = C^α · r^{N0} mod N0²
    let ciphertextA: BigInt
    /// B_x = α·G
    let pointBx: Point
    /// E = s^α t^γ mod N̂
    let commitmentE: BigInt
    /// S = s^x t^m mod N̂
    let commitmentS: BigInt
    /// z1 = α + e·x
    let z1: BigInt
    /// z2 = γ + e·m
    let z2: BigInt
    /// w = r·ρ^e mod N0
    let w: BigInt

    static let transcriptTag = ProofTag.mulStar

    /// - Throws: `ProofError` when C is not a unit mod N0².
    public static func prove(
        _ statement: Statement, witness: Witness, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator
    ) throws(ProofError) -> MulStarProof {
        precondition(ProofArithmetic.isInSignedRange(witness.x, bits: parameters.ell), "Πmul*: x must lie in ±2^ℓ")
        let paillier = PaillierGroup(modulus: statement.key.modulus)
        let pedersen = PedersenGroup(prover: setup)
        try paillier.requireCiphertext(statement.c.value, field: "C")

        let alpha = BigInt.random(signedBits: parameters.ell + parameters.epsilon, using: &generator)
        let r = paillier.randomRandomizer(using: &generator)
        let gamma = ProofArithmetic.randomSigned(
            bits: parameters.ell + parameters.epsilon, scaledBy: pedersen.modulus, using: &generator)
        let m = ProofArithmetic.randomSigned(bits: parameters.ell, scaledBy: pedersen.modulus, using: &generator)

        let a = paillier.add(paillier.scaleSecret(statement.c.value, by: alpha), paillier.encrypt(.zero, randomizer: r))
        let bX = Point.generator * CurveBridge.scalar(alpha)
        let commitmentE = pedersen.commitSecret(alpha, gamma)
        let commitmentS = pedersen.commitSecret(witness.x, m)

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        Self.absorbFirstMessage(&transcript, a, bX, commitmentE, commitmentS)
        let e = Challenge.signed(&transcript, parameters: parameters)

        return MulStarProof(
            ciphertextA: a, pointBx: bX, commitmentE: commitmentE, commitmentS: commitmentS,
            z1: alpha + e * witness.x,
            z2: gamma + e * m,
            w: paillier.maskRandomizer(r, secret: witness.rho, exponent: e))
    }

    /// Verifies the proof for `statement` against the verifier's own ring-Pedersen `setup`.
    /// Unless `path` is `.reference`, each equation that is a product of powers is checked by one
    /// simultaneous exponentiation (same verdict).
    /// - Throws: `ProofError.modulusHasWrongBitLength` or `.modulusIsEven` for a modulus not of the
    ///   parameter set's size; `.rangeCheckFailed(field:)` or `.notAUnit(field:)` for a value
    ///   outside its range or group (the field is named); `.equationFailed` naming the first
    ///   verification equation that does not hold.
    public func verify(
        _ statement: Statement, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        try verify(statement, pedersen: PedersenGroup(setup), context: context, parameters: parameters, path: path)
    }

    /// Verifies a proof made for the verifier's own ring-Pedersen parameters, whose trapdoor
    /// `ownSetup` holds: s^z1·t^z2 is computed mod p̂ and q̂ unless `path` is `.reference`. Same
    /// verdict as ``verify(_:setup:context:parameters:path:)`` with `ownSetup.parameters`.
    public func verify(
        _ statement: Statement, ownSetup: RingPedersenSecret,
        context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        try verify(statement, pedersen: PedersenGroup(own: ownSetup, path: path), context: context,
                   parameters: parameters, path: path)
    }

    private func verify(
        _ statement: Statement, pedersen: PedersenGroup,
        context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath
    ) throws(ProofError) {
        let paillier = PaillierGroup(modulus: statement.key.modulus)
        try ProofArithmetic.requireModulusBits(statement.key.modulus, parameters: parameters)
        try ProofArithmetic.requireModulusBits(pedersen.modulus, parameters: parameters)
        try paillier.requireCiphertext(statement.c.value, field: "C")
        try paillier.requireCiphertext(statement.d.value, field: "D")
        try paillier.requireCiphertext(ciphertextA, field: "A")
        try paillier.requireRandomizer(w, field: "w")
        try pedersen.requireCommitment(commitmentE, field: "E")
        try pedersen.requireCommitment(commitmentS, field: "S")
        try ProofArithmetic.requireSignedRange(z1, bits: parameters.ell + parameters.epsilon, field: "z1")
        let z2Bound = (BigInt.powerOfTwo(parameters.ell + parameters.epsilon)
            + BigInt.powerOfTwo(parameters.ell + Challenge.signedBits(parameters))) * pedersen.modulus
        try ProofArithmetic.requireSignedRange(z2, bound: z2Bound, field: "z2")

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        Self.absorbFirstMessage(&transcript, ciphertextA, pointBx, commitmentE, commitmentS)
        let e = Challenge.signed(&transcript, parameters: parameters)

        // C^z1 · w^{N0} = A · D^e mod N0²
        guard try paillier.equationHolds(
            encrypting: .zero, randomizer: w, times: [PublicPower(statement.c.value, z1, field: "C")],
            equals: ciphertextA, times: [PublicPower(statement.d.value, e, field: "D")], path: path
        ) else { throw .equationFailed("C^z1·w^N0 = A·D^e") }
        // z1·G = B_x + e·X
        guard Point.generator * CurveBridge.scalar(z1) == pointBx + statement.x * CurveBridge.scalar(e) else {
            throw .equationFailed("z1·G = Bx + e·X")
        }
        // s^z1 t^z2 = E · S^e mod N̂
        guard try pedersen.equationHolds(z1, z2, equals: commitmentE, times: commitmentS, exponent: e, field: "S", path: path) else {
            throw .equationFailed("s^z1·t^z2 = E·S^e")
        }
    }

    private static func absorbFirstMessage(_ transcript: inout Transcript, _ a: BigInt, _ bX: Point, _ e: BigInt, _ s: BigInt) {
        transcript.append("A", a)
        transcript.append("Bx", bX)
        transcript.append("E", e)
        transcript.append("S", s)
    }


    public func encode(to writer: inout ByteWriter) {
        writer.write("A", ciphertextA)
        writer.write("Bx", pointBx)
        writer.write("E", commitmentE)
        writer.write("S", commitmentS)
        writer.write("z1", z1)
        writer.write("z2", z2)
        writer.write("w", w)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        ciphertextA = try reader.readBigInt("A")
        pointBx = try reader.readPoint("Bx")
        commitmentE = try reader.readBigInt("E")
        commitmentS = try reader.readBigInt("S")
        z1 = try reader.readBigInt("z1")
        z2 = try reader.readBigInt("z2")
        w = try reader.readBigInt("w")
    }

    init(ciphertextA: BigInt, pointBx: Point, commitmentE: BigInt, commitmentS: BigInt, z1: BigInt, z2: BigInt, w: BigInt) {
        self.ciphertextA = ciphertextA; self.pointBx = pointBx; self.commitmentE = commitmentE
        self.commitmentS = commitmentS; self.z1 = z1; self.z2 = z2; self.w = w
    }
}
