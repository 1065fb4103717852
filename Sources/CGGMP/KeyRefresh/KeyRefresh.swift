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
/// 2. echo-broadcast (aux echo part, Y_{i,·}) and broadcast (aux broadcast part, X_{i,·}, A_{i,·});
///    receivers check V_i, the aux data and Πprm, and Σ_j X_{i,j} = 0;
/// 3. echo-broadcast the Schnorr proofs ψ̂_{i,j} of every x_{i,j}; broadcast Πmod; send j Πfac under
///    j's parameters and C_{i,j} = x_{i,j} + H(sid, ρ, i, j, y_{i,j}·Y_{j,i}) (a one-time pad from a
///    Diffie–Hellman key only i and j know). Receivers check every proof and that
///    (C_{i,j} − pad)·G = X_{i,j}.
/// The output share is x_j + Σ_i x_{i,j}; every X_k moves by Σ_i X_{i,k}, so the public key is
/// unchanged.
public enum KeyRefresh {
    public static let protocolTag = "CGGMP24/KeyRefresh/v1"

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
        let context = KeyRefreshContext(publicData: publicData, me: signer.partyID, parameters: parameters,
                                        keys: keys, keyShare: keyShare)
        do {
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: KeyRefreshRound1(context: context))
        } catch {
            throw .session(error)
        }
    }

    public static func evidenceRechecker(parameters: SchemeParameters,
                                         verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> some EvidenceRechecker {
        KeyRefreshRechecker(parameters: parameters, verifier: verifier)
    }

    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// KeyRefresh's result: the refreshed share (same public key) and the new aux info.
public struct KeyRefreshOutput: Sendable, CustomStringConvertible {
    public let keyShare: AdditiveKeyShare
    public let auxInfo: AuxInfo
    public var description: String { "KeyRefreshOutput(owner: \(keyShare.owner))" }
}

struct KeyRefreshContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let parameters: SchemeParameters
    let keys: AuxKeyMaterial
    let keyShare: AdditiveKeyShare
    let sid: [UInt8]

    init(publicData: SessionPublicData, me: PartyID, parameters: SchemeParameters, keys: AuxKeyMaterial,
         keyShare: AdditiveKeyShare) {
        self.publicData = publicData
        self.me = me
        self.parameters = parameters
        self.keys = keys
        self.keyShare = keyShare
        self.sid = publicData.boundSessionID
    }
}

extension WireWriter {
    mutating func write(_ name: String, points: [Point]) {
        writeCount(points.count)
        for point in points { write(name, point) }
    }
}

extension WireReader {
    mutating func readPoints(_ name: String) throws(ProofError) -> [Point] {
        let count = try readCount(name, minimumElementSize: 5)
        var points: [Point] = []
        for _ in 0..<count { points.append(try readPoint(name)) }
        return points
    }
}

/// Round 2's echo-broadcast: the aux echo part and Y_{i,j} for every j (committee order).
struct KeyRefreshEcho: Sendable, Hashable, WireCodable {
    let aux: AuxRevealEcho
    let elGamalKeys: [Point]

    init(aux: AuxRevealEcho, elGamalKeys: [Point]) {
        self.aux = aux
        self.elGamalKeys = elGamalKeys
    }

    func encode(to writer: inout WireWriter) {
        writer.write(aux)
        writer.write("Y", points: elGamalKeys)
    }

    init(from reader: inout WireReader) throws(ProofError) {
        aux = try reader.read()
        elGamalKeys = try reader.readPoints("Y")
    }
}

/// Round 2's broadcast: the aux broadcast part, X_{i,j} and A_{i,j} for every j.
struct KeyRefreshBroadcast: Sendable, Hashable, WireCodable {
    let aux: AuxRevealBroadcast
    let shareChanges: [Point]
    let schnorrCommitments: [Point]

    init(aux: AuxRevealBroadcast, shareChanges: [Point], schnorrCommitments: [Point]) {
        self.aux = aux
        self.shareChanges = shareChanges
        self.schnorrCommitments = schnorrCommitments
    }

    func encode(to writer: inout WireWriter) {
        writer.write(aux)
        writer.write("X", points: shareChanges)
        writer.write("A", points: schnorrCommitments)
    }

    init(from reader: inout WireReader) throws(ProofError) {
        aux = try reader.read()
        shareChanges = try reader.readPoints("X")
        schnorrCommitments = try reader.readPoints("A")
    }
}

/// Round 3's echo-broadcast: the Schnorr proofs of every x_{i,j}.
struct KeyRefreshProofs: Sendable, Hashable, WireCodable {
    let proofs: [SchnorrProof]

    init(proofs: [SchnorrProof]) { self.proofs = proofs }

    func encode(to writer: inout WireWriter) {
        writer.writeCount(proofs.count)
        for proof in proofs { writer.write(proof) }
    }

    init(from reader: inout WireReader) throws(ProofError) {
        let count = try reader.readCount("proofs", minimumElementSize: 10)
        var proofs: [SchnorrProof] = []
        for _ in 0..<count { proofs.append(try reader.read()) }
        self.proofs = proofs
    }
}

/// Round 3's direct message to j: Πfac under j's parameters and the padded share change C_{i,j}.
struct KeyRefreshDirect: Sendable, Hashable, WireCodable {
    let factorProof: NoSmallFactorProof
    let paddedShare: Scalar

    init(factorProof: NoSmallFactorProof, paddedShare: Scalar) {
        self.factorProof = factorProof
        self.paddedShare = paddedShare
    }

    func encode(to writer: inout WireWriter) {
        writer.write(factorProof)
        writer.write("C", paddedShare)
    }

