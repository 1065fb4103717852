import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πdec (CGGMP 2024, Fig. 28): a Paillier "decryption in the exponent" proof for the
/// identifiable-abort rounds, with binary challenges repeated `Challenge.binaryRepetitions` times.
///
/// Public: the prover's key N0; K, D (mod N0²) with enc0(y; ρ) = K^x · D; X = x·G; a base point Γ
/// and S = y·Γ; the number of parties n. Witness: x ∈ ±2^ℓ, y ∈ ±2^{yBits}, ρ ∈ Z*_{N0}.
///
/// Following synedrion's PAPER.md: Fig. 28's "(1 + N)^z" reads "(1 + N)^y"; the base point Γ is a
/// public input (Fig. 8/9 and §4.3.1 pass g or Γ); and y is the sum δ_i or χ_i of presigning,
/// which lies in ±2^{ℓ′+ε+1+⌈log₂ n⌉} rather than ±2^ℓ′, so yBits is that and the party count is
/// part of the statement.
///
/// The mask of y and the response w lie in ±2^(ℓ_y + κ_stat) (`SchemeParameters.statisticalSlack`)
/// rather than ±2^(ℓ_y + ε): with ε the bound exceeded N at production112, so S = (y + N)·Γ was
/// provable for a ciphertext of y. Now two accepting responses differ by less than N/2, so the
/// extracted plaintext is the centred decryption itself (`SchemeParameters.decBoundHolds`, checked
/// by prover and verifier).
@_spi(Benchmarks) public struct DecProof: Sendable, Hashable, WireCodable {
    /// The public input (N0, K, X, D, S, Γ, n); its field encoding is bound into the challenge.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N0, the prover's Paillier key.
        public let key: PaillierPublicKey
        /// K, a ciphertext under N0.
        public let k: PaillierCiphertext
        /// X = x·G
        public let x: Point
        /// D = enc0(y; ρ) · K^{−x}
        public let d: PaillierCiphertext
        /// S = y·Γ
        public let s: Point
        /// Γ, the base point of S.
        public let gamma: Point
        /// n ≥ 1, the number of parties (it fixes the bound ℓ_y of y).
        public let partyCount: Int
        /// The statement from its parts; nothing is checked until `verify` (decoding refuses a party
        /// count outside `partyCountRange`).
        public init(key: PaillierPublicKey, k: PaillierCiphertext, x: Point, d: PaillierCiphertext,
                    s: Point, gamma: Point, partyCount: Int) {
            self.key = key; self.k = k; self.x = x; self.d = d; self.s = s; self.gamma = gamma
            self.partyCount = partyCount
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N0", key)
            writer.write("K", k)
            writer.write("X", x)
            writer.write("D", d)
            writer.write("S", s)
            writer.write("Gamma", gamma)
            writer.write("n", BigInt(partyCount))
        }

