import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πenc-elg (CGGMP 2024, Fig. 24): range proof for a Paillier encryption with an El-Gamal commitment.
///
/// Public: the prover's Paillier key N0, C = enc0(x; ρ), points A = a·G, B = b·G, X = (a·b + x)·G.
/// Witness: x ∈ ±2^ℓ, ρ ∈ Z*_{N0}, b ∈ Z_q. Proves that C encrypts the same x that is committed
/// in X under the El-Gamal key A, and that x ∈ ±2^{ℓ+ε}. (The paper lists a as a witness too; it
/// is never used — PAPER.md of synedrion — so it is left out.)
@_spi(Benchmarks) public struct EncElgProof: Sendable, Hashable, WireCodable {
    /// The public input (N0, C, A, B, X); its field encoding is bound into the challenge.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N0, the prover's Paillier key.
        public let key: PaillierPublicKey
        /// C = enc0(x; ρ) under N0.
        public let ciphertext: PaillierCiphertext
        /// A = a·G, the El-Gamal key.
        public let a: Point
        /// B = b·G.
        public let b: Point
        /// X = (a·b + x)·G.
        public let x: Point
        /// The statement from its parts; nothing is checked until `verify`.
        public init(key: PaillierPublicKey, ciphertext: PaillierCiphertext, a: Point, b: Point, x: Point) {
            self.key = key; self.ciphertext = ciphertext; self.a = a; self.b = b; self.x = x
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N0", key)
            writer.write("C", ciphertext)
            writer.write("A", a)
            writer.write("B", b)
            writer.write("X", x)
        }

