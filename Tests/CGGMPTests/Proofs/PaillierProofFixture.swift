import BigNum
import Paillier
import Secp256k1
import TestSupport
@testable import CGGMP

/// Keys for the Paillier-based proofs, built from the committed primes (no prime generation in
/// tests): a verifier key N0, a prover key N1, the verifier's ring-Pedersen parameters and a
/// second, unrelated set of ring-Pedersen parameters.
struct PaillierProofFixture: Sendable {
    private(set) var parameters: SchemeParameters
    let verifierKey: PaillierSecretKey
    let proverKey: PaillierSecretKey
    let setup: RingPedersenParameters
    /// The verifier's ring-Pedersen trapdoor (of `setup`), for the CRT verifier path.
    let setupSecret: RingPedersenSecret
    let otherSetup: RingPedersenParameters
    let context: ProofContext

    static let testing = PaillierProofFixture(parameters: .testing)
    static let production112 = PaillierProofFixture(parameters: .production112)

    /// production112's keys and sizes, but 16 instead of 256 binary-challenge repetitions, so the
    /// Πaff-g* and Πdec tests at production sizes take seconds in debug builds. Every repetition
    /// runs the same checks; the full count runs in `tss bench proofs`, which verifies every proof.
    static let production112FewRepetitions: PaillierProofFixture = {
        var fixture = production112
        let p = SchemeParameters.production112
        fixture.parameters = SchemeParameters(
            name: "production112-sizes-16-bit-challenges", paillierPrimeBits: p.paillierPrimeBits, ell: p.ell,
            ellPrime: p.ellPrime, epsilon: p.epsilon, securityBits: p.securityBits, modRepetitions: p.modRepetitions,
            prmRepetitions: p.prmRepetitions, bitChallengeRepetitions: 16,
            statisticalSlack: p.statisticalSlack)
        return fixture
    }()

    init(parameters: SchemeParameters) {
        self.parameters = parameters
        let bits = parameters.paillierPrimeBits
        let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
        let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
        verifierKey = try! PaillierSecretKey(p: blum[0], q: blum[1])
        proverKey = try! PaillierSecretKey(p: blum[2], q: blum[3])
        var rng = ChaChaRandom(testSeed: 0x5e7)
        setupSecret = try! RingPedersenSecret(p: safe[0], q: safe[1], using: &rng)
        setup = setupSecret.parameters
        otherSetup = try! RingPedersenSecret(p: safe[2], q: safe[3], using: &rng).parameters
        context = ProofContext(sessionID: Array("session-1".utf8), proverID: Array("party-2".utf8))
    }

    /// The same session with another prover, and another session with the same prover.
    var otherContexts: [(String, ProofContext)] {
        [("session id", ProofContext(sessionID: Array("session-2".utf8), proverID: context.proverID)),
         ("prover id", ProofContext(sessionID: context.sessionID, proverID: Array("party-3".utf8)))]
    }

    /// s and t exchanged: a well-formed but different ring-Pedersen statement.
    var swappedSetup: RingPedersenParameters {
        try! RingPedersenParameters(modulus: setup.modulus, s: setup.t, t: setup.s, expectedBits: setup.modulus.bitLength)
    }

    /// Uniform in ±2^bits.
    static func signed(bits: Int, _ rng: inout ChaChaRandom) -> BigInt {
        BigInt.random(signedBits: bits, using: &rng)
    }

    static func unit(_ key: PaillierSecretKey, _ rng: inout ChaChaRandom) -> BigInt {
        try! BigInt.randomUnit(modulo: key.modulus, using: &rng)
    }

    static func encrypt(_ key: PaillierPublicKey, _ m: BigInt, _ r: BigInt) -> PaillierCiphertext {
        try! key.encrypt(m, randomness: r)
    }
}

/// The generic checks every proof gets: each encoded field of the proof, and of its statement,
/// changed in turn must be rejected (by verification, or already by decoding).
enum Tamper {
    /// The names of the proof's fields whose perturbed value was still accepted.
    static func acceptedProofFields<P: WireCodable>(_ proof: P, verify: (P) throws(ProofError) -> Void) -> [String] {
        var accepted: [String] = []
        for (index, name) in proof.fieldNames.enumerated() {
            guard case .success(let changed) = proof.perturbed(field: index) else { continue }
            do throws(ProofError) { try verify(changed); accepted.append(name) } catch {}
        }
        return accepted
    }

    /// The names of the statement's fields whose perturbed value was still accepted.
    static func acceptedStatementFields<S: WireCodable>(_ statement: S, verify: (S) throws(ProofError) -> Void) -> [String] {
        acceptedProofFields(statement, verify: verify)
    }

    static func rejects(_ body: () throws(ProofError) -> Void) -> Bool {
        do throws(ProofError) { try body(); return false } catch { return true }
    }

    static func error(_ body: () throws(ProofError) -> Void) -> ProofError? {
        do throws(ProofError) { try body(); return nil } catch { return error }
    }
}
