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

/// An AuxGen simulation; `misbehaving` gives one party a cheating hook.
func auxGenRunner(signers: [Ed25519Signer], seed: UInt64, parameters: SchemeParameters = .testing,
                  misbehaving: (PartyID, AuxMisbehaviour)? = nil,
                  tamper: SimulationRunner<AuxInfo, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<AuxInfo, ChaChaRandom> {
    let committee = signers.map(\.partyID)
    let sessions = signers.enumerated().map { index, signer in
        try! AuxGen.makeSession(sessionID: auxGenSessionID, committee: committee, signer: signer,
                                parameters: parameters,
                                primes: committedAuxPrimes(index: index, bits: parameters.paillierPrimeBits),
                                misbehaviour: misbehaving?.0 == signer.partyID ? misbehaving?.1 : nil)
    }
    return SimulationRunner(sessions: sessions, generators: seededGenerators(signers, seed: seed), tamper: tamper)
}
