import Bytes
import BigNum
import Paillier
import Secp256k1

/// Πmul (CGGMP, "Paillier multiplication", Fig. 29 of the 2021 numbering): C encrypts the product
/// of the plaintext of X with the plaintext of Y, all under the prover's own key N.
///
/// Public: N; X = enc(x; ρ_x), Y, C = Y^x · ρ^N (mod N²). Witness: x ∈ ±2^ℓ (the protocol's x is a
/// nonce share k), ρ, ρ_x ∈ Z*_N. Used in the signing identifiable-abort round (H = enc(k·γ)).
///
/// The paper puts no range on z = α + e·x (it only needs α ∈ Z_N to hide e·x); the verifier still
/// bounds |z| ≤ N + 2^{ℓ+challenge bits}, the most an honest prover produces, so a peer cannot make
/// it exponentiate by an arbitrarily large number. The 2021 text checks "(1+N)^z · c^N" where it
/// means v^N (synedrion noted the same).
@_spi(Benchmarks) public struct MulProof: Sendable, Hashable, WireCodable {
    /// The public input (N, X, Y, C); its field encoding is bound into the challenge.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N, the Paillier key X, Y and C are under.
        public let key: PaillierPublicKey
        /// X = enc(x; ρ_x)
        public let x: PaillierCiphertext
        /// Y, a ciphertext under N.
        public let y: PaillierCiphertext
        /// C = Y^x · ρ^N
        public let c: PaillierCiphertext
        /// The statement from its parts; nothing is checked until `verify`.
        public init(key: PaillierPublicKey, x: PaillierCiphertext, y: PaillierCiphertext, c: PaillierCiphertext) {
            self.key = key; self.x = x; self.y = y; self.c = c
        }

        public func encode(to writer: inout ByteWriter) {
            writer.write("N", key)
            writer.write("X", x)
            writer.write("Y", y)
            writer.write("C", c)
        }

