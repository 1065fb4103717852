import BigNum
import Testing
import TestSupport
import Paillier

@Suite struct RingPedersenTests {
    static let safe = Fixtures.primes("safe", bits: 256)

    func secret(seed: UInt64 = 31) throws -> RingPedersenSecret {
        var rng = ChaChaRandom(testSeed: seed)
        return try RingPedersenSecret(p: Self.safe[0], q: Self.safe[1], using: &rng)
    }

    @Test func parametersSatisfyTheirDefinition() throws {
        let secret = try secret()
        let params = secret.parameters
        #expect(params.modulus == Self.safe[0] * Self.safe[1])
        #expect(secret.totient == (Self.safe[0] - .one) * (Self.safe[1] - .one))
        #expect(try params.t.powerVariableTime(secret.lambda, modulo: params.modulus) == params.s)
        // t is a square: a quadratic residue mod both primes (Euler's criterion).
        for prime in [Self.safe[0], Self.safe[1]] {
            #expect(try params.t.powerVariableTime((prime - .one) >> 1, modulo: prime) == .one)
        }
        #expect(try RingPedersenParameters(modulus: params.modulus, s: params.s, t: params.t, expectedBits: 512) == params)
        #expect(secret.description == "RingPedersenSecret")
    }

    @Test func commitmentsWithSignedExponents() throws {
        var rng = ChaChaRandom(testSeed: 32)
        let params = try secret().parameters
        let n = params.modulus
        for _ in 0..<4 {
            let a = BigInt.random(signedBits: 300, using: &rng), b = BigInt.random(signedBits: 700, using: &rng)
            let commitment = try params.commit(a, b)
            // Independent route: variable-time power with explicit inverses.
            let expected = try (params.s.powerVariableTime(a, modulo: n) * params.t.powerVariableTime(b, modulo: n)).modulo(n)
            #expect(commitment == expected)
            // Homomorphic: C(a, b) · C(a', b') = C(a + a', b + b').
            #expect(try (commitment * params.commit(-a, BigInt(5))).modulo(n) == params.commit(.zero, b + BigInt(5)))
        }
    }

    /// The committer's tables (issue #13) give `commit`'s value for every sign and size, beyond the
    /// tables' 1.5·|N̂| bits too (the fallback), and are shared by copies without entering equality.
    @Test func commitmentsFromTablesMatchCommit() throws {
        var rng = ChaChaRandom(testSeed: 33)
        let params = try secret().parameters
        let copy = params
        for (aBits, bBits) in [(0, 0), (1, 64), (300, 700), (768, 0), (700, 768), (769, 900), (64, 1000)] {
            var a = aBits == 0 ? BigInt.zero : BigInt.random(bits: aBits, using: &rng)
            var b = bBits == 0 ? BigInt.zero : BigInt.random(bits: bBits, using: &rng)
            if Bool.random(using: &rng) { a = -a }
            if Bool.random(using: &rng) { b = -b }
            #expect(params.commitWithTables(a, b) == (try params.commit(a, b)), "a \(aBits) bits, b \(bBits) bits")
            #expect(copy.commitWithTables(b, a) == (try params.commit(b, a)))
        }
        let rebuilt = try RingPedersenParameters(modulus: params.modulus, s: params.s, t: params.t, expectedBits: 512)
        #expect(rebuilt == params && rebuilt.hashValue == params.hashValue)
    }

    @Test func rejectsBadParameters() throws {
        let params = try secret().parameters
        let n = params.modulus
        #expect(throws: PaillierError.modulusWrongLength(expected: 1024, actual: 512)) {
            try RingPedersenParameters(modulus: n, s: params.s, t: params.t, expectedBits: 1024)
        }
        #expect(throws: PaillierError.modulusNotOddPositive) {
            try RingPedersenParameters(modulus: n + .one, s: params.s, t: params.t, expectedBits: 512)
        }
        for bad in [BigInt.zero, .one, n - .one, n, Self.safe[0]] {
            #expect(throws: PaillierError.ringPedersenParameterInvalid(name: "s")) {
                try RingPedersenParameters(modulus: n, s: bad, t: params.t, expectedBits: 512)
            }
            #expect(throws: PaillierError.ringPedersenParameterInvalid(name: "t")) {
                try RingPedersenParameters(modulus: n, s: params.s, t: bad, expectedBits: 512)
            }
        }
        // A Jacobi-symbol −1 value cannot be a square.
        var candidate = BigInt(2)
        while try candidate.jacobiVariableTime(n) != -1 { candidate += .one }
        #expect(throws: PaillierError.ringPedersenParameterInvalid(name: "t")) {
            try RingPedersenParameters(modulus: n, s: params.s, t: candidate, expectedBits: 512)
        }
        var rng = ChaChaRandom(testSeed: 33)
        let blum = Fixtures.primes("blum", bits: 256)
        #expect(throws: PaillierError.invalidPrimes(reason: "p and q must be safe primes")) {
            try RingPedersenSecret(p: blum[0], q: Self.safe[1], using: &rng)
        }
    }

    @Test func encodingRoundTrips() throws {
        let params = try secret().parameters
        let encoded = params.encoded
        #expect(encoded.count == 2 + 2 + 3 * 64)
        #expect(try RingPedersenParameters(encoded: encoded, expectedBits: 512) == params)
        let tampered = Array(encoded.dropLast(64)) + [UInt8](repeating: 0, count: 64)
        #expect(throws: PaillierError.ringPedersenParameterInvalid(name: "t")) {
            try RingPedersenParameters(encoded: tampered, expectedBits: 512)
        }
    }

    @Test func seededRunsAreReproducible() throws {
        #expect(try secret(seed: 40).parameters == secret(seed: 40).parameters)
        #expect(try secret(seed: 40).parameters != secret(seed: 41).parameters)
    }
}
