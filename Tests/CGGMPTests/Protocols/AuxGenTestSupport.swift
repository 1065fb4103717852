import BigNum
import Paillier
import TestSupport
@testable import CGGMP

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

/// AuxGen sessions; `misbehaving` gives one party a cheating hook; party k uses the committed primes
/// of `primeIndices[k]` (default k).
func auxGenSessions(signers: [Ed25519Signer], parameters: SchemeParameters = .testing,
                    misbehaving: (PartyID, AuxMisbehaviour)? = nil, primeIndices: [Int]? = nil) -> [Session<AuxInfo>] {
    let committee = signers.map(\.partyID)
    return signers.enumerated().map { index, signer in
        try! AuxGen.makeSession(sessionID: auxGenSessionID, committee: committee, signer: signer,
                                parameters: parameters,
                                primes: committedAuxPrimes(index: primeIndices?[index] ?? index, bits: parameters.paillierPrimeBits),
                                misbehaviour: misbehaving?.0 == signer.partyID ? misbehaving?.1 : nil)
    }
}

/// An AuxGen simulation; `misbehaving` gives one party a cheating hook.
func auxGenRunner(signers: [Ed25519Signer], seed: UInt64, parameters: SchemeParameters = .testing,
                  misbehaving: (PartyID, AuxMisbehaviour)? = nil, primeIndices: [Int]? = nil,
                  tamper: SimulationRunner<AuxInfo, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<AuxInfo, ChaChaRandom> {
    SimulationRunner(sessions: auxGenSessions(signers: signers, parameters: parameters, misbehaving: misbehaving,
                                              primeIndices: primeIndices),
                     generators: seededGenerators(signers, seed: seed), tamper: tamper)
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
    AuxRefreshProofs(proofs: [], modulusProofDigest: ModulusProofDigest(sid: sid, prover: prover, proof: proof)).serialized()
}

/// AuxGen's round-2 echo-broadcast part: the aux echo values.
func auxGenReveal(_ payload: [UInt8]) throws -> AuxRevealEcho { try AuxRefreshEcho(serialized: payload).aux }

func auxGenRevealPayload(_ reveal: AuxRevealEcho) -> [UInt8] {
    AuxRefreshEcho(aux: reveal, elGamalKeys: [], shareChanges: []).serialized()
}

/// The Πfac of an AuxGen round-3 direct message.
func auxGenFactorProof(_ payload: [UInt8]) throws -> NoSmallFactorProof { try AuxRefreshDirect(serialized: payload).factorProof }

extension NoSmallFactorProof {
    /// An AuxGen round-3 direct payload carrying this proof.
    var serializedAsAuxGenDirect: [UInt8] { AuxRefreshDirect(factorProof: self, paddedShare: nil).serialized() }
}
