import Bytes
import BigNum
import Paillier
import Secp256k1

/// KeyRefresh: re-randomises an n-of-n additive key and makes fresh aux info in one protocol
/// (ePrint 2021/060 rev. 2024, Figure 7; compare synedrion `protocols/key_refresh.rs`).
///
/// Besides everything AuxGen does, each party i deals shares x_{i,j} of zero (Σ_j x_{i,j} = 0)
/// with X_{i,j} = x_{i,j}·G, Schnorr first messages A_{i,j}, and for each j a fresh y_{i,j} with
/// Y_{i,j} = y_{i,j}·G:
/// 1. echo-broadcast V_i, a hash commitment to everything round 2 reveals;
/// 2. echo-broadcast (aux echo part with N_i, Y_{i,·}, X_{i,·}) and broadcast (Πprm, u_i, A_{i,·});
///    receivers check V_i, the aux data and Πprm, and Σ_j X_{i,j} = 0;
/// 3. echo-broadcast the Schnorr proofs ψ̂_{i,j} of every x_{i,j} and the digest of Πmod; broadcast
///    Πmod; send j Πfac under j's parameters and C_{i,j} = x_{i,j} + H(sid, ρ, i, j, y_{i,j}·Y_{j,i})
///    (a one-time pad from a Diffie–Hellman key only i and j know). Receivers check every proof,
///    that no N repeats an earlier party's, and that (C_{i,j} − pad)·G = X_{i,j};
/// 4. confirmation, echo-broadcast: "ok" with a digest of every party's round-2 and round-3
///    echo-broadcasts (the new public shares and aux data), or a complaint against one dealer i
///    that reveals y_{j,i} and carries i's signed round-3 direct message. Anyone checks a complaint:
///    y_{j,i}·G must be the Y_{j,i} the dealer attested (its signed round-2 echo), and then the pad,
///    hence x_{i,j}, follows from values the dealer signed. A true complaint makes the complainant
///    name the dealer (proven to a third party), and every other holder abort; a false one is the
///    complainant's proven fault. No holder replaces its share before every holder has confirmed
///    (the echo step of round 4). Revealing y_{j,i} exposes only the pads between i and j, and the
///    refresh is then abandoned.
/// The output share is x_j + Σ_i x_{i,j}; every X_k moves by Σ_i X_{i,k}, so the public key is
/// unchanged.
public enum KeyRefresh {
    /// The tag bound into every message of a KeyRefresh session.
    public static let protocolTag = ProtocolTag.keyRefresh

    /// The entry point. The committee is the key share's signers.
    public static func makeSession(
        sessionID: [UInt8], keyShare: AdditiveKeyShare, signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters,
        primes: AuxGenPrimes
    ) throws(AuxGenSetupError) -> Session<KeyRefreshOutput> {
        guard keyShare.owner == signer.partyID else { throw .session(.signerNotInCommittee(signer.partyID)) }
        let publicData: SessionPublicData
        do { publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: keyShare.signers) }
        catch { throw .session(error) }
        let keys = try AuxKeyMaterial(primes: primes, parameters: parameters)
        let context = AuxRefreshContext(publicData: publicData, me: signer.partyID, parameters: parameters,
                                        keys: keys, keyShare: keyShare, verifier: verifier)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: AuxRefreshRound1<KeyRefreshOutput>(context: context))
        } catch {
            throw .session(error)
        }
    }

    /// Re-runs KeyRefresh's checks for third-party verification of `Evidence` (the same functions the
    /// live rounds call).
    public static func evidenceRechecker(parameters: SchemeParameters,
                                         verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> some EvidenceRechecker {
        AuxRefreshRechecker(mode: .refresh, parameters: parameters, verifier: verifier)
    }

    /// The public data of a KeyRefresh session (for `Evidence.verify`).
    /// - Throws: ``SessionSetupError`` for fewer than two parties or a party listed twice.
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// KeyRefresh's result: the refreshed share (same public key) and the new aux info.
public struct KeyRefreshOutput: Sendable, CustomStringConvertible, AuxRefreshResult {
    /// The refreshed additive share: same public key, new secret and public shares, new epoch.
    public let keyShare: AdditiveKeyShare
    /// The party's new Paillier key and ring-Pedersen parameters, with every party's public ones.
    public let auxInfo: AuxInfo
    /// The owner only: no secret.
    public var description: String { "KeyRefreshOutput(owner: \(keyShare.owner))" }

    static func make(auxInfo: AuxInfo, keyShare: AdditiveKeyShare?) -> KeyRefreshOutput? {
        keyShare.map { KeyRefreshOutput(keyShare: $0, auxInfo: auxInfo) }
    }
}

extension ByteWriter {
    mutating func write(_ name: String, points: [Point]) {
        appendCount(points.count)
        for point in points { write(name, point) }
    }
}

extension ByteReader {
    mutating func readPoints(_ name: String) throws(DecodingError) -> [Point] {
        let count = try readCount(name, minimumElementSize: 5)
        var points: [Point] = []
        for _ in 0..<count { points.append(try readPoint(name)) }
        return points
    }
}

extension Point {
    /// The SEC1 bytes the wire encoding uses (compressed, or [0] for the identity).
    var fieldEncodingBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write("P", self)
        return writer.bytes
    }
}