        public init(from reader: inout ByteReader) throws(DecodingError) {
            key = try reader.readPaillierKey("N0")
            k = try reader.readCiphertext("K")
            x = try reader.readPoint("X")
            d = try reader.readCiphertext("D")
            s = try reader.readPoint("S")
            gamma = try reader.readPoint("Gamma")
            let n = try reader.readBigInt("n")
            guard let count = n.intValue, DecProof.partyCountRange.contains(count) else {
                throw DecodingError(field: "n", reason: .invalidValue("party count out of range"))
            }
            partyCount = count
        }
    }

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let x: BigInt
        /// y ∈ ±2^{yBits}
        let y: BigInt
        /// ρ ∈ Z*_{N0}
        let rho: BigInt
        /// The prover's Paillier secret key (of N0), for the CRT path; nil: full width.
        let ownerKey: PaillierSecretKey?
        /// The witness from its parts; `prove` checks the ranges of x and y (preconditions).
        public init(x: BigInt, y: BigInt, rho: BigInt) { self.x = x; self.y = y; self.rho = rho; self.ownerKey = nil }
        /// The same, with the secret key of N0 so that `prove` computes every A_j and ν_j mod the
        /// primes (identical proof, less work).
        public init(x: BigInt, y: BigInt, rho: BigInt, ownerKey: PaillierSecretKey) {
            self.x = x; self.y = y; self.rho = rho; self.ownerKey = ownerKey
        }
        public var description: String { "DecProof.Witness" }
        public var debugDescription: String { description }
    }

    /// One repetition j: commitments (A_j, B_j, C_j) and responses (z_j, w_j, ν_j).
    struct Repetition: Sendable, Hashable {
        /// ciphertextA = K^{−α} · enc0(β; r) mod N0²
        let ciphertextA: BigInt
        /// pointB = β·Γ
        let pointB: Point
        /// pointC = α·G
        let pointC: Point
        /// z = α + e_j·x
        let z: BigInt
        /// w = β + e_j·y
        let w: BigInt
        /// ν = r·ρ^{e_j} mod N0
        let nu: BigInt
        public init(ciphertextA: BigInt, pointB: Point, pointC: Point, z: BigInt, w: BigInt, nu: BigInt) {
            self.ciphertextA = ciphertextA; self.pointB = pointB; self.pointC = pointC
            self.z = z; self.w = w; self.nu = nu
        }
    }

    let repetitions: [Repetition]

    /// The prover's secret masks of one repetition.
    private struct Mask { let alpha: BigInt, beta: BigInt, r: BigInt }

    static let transcriptTag = ProofTag.dec
    /// Party counts the statement accepts (synedrion assumes at most 2^20 as well).
    public static let partyCountRange = 1...(1 << 20)

    /// The bit bound of y: ℓ′ + ε + 1 + ⌈log₂ n⌉.
    public static func plaintextBits(partyCount: Int, parameters: SchemeParameters) -> Int {
        parameters.decPlaintextBits(partyCount: partyCount)
    }

    /// The bound of the mask β and the response w: ℓ_y + κ_stat (a statistical slack, not ε, so
    /// the bound stays below N/2 and the proof binds the plaintext, not just its value mod N).
    public static func responseBits(partyCount: Int, parameters: SchemeParameters) -> Int {
        parameters.decResponseBits(partyCount: partyCount)
    }

    /// With the witness' owner key, K^{−α}, the encryptions and ν_j run mod the primes unless `path`
    /// is `.reference`; the proof is the same.
    /// - Throws: `ProofError` when K is not a unit mod N0² or the party count is outside `partyCountRange`.
    public static func prove(
        _ statement: Statement, witness: Witness,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) throws(ProofError) -> DecProof {
        guard Self.partyCountRange.contains(statement.partyCount),
              parameters.decBoundHolds(partyCount: statement.partyCount) else { throw .rangeCheckFailed(field: "partyCount") }
        let yBits = plaintextBits(partyCount: statement.partyCount, parameters: parameters)
        let wBits = responseBits(partyCount: statement.partyCount, parameters: parameters)
        precondition(ProofArithmetic.isInSignedRange(witness.x, bits: parameters.ell), "Πdec: x must lie in ±2^ℓ")
        precondition(ProofArithmetic.isInSignedRange(witness.y, bits: yBits), "Πdec: y out of range")
        let n0 = PaillierGroup(modulus: statement.key.modulus, owner: witness.ownerKey, path: path)
        try n0.requireCiphertext(statement.k.value, field: "K")
        let count = Challenge.binaryRepetitions(parameters)

        // Every mask is drawn first, in order; only the commitments fan out (on every core unless
        // `path` is `.reference`), so the proof does not depend on scheduling.
        var masks: [Mask] = []
        masks.reserveCapacity(count)
        for _ in 0..<count {
            masks.append(Mask(
                alpha: BigInt.random(signedBits: parameters.ell + parameters.epsilon, using: &generator),
                beta: BigInt.random(signedBits: wBits, using: &generator),
                r: n0.randomRandomizer(using: &generator)))
        }
        let k = statement.k.value, gamma = statement.gamma, allMasks = masks
        let commitments = ParallelWork.map(count, concurrently: path == .fast) { j -> (a: BigInt, b: Point, c: Point) in
            let mask = allMasks[j]
            return (a: n0.scaleSecretAndEncrypt(k, by: -mask.alpha, plaintext: mask.beta, randomizer: mask.r, path: path),
                    b: gamma * CurveBridge.scalar(mask.beta),
                    c: Point.generator * CurveBridge.scalar(mask.alpha))
        }

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        Self.absorb(commitments, into: &transcript)
        let bits = transcript.challengeBits(count)

        var repetitions: [Repetition] = []
        for j in 0..<count {
            let mask = masks[j]
            let e = bits[j] ? BigInt.one : BigInt.zero
            repetitions.append(Repetition(
                ciphertextA: commitments[j].a, pointB: commitments[j].b, pointC: commitments[j].c,
                z: mask.alpha + e * witness.x,
                w: mask.beta + e * witness.y,
                nu: n0.maskRandomizer(mask.r, secret: witness.rho, exponent: e)))
        }
        return DecProof(repetitions: repetitions)
    }

    /// Verifies the proof for `statement`.
    /// - Throws: `ProofError.modulusHasWrongBitLength` or `.modulusIsEven` for a modulus not of the
    ///   parameter set's size, `.rangeCheckFailed(field: "partyCount")` for a party count
    ///   outside `partyCountRange` or beyond what the parameter set's Πdec bound allows,
    ///   `.wrongRepetitionCount` unless there are exactly `bitChallengeRepetitions` repetitions; `.rangeCheckFailed(field:)` or `.notAUnit(field:)` for a value
    ///   outside its range or group (the field is named); `.equationFailed` naming the first
    ///   verification equation that does not hold.
    /// - Parameter path: `.reference` computes each power on its own, one repetition after the other
    ///   (the oracle); the default checks each repetition's Paillier equation by one simultaneous
    ///   exponentiation, the repetitions on every core (same verdict, same error: the first failing
    ///   repetition's).
    public func verify(
        _ statement: Statement, context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        guard Self.partyCountRange.contains(statement.partyCount),
              parameters.decBoundHolds(partyCount: statement.partyCount) else { throw .rangeCheckFailed(field: "partyCount") }
        let wBits = Self.responseBits(partyCount: statement.partyCount, parameters: parameters)
        let n0 = PaillierGroup(modulus: statement.key.modulus)
        let expected = Challenge.binaryRepetitions(parameters)
        guard repetitions.count == expected else {
            throw .wrongRepetitionCount(expected: expected, got: repetitions.count)
        }
        try ProofArithmetic.requireModulusBits(statement.key.modulus, parameters: parameters)
        try n0.requireCiphertext(statement.k.value, field: "K")
        try n0.requireCiphertext(statement.d.value, field: "D")
        for (j, repetition) in repetitions.enumerated() {
            try n0.requireCiphertext(repetition.ciphertextA, field: "A[\(j)]")
            try n0.requireRandomizer(repetition.nu, field: "nu[\(j)]")
            try ProofArithmetic.requireSignedRange(repetition.z, bits: parameters.ell + parameters.epsilon, field: "z[\(j)]")
            try ProofArithmetic.requireSignedRange(repetition.w, bits: wBits, field: "w[\(j)]")
        }

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        Self.absorb(repetitions.map { ($0.ciphertextA, $0.pointB, $0.pointC) }, into: &transcript)
        let bits = transcript.challengeBits(expected)

        let repetitions = repetitions
        let failure = ParallelWork.firstFailure(repetitions.count, concurrently: path == .fast) { j -> ProofError? in
            do throws(ProofError) { try Self.check(repetitions[j], j, set: bits[j], statement, n0, path) } catch {
                return error
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Repetition j's three equations, in order; throws the first that fails.
    private static func check(
        _ repetition: Repetition, _ j: Int, set: Bool, _ statement: Statement, _ n0: PaillierGroup, _ path: ArithmeticPath
    ) throws(ProofError) {
        // enc0(w; ν) · K^{−z} = A · D^{e_j} mod N0²
        guard try n0.equationHolds(
            encrypting: repetition.w, randomizer: repetition.nu,
            times: [PublicPower(statement.k.value, -repetition.z, field: "K")],
            equals: set ? n0.add(repetition.ciphertextA, statement.d.value) : repetition.ciphertextA,
            times: [], path: path
        ) else { throw .equationFailed("enc0(w; nu)·K^-z = A·D^e [\(j)]") }
        // z·G = C + e_j·X
        let left2 = Point.generator * CurveBridge.scalar(repetition.z)
        guard left2 == (set ? repetition.pointC + statement.x : repetition.pointC) else {
            throw .equationFailed("z·G = C + e·X [\(j)]")
        }
        // w·Γ = B + e_j·S
        let left3 = statement.gamma * CurveBridge.scalar(repetition.w)
        guard left3 == (set ? repetition.pointB + statement.s : repetition.pointB) else {
            throw .equationFailed("w·Gamma = B + e·S [\(j)]")
        }
    }

    private static func absorb(_ commitments: [(BigInt, Point, Point)], into transcript: inout Transcript) {
        transcript.append("repetitions", count: commitments.count)
        for (a, b, c) in commitments {
            transcript.append("A", a)
            transcript.append("B", b)
            transcript.append("C", c)
        }
    }


    public func encode(to writer: inout ByteWriter) {
        writer.appendCount(repetitions.count)
        for (j, r) in repetitions.enumerated() {
            writer.write("A[\(j)]", r.ciphertextA)
            writer.write("B[\(j)]", r.pointB)
            writer.write("C[\(j)]", r.pointC)
            writer.write("z[\(j)]", r.z)
            writer.write("w[\(j)]", r.w)
            writer.write("nu[\(j)]", r.nu)
        }
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        // Each repetition takes at least 6 length-prefixed values of 5 bytes.
        let count = try reader.readCount("repetitions", minimumElementSize: 30)
        var repetitions: [Repetition] = []
        repetitions.reserveCapacity(count)
        for j in 0..<count {
            repetitions.append(Repetition(
                ciphertextA: try reader.readBigInt("A[\(j)]"), pointB: try reader.readPoint("B[\(j)]"),
                pointC: try reader.readPoint("C[\(j)]"), z: try reader.readBigInt("z[\(j)]"),
                w: try reader.readBigInt("w[\(j)]"), nu: try reader.readBigInt("nu[\(j)]")))
        }
        self.repetitions = repetitions
    }

    init(repetitions: [Repetition]) { self.repetitions = repetitions }
}
