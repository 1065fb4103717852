import BigNum
import Secp256k1

/// KeyInit: distributed generation of an n-of-n additive key (ePrint 2021/060 rev. 2024, Figure 6
/// "ECDSA Key-Generation"; compare synedrion `cggmp21/key_init.rs`).
///
/// Each party i samples x_i and the Schnorr nonce τ_i, and:
/// 1. echo-broadcasts V_i = H(sid, i, ρ_i, X_i, A_i, u_i) — a hash commitment to X_i = x_i·G,
///    A_i = τ_i·G, its share ρ_i of the joint randomness and the blinding u_i;
///    (the echo step then confirms everyone saw the same V_j);
/// 2. broadcasts the decommitment (ρ_i, X_i, A_i, u_i); receivers check it against V_i;
/// 3. echo-broadcasts ψ_i = Πsch(x_i; X_i) with first message A_i and the challenge bound to
///    (sid ‖ ρ, i), ρ = ⊕_j ρ_j; receivers check ψ_j against (X_j, A_j). The echo step after it is
///    the confirmation: no party outputs before every party has echoed every proof, so a party
///    that found a bad proof (or was shown a different one) stops the others from finishing.
/// The output is x_i with every X_j; the public key is Σ_j X_j.
///
/// Every check reads only what the checked party C signed (`SignedView`): round 2 opens C's own
/// round-1 commitment; round 3 takes every V_j from C's signed round-1 echo and opens each party's
/// round-2 decommitment against it to get ρ, so an accuser cannot swap in a re-signed message of
/// its own (a new ρ) to make an honest proof "fail".
///
/// The commitment makes every X_j independent of the others (no rogue-key choice), and binding
/// the proofs to ρ, which no party controls, stops a proof from being copied from another run.
public enum KeyInit {
    public static let protocolTag = "CGGMP24/KeyInit/v2"

    /// The protocol's entry point: a session whose first round is KeyInit's round 1.
    public static func makeSession(
        sessionID: [UInt8], committee: [PartyID], signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters
    ) throws(SessionSetupError) -> Session<AdditiveKeyShare> {
        let publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
        let context = KeyInitContext(publicData: publicData, me: signer.partyID, parameters: parameters)
        return try Session(publicData: publicData, signer: signer, verifier: verifier,
                           firstRound: KeyInitRound1(context: context))
    }

    /// Re-runs KeyInit's checks for third-party verification of `Evidence`.
    public static func evidenceRechecker(parameters: SchemeParameters) -> some EvidenceRechecker {
        KeyInitRechecker(parameters: parameters)
    }

    /// The public data of a KeyInit session (for `Evidence.verify`).
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// What every KeyInit round knows.
struct KeyInitContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let parameters: SchemeParameters
    /// sid: the session id bound to the protocol and committee.
    let sid: [UInt8]

    init(publicData: SessionPublicData, me: PartyID, parameters: SchemeParameters) {
        self.publicData = publicData
        self.me = me
        self.parameters = parameters
        self.sid = publicData.boundSessionID
    }
}

/// (ρ_i, X_i, A_i, u_i): what round 2 reveals.
struct KeyInitDecommitment: Sendable, Hashable, WireCodable {
    let rho: [UInt8]
    let publicShare: Point
    let schnorrCommitment: Point
    let blinding: [UInt8]

    static let randomnessByteCount = 32

    init(rho: [UInt8], publicShare: Point, schnorrCommitment: Point, blinding: [UInt8]) {
        self.rho = rho
        self.publicShare = publicShare
        self.schnorrCommitment = schnorrCommitment
        self.blinding = blinding
    }

    func encode(to writer: inout WireWriter) {
        writer.write("rho", bytes: rho)
        writer.write("X", publicShare)
        writer.write("A", schnorrCommitment)
        writer.write("u", bytes: blinding)
    }

    init(from reader: inout WireReader) throws(ProofError) {
        rho = try reader.readBytes("rho")
        publicShare = try reader.readPoint("X")
        schnorrCommitment = try reader.readPoint("A")
        blinding = try reader.readBytes("u")
        guard rho.count == Self.randomnessByteCount, blinding.count == Self.randomnessByteCount else {
            throw .malformedEncoding("rho and u must be \(Self.randomnessByteCount) bytes")
        }
    }

    /// V = H(sid, i, ρ, X, A, u).
    func hash(sid: [UInt8], party: PartyID) -> [UInt8] {
        var hasher = SHA256Hasher(domain: "swift-tss/CGGMP/KeyInit/commitment/v1")
        hasher.append(sid)
        hasher.append(party.bytes)
        hasher.append(fieldEncoding)
        return hasher.finalize()
    }
}

/// The checks of each round, as pure functions of the public inputs and of what the checked party
/// signed (its `SignedView`), shared by the live rounds and by `KeyInitRechecker`, so both apply
/// exactly the same rules to exactly the same values.
enum KeyInitChecks {
    static let commitmentByteCount = 32

    /// The parts each round's message has.
    static func kinds(round: Int) -> Set<MessageKind>? {
        switch round {
        case 1, 3: [.echoBroadcast]
        case 2: [.broadcast]
        default: nil
        }
    }

