import Bytes
import BigNum
import Paillier
import TestSupport
@_spi(Benchmarks) @testable import CGGMP

let auxGenSessionID = Array("test AuxGen session".utf8)

/// Party `index`'s primes from the committed files: Blum primes 2i, 2i+1 and safe primes 2i, 2i+1.
func committedAuxPrimes(index: Int, bits: Int) -> AuxGenPrimes {
    let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
    let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
    return AuxGenPrimes(paillierP: blum[2 * index], paillierQ: blum[2 * index + 1],
                        ringPedersenP: safe[2 * index], ringPedersenQ: safe[2 * index + 1])
}

func seededGenerators(_ signers: [Ed25519Signer], seed: UInt64) -> [PartyID: ChaChaRandom] {
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, signer) in signers.enumerated() {
        generators[signer.partyID] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
    }
    return generators
}

/// AuxGen sessions; party k uses the committed primes of `primeIndices[k]` (default k).
func auxGenSessions(signers: [Ed25519Signer], parameters: SchemeParameters = .testing,
                    primeIndices: [Int]? = nil) -> [Session<AuxInfo>] {
    let committee = signers.map(\.partyID)
    return signers.enumerated().map { index, signer in
        try! AuxGen.makeSession(sessionID: auxGenSessionID, committee: committee, signer: signer,
                                parameters: parameters,
                                primes: committedAuxPrimes(index: primeIndices?[index] ?? index, bits: parameters.paillierPrimeBits))
    }
}

/// An AuxGen simulation; `tamper` makes a party cheat (see `auxGenCommittedCheat`).
func auxGenRunner(signers: [Ed25519Signer], seed: UInt64, parameters: SchemeParameters = .testing,
                  primeIndices: [Int]? = nil, tamper: SimulationRunner<AuxInfo, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<AuxInfo, ChaChaRandom> {
    SimulationRunner(machines: auxGenSessions(signers: signers, parameters: parameters, primeIndices: primeIndices),
                     generators: seededGenerators(signers, seed: seed), tamper: tamper)
}

/// A wrong value an AuxGen party reveals in round 2 and committed to in round 1.
enum AuxGenCommittedCheat: Sendable {
    /// Reveal this modulus instead of the Paillier key's.
    case substitutePaillierModulus(BigInt)
    /// Reveal a Πprm proof with a changed response.
    case corruptRingPedersenProof
}

/// Makes `culprit` reveal `cheat` in round 2 and commit to it in round 1 (V over the changed
/// reveal), each re-signed by the culprit and told to everyone alike (echo steps included), so only
/// the reveal's own check can catch it. The culprit's real reveal depends on its own randomness
/// only: it is read from a run of the same sessions and seed stopped after round 2.
func auxGenCommittedCheat(_ cheat: AuxGenCommittedCheat, culprit: Ed25519Signer, signers: [Ed25519Signer], seed: UInt64,
                          primeIndices: [Int]? = nil) -> SimulationRunner<AuxInfo, ChaChaRandom>.Tamper {
    struct UpToRound2: SimulationAdversary {
        mutating func deliveries(of sent: [CGGMP.Delivery], step: Int) -> [CGGMP.Delivery] { sent.filter { $0.message.round < 2 } }
    }
    var rehearsal = auxGenRunner(signers: signers, seed: seed, primeIndices: primeIndices)
    var adversary = UpToRound2()
    _ = rehearsal.runToEnd(adversary: &adversary)
    func real(_ kind: MessageKind) -> [UInt8] {
        rehearsal.sentMessages.first { $0.sender == culprit.partyID && $0.round == 2 && $0.kind == kind }!.payload
    }
    var echo = try! AuxRefreshEcho(encoded: real(.echoBroadcast))
    var broadcast = try! AuxRefreshBroadcast(encoded: real(.broadcast))
    switch cheat {
    case .substitutePaillierModulus(let modulus):
        echo = AuxRefreshEcho(aux: AuxRevealEcho(paillierModulus: modulus, ringPedersen: echo.aux.ringPedersen, rho: echo.aux.rho),
                              elGamalKeys: echo.elGamalKeys, shareChanges: echo.shareChanges)
    case .corruptRingPedersenProof:
        let proof = broadcast.aux.ringPedersenProof
        var responses = proof.responses
        responses[0] = responses[0] + .one
        broadcast = AuxRefreshBroadcast(
            aux: AuxRevealBroadcast(ringPedersenProof: RingPedersenProof(commitments: proof.commitments, responses: responses),
                                    blinding: broadcast.aux.blinding),
            schnorrCommitments: broadcast.schnorrCommitments)
    }
    let sid = try! AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID)).boundSessionID
    var writer = ByteWriter()
    writer.write("V", bytes: AuxRefreshChecks.commitment(mode: .auxGen, sid: sid, party: culprit.partyID, echo: echo,
                                                         broadcast: broadcast))
    let commitment = writer.bytes, echoPayload = echo.encoded, broadcastPayload = broadcast.encoded
    return PresignAdversary.chain([
        PresignAdversary.replace(round: 1, kind: .echoBroadcast, culprit: culprit, everyone: signers) { _ in commitment },
        PresignAdversary.replace(round: 2, kind: .echoBroadcast, culprit: culprit, everyone: signers) { _ in echoPayload },
        PresignAdversary.replace(round: 2, kind: .broadcast, culprit: culprit, everyone: signers) { _ in broadcastPayload },
    ])
}

/// A Πmod with the right number of repetitions and w = 4 (Jacobi symbol +1): fails verification.
func forgedModulusProof(_ parameters: SchemeParameters = .testing) -> ModulusProof {
    ModulusProof(w: BigInt(4), repetitions: Array(repeating: .init(x: .one, a: false, b: false, z: .one),
                                                  count: parameters.modRepetitions))
}

/// The view a third party builds from `messages` for `sender`.
func evidenceView(_ sender: PartyID, _ messages: [SignedMessage], _ publicData: SessionPublicData) throws -> SignedView {
    try SignedView.fromEvidence(sender: sender, publicData: publicData, messages: messages, verifier: Ed25519Verifier()).get()
}

/// The round-3 echo-broadcast of an AuxGen party whose Πmod is `proof`.
func auxGenDigestPayload(sid: [UInt8], prover: PartyID, proof: [UInt8]) -> [UInt8] {
    AuxRefreshProofs(proofs: [], modulusProofDigest: ModulusProofDigest(sid: sid, prover: prover, proof: proof)).encoded
}

/// AuxGen's round-2 echo-broadcast part: the aux echo values.
func auxGenReveal(_ payload: [UInt8]) throws -> AuxRevealEcho { try AuxRefreshEcho(encoded: payload).aux }

func auxGenRevealPayload(_ reveal: AuxRevealEcho) -> [UInt8] {
    AuxRefreshEcho(aux: reveal, elGamalKeys: [], shareChanges: []).encoded
}

/// The Πfac of an AuxGen round-3 direct message.
func auxGenFactorProof(_ payload: [UInt8]) throws -> NoSmallFactorProof { try AuxRefreshDirect(encoded: payload).factorProof }

extension NoSmallFactorProof {
    /// An AuxGen round-3 direct payload carrying this proof.
    var serializedAsAuxGenDirect: [UInt8] { AuxRefreshDirect(factorProof: self, paddedShare: nil).encoded }
}
