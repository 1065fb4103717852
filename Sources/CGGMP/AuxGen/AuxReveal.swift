import BigNum
import Paillier

/// The echo-broadcast half of a party's aux reveal (AuxGen and KeyRefresh round 2): N_i, the
/// ring-Pedersen parameters and ρ_i. Echoed, because every party must hold the same values: the
/// others' proofs are checked against them and they are the protocol's output.
struct AuxRevealEcho: Sendable, Hashable, WireCodable {
    let paillierModulus: BigInt
    let ringPedersen: RingPedersenProof.Statement
    let rho: [UInt8]

    static let randomnessByteCount = 32

    func encode(to writer: inout WireWriter) {
        writer.write("N", paillierModulus)
        writer.write(ringPedersen)
        writer.write("rho", bytes: rho)
    }

    init(paillierModulus: BigInt, ringPedersen: RingPedersenProof.Statement, rho: [UInt8]) {
        self.paillierModulus = paillierModulus
        self.ringPedersen = ringPedersen
        self.rho = rho
    }

    init(from reader: inout WireReader) throws(ProofError) {
        paillierModulus = try reader.readBigInt("N")
        ringPedersen = try reader.read()
        rho = try reader.readBytes("rho")
        guard rho.count == Self.randomnessByteCount else { throw .malformedEncoding("rho must be \(Self.randomnessByteCount) bytes") }
    }
}

/// The broadcast half of the reveal: ψ̂_i = Πprm and the blinding u_i (checked against V_i, which
/// is echo-broadcast, so every party that accepts it holds the same one).
struct AuxRevealBroadcast: Sendable, Hashable, WireCodable {
    let ringPedersenProof: RingPedersenProof
    let blinding: [UInt8]

    func encode(to writer: inout WireWriter) {
        writer.write(ringPedersenProof)
        writer.write("u", bytes: blinding)
    }

    init(ringPedersenProof: RingPedersenProof, blinding: [UInt8]) {
        self.ringPedersenProof = ringPedersenProof
        self.blinding = blinding
    }

    init(from reader: inout WireReader) throws(ProofError) {
        ringPedersenProof = try reader.read()
        blinding = try reader.readBytes("u")
        guard blinding.count == AuxRevealEcho.randomnessByteCount else { throw .malformedEncoding("u must be 32 bytes") }
    }
}

/// Round 3's echo-broadcast digest of the broadcast Πmod: H(sid, i, ψ_i). Echoing the digest makes
/// every party hold the same proof (the echo step shows a split), and the echo step after round 3
/// is the barrier no party passes before every party has checked every round-3 message.
struct ModulusProofDigest: Sendable, Hashable, WireCodable {
    let digest: [UInt8]

    static let domain = "swift-tss/CGGMP/aux/mod-proof-digest/v1"

    init(digest: [UInt8]) { self.digest = digest }

    init(sid: [UInt8], prover: PartyID, proof: [UInt8]) {
        var hasher = SHA256Hasher(domain: Self.domain)
        hasher.append(sid)
        hasher.append(prover.bytes)
        hasher.append(proof)
        digest = hasher.finalize()
    }

    func encode(to writer: inout WireWriter) { writer.write("H", bytes: digest) }

    init(from reader: inout WireReader) throws(ProofError) {
        digest = try reader.readBytes("H")
        guard digest.count == 32 else { throw .malformedEncoding("the digest must be 32 bytes") }
    }
}

