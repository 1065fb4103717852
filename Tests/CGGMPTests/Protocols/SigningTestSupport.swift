import BigNum
import Hashing
import Paillier
import Secp256k1
import TestSupport
@testable import CGGMP

/// Aux info built directly from the committed primes (no AuxGen, no prime generation): party k
/// gets Paillier primes blum[2k], blum[2k+1] and ring-Pedersen primes safe[2k], safe[2k+1].
enum SigningFixture {
    struct Material: Sendable {
        let secrets: [PaillierSecretKey]
        let setups: [RingPedersenParameters]
        /// The trapdoors of `setups`, which each owner's aux info carries (as AuxGen's does), so
        /// the proofs made for a signer are checked on its own-key paths (mod p̂, q̂ and p², q²).
        let trapdoors: [RingPedersenSecret]
    }

    static let testing = material(parameters: .testing, count: 5)
    static let production112 = material(parameters: .production112, count: 3)

    static func material(parameters: SchemeParameters, count: Int) -> Material {
        let bits = parameters.paillierPrimeBits
        let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
        let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
        var rng = ChaChaRandom(testSeed: 0xa0c)
        var secrets: [PaillierSecretKey] = [], trapdoors: [RingPedersenSecret] = []
        for k in 0..<count {
            secrets.append(try! PaillierSecretKey(p: blum[2 * k], q: blum[2 * k + 1]))
            trapdoors.append(try! RingPedersenSecret(p: safe[2 * k], q: safe[2 * k + 1], using: &rng))
        }
        return Material(secrets: secrets, setups: trapdoors.map(\.parameters), trapdoors: trapdoors)
    }

    /// Every signer's aux info, signer k taking the material's k-th keys.
    static func auxInfos(for signers: [PartyID], material: Material) -> [PartyID: SigningAuxInfo] {
        var publicAux: [PartyID: PublicAuxInfo] = [:]
        for (k, party) in signers.enumerated() {
            publicAux[party] = PublicAuxInfo(paillierKey: material.secrets[k].publicKey, ringPedersen: material.setups[k])
        }
        var result: [PartyID: SigningAuxInfo] = [:]
        for (k, party) in signers.enumerated() {
            result[party] = try! SigningAuxInfo(owner: party, paillierSecret: material.secrets[k], publicAux: publicAux,
                                                ringPedersenSecret: material.trapdoors[k])
        }
        return result
    }

    /// Additive shares for the first `t` of `n` parties: KeyInit when t = n, the dealer otherwise.
    static func additiveShares(signers all: [Ed25519Signer], threshold t: Int, seed: UInt64) throws -> [PartyID: AdditiveKeyShare] {
        if t == all.count {
            var runner = keyInitRunner(signers: all, seed: seed)
            guard case .finished(let shares) = runner.run() else { throw FixtureError.keyInitFailed }
            return shares
        }
        var generator = ChaChaRandom(testSeed: seed)
        let holders = all.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: t, holders: holders, using: &generator)
        let chosen = Array(holders.sorted().prefix(t))
        var result: [PartyID: AdditiveKeyShare] = [:]
        for party in chosen {
            let share = try ThresholdKeyShare(receiving: dealt.shares[party]!, commitment: dealt.commitment,
                                              threshold: t, holders: holders)
            result[party] = try share.additiveShare(signers: chosen)
        }
        return result
    }

    enum FixtureError: Error { case keyInitFailed }
}

/// A simulation of one session per signer, each party's generator seeded from `seed` and its index.
func simulation<Output: Sendable>(_ sessions: [Session<Output>], seed: UInt64, parallel: Bool = false,
                                  tamper: SimulationRunner<Output, ChaChaRandom>.Tamper? = nil)
    -> SimulationRunner<Output, ChaChaRandom> {
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, session) in sessions.sorted(by: { $0.me < $1.me }).enumerated() {
        generators[session.me] = ChaChaRandom(testSeed: seed &* 7919 &+ UInt64(index))
    }
    return SimulationRunner(machines: sessions, generators: generators, parallelVerification: parallel, tamper: tamper)
}

func testPrehash(_ text: String) -> Prehash {
    try! Prehash(rawRepresentation: SHA256.hash(Array(text.utf8)))
}