    /// Refuses parts other than the round's (evidence that holds other parts of the culprit's round
    /// proves nothing about this round's rules): `incomplete-view`, never a violation.
    static func requireKinds(of incoming: IncomingPayloads, round: Int) throws(RoundViolation) {
        var present: Set<MessageKind> = []
        if incoming.echoBroadcast != nil { present.insert(.echoBroadcast) }
        if incoming.broadcast != nil { present.insert(.broadcast) }
        if incoming.direct != nil { present.insert(.direct) }
        guard let expected = kinds(round: round), present == expected else {
            throw .incompleteView("KeyInit has no round \(round) made of \(present.map(\.description).sorted())")
        }
    }

    /// Round 1: C's echo-broadcast is a well-formed V_C.
    static func round1(_ incoming: IncomingPayloads) throws(RoundViolation) -> [UInt8] {
        try commitment(incoming.payload(.echoBroadcast))
    }

    /// Round 2: C's broadcast opens the V_C that C itself echo-broadcast in round 1.
    static func round2(_ incoming: IncomingPayloads, view: inout SignedView, sid: [UInt8]) throws(RoundViolation)
        -> KeyInitDecommitment {
        let payload = try incoming.payload(.broadcast)
        guard let commitment = try? commitment(view.ownPayload(round: 1, kind: .echoBroadcast)) else {
            throw .incompleteView("a well-formed round-1 commitment of \(incoming.sender)")
        }
        return try decommitment(payload, sender: incoming.sender, commitment: commitment, sid: sid)
    }

    /// Round 3: C's ψ_C proves knowledge of log X_C with first message A_C, bound to ρ = ⊕_j ρ_j. Every
    /// V_j is read from C's signed round-1 echo, and each party's round-2 decommitment is opened
    /// against it (a decommitment that does not open is no proof against C: `incomplete-view`).
    static func round3(_ incoming: IncomingPayloads, view: inout SignedView, sid: [UInt8],
                       parameters: SchemeParameters) throws(RoundViolation) {
        let payload = try incoming.payload(.echoBroadcast)
        var decommitments: [PartyID: KeyInitDecommitment] = [:]
        for party in view.publicData.committee {
            let attested = try view.attestedPayload(round: 1, from: party)
            let opening = try view.unattestedPayload(round: 2, kind: .broadcast, from: party)
            guard let commitment = try? commitment(attested),
                  let decommitment = try? decommitment(opening, sender: party, commitment: commitment, sid: sid) else {
                throw .incompleteView("\(party)'s round-2 decommitment opening the V_j \(incoming.sender) echoed")
            }
            decommitments[party] = decommitment
        }
        guard let own = decommitments[incoming.sender] else { throw .incompleteView("\(incoming.sender)'s decommitment") }
        try proof(payload, sender: incoming.sender, decommitment: own, rho: jointRandomness(decommitments.values),
                  sid: sid, parameters: parameters)
    }

    /// Round 1: the payload is V_j, 32 bytes.
    static func commitment(_ payload: [UInt8]) throws(RoundViolation) -> [UInt8] {
        var reader = WireReader(payload)
        do {
            let commitment = try reader.readBytes("V")
            try reader.finish()
            guard commitment.count == commitmentByteCount else {
                throw RoundViolation(rule: "malformed-commitment", detail: "V has \(commitment.count) bytes")
            }
            return commitment
        } catch let error as RoundViolation {
            throw error
        } catch {
            throw RoundViolation(rule: "malformed-commitment", detail: "\(error)")
        }
    }

    /// Round 2: the payload decommits V_j.
    static func decommitment(_ payload: [UInt8], sender: PartyID, commitment: [UInt8],
                             sid: [UInt8]) throws(RoundViolation) -> KeyInitDecommitment {
        let decommitment: KeyInitDecommitment
        do {
            decommitment = try KeyInitDecommitment(serialized: payload)
        } catch {
            throw RoundViolation(rule: "malformed-decommitment", detail: "\(error)")
        }
        guard decommitment.hash(sid: sid, party: sender) == commitment else {
            throw RoundViolation(rule: "decommitment-mismatch", detail: "H(sid, j, ρ_j, X_j, A_j, u_j) ≠ V_j")
        }
        return decommitment
    }

    /// Round 3: ψ_j proves knowledge of log X_j with first message A_j under (sid ‖ ρ, j).
    static func proof(_ payload: [UInt8], sender: PartyID, decommitment: KeyInitDecommitment, rho: [UInt8],
                      sid: [UInt8], parameters: SchemeParameters) throws(RoundViolation) {
        let proof: SchnorrProof
        do {
            proof = try SchnorrProof(serialized: payload)
        } catch {
            throw RoundViolation(rule: "malformed-proof", detail: "\(error)")
        }
        guard proof.commitment == decommitment.schnorrCommitment else {
            throw RoundViolation(rule: "schnorr-commitment-mismatch", detail: "ψ_j's A differs from the committed A_j")
        }
        do {
            try proof.verify(SchnorrProof.Statement(publicPoint: decommitment.publicShare),
                             context: proofContext(sid: sid, rho: rho, prover: sender), parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-schnorr-proof", detail: "\(error)")
        }
    }

    static func proofContext(sid: [UInt8], rho: [UInt8], prover: PartyID) -> ProofContext {
        ProofContext(sessionID: sid + rho, proverID: prover.bytes)
    }

    /// ρ = ⊕_j ρ_j.
    static func jointRandomness(_ decommitments: some Sequence<KeyInitDecommitment>) -> [UInt8] {
        var rho = [UInt8](repeating: 0, count: KeyInitDecommitment.randomnessByteCount)
        for decommitment in decommitments {
            for index in rho.indices { rho[index] ^= decommitment.rho[index] }
        }
        return rho
    }
}