/// The checks on aux data shared by AuxGen and KeyRefresh, as pure functions of public values
/// (so the rounds and the evidence rechecker apply the same rules).
enum AuxChecks {
    /// Round 2, after the commitment matched: both moduli's sizes, N composite and not a prime
    /// power, (N̂, s, t) usable, ψ̂ valid under (sid, sender).
    static func reveal(echo: AuxRevealEcho, broadcast: AuxRevealBroadcast, sender: PartyID, sid: [UInt8],
                       parameters: SchemeParameters) throws(RoundViolation) -> PublicAuxInfo {
        let n = echo.paillierModulus
        guard n.bitLength == parameters.modulusBits else {
            throw RoundViolation(rule: "paillier-modulus-size",
                                 detail: "N has \(n.bitLength) bits, expected \(parameters.modulusBits)")
        }
        do {
            try ModulusProof.checkModulus(n, bits: parameters.modulusBits)
        } catch {
            throw RoundViolation(rule: "paillier-modulus-invalid", detail: "\(error)")
        }
        let rp = echo.ringPedersen
        let ringPedersen: RingPedersenParameters
        do {
            ringPedersen = try RingPedersenParameters(modulus: rp.modulus, s: rp.s, t: rp.t, expectedBits: parameters.modulusBits)
        } catch {
            throw RoundViolation(rule: "ring-pedersen-invalid", detail: "\(error)")
        }
        do {
            try broadcast.ringPedersenProof.verify(rp, context: ProofContext(sessionID: sid, proverID: sender.bytes),
                                                   parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-prm-proof", detail: "\(error)")
        }
        // N is odd and of the right size (checked above), so this cannot fail.
        let key = try! PaillierPublicKey(modulus: n, expectedBits: parameters.modulusBits)
        return PublicAuxInfo(paillierKey: key, ringPedersen: ringPedersen)
    }

    /// Round 3's Πmod ψ_j for N_j under (sid ‖ ρ, j).
    static func modulusProof(_ payload: [UInt8], sender: PartyID, modulus: BigInt, rho: [UInt8], sid: [UInt8],
                             parameters: SchemeParameters) throws(RoundViolation) {
        do {
            let proof = try ModulusProof(serialized: payload)
            try proof.verify(.init(modulus: modulus), context: proofContext(sid: sid, rho: rho, prover: sender),
                             parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-mod-proof", detail: "\(error)")
        }
    }

    /// Round 3's Πfac φ_{j,i} for N_j under the verifier's (N̂_i, s_i, t_i) and (sid ‖ ρ, j).
    static func factorProof(_ proof: NoSmallFactorProof, sender: PartyID, modulus: BigInt,
                            verifierParameters: RingPedersenProof.Statement, rho: [UInt8], sid: [UInt8],
                            parameters: SchemeParameters) throws(RoundViolation) {
        do {
            try proof.verify(.init(modulus: modulus, ringPedersen: verifierParameters),
                             context: proofContext(sid: sid, rho: rho, prover: sender), parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-fac-proof", detail: "\(error)")
        }
    }

    static func proofContext(sid: [UInt8], rho: [UInt8], prover: PartyID) -> ProofContext {
        ProofContext(sessionID: sid + rho, proverID: prover.bytes)
    }

    /// ρ = ⊕_j ρ_j.
    static func jointRandomness(_ rhos: some Sequence<[UInt8]>) -> [UInt8] {
        var rho = [UInt8](repeating: 0, count: AuxRevealEcho.randomnessByteCount)
        for share in rhos {
            for index in rho.indices { rho[index] ^= share[index] }
        }
        return rho
    }

    /// Every party's round-`round` echo-broadcast as the checked sender received it (its signed
    /// echo), decoded. The sender's own message was checked by everyone and the echo step showed
    /// the others' to be what every party accepted, so a value that does not decode is not the
    /// sender's fault: `incomplete-view` (evidence that rests on it proves nothing).
    static func attested<T: WireCodable>(_ type: T.Type, round: Int, view: inout SignedView) throws(RoundViolation) -> [PartyID: T] {
        var values: [PartyID: T] = [:]
        for (party, payload) in try view.attestedPayloads(round: round) {
            guard let value = try? T(serialized: payload) else {
                throw .incompleteView("a decodable round-\(round) echo-broadcast of \(party)")
            }
            values[party] = value
        }
        return values
    }

    /// Round 3: ψ_j (broadcast) matches the digest j echo-broadcast, and verifies for N_j.
    static func modulusProof(digestPayload: [UInt8], proofPayload: [UInt8], sender: PartyID, modulus: BigInt,
                             rho: [UInt8], sid: [UInt8], parameters: SchemeParameters) throws(RoundViolation) {
        let digest = try decode(ModulusProofDigest.self, digestPayload, rule: "malformed-proof-digest")
        guard ModulusProofDigest(sid: sid, prover: sender, proof: proofPayload) == digest else {
            throw RoundViolation(rule: "mod-proof-digest-mismatch", detail: "H(sid, j, ψ_j) ≠ the echo-broadcast digest")
        }
        try modulusProof(proofPayload, sender: sender, modulus: modulus, rho: rho, sid: sid, parameters: parameters)
    }

    /// No party's N repeats an earlier party's (committee order): the later party is named.
    ///
    /// Checked in round 3 after the sender's own Πmod and Πfac, so a party that copies another's
    /// modulus without knowing its factors is named by its failing proof first. A repeat among
    /// parties that both prove it means both know the factors. An honest party could be named only
    /// if an earlier party knew its N before round 1 (V hides N until round 2): fresh primes per run
    /// (`AuxGenPrimes.generate`) rule that out; see docs/security.md.
    static func distinctModuli(sender: PartyID, committee: [PartyID], moduli: [PartyID: BigInt]) throws(RoundViolation) {
        guard let own = moduli[sender] else { throw .incompleteView("\(sender)'s modulus") }
        for party in committee {
            if party == sender { return }
            if moduli[party] == own {
                throw RoundViolation(rule: "repeated-paillier-modulus", detail: "N_j equals the N of \(party), earlier in committee order")
            }
        }
    }

    /// Makes this party's Πprm, reveal halves and commitment in round 1.
    static func makeReveal(keys: AuxKeyMaterial, context: ProofContext, parameters: SchemeParameters,
                           using generator: inout some RandomNumberGenerator)
        -> (secret: RingPedersenSecret, echo: AuxRevealEcho, broadcast: AuxRevealBroadcast) {
        let secret = keys.ringPedersenSecret(using: &generator)
        let proof = RingPedersenProof.prove(secret: secret, context: context, parameters: parameters, using: &generator)
        let rho = randomBytes(AuxRevealEcho.randomnessByteCount, using: &generator)
        let blinding = randomBytes(AuxRevealEcho.randomnessByteCount, using: &generator)
        return (secret, AuxRevealEcho(paillierModulus: keys.paillier.modulus, ringPedersen: .init(secret.parameters), rho: rho),
                AuxRevealBroadcast(ringPedersenProof: proof, blinding: blinding))
    }
}
