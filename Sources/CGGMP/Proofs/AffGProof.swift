import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πaff-g (CGGMP 2024, Fig. 25): a Paillier affine operation with a group commitment, in range.
///
/// Public: the verifier's Paillier key N0 and C (mod N0²); the prover's key N1; D = C^x · enc0(−y; ρ)
/// (mod N0²); Y = enc1(y; ρ_y) (mod N1²); X = x·G. Witness: x ∈ ±2^ℓ, y ∈ ±2^ℓ′, ρ ∈ Z*_{N0},
/// ρ_y ∈ Z*_{N1}. Proves D was formed from C with the x committed in X and the y encrypted in Y,
/// and that x ∈ ±2^{ℓ+ε}, y ∈ ±2^{ℓ′+ε}.
///
/// Sign of y: the paper states D = C^x · enc0(y), but presigning (Fig. 8, round 2) builds
/// D = K^γ · enc(−β) while F = enc(β); following synedrion's PAPER.md we prove that form, so
/// T = s^{−y}t^μ, z2 = β − e·y, w_y = r_y·ρ_y^{−e}, and the verifier checks enc1(z2; w_y) = B_y·Y^{−e}.
@_spi(Benchmarks) public struct AffGProof: Sendable, Hashable, WireCodable {
    /// The public input (N0, N1, C, D, Y, X); its field encoding is bound into the challenge.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N0: the key C and D are encrypted under (the verifier's).
        public let verifierKey: PaillierPublicKey
        /// N1: the key Y is encrypted under (the prover's).
        public let proverKey: PaillierPublicKey
        /// C, a ciphertext under N0.
        public let c: PaillierCiphertext
        /// D = C^x · enc0(−y; ρ)
        public let d: PaillierCiphertext
        /// Y = enc1(y; ρ_y)
        public let y: PaillierCiphertext
        /// X = x·G
        public let x: Point
        /// The statement from its parts; nothing is checked until `verify`.
        public init(verifierKey: PaillierPublicKey, proverKey: PaillierPublicKey,
                    c: PaillierCiphertext, d: PaillierCiphertext, y: PaillierCiphertext, x: Point) {
            self.verifierKey = verifierKey; self.proverKey = proverKey
            self.c = c; self.d = d; self.y = y; self.x = x
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N0", verifierKey)
            writer.write("N1", proverKey)
            writer.write("C", c)
            writer.write("D", d)
            writer.write("Y", y)
            writer.write("X", x)
        }

        public init(from reader: inout ByteReader) throws(DecodingError) {
            verifierKey = try reader.readPaillierKey("N0")
            proverKey = try reader.readPaillierKey("N1")
            c = try reader.readCiphertext("C")
            d = try reader.readCiphertext("D")
            y = try reader.readCiphertext("Y")
            x = try reader.readPoint("X")
        }