    init(from reader: inout WireReader) throws(ProofError) {
        factorProof = try reader.read()
        paddedShare = try reader.readScalar("C")
    }
}

enum KeyRefreshChecks {
    static let commitmentDomain = "swift-tss/CGGMP/KeyRefresh/commitment/v1"

    static func commitment(sid: [UInt8], party: PartyID, echo: KeyRefreshEcho, broadcast: KeyRefreshBroadcast) -> [UInt8] {
        AuxChecks.commitment(domain: commitmentDomain, sid: sid, party: party,
                             parts: [echo.fieldEncoding, broadcast.fieldEncoding])
    }

    /// The pad of C_{i,j}: H(sid, ρ, i, j, DH point) reduced mod q.
    static func pad(sid: [UInt8], rho: [UInt8], sender: PartyID, recipient: PartyID, sharedPoint: Point) -> Scalar {
        var hasher = SHA256Hasher(domain: "swift-tss/CGGMP/KeyRefresh/pad/v1")
        hasher.append(sid)
        hasher.append(rho)
        hasher.append(sender.bytes)
        hasher.append(recipient.bytes)
        hasher.append(sharedPoint.fieldEncodingBytes)
        // 256 bits reduced mod q: bias about 2^-128, as for any hash-to-scalar by reduction.
        return Scalar(reducing: hasher.finalize())
    }

    /// Round 2: commitment, aux data, counts, Σ_j X_{i,j} = 0.
    static func reveal(echoPayload: [UInt8], broadcastPayload: [UInt8], sender: PartyID, commitment: [UInt8],
                       sid: [UInt8], committeeCount: Int, parameters: SchemeParameters)
        throws(RoundViolation) -> (PublicAuxInfo, KeyRefreshEcho, KeyRefreshBroadcast) {
        let echo = try AuxChecks.decode(KeyRefreshEcho.self, echoPayload, rule: "malformed-reveal")
        let broadcast = try AuxChecks.decode(KeyRefreshBroadcast.self, broadcastPayload, rule: "malformed-reveal")
        let support = [MessageSlot(round: 1, kind: .echoBroadcast, sender: sender)]
        guard Self.commitment(sid: sid, party: sender, echo: echo, broadcast: broadcast) == commitment else {
            throw RoundViolation(rule: "decommitment-mismatch", detail: "H(sid, j, reveal_j) ≠ V_j", supportingMessages: support)
        }
        guard echo.elGamalKeys.count == committeeCount, broadcast.shareChanges.count == committeeCount,
              broadcast.schnorrCommitments.count == committeeCount else {
            throw RoundViolation(rule: "wrong-count", detail: "Y, X and A must have one entry per party", supportingMessages: support)
        }
        guard Point.sum(broadcast.shareChanges).isIdentity else {
            throw RoundViolation(rule: "nonzero-sum-of-changes", detail: "Σ_k X_{j,k} ≠ 0", supportingMessages: support)
        }
        let info = try AuxChecks.reveal(echo: echo.aux, broadcast: broadcast.aux, sender: sender, sid: sid,
                                        parameters: parameters, support: support)
        return (info, echo, broadcast)
    }

    /// Round 3's public checks: every Schnorr proof, Πmod and this verifier's Πfac. Returns the
    /// decoded direct message.
    static func proofs(echoPayload: [UInt8], broadcastPayload: [UInt8], directPayload: [UInt8], sender: PartyID,
                       reveal: KeyRefreshBroadcast, verifierParameters: RingPedersenProof.Statement, rho: [UInt8],
                       sid: [UInt8], parameters: SchemeParameters) throws(RoundViolation) -> KeyRefreshDirect {
        let support = [MessageSlot(round: 2, kind: .broadcast, sender: sender), MessageSlot(round: 2, kind: .echo, sender: sender)]
        let schnorr = try AuxChecks.decode(KeyRefreshProofs.self, echoPayload, rule: "malformed-proofs")
        guard schnorr.proofs.count == reveal.shareChanges.count else {
            throw RoundViolation(rule: "wrong-count", detail: "one Schnorr proof per party", supportingMessages: support)
        }
        let context = AuxChecks.proofContext(sid: sid, rho: rho, prover: sender)
        for (index, proof) in schnorr.proofs.enumerated() {
            guard proof.commitment == reveal.schnorrCommitments[index] else {
                throw RoundViolation(rule: "schnorr-commitment-mismatch", detail: "proof \(index)", supportingMessages: support)
            }
            do {
                try proof.verify(.init(publicPoint: reveal.shareChanges[index]), context: context, parameters: parameters)
            } catch {
                throw RoundViolation(rule: "invalid-schnorr-proof", detail: "proof \(index): \(error)", supportingMessages: support)
            }
        }
        try AuxChecks.modulusProof(broadcastPayload, sender: sender, modulus: reveal.aux.paillierModulus, rho: rho,
                                   sid: sid, parameters: parameters, support: support)
        let direct = try AuxChecks.decode(KeyRefreshDirect.self, directPayload, rule: "malformed-direct")
        try AuxChecks.factorProof(direct.factorProof, sender: sender, modulus: reveal.aux.paillierModulus,
                                  verifierParameters: verifierParameters, rho: rho, sid: sid,
                                  parameters: parameters, support: support)
        return direct
    }
}

extension Point {
    /// The SEC1 bytes the wire encoding uses (compressed, or [0] for the identity).
    var fieldEncodingBytes: [UInt8] {
        var writer = WireWriter()
        writer.write("P", self)
        return writer.bytes
    }
}
