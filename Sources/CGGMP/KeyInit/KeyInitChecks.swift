import Bytes
import BigNum
import Secp256k1

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
        try incoming.require(kinds(round: round), protocolName: "KeyInit", round: round)
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
        var reader = ByteReader(payload)
        do {
            let commitment = try reader.readLengthPrefixed("V")
            try reader.finish("payload")
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
            decommitment = try KeyInitDecommitment(encoded: payload)
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
            proof = try SchnorrProof(encoded: payload)
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
        ProofContext(sessionID: sid + rho, proverID: prover.rawRepresentation)
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

/// KeyInit's checks re-run by a third party over the culprit's `SignedView`: the very functions the
/// rounds' `verify(_:view:)` call. A round or set of parts KeyInit does not have proves nothing
/// (`incomplete-view`, so "not proven"), never a violation.
struct KeyInitRechecker: EvidenceRechecker {
    let parameters: SchemeParameters

    func recheck(round: Int, incoming: IncomingPayloads, view: inout SignedView) throws(RoundViolation) {
        try KeyInitChecks.requireKinds(of: incoming, round: round)
        let sid = view.publicData.boundSessionID
        switch round {
        case 1: _ = try KeyInitChecks.round1(incoming)
        case 2: _ = try KeyInitChecks.round2(incoming, view: &view, sid: sid)
        case 3: try KeyInitChecks.round3(incoming, view: &view, sid: sid, parameters: parameters)
        default: throw .incompleteView("KeyInit has no round \(round)")
        }
    }
}
