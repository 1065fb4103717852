import Bytes
import BigNum
import Paillier

/// AuxGen: every party makes a Paillier key N_i and ring-Pedersen parameters (N̂_i, s_i, t_i) and
/// proves them well-formed to every other party (ePrint 2021/060 rev. 2024, Figure 7 without the
/// share update; compare synedrion `protocols/aux_gen.rs`). It runs Fig. 7's rounds shared with
/// `KeyRefresh` (AuxRefreshRounds.swift) in `AuxRefreshMode.auxGen`: no share update, no round 4.
///
/// 1. echo-broadcast V_i = H(sid, i, (N_i, N̂_i, s_i, t_i, ρ_i), (ψ̂_i, u_i)), where ψ̂_i = Πprm(N̂_i, s_i, t_i)
///    bound to (sid, i);
/// 2. echo-broadcast (N_i, N̂_i, s_i, t_i, ρ_i) and broadcast (ψ̂_i, u_i); receivers check them
///    against V_i, check both moduli's sizes, that N_i is composite and not a prime power, the
///    ring-Pedersen parameters, and ψ̂_i;
/// 3. with ρ = ⊕_j ρ_j, echo-broadcast H(sid, i, ψ_i), broadcast ψ_i = Πmod(N_i) and send each j
///    φ_{i,j} = Πfac(N_i) under j's own ring-Pedersen parameters, both bound to (sid ‖ ρ, i);
///    receivers check both and that no N repeats an earlier party's. The output follows the echo
///    step, so no party outputs before every party has checked every round-3 message.
///
/// Everything another party's check depends on is echo-broadcast, so evidence reads it from the
/// culprit's own signed echo (`SignedView.attestedPayload`).
public enum AuxGen {
    /// The tag bound into every message of an AuxGen session.
    public static let protocolTag = ProtocolTag.auxGen

    /// The protocol's entry point: a session whose first round is AuxGen's round 1.
    ///
    /// `primes` are this party's primes, `parameters.paillierPrimeBits` bits each (Blum primes for N,
    /// safe primes for N̂); see ``AuxGenPrimes/generate(parameters:using:workers:progress:)``.
    /// - Throws: ``AuxGenSetupError/primeSize(expected:got:)`` or
    ///   ``AuxGenSetupError/paillierPrimeNotBlum``, ``AuxGenSetupError/invalidPaillierKey(_:)``, ``AuxGenSetupError/ringPedersenPrimeNotSafe`` or ``AuxGenSetupError/ringPedersenPrimesEqual`` for unusable primes, ``AuxGenSetupError/session(_:)``
    ///   for a committee ``SessionPublicData`` refuses or a signer outside it.
    public static func makeSession(
        sessionID: [UInt8], committee: [PartyID], signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters,
        primes: AuxGenPrimes
    ) throws(AuxGenSetupError) -> Session<AuxInfo> {
        let publicData: SessionPublicData
        do { publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee) }
        catch { throw .session(error) }
        let keys = try AuxKeyMaterial(primes: primes, parameters: parameters)
        let context = AuxRefreshContext(publicData: publicData, me: signer.partyID, parameters: parameters,
                                        keys: keys, keyShare: nil, verifier: verifier)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: AuxRefreshRound1<AuxInfo>(context: context))
        } catch {
            throw .session(error)
        }
    }

    /// Re-runs AuxGen's checks for third-party verification of `Evidence`.
    public static func evidenceRechecker(parameters: SchemeParameters,
                                         verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> some EvidenceRechecker {
        AuxRefreshRechecker(mode: .auxGen, parameters: parameters, verifier: verifier)
    }

    /// The public data of an AuxGen session (for `Evidence.verify`).
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// Why AuxGen (or KeyRefresh) could not start: a session set-up mistake or unusable primes.
public enum AuxGenSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The committee or signer was refused (see ``SessionSetupError``).
    case session(SessionSetupError)
    /// A prime has the wrong size for the parameter set.
    case primeSize(expected: Int, got: Int)
    /// A Paillier prime is not ≡ 3 mod 4 (the modulus must be a Blum integer for Πmod).
    case paillierPrimeNotBlum
    /// The Paillier primes do not make a key; the Paillier error says which check failed.
    case invalidPaillierKey(PaillierError)
    /// A ring-Pedersen prime is not a safe prime.
    case ringPedersenPrimeNotSafe
    /// The two ring-Pedersen primes are equal.
    case ringPedersenPrimesEqual

    /// The reason in words (no prime values).
    public var description: String {
        switch self {
        case .session(let error): "session set-up: \(error)"
        case .primeSize(let expected, let got): "a prime has \(got) bits, expected \(expected)"
        case .paillierPrimeNotBlum: "invalid primes: Paillier primes must be ≡ 3 mod 4"
        case .invalidPaillierKey(let error): "invalid primes: Paillier: \(error)"
        case .ringPedersenPrimeNotSafe: "invalid primes: ring-Pedersen primes must be safe primes"
        case .ringPedersenPrimesEqual: "invalid primes: ring-Pedersen primes must differ"
        }
    }
}

/// One party's Paillier key and ring-Pedersen primes, checked.
struct AuxKeyMaterial: Sendable, CustomStringConvertible {
    let paillier: PaillierSecretKey
    let ringPedersenPrimes: (p: BigInt, q: BigInt)

    init(primes: AuxGenPrimes, parameters: SchemeParameters) throws(AuxGenSetupError) {
        let all = [primes.paillierP, primes.paillierQ, primes.ringPedersenP, primes.ringPedersenQ]
        if let wrong = all.first(where: { $0.bitLength != parameters.paillierPrimeBits }) {
            throw .primeSize(expected: parameters.paillierPrimeBits, got: wrong.bitLength)
        }
        for prime in [primes.paillierP, primes.paillierQ] where !(prime.testBit(0) && prime.testBit(1)) {
            throw .paillierPrimeNotBlum
        }
        do throws(PaillierError) { paillier = try PaillierSecretKey(p: primes.paillierP, q: primes.paillierQ) }
        catch { throw .invalidPaillierKey(error) }
        // The safe-prime check itself runs when the ring-Pedersen secret is made in round 1; check
        // here so a bad input fails at set-up rather than later.
        var unused = ChaChaRandom(testSeed: 0)
        for prime in [primes.ringPedersenP, primes.ringPedersenQ] {
            guard prime.isOdd, prime.isProbablePrimeVariableTime(rounds: 0, using: &unused),
                  (prime >> 1).isProbablePrimeVariableTime(rounds: 0, using: &unused) else {
                throw .ringPedersenPrimeNotSafe
            }
        }
        guard primes.ringPedersenP != primes.ringPedersenQ else { throw .ringPedersenPrimesEqual }
        ringPedersenPrimes = (primes.ringPedersenP, primes.ringPedersenQ)
    }

    func ringPedersenSecret(using generator: inout some RandomNumberGenerator) -> RingPedersenSecret {
        try! RingPedersenSecret(p: ringPedersenPrimes.p, q: ringPedersenPrimes.q, using: &generator)
    }

    var description: String { "AuxKeyMaterial" }
}
