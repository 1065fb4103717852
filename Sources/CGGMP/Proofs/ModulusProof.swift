import Bytes
import BigNum
import CGMP
import Paillier

/// Πmod (ePrint 2021/060 rev. 2024, Fig. 16): N is a Paillier–Blum modulus, N = pq with
/// p ≡ q ≡ 3 (mod 4) and gcd(N, φ(N)) = 1.
///
/// The prover commits to a w with Jacobi symbol −1; for each of m challenges y_i ∈ Z*_N it shows a
/// fourth root x_i of (−1)^a_i · w^b_i · y_i and an N-th root z_i of y_i. Fourth roots of a quarter
/// of Z*_N (rather than fewer) and N-th roots of everything exist only for Blum moduli with
/// gcd(N, φ(N)) = 1, so a cheating prover survives each repetition with probability at most 1/2.
@_spi(Benchmarks) public struct ModulusProof: Sendable, Hashable, WireCodable {
    /// The public input: the modulus N.
    public struct Statement: Sendable, Hashable, WireCodable {
        /// N.
        public let modulus: BigInt

        /// The statement for modulus N; nothing is checked until `verify`.
        public init(modulus: BigInt) { self.modulus = modulus }
        /// The statement for `key`'s modulus.
        public init(_ key: PaillierPublicKey) { self.modulus = key.modulus }

        public func encode(to writer: inout ByteWriter) { writer.write("N", modulus) }
        public init(from reader: inout ByteReader) throws(DecodingError) {
            modulus = try reader.readBigInt("N")
        }
    }

    /// One repetition's response.
    struct Repetition: Sendable, Hashable, WireCodable {
        /// A fourth root of (−1)^a · w^b · y mod N.
        let x: BigInt
        let a: Bool
        let b: Bool
        /// An N-th root of y mod N.
        let z: BigInt

        public func encode(to writer: inout ByteWriter) {
            writer.write("x", x)
            writer.write("a", a)
            writer.write("b", b)
            writer.write("z", z)
        }
        init(x: BigInt, a: Bool, b: Bool, z: BigInt) {
            self.x = x; self.a = a; self.b = b; self.z = z
        }
        public init(from reader: inout ByteReader) throws(DecodingError) {
            x = try reader.readBigInt("x")
            a = try reader.readBool("a")
            b = try reader.readBool("b")
            z = try reader.readBigInt("z")
        }
    }

    static let tag = ProofTag.modulus

    /// The commitment: a unit with Jacobi symbol −1.
    let w: BigInt
    let repetitions: [Repetition]

    init(w: BigInt, repetitions: [Repetition]) {
        self.w = w
        self.repetitions = repetitions
    }

    /// Proves that `key`'s modulus is a Paillier–Blum modulus.
    ///
    /// The repetitions' roots are computed on every core unless `path` is `.reference` (in order);
    /// w is drawn and the challenges derived before the fan-out, so the proof is the same.
    /// - Precondition: p ≡ q ≡ 3 (mod 4) (our own keys always are).
    public static func prove(
        key: PaillierSecretKey, context: ProofContext, parameters: SchemeParameters,
        using generator: inout some RandomNumberGenerator, path: ArithmeticPath = .fast
    ) -> ModulusProof {
        let n = key.modulus, p = key.p, q = key.q
        precondition(p.testBit(0) && p.testBit(1) && q.testBit(0) && q.testBit(1), "Πmod needs Blum primes")
        let crt = key.primesBasis

        // w with Jacobi(w, N) = −1: then w is a non-residue modulo exactly one of p, q.
        var w: BigInt
        repeat { w = try! BigInt.randomUnit(modulo: n, using: &generator) } while (try! w.jacobiVariableTime(n)) != -1
        // Legendre symbols modulo the secret primes by Euler's criterion on the constant-time power
        // (a Jacobi-symbol loop's running time depends on the modulus's bits); the symbol modulo q
        // follows from the public Jacobi symbol modulo N. The symbols themselves are what (a, b)
        // publish anyway.
        let halfOrderP = (p - .one) >> 1
        @Sendable func legendreP(_ x: BigInt) -> Int { (try! x.modulo(p).powerPublicSign(halfOrderP, modulo: p)) == .one ? 1 : -1 }
        let wP = legendreP(w)
        let wSymbols = (p: wP, q: -wP)

        var transcript = Transcript(proof: tag, context: context, parameters: parameters)
        let statement = Statement(modulus: n)
        transcript.append("statement", statement)
        transcript.append("w", w)
        let challenges = (0..<parameters.modRepetitions).map { _ in transcript.challengeUnit(modulo: n) }

        // The principal fourth root modulo a Blum prime: (p+1)/4 squared, reduced mod p − 1.
        let fourthRootExponentP = try! (((p + .one) >> 2) * ((p + .one) >> 2)).modulo(p - .one)
        let fourthRootExponentQ = try! (((q + .one) >> 2) * ((q + .one) >> 2)).modulo(q - .one)

        let w0 = w
        let repetitions = ParallelWork.map(challenges.count, concurrently: path == .fast) { index -> Repetition in
            let y = challenges[index], w = w0
            // −1 is a non-residue modulo both primes; w modulo exactly one: some (a, b) makes
            // (−1)^a w^b y a residue modulo both.
            let yp = legendreP(y), yq = (try! y.jacobiVariableTime(n)) * yp
            var a = false, b = false
            search: for candidateA in [false, true] {
                for candidateB in [false, true] {
                    let sign = candidateA ? -1 : 1
                    if yp * sign * (candidateB ? wSymbols.p : 1) == 1,
                       yq * sign * (candidateB ? wSymbols.q : 1) == 1 {
                        a = candidateA; b = candidateB
                        break search
                    }
                }
            }
            var residue = y
            if b { residue = try! (residue * w).modulo(n) }
            if a { residue = n - residue }
            let xp = try! residue.modulo(p).powerPublicSign(fourthRootExponentP, modulo: p)
            let xq = try! residue.modulo(q).powerPublicSign(fourthRootExponentQ, modulo: q)
            let zp = try! y.modulo(p).powerPublicSign(key.nthRootExponentP, modulo: p)
            let zq = try! y.modulo(q).powerPublicSign(key.nthRootExponentQ, modulo: q)
            return Repetition(x: crt.combine(xp, xq), a: a, b: b, z: crt.combine(zp, zq))
        }
        return ModulusProof(w: w, repetitions: repetitions)
    }

