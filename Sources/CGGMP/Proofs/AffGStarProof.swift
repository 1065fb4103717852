import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πaff-g* (CGGMP 2024, Fig. 27): the setup-less affine-operation proof used in the
/// identifiable-abort rounds, where every party must be able to check it without its own
/// ring-Pedersen parameters. Same statement as Πaff-g (including the −y sign of D, see
/// `AffGProof`), proved with binary challenges repeated `Challenge.binaryRepetitions` times.
///
/// Public: N0, C, D = C^x · enc0(−y; ρ) (mod N0²); N1, Y = enc1(y; μ) (mod N1²); X = x·G.
/// Witness: x ∈ ±2^ℓ, y ∈ ±2^ℓ′, ρ ∈ Z*_{N0}, μ ∈ Z*_{N1}.
@_spi(Benchmarks) public struct AffGStarProof: Sendable, Hashable, WireCodable {
    /// The same public input as Πaff-g: (N0, N1, C, D, Y, X).
    public typealias Statement = AffGProof.Statement

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let x: BigInt
        /// y ∈ ±2^ℓ′
        let y: BigInt
        /// ρ ∈ Z*_{N0}
        let rho: BigInt
        /// μ ∈ Z*_{N1}
        let mu: BigInt
        /// The prover's Paillier secret key (of N1), for the CRT path; nil: full width.
        let ownerKey: PaillierSecretKey?
        /// The witness from its parts; `prove` checks the ranges of x and y (preconditions).
        public init(x: BigInt, y: BigInt, rho: BigInt, mu: BigInt) {
            self.x = x; self.y = y; self.rho = rho; self.mu = mu; self.ownerKey = nil
        }
        /// The same, with the secret key of N1 so that `prove` computes every B_j and λ_j mod the
        /// primes (identical proof, less work).
        public init(x: BigInt, y: BigInt, rho: BigInt, mu: BigInt, ownerKey: PaillierSecretKey) {
            self.x = x; self.y = y; self.rho = rho; self.mu = mu; self.ownerKey = ownerKey
        }
        public var description: String { "AffGStarProof.Witness" }
        public var debugDescription: String { description }
    }

    /// One repetition j: commitments (A_j, R_j, B_j) and responses (z_j, z′_j, w_j, λ_j).
    struct Repetition: Sendable, Hashable {
        /// ciphertextA = C^α · enc0(β; r) mod N0²
        let ciphertextA: BigInt
        /// pointR = α·G
        let pointR: Point
        /// ciphertextB = enc1(β; s) mod N1²
        let ciphertextB: BigInt
        /// z = α + e_j·x
        let z: BigInt
        /// z′ = β − e_j·y
        let zPrime: BigInt
        /// w = r·ρ^{e_j} mod N0
        let w: BigInt
        /// λ = s·μ^{−e_j} mod N1
        let lambda: BigInt
        init(ciphertextA: BigInt, pointR: Point, ciphertextB: BigInt,
                    z: BigInt, zPrime: BigInt, w: BigInt, lambda: BigInt) {
            self.ciphertextA = ciphertextA; self.pointR = pointR; self.ciphertextB = ciphertextB
            self.z = z; self.zPrime = zPrime; self.w = w; self.lambda = lambda
        }
    }

    let repetitions: [Repetition]

    /// The prover's secret masks of one repetition.
    private struct Mask { let alpha: BigInt, beta: BigInt, r: BigInt, s: BigInt }

    static let transcriptTag = ProofTag.affGStar

    /// With the witness' owner key, the encryptions under N1 and λ_j run mod the primes unless
    /// `path` is `.reference`; the proof is the same.
    /// - Throws: `ProofError` when the peer's ciphertext C is not a unit mod N0².
    public static func prove(
        _ statement: Statement, witness: Witness,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) throws(ProofError) -> AffGStarProof {
        precondition(ProofArithmetic.isInSignedRange(witness.x, bits: parameters.ell), "Πaff-g*: x must lie in ±2^ℓ")
        precondition(ProofArithmetic.isInSignedRange(witness.y, bits: parameters.ellPrime), "Πaff-g*: y must lie in ±2^ℓ′")
        let n0 = PaillierGroup(modulus: statement.verifierKey.modulus)
        let n1 = PaillierGroup(modulus: statement.proverKey.modulus, owner: witness.ownerKey, path: path)
        try n0.requireCiphertext(statement.c.value, field: "C")
        let count = Challenge.binaryRepetitions(parameters)

        // Every mask is drawn first, in order; only the commitments fan out (on every core unless
        // `path` is `.reference`), so the proof does not depend on scheduling.
        var masks: [Mask] = []
        masks.reserveCapacity(count)
        for _ in 0..<count {
            masks.append(Mask(
                alpha: BigInt.random(signedBits: parameters.ell + parameters.epsilon, using: &generator),
                beta: BigInt.random(signedBits: parameters.ellPrime + parameters.epsilon, using: &generator),
                r: n0.randomRandomizer(using: &generator),
                s: n1.randomRandomizer(using: &generator)))
        }
        let c = statement.c.value, allMasks = masks
        let commitments = ParallelWork.map(count, concurrently: path == .fast) { j -> (a: BigInt, r: Point, b: BigInt) in
            let mask = allMasks[j]
            return (a: n0.scaleSecretAndEncrypt(c, by: mask.alpha, plaintext: mask.beta, randomizer: mask.r, path: path),
                    r: Point.generator * CurveBridge.scalar(mask.alpha),
                    b: n1.encrypt(mask.beta, randomizer: mask.s))
        }

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        Self.absorb(commitments, into: &transcript)
        let bits = transcript.challengeBits(count)

        var repetitions: [Repetition] = []
        repetitions.reserveCapacity(count)
        for j in 0..<count {
            let mask = masks[j]
            let e = bits[j] ? BigInt.one : BigInt.zero
            repetitions.append(Repetition(
                ciphertextA: commitments[j].a, pointR: commitments[j].r, ciphertextB: commitments[j].b,
                z: mask.alpha + e * witness.x,
                zPrime: mask.beta - e * witness.y,
                w: n0.maskRandomizer(mask.r, secret: witness.rho, exponent: e),
                lambda: n1.maskRandomizer(mask.s, secret: witness.mu, exponent: -e)))
        }
        return AffGStarProof(repetitions: repetitions)
    }

    /// Verifies the proof for `statement`.
    /// - Throws: `ProofError.modulusHasWrongBitLength` or `.modulusIsEven` for a modulus not of the
    ///   parameter set's size, `.wrongRepetitionCount` unless there are exactly `bitChallengeRepetitions` repetitions; `.rangeCheckFailed(field:)` or `.notAUnit(field:)` for a value
    ///   outside its range or group (the field is named); `.equationFailed` naming the first
    ///   verification equation that does not hold.
    /// - Parameter path: `.reference` computes each power on its own, one repetition after the other
    ///   (the oracle); the default checks each repetition's Paillier equations by one simultaneous
    ///   exponentiation each, the repetitions on every core (same verdict, same error: the first
    ///   failing repetition's).
    public func verify(
        _ statement: Statement, context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        let n0 = PaillierGroup(modulus: statement.verifierKey.modulus)
        let n1 = PaillierGroup(modulus: statement.proverKey.modulus)
        let expected = Challenge.binaryRepetitions(parameters)
        guard repetitions.count == expected else {
            throw .wrongRepetitionCount(expected: expected, got: repetitions.count)
        }
        try statement.requireModuli(parameters)
        try n0.requireCiphertext(statement.c.value, field: "C")
        try n0.requireCiphertext(statement.d.value, field: "D")
        try n1.requireCiphertext(statement.y.value, field: "Y")
        for (j, repetition) in repetitions.enumerated() {
            try n0.requireCiphertext(repetition.ciphertextA, field: "A[\(j)]")
            try n1.requireCiphertext(repetition.ciphertextB, field: "B[\(j)]")
            try n0.requireRandomizer(repetition.w, field: "w[\(j)]")
            try n1.requireRandomizer(repetition.lambda, field: "lambda[\(j)]")
            try ProofArithmetic.requireSignedRange(repetition.z, bits: parameters.ell + parameters.epsilon, field: "z[\(j)]")
            try ProofArithmetic.requireSignedRange(
                repetition.zPrime, bits: parameters.ellPrime + parameters.epsilon, field: "z'[\(j)]")
        }

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        Self.absorb(repetitions.map { ($0.ciphertextA, $0.pointR, $0.ciphertextB) }, into: &transcript)
        let bits = transcript.challengeBits(expected)
        let yInverse = try n1.scalePublic(statement.y.value, by: -1, field: "Y")

        let repetitions = repetitions
        let failure = ParallelWork.firstFailure(repetitions.count, concurrently: path == .fast) { j -> ProofError? in
            do throws(ProofError) { try Self.check(repetitions[j], j, set: bits[j], statement, n0, n1, yInverse, path) } catch {
                return error
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Repetition j's three equations, in order; throws the first that fails.
    private static func check(
        _ repetition: Repetition, _ j: Int, set: Bool, _ statement: Statement,
        _ n0: PaillierGroup, _ n1: PaillierGroup, _ yInverse: BigInt, _ path: ArithmeticPath
    ) throws(ProofError) {
        // C^z · enc0(z′; w) = A · D^{e_j} mod N0²
        guard try n0.equationHolds(
            encrypting: repetition.zPrime, randomizer: repetition.w,
            times: [PublicPower(statement.c.value, repetition.z, field: "C")],
            equals: set ? n0.add(repetition.ciphertextA, statement.d.value) : repetition.ciphertextA,
            times: [], path: path
        ) else { throw .equationFailed("C^z·enc0(z'; w) = A·D^e [\(j)]") }
        // z·G = R + e_j·X
        let left2 = Point.generator * CurveBridge.scalar(repetition.z)
        let right2 = set ? repetition.pointR + statement.x : repetition.pointR
        guard left2 == right2 else { throw .equationFailed("z·G = R + e·X [\(j)]") }
        // enc1(z′; λ) = B · Y^{−e_j} mod N1²
        guard try n1.equationHolds(
            encrypting: repetition.zPrime, randomizer: repetition.lambda, times: [],
            equals: set ? n1.add(repetition.ciphertextB, yInverse) : repetition.ciphertextB,
            times: [], path: path
        ) else { throw .equationFailed("enc1(z'; lambda) = B·Y^-e [\(j)]") }
    }

    private static func absorb(_ commitments: [(BigInt, Point, BigInt)], into transcript: inout Transcript) {
        transcript.append("repetitions", count: commitments.count)
        for (a, r, b) in commitments {
            transcript.append("A", a)
            transcript.append("R", r)
            transcript.append("B", b)
        }
    }


    public func encode(to writer: inout ByteWriter) {
        writer.appendCount(repetitions.count)
        for (j, r) in repetitions.enumerated() {
            writer.write("A[\(j)]", r.ciphertextA)
            writer.write("R[\(j)]", r.pointR)
            writer.write("B[\(j)]", r.ciphertextB)
            writer.write("z[\(j)]", r.z)
            writer.write("z'[\(j)]", r.zPrime)
            writer.write("w[\(j)]", r.w)
            writer.write("lambda[\(j)]", r.lambda)
        }
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        // Each repetition takes at least 7 length-prefixed values of 5 bytes.
        let count = try reader.readCount("repetitions", minimumElementSize: 35)
        var repetitions: [Repetition] = []
        repetitions.reserveCapacity(count)
        for j in 0..<count {
            repetitions.append(Repetition(
                ciphertextA: try reader.readBigInt("A[\(j)]"), pointR: try reader.readPoint("R[\(j)]"),
                ciphertextB: try reader.readBigInt("B[\(j)]"), z: try reader.readBigInt("z[\(j)]"),
                zPrime: try reader.readBigInt("z'[\(j)]"), w: try reader.readBigInt("w[\(j)]"),
                lambda: try reader.readBigInt("lambda[\(j)]")))
        }
        self.repetitions = repetitions
    }

    init(repetitions: [Repetition]) { self.repetitions = repetitions }
}
