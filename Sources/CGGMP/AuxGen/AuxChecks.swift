import BigNum
import Paillier

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
            try broadcast.ringPedersenProof.verify(rp, context: ProofContext(sessionID: sid, proverID: sender.rawRepresentation),
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
            let proof = try ModulusProof(encoded: payload)
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
        ProofContext(sessionID: sid + rho, proverID: prover.rawRepresentation)
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
            guard let value = try? T(encoded: payload) else {
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
