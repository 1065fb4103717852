import BigNum
import Secp256k1
@testable import CGGMP

/// Deterministic identities: party k's Ed25519 seed is 32 bytes of value k + offset.
func makeSigners(_ count: Int, offset: UInt8 = 1) -> [Ed25519Signer] {
    (0..<count).map { try! Ed25519Signer(seed: [UInt8](repeating: UInt8($0) &+ offset, count: 32)) }
}

let keyInitSessionID = Array("test KeyInit session".utf8)

/// A KeyInit simulation for `signers`, each party's generator seeded from `seed` and its index.
func keyInitRunner(signers: [Ed25519Signer], seed: UInt64, parallel: Bool = false,
                   sessionID: [UInt8] = keyInitSessionID,
                   tamper: SimulationRunner<AdditiveKeyShare, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<AdditiveKeyShare, ChaChaRandom> {
    let committee = signers.map(\.partyID)
    let sessions = signers.map {
        try! KeyInit.makeSession(sessionID: sessionID, committee: committee, signer: $0, parameters: .testing)
    }
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, signer) in signers.enumerated() {
        generators[signer.partyID] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
    }
    return SimulationRunner(machines: sessions, generators: generators, parallelVerification: parallel, tamper: tamper)
}