        /// Both moduli have the parameter set's size.
        func requireModuli(_ parameters: SchemeParameters) throws(ProofError) {
            try ProofArithmetic.requireModulusBits(verifierKey.modulus, parameters: parameters)
            try ProofArithmetic.requireModulusBits(proverKey.modulus, parameters: parameters)
        }
    }

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let x: BigInt
        /// y ∈ ±2^ℓ′
        let y: BigInt
        /// ρ ∈ Z*_{N0}
        let rho: BigInt
        /// ρ_y ∈ Z*_{N1}
        let rhoY: BigInt
        /// The prover's Paillier secret key (of N1), for the CRT path; nil: full width.
        let ownerKey: PaillierSecretKey?
        /// The witness from its parts; `prove` checks the ranges of x and y (preconditions).
        public init(x: BigInt, y: BigInt, rho: BigInt, rhoY: BigInt) {
            self.x = x; self.y = y; self.rho = rho; self.rhoY = rhoY; self.ownerKey = nil
        }
        /// The same, with the secret key of N1 so that `prove` computes B_y and w_y mod the primes
        /// (identical proof, less work).
        public init(x: BigInt, y: BigInt, rho: BigInt, rhoY: BigInt, ownerKey: PaillierSecretKey) {
            self.x = x; self.y = y; self.rho = rho; self.rhoY = rhoY; self.ownerKey = ownerKey
        }
        public var description: String { "AffGProof.Witness" }
        public var debugDescription: String { description }
    }

    /// A = C^α · enc0(β; r) mod N0²
    let ciphertextA: BigInt
    /// B_x = α·G
    let pointBx: Point
    /// B_y = enc1(β; r_y) mod N1²
    let ciphertextBy: BigInt
    /// E = s^α t^γ
    let commitmentE: BigInt
    /// S = s^x t^m
    let commitmentS: BigInt
    /// F = s^β t^δ
    let commitmentF: BigInt
    /// T = s^{−y} t^μ
    let commitmentT: BigInt
    /// z1 = α + e·x
    let z1: BigInt
    /// z2 = β − e·y
    let z2: BigInt
    /// z3 = γ + e·m
    let z3: BigInt
    /// z4 = δ + e·μ
    let z4: BigInt
    /// w = r·ρ^e mod N0
    let w: BigInt
    /// w_y = r_y·ρ_y^{−e} mod N1
    let wY: BigInt

    static let transcriptTag = ProofTag.affG

    /// With the witness' owner key, the encryption under N1 and w_y run mod the primes unless
    /// `path` is `.reference`; the proof is the same.
    /// - Throws: `ProofError` when the peer's ciphertext C is not a unit mod N0².
    public static func prove(
        _ statement: Statement, witness: Witness, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) throws(ProofError) -> AffGProof {
        // C is the verifier's ciphertext: a peer value, checked before it meets a secret exponent
        // (and before any randomness is drawn, as always).
        try PaillierGroup(modulus: statement.verifierKey.modulus).requireCiphertext(statement.c.value, field: "C")
        let masks = drawMasks(verifierKey: statement.verifierKey, proverKey: statement.proverKey, setup: setup,
                              parameters: parameters, using: &generator)
        return try prove(statement, witness: witness, setup: setup, context: context, parameters: parameters,
                         masks: masks, path: path)
    }

    /// The prover's randomness α, β, r, r_y, γ, m, δ, μ, drawn in the order `prove` has always
    /// drawn it, so a caller can draw the masks of several proofs in order and compute the proofs
    /// concurrently (presigning, issue #13) with the same bytes for a seeded generator.
    struct Masks: Sendable {
        let alpha: BigInt, beta: BigInt, r: BigInt, rY: BigInt
        let gamma: BigInt, m: BigInt, delta: BigInt, mu: BigInt
    }

    /// Needs only the keys and the setup, so a prover can draw the masks before it computes the
    /// statement's ciphertexts.
    static func drawMasks(
        verifierKey: PaillierPublicKey, proverKey: PaillierPublicKey, setup: RingPedersenParameters,
        parameters: SchemeParameters, using generator: inout some RandomNumberGenerator
    ) -> Masks {
        let n0 = PaillierGroup(modulus: verifierKey.modulus)
        let n1 = PaillierGroup(modulus: proverKey.modulus)
        let pedersen = PedersenGroup(prover: setup)
        let (ell, ellPrime, epsilon) = (parameters.ell, parameters.ellPrime, parameters.epsilon)
        let alpha = BigInt.random(signedBits: ell + epsilon, using: &generator)
        // β masks y ∈ ±2^ℓ′, so it is drawn from ±2^{ℓ′+ε} (not ℓ+ε: the Alpha-Rays typo).
        let beta = BigInt.random(signedBits: ellPrime + epsilon, using: &generator)
        let r = n0.randomRandomizer(using: &generator)
        let rY = n1.randomRandomizer(using: &generator)
        let gamma = ProofArithmetic.randomSigned(bits: ell + epsilon, scaledBy: pedersen.modulus, using: &generator)
        let m = ProofArithmetic.randomSigned(bits: ell, scaledBy: pedersen.modulus, using: &generator)
        let delta = ProofArithmetic.randomSigned(bits: ell + epsilon, scaledBy: pedersen.modulus, using: &generator)
        let mu = ProofArithmetic.randomSigned(bits: ell, scaledBy: pedersen.modulus, using: &generator)
        return Masks(alpha: alpha, beta: beta, r: r, rY: rY, gamma: gamma, m: m, delta: delta, mu: mu)
    }

    /// The proof from masks drawn by `drawMasks` (pure: no generator).
    /// - Throws: `ProofError` when the peer's ciphertext C is not a unit mod N0².
    static func prove(
        _ statement: Statement, witness: Witness, setup: RingPedersenParameters,
        context: ProofContext, parameters: SchemeParameters, masks: Masks, path: ArithmeticPath = .fast
    ) throws(ProofError) -> AffGProof {
        precondition(ProofArithmetic.isInSignedRange(witness.x, bits: parameters.ell), "Πaff-g: x must lie in ±2^ℓ")
        precondition(ProofArithmetic.isInSignedRange(witness.y, bits: parameters.ellPrime), "Πaff-g: y must lie in ±2^ℓ′")
        let n0 = PaillierGroup(modulus: statement.verifierKey.modulus)
        let n1 = PaillierGroup(modulus: statement.proverKey.modulus, owner: witness.ownerKey, path: path)
        let pedersen = PedersenGroup(prover: setup, path: path)
        try n0.requireCiphertext(statement.c.value, field: "C")
        let (alpha, beta, r, rY) = (masks.alpha, masks.beta, masks.r, masks.rY)
        let (gamma, m, delta, mu) = (masks.gamma, masks.m, masks.delta, masks.mu)

        let first = FirstMessage(
            a: n0.scaleSecretAndEncrypt(statement.c.value, by: alpha, plaintext: beta, randomizer: r, path: path),
            bX: Point.generator * CurveBridge.scalar(alpha),
            bY: n1.encrypt(beta, randomizer: rY),
            e: pedersen.commitSecret(alpha, gamma),
            s: pedersen.commitSecret(witness.x, m),
            f: pedersen.commitSecret(beta, delta),
            t: pedersen.commitSecret(-witness.y, mu))

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        first.absorb(into: &transcript)
        let e = Challenge.signed(&transcript, parameters: parameters)

        return AffGProof(
            ciphertextA: first.a, pointBx: first.bX, ciphertextBy: first.bY,
            commitmentE: first.e, commitmentS: first.s, commitmentF: first.f, commitmentT: first.t,
            z1: alpha + e * witness.x,
            z2: beta - e * witness.y,
            z3: gamma + e * m,
            z4: delta + e * mu,
            w: n0.maskRandomizer(r, secret: witness.rho, exponent: e),
            wY: n1.maskRandomizer(rY, secret: witness.rhoY, exponent: -e))
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
    /// `ownSetup` holds: s^z1·t^z3 and s^z2·t^z4 are computed mod p̂ and q̂ unless `path` is
    /// `.reference`. With the verifier's Paillier secret key `ownKey` (of N0, the key C and D are
    /// under), C^z1·enc0(z2; w) = A·D^e is checked mod p² and q² too. Same verdict as
    /// ``verify(_:setup:context:parameters:path:)`` with `ownSetup.parameters`.
    public func verify(
        _ statement: Statement, ownSetup: RingPedersenSecret, ownKey: PaillierSecretKey? = nil,
        context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        try verify(statement, pedersen: PedersenGroup(own: ownSetup, path: path), ownKey: ownKey, context: context,
                   parameters: parameters, path: path)
    }

    private func verify(
        _ statement: Statement, pedersen: PedersenGroup, ownKey: PaillierSecretKey? = nil,
        context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath
    ) throws(ProofError) {
        let n0 = PaillierGroup(modulus: statement.verifierKey.modulus, owner: ownKey, path: path)
        let n1 = PaillierGroup(modulus: statement.proverKey.modulus)
        let (ell, ellPrime, epsilon) = (parameters.ell, parameters.ellPrime, parameters.epsilon)

        try statement.requireModuli(parameters)
        try ProofArithmetic.requireModulusBits(pedersen.modulus, parameters: parameters)
        // Membership, each in its own modulus.
        try n0.requireCiphertext(statement.c.value, field: "C")
        try n0.requireCiphertext(statement.d.value, field: "D")
        try n1.requireCiphertext(statement.y.value, field: "Y")
        try n0.requireCiphertext(ciphertextA, field: "A")
        try n1.requireCiphertext(ciphertextBy, field: "By")
        try n0.requireRandomizer(w, field: "w")
        try n1.requireRandomizer(wY, field: "wY")
        try pedersen.requireCommitment(commitmentE, field: "E")
        try pedersen.requireCommitment(commitmentS, field: "S")
        try pedersen.requireCommitment(commitmentF, field: "F")
        try pedersen.requireCommitment(commitmentT, field: "T")

        // Ranges: z1 and z2 carry the range claims; z3, z4 are bounded by honest sizes.
        try ProofArithmetic.requireSignedRange(z1, bits: ell + epsilon, field: "z1")
        try ProofArithmetic.requireSignedRange(z2, bits: ellPrime + epsilon, field: "z2")
        let maskBound = (BigInt.powerOfTwo(ell + epsilon)
            + BigInt.powerOfTwo(ell + Challenge.signedBits(parameters))) * pedersen.modulus
        try ProofArithmetic.requireSignedRange(z3, bound: maskBound, field: "z3")
        try ProofArithmetic.requireSignedRange(z4, bound: maskBound, field: "z4")

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, setup: pedersen, context: context, parameters: parameters)
        FirstMessage(a: ciphertextA, bX: pointBx, bY: ciphertextBy,
                     e: commitmentE, s: commitmentS, f: commitmentF, t: commitmentT).absorb(into: &transcript)
        let e = Challenge.signed(&transcript, parameters: parameters)

        // C^z1 · enc0(z2; w) = A · D^e mod N0²
        guard try n0.equationHolds(
            encrypting: z2, randomizer: w, times: [PublicPower(statement.c.value, z1, field: "C")],
            equals: ciphertextA, times: [PublicPower(statement.d.value, e, field: "D")], path: path
        ) else { throw .equationFailed("C^z1·enc0(z2; w) = A·D^e") }

        // z1·G = B_x + e·X
        guard Point.generator * CurveBridge.scalar(z1) == pointBx + statement.x * CurveBridge.scalar(e) else {
            throw .equationFailed("z1·G = Bx + e·X")
        }

        // enc1(z2; w_y) = B_y · Y^{−e} mod N1²
        guard try n1.equationHolds(
            encrypting: z2, randomizer: wY, times: [],
            equals: ciphertextBy, times: [PublicPower(statement.y.value, -e, field: "Y")], path: path
        ) else { throw .equationFailed("enc1(z2; wY) = By·Y^-e") }

        // s^z1 t^z3 = E · S^e and s^z2 t^z4 = F · T^e mod N̂
        guard try pedersen.equationHolds(z1, z3, equals: commitmentE, times: commitmentS, exponent: e, field: "S", path: path) else {
            throw .equationFailed("s^z1·t^z3 = E·S^e")
        }
        guard try pedersen.equationHolds(z2, z4, equals: commitmentF, times: commitmentT, exponent: e, field: "T", path: path) else {
            throw .equationFailed("s^z2·t^z4 = F·T^e")
        }
    }

    private struct FirstMessage {
        let a: BigInt, bX: Point, bY: BigInt, e: BigInt, s: BigInt, f: BigInt, t: BigInt
        func absorb(into transcript: inout Transcript) {
            transcript.append("A", a)
            transcript.append("Bx", bX)
            transcript.append("By", bY)
            transcript.append("E", e)
            transcript.append("S", s)
            transcript.append("F", f)
            transcript.append("T", t)
        }
    }


    public func encode(to writer: inout ByteWriter) {
        writer.write("A", ciphertextA)
        writer.write("Bx", pointBx)
        writer.write("By", ciphertextBy)
        writer.write("E", commitmentE)
        writer.write("S", commitmentS)
        writer.write("F", commitmentF)
        writer.write("T", commitmentT)
        writer.write("z1", z1)
        writer.write("z2", z2)
        writer.write("z3", z3)
        writer.write("z4", z4)
        writer.write("w", w)
        writer.write("wY", wY)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        ciphertextA = try reader.readBigInt("A")
        pointBx = try reader.readPoint("Bx")
        ciphertextBy = try reader.readBigInt("By")
        commitmentE = try reader.readBigInt("E")
        commitmentS = try reader.readBigInt("S")
        commitmentF = try reader.readBigInt("F")
        commitmentT = try reader.readBigInt("T")
        z1 = try reader.readBigInt("z1")
        z2 = try reader.readBigInt("z2")
        z3 = try reader.readBigInt("z3")
        z4 = try reader.readBigInt("z4")
        w = try reader.readBigInt("w")
        wY = try reader.readBigInt("wY")
    }

    init(ciphertextA: BigInt, pointBx: Point, ciphertextBy: BigInt, commitmentE: BigInt, commitmentS: BigInt,
         commitmentF: BigInt, commitmentT: BigInt, z1: BigInt, z2: BigInt, z3: BigInt, z4: BigInt,
         w: BigInt, wY: BigInt) {
        self.ciphertextA = ciphertextA; self.pointBx = pointBx; self.ciphertextBy = ciphertextBy
        self.commitmentE = commitmentE; self.commitmentS = commitmentS; self.commitmentF = commitmentF
        self.commitmentT = commitmentT; self.z1 = z1; self.z2 = z2; self.z3 = z3; self.z4 = z4
        self.w = w; self.wY = wY
    }
}
