import BigNum
import Paillier

/// The echo-broadcast half of a party's aux reveal (AuxGen and KeyRefresh round 2): the
/// ring-Pedersen parameters and ρ_i. Echoed, because other parties' proofs are checked against them.
struct AuxRevealEcho: Sendable, Hashable, WireCodable {
    let ringPedersen: RingPedersenProof.Statement
    let rho: [UInt8]

    static let randomnessByteCount = 32

    func encode(to writer: inout WireWriter) {
        writer.write(ringPedersen)
        writer.write("rho", bytes: rho)
    }

    init(ringPedersen: RingPedersenProof.Statement, rho: [UInt8]) {
        self.ringPedersen = ringPedersen
        self.rho = rho
    }

    init(from reader: inout WireReader) throws(ProofError) {
        ringPedersen = try reader.read()
        rho = try reader.readBytes("rho")
        guard rho.count == Self.randomnessByteCount else { throw .malformedEncoding("rho must be \(Self.randomnessByteCount) bytes") }
    }
}

/// The broadcast half of the reveal: N_i, ψ̂_i = Πprm and the blinding u_i.
struct AuxRevealBroadcast: Sendable, Hashable, WireCodable {
    let paillierModulus: BigInt
    let ringPedersenProof: RingPedersenProof
    let blinding: [UInt8]

    func encode(to writer: inout WireWriter) {
        writer.write("N", paillierModulus)
        writer.write(ringPedersenProof)
        writer.write("u", bytes: blinding)
    }

    init(paillierModulus: BigInt, ringPedersenProof: RingPedersenProof, blinding: [UInt8]) {
        self.paillierModulus = paillierModulus
        self.ringPedersenProof = ringPedersenProof
        self.blinding = blinding
    }

    init(from reader: inout WireReader) throws(ProofError) {
        paillierModulus = try reader.readBigInt("N")
        ringPedersenProof = try reader.read()
        blinding = try reader.readBytes("u")
        guard blinding.count == AuxRevealEcho.randomnessByteCount else { throw .malformedEncoding("u must be 32 bytes") }
    }
}

/// The checks on aux data shared by AuxGen and KeyRefresh, as pure functions of public values
/// (so the rounds and the evidence rechecker apply the same rules).
enum AuxChecks {
    /// Round 2, after the commitment matched: both moduli's sizes, N composite and not a prime
    /// power, (N̂, s, t) usable, ψ̂ valid under (sid, sender).
    static func reveal(echo: AuxRevealEcho, broadcast: AuxRevealBroadcast, sender: PartyID, sid: [UInt8],
                       parameters: SchemeParameters, support: [MessageSlot]) throws(RoundViolation) -> PublicAuxInfo {
        let n = broadcast.paillierModulus
        guard n.bitLength == parameters.modulusBits else {
            throw RoundViolation(rule: "paillier-modulus-size",
                                 detail: "N has \(n.bitLength) bits, expected \(parameters.modulusBits)",
                                 supportingMessages: support)
        }
        do {
            try ModulusProof.checkModulus(n, bits: parameters.modulusBits)
        } catch {
            throw RoundViolation(rule: "paillier-modulus-invalid", detail: "\(error)", supportingMessages: support)
        }
        let rp = echo.ringPedersen
        let ringPedersen: RingPedersenParameters
        do {
            ringPedersen = try RingPedersenParameters(modulus: rp.modulus, s: rp.s, t: rp.t, expectedBits: parameters.modulusBits)
        } catch {
            throw RoundViolation(rule: "ring-pedersen-invalid", detail: "\(error)", supportingMessages: support)
        }
        do {
            try broadcast.ringPedersenProof.verify(rp, context: ProofContext(sessionID: sid, proverID: sender.bytes),
                                                   parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-prm-proof", detail: "\(error)", supportingMessages: support)
        }
        // N is odd and of the right size (checked above), so this cannot fail.
        let key = try! PaillierPublicKey(modulus: n, expectedBits: parameters.modulusBits)
        return PublicAuxInfo(paillierKey: key, ringPedersen: ringPedersen)
    }

    /// Round 3's Πmod ψ_j for N_j under (sid ‖ ρ, j).
    static func modulusProof(_ payload: [UInt8], sender: PartyID, modulus: BigInt, rho: [UInt8], sid: [UInt8],
                             parameters: SchemeParameters, support: [MessageSlot]) throws(RoundViolation) {
        do {
            let proof = try ModulusProof(serialized: payload)
            try proof.verify(.init(modulus: modulus), context: proofContext(sid: sid, rho: rho, prover: sender),
                             parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-mod-proof", detail: "\(error)", supportingMessages: support)
        }
    }

    /// Round 3's Πfac φ_{j,i} for N_j under the verifier's (N̂_i, s_i, t_i) and (sid ‖ ρ, j).
    static func factorProof(_ proof: NoSmallFactorProof, sender: PartyID, modulus: BigInt,
                            verifierParameters: RingPedersenProof.Statement, rho: [UInt8], sid: [UInt8],
                            parameters: SchemeParameters, support: [MessageSlot]) throws(RoundViolation) {
        do {
            try proof.verify(.init(modulus: modulus, ringPedersen: verifierParameters),
                             context: proofContext(sid: sid, rho: rho, prover: sender), parameters: parameters)
        } catch {
            throw RoundViolation(rule: "invalid-fac-proof", detail: "\(error)", supportingMessages: support)
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

    /// The round-2 echo-broadcasts of every party as `echo` (a party's signed echo of round 2)
    /// lists them, decoded by `decode`; nil when the echo is not a well-formed echo of this session.
    static func echoedRound2<Value>(_ echo: SignedMessage, publicData: SessionPublicData,
                                    verifier: some IdentitySignatureVerifier,
                                    decode: ([UInt8]) -> Value?) -> [PartyID: Value]? {
        guard echo.kind == .echo, echo.round == 2,
              EchoRound.problem(in: echo, publicData: publicData, verifier: verifier) == nil,
              let entries = try? EchoRound.entries(of: echo) else { return nil }
        var values: [PartyID: Value] = [:]
        for entry in entries {
            guard let value = decode(entry.payload) else { return nil }
            values[entry.sender] = value
        }
        return values
    }

    /// Makes this party's Πprm, reveal halves and commitment in round 1.
    static func makeReveal(keys: AuxKeyMaterial, context: ProofContext, parameters: SchemeParameters,
                           misbehaviour: AuxMisbehaviour?, using generator: inout some RandomNumberGenerator)
        -> (secret: RingPedersenSecret, echo: AuxRevealEcho, broadcast: AuxRevealBroadcast) {
        let secret = keys.ringPedersenSecret(using: &generator)
        var proof = RingPedersenProof.prove(secret: secret, context: context, parameters: parameters, using: &generator)
        let rho = randomBytes(AuxRevealEcho.randomnessByteCount, using: &generator)
        let blinding = randomBytes(AuxRevealEcho.randomnessByteCount, using: &generator)
        var modulus = keys.paillier.modulus
        switch misbehaviour {
        case .substitutePaillierModulus(let other): modulus = other
        case .corruptRingPedersenProof:
            var responses = proof.responses
            responses[0] = responses[0] + .one
            proof = RingPedersenProof(commitments: proof.commitments, responses: responses)
        case nil: break
        }
        return (secret, AuxRevealEcho(ringPedersen: .init(secret.parameters), rho: rho),
                AuxRevealBroadcast(paillierModulus: modulus, ringPedersenProof: proof, blinding: blinding))
    }
}