        public init(from reader: inout ByteReader) throws(DecodingError) {
            key = try reader.readPaillierKey("N0")
            ciphertext = try reader.readCiphertext("C")
            a = try reader.readPoint("A")
            b = try reader.readPoint("B")
            x = try reader.readPoint("X")
        }
    }

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let plaintext: BigInt
        /// ρ ∈ Z*_{N0}
        let randomizer: BigInt
        /// b ∈ Z_q, the discrete log of B.
        let b: Scalar
        /// The prover's Paillier secret key (of N0), for the CRT path; nil: full width.
        let ownerKey: PaillierSecretKey?
        /// The witness from its parts; `prove` checks the range of the plaintext (a precondition).
        public init(plaintext: BigInt, randomizer: BigInt, b: Scalar) {
            self.plaintext = plaintext; self.randomizer = randomizer; self.b = b; self.ownerKey = nil
        }
        /// The same, with the secret key of N0 so that `prove` computes enc0(α; r) and z2 mod the
        /// primes (identical proof, less work).
        public init(plaintext: BigInt, randomizer: BigInt, b: Scalar, ownerKey: PaillierSecretKey) {
            self.plaintext = plaintext; self.randomizer = randomizer; self.b = b; self.ownerKey = ownerKey
        }
        public var description: String { "EncElgProof.Witness" }
        public var debugDescription: String { description }
    }

    // First message.
    /// S = s^x t^μ mod N̂
    let commitmentS: BigInt
    /// D = enc0(α; r)
    let ciphertextD: BigInt
    /// Y = β·A + α·G
    let pointY: Point
    /// Z = β·G
    let pointZ: Point
    /// T = s^α t^γ mod N̂
    let commitmentT: BigInt
    // Responses.
    /// z1 = α + e·x
    let z1: BigInt
    /// w = β + e·b mod q
    let w: Scalar
    /// z2 = r·ρ^e mod N0
    let z2: BigInt
    /// z3 = γ + e·μ
    let z3: BigInt

    static let transcriptTag = ProofTag.encElg

    /// Proves that C encrypts the x with X = (a·b + x)·G for A = a·G, B = b·G, with x ∈ ±2^ℓ,
    /// against the verifier's ring-Pedersen `setup`. With the witness' owner key, the encryption
    /// under N0 runs mod the primes unless `path` is `.reference`; the proof is the same.
    /// - Precondition: the witness matches the statement and x lies in ±2^ℓ (our own values).
    public static func prove(
        _ statement: Statement, witness: Witness, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) -> EncElgProof {
        let masks = drawMasks(statement, setup: setup, parameters: parameters, using: &generator)
        return prove(statement, witness: witness, setup: setup, context: context, parameters: parameters,
                     masks: masks, path: path)
    }

    /// The prover's randomness α, μ, r, β, γ, drawn in the order `prove` has always drawn it, so a
    /// caller can draw the masks of several proofs in order and then compute the proofs
    /// concurrently (presigning, issue #13) with the same bytes for a seeded generator.
    struct Masks: Sendable {
        let alpha: BigInt
        let mu: BigInt
        let r: BigInt
        let beta: Scalar
        let gamma: BigInt
    }

    static func drawMasks(
        _ statement: Statement, setup: RingPedersenParameters, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator
    ) -> Masks {
        let paillier = PaillierGroup(modulus: statement.key.modulus)
        let pedersen = PedersenGroup(prover: setup)
        let alpha = BigInt.random(signedBits: parameters.ell + parameters.epsilon, using: &generator)
        let mu = ProofArithmetic.randomSigned(bits: parameters.ell, scaledBy: pedersen.modulus, using: &generator)
        let r = paillier.randomRandomizer(using: &generator)
        let beta = Scalar.random(using: &generator)
        let gamma = ProofArithmetic.randomSigned(
            bits: parameters.ell + parameters.epsilon, scaledBy: pedersen.modulus, using: &generator)
        return Masks(alpha: alpha, mu: mu, r: r, beta: beta, gamma: gamma)
    }

    /// The proof from masks drawn by `drawMasks` (pure: no generator).
    static func prove(
        _ statement: Statement, witness: Witness, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters, masks: Masks, path: ArithmeticPath = .fast
    ) -> EncElgProof {
        precondition(ProofArithmetic.isInSignedRange(witness.plaintext, bits: parameters.ell),
                     "Πenc-elg: x must lie in ±2^ℓ")
        let paillier = PaillierGroup(modulus: statement.key.modulus, owner: witness.ownerKey, path: path)
        let pedersen = PedersenGroup(prover: setup, path: path)
        let (alpha, mu, r, beta, gamma) = (masks.alpha, masks.mu, masks.r, masks.beta, masks.gamma)

        let alphaScalar = CurveBridge.scalar(alpha)
        let commitmentS = pedersen.commitSecret(witness.plaintext, mu)
        let ciphertextD = paillier.encrypt(alpha, randomizer: r)
        let pointY = statement.a * beta + Point.generator * alphaScalar
        let pointZ = Point.generator * beta
        let commitmentT = pedersen.commitSecret(alpha, gamma)

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        Self.absorbFirstMessage(&transcript, commitmentS, ciphertextD, pointY, pointZ, commitmentT)
        let e = Challenge.signed(&transcript, parameters: parameters)

        return EncElgProof(
            commitmentS: commitmentS, ciphertextD: ciphertextD, pointY: pointY, pointZ: pointZ,
            commitmentT: commitmentT,
            z1: alpha + e * witness.plaintext,
            w: beta + CurveBridge.scalar(e) * witness.b,
            z2: paillier.maskRandomizer(r, secret: witness.randomizer, exponent: e),
            z3: gamma + e * mu)
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
    /// `ownSetup` holds: s^z1·t^z3 is computed mod p̂ and q̂ unless `path` is `.reference`. Same
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
        // Membership: every value lives in the group its equation is computed in.
        try paillier.requireCiphertext(statement.ciphertext.value, field: "C")
        try paillier.requireCiphertext(ciphertextD, field: "D")
        try paillier.requireRandomizer(z2, field: "z2")
        try pedersen.requireCommitment(commitmentS, field: "S")
        try pedersen.requireCommitment(commitmentT, field: "T")

        // Ranges: z1 is the range claim; z3 is bounded by what an honest prover can produce, so
        // exponent sizes stay bounded (not needed for soundness).
        try ProofArithmetic.requireSignedRange(z1, bits: parameters.ell + parameters.epsilon, field: "z1")
        try ProofArithmetic.requireSignedRange(
            z3, bound: Self.z3Bound(parameters: parameters, pedersenModulus: pedersen.modulus), field: "z3")

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        Self.absorbFirstMessage(&transcript, commitmentS, ciphertextD, pointY, pointZ, commitmentT)
        let e = Challenge.signed(&transcript, parameters: parameters)
        let eScalar = CurveBridge.scalar(e)

        // enc0(z1; z2) = D · C^e mod N0²
        guard try paillier.equationHolds(
            encrypting: z1, randomizer: z2, times: [],
            equals: ciphertextD, times: [PublicPower(statement.ciphertext.value, e, field: "C")], path: path
        ) else { throw .equationFailed("enc(z1; z2) = D·C^e") }

        // w·A + z1·G = Y + e·X
        guard statement.a * w + Point.generator * CurveBridge.scalar(z1) == pointY + statement.x * eScalar else {
            throw .equationFailed("w·A + z1·G = Y + e·X")
        }
        // w·G = Z + e·B
        guard Point.generator * w == pointZ + statement.b * eScalar else {
            throw .equationFailed("w·G = Z + e·B")
        }
        // s^z1 t^z3 = T · S^e mod N̂
        guard try pedersen.equationHolds(z1, z3, equals: commitmentT, times: commitmentS, exponent: e, field: "S", path: path) else {
            throw .equationFailed("s^z1·t^z3 = T·S^e")
        }
    }

    static func z3Bound(parameters: SchemeParameters, pedersenModulus: BigInt) -> BigInt {
        // |γ| ≤ 2^{ℓ+ε}·N̂ and |e·μ| ≤ 2^{challenge bits}·2^ℓ·N̂.
        (BigInt.powerOfTwo(parameters.ell + parameters.epsilon)
            + BigInt.powerOfTwo(parameters.ell + Challenge.signedBits(parameters))) * pedersenModulus
    }


    private static func absorbFirstMessage(
        _ transcript: inout Transcript, _ s: BigInt, _ d: BigInt, _ y: Point, _ z: Point, _ t: BigInt
    ) {
        transcript.append("S", s)
        transcript.append("D", d)
        transcript.append("Y", y)
        transcript.append("Z", z)
        transcript.append("T", t)
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write("S", commitmentS)
        writer.write("D", ciphertextD)
        writer.write("Y", pointY)
        writer.write("Z", pointZ)
        writer.write("T", commitmentT)
        writer.write("z1", z1)
        writer.write("w", w)
        writer.write("z2", z2)
        writer.write("z3", z3)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        commitmentS = try reader.readBigInt("S")
        ciphertextD = try reader.readBigInt("D")
        pointY = try reader.readPoint("Y")
        pointZ = try reader.readPoint("Z")
        commitmentT = try reader.readBigInt("T")
        z1 = try reader.readBigInt("z1")
        w = try reader.readScalar("w")
        z2 = try reader.readBigInt("z2")
        z3 = try reader.readBigInt("z3")
    }

    init(commitmentS: BigInt, ciphertextD: BigInt, pointY: Point, pointZ: Point, commitmentT: BigInt,
         z1: BigInt, w: Scalar, z2: BigInt, z3: BigInt) {
        self.commitmentS = commitmentS; self.ciphertextD = ciphertextD; self.pointY = pointY
        self.pointZ = pointZ; self.commitmentT = commitmentT; self.z1 = z1; self.w = w; self.z2 = z2; self.z3 = z3
    }
}