        public init(from reader: inout ByteReader) throws(DecodingError) {
            key = try reader.readPaillierKey("N")
            x = try reader.readCiphertext("X")
            y = try reader.readCiphertext("Y")
            c = try reader.readCiphertext("C")
        }
    }

    /// The prover's secret input. Prints as its type name only (never the values).
    public struct Witness: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// x ∈ ±2^ℓ
        let x: BigInt
        /// ρ ∈ Z*_N (randomizer of C)
        let rho: BigInt
        /// ρ_x ∈ Z*_N (randomizer of X)
        let rhoX: BigInt
        /// The prover's Paillier secret key (of N), for the CRT path; nil: full width.
        let ownerKey: PaillierSecretKey?
        /// The witness from its parts; `prove` checks the range of x (a precondition).
        public init(x: BigInt, rho: BigInt, rhoX: BigInt) { self.x = x; self.rho = rho; self.rhoX = rhoX; self.ownerKey = nil }
        /// The same, with the secret key of N so that `prove` computes A, B, u and v mod the primes
        /// (identical proof, less work).
        public init(x: BigInt, rho: BigInt, rhoX: BigInt, ownerKey: PaillierSecretKey) {
            self.x = x; self.rho = rho; self.rhoX = rhoX; self.ownerKey = ownerKey
        }
        public var description: String { "MulProof.Witness" }
        public var debugDescription: String { description }
    }

    /// A = Y^α · r^N mod N²
    let ciphertextA: BigInt
    /// B = enc(α; s) mod N²
    let ciphertextB: BigInt
    /// z = α + e·x
    let z: BigInt
    /// u = r·ρ^e mod N
    let u: BigInt
    /// v = s·ρ_x^e mod N
    let v: BigInt

    static let transcriptTag = ProofTag.mul

    /// With the witness' owner key, every computation under N runs mod the primes unless `path` is
    /// `.reference`; the proof is the same.
    /// - Throws: `ProofError` when Y is not a unit mod N².
    public static func prove(
        _ statement: Statement, witness: Witness,
        context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) throws(ProofError) -> MulProof {
        precondition(ProofArithmetic.isInSignedRange(witness.x, bits: parameters.ell), "Πmul: x must lie in ±2^ℓ")
        let paillier = PaillierGroup(modulus: statement.key.modulus, owner: witness.ownerKey, path: path)
        try paillier.requireCiphertext(statement.y.value, field: "Y")

        let alpha = paillier.randomRandomizer(using: &generator)   // α ∈ Z*_N
        let r = paillier.randomRandomizer(using: &generator)
        let s = paillier.randomRandomizer(using: &generator)
        let a = paillier.add(paillier.scaleSecret(statement.y.value, by: alpha), paillier.encrypt(.zero, randomizer: r))
        let b = paillier.encrypt(alpha, randomizer: s)

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        transcript.append("A", a)
        transcript.append("B", b)
        let e = Challenge.signed(&transcript, parameters: parameters)

        return MulProof(
            ciphertextA: a, ciphertextB: b,
            z: alpha + e * witness.x,
            u: paillier.maskRandomizer(r, secret: witness.rho, exponent: e),
            v: paillier.maskRandomizer(s, secret: witness.rhoX, exponent: e))
    }

    /// Verifies the proof for `statement`.
    /// - Throws: `ProofError.modulusHasWrongBitLength` or `.modulusIsEven` for a modulus not of the
    ///   parameter set's size; `.rangeCheckFailed(field:)` or `.notAUnit(field:)` for a value
    ///   outside its range or group (the field is named); `.equationFailed` naming the first
    ///   verification equation that does not hold.
    /// - Parameter path: `.reference` computes each power on its own (the oracle); the default checks
    ///   each equation by one simultaneous exponentiation (same verdict).
    public func verify(
        _ statement: Statement, context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        let paillier = PaillierGroup(modulus: statement.key.modulus)
        try ProofArithmetic.requireModulusBits(statement.key.modulus, parameters: parameters)
        try paillier.requireCiphertext(statement.x.value, field: "X")
        try paillier.requireCiphertext(statement.y.value, field: "Y")
        try paillier.requireCiphertext(statement.c.value, field: "C")
        try paillier.requireCiphertext(ciphertextA, field: "A")
        try paillier.requireCiphertext(ciphertextB, field: "B")
        try paillier.requireRandomizer(u, field: "u")
        try paillier.requireRandomizer(v, field: "v")
        let zBound = paillier.modulus + BigInt.powerOfTwo(parameters.ell + Challenge.signedBits(parameters))
        try ProofArithmetic.requireSignedRange(z, bound: zBound, field: "z")

        var transcript = Transcript(proof: Self.transcriptTag, statement: statement, context: context, parameters: parameters)
        transcript.append("A", ciphertextA)
        transcript.append("B", ciphertextB)
        let e = Challenge.signed(&transcript, parameters: parameters)

        // Y^z · u^N = A · C^e mod N²
        guard try paillier.equationHolds(
            encrypting: .zero, randomizer: u, times: [PublicPower(statement.y.value, z, field: "Y")],
            equals: ciphertextA, times: [PublicPower(statement.c.value, e, field: "C")], path: path
        ) else { throw .equationFailed("Y^z·u^N = A·C^e") }
        // enc(z; v) = B · X^e mod N²
        guard try paillier.equationHolds(
            encrypting: z, randomizer: v, times: [],
            equals: ciphertextB, times: [PublicPower(statement.x.value, e, field: "X")], path: path
        ) else { throw .equationFailed("enc(z; v) = B·X^e") }
    }


    public func encode(to writer: inout ByteWriter) {
        writer.write("A", ciphertextA)
        writer.write("B", ciphertextB)
        writer.write("z", z)
        writer.write("u", u)
        writer.write("v", v)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        ciphertextA = try reader.readBigInt("A")
        ciphertextB = try reader.readBigInt("B")
        z = try reader.readBigInt("z")
        u = try reader.readBigInt("u")
        v = try reader.readBigInt("v")
    }

    init(ciphertextA: BigInt, ciphertextB: BigInt, z: BigInt, u: BigInt, v: BigInt) {
        self.ciphertextA = ciphertextA; self.ciphertextB = ciphertextB; self.z = z; self.u = u; self.v = v
    }
}