    /// Verifies the proof for `statement`.
    ///
    /// Checks, in order: N has the parameter set's exact bit length, is odd, is not a prime and
    /// not a perfect power; exactly m repetitions; w ∈ [1, N), gcd(w, N) = 1 and Jacobi(w, N) = −1;
    /// each x_i, z_i ∈ [0, N); z_i^N = y_i and x_i^4 = (−1)^a_i · w^b_i · y_i (mod N).
    /// - Parameter path: `.fast` (the default) checks the repetitions on every core after deriving
    ///   every y_i in order; `.reference` checks them one by one. Same verdict, same error.
    /// - Throws: the `ProofError` naming the first failed check.
    public func verify(
        _ statement: Statement, context: ProofContext, parameters: SchemeParameters, path: ArithmeticPath = .fast
    ) throws(ProofError) {
        let n = statement.modulus
        try Self.checkModulus(n, bits: parameters.modulusBits)
        guard repetitions.count == parameters.modRepetitions else {
            throw .wrongRepetitionCount(expected: parameters.modRepetitions, got: repetitions.count)
        }
        guard w.signum > 0, w < n else { throw .rangeCheckFailed(field: "w") }
        guard w.gcdVariableTime(n) == .one else { throw .notAUnit(field: "w") }
        guard (try? w.jacobiVariableTime(n)) == -1 else { throw .jacobiSymbolNotMinusOne }

        var transcript = Transcript(proof: Self.tag, context: context, parameters: parameters)
        transcript.append("statement", statement)
        transcript.append("w", w)
        // The challenges depend only on the transcript so far (not on the responses): derive them
        // all first, then check each repetition on its own.
        let challenges = repetitions.map { _ in transcript.challengeUnit(modulo: n) }
        let repetitions = repetitions, w = w
        let failure = ParallelWork.firstFailure(repetitions.count, concurrently: path == .fast) { index -> ProofError? in
            let repetition = repetitions[index], y = challenges[index]
            guard repetition.x.signum >= 0, repetition.x < n else { return .rangeCheckFailed(field: "x[\(index)]") }
            guard repetition.z.signum >= 0, repetition.z < n else { return .rangeCheckFailed(field: "z[\(index)]") }
            guard try! repetition.z.powerVariableTime(n, modulo: n) == y else {
                return .equationFailed("z[\(index)]^N = y[\(index)]")
            }
            var expected = y
            if repetition.b { expected = try! (expected * w).modulo(n) }
            if repetition.a { expected = try! (-expected).modulo(n) }
            guard try! repetition.x.powerVariableTime(BigInt(4), modulo: n) == expected else {
                return .equationFailed("x[\(index)]^4 = (−1)^a·w^b·y[\(index)]")
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// The checks on N that need no proof: exact length, odd, composite, not a prime power.
    static func checkModulus(_ n: BigInt, bits: Int) throws(ProofError) {
        guard n.bitLength == bits, n.signum > 0 else {
            throw .modulusHasWrongBitLength(expected: bits, got: n.bitLength)
        }
        guard n.isOdd else { throw .modulusIsEven }
        // Baillie–PSW alone (no random Miller–Rabin bases, so no generator): it never calls a prime
        // composite, so every prime N is rejected; a composite it wrongly called prime would only be
        // rejected too.
        var unusedGenerator = ChaChaRandom(testSeed: 0)
        guard !n.isProbablePrimeVariableTime(rounds: 0, using: &unusedGenerator) else { throw .modulusIsPrime }
        guard n.withMPZ({ __gmpz_perfect_power_p($0) }) == 0 else { throw .modulusIsPerfectPower }
    }

    // MARK: Encoding

    public func encode(to writer: inout ByteWriter) {
        writer.write("w", w)
        writer.appendCount(repetitions.count)
        for repetition in repetitions { writer.write(repetition) }
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        w = try reader.readBigInt("w")
        let count = try reader.readCount("repetitions", minimumElementSize: 12)
        var repetitions: [Repetition] = []
        repetitions.reserveCapacity(count)
        for _ in 0..<count { repetitions.append(try reader.read(Repetition.self)) }
        self.repetitions = repetitions
    }
}
