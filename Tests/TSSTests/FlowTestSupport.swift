import BigNum
@testable import CGGMP
import Crypto
import Secp256k1
import TestSupport
@testable import TSS

/// Three servers with deterministic identities (seeds 0x51, 0x52, 0x53), sorted by identity.
func flowServers(_ count: Int = 3) -> [Ed25519Signer] {
    (0..<count).map { try! Ed25519Signer(seed: [UInt8](repeating: 0x51 + UInt8($0), count: 32)) }
        .sorted { $0.partyID < $1.partyID }
}

/// Server `index`'s AuxGen primes from the committed files (Blum 2i, 2i+1; safe 2i, 2i+1).
func committedPrimes(index: Int, bits: Int) -> AuxGenPrimes {
    let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
    let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
    return AuxGenPrimes(paillierP: blum[2 * index], paillierQ: blum[2 * index + 1],
                        ringPedersenP: safe[2 * index], ringPedersenQ: safe[2 * index + 1])
}

func flowGenerators(_ servers: [Ed25519Signer], seed: UInt64) -> [PartyID: ChaChaRandom] {
    var generators: [PartyID: ChaChaRandom] = [:]
    for (index, server) in servers.enumerated() {
        generators[server.partyID] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
    }
    return generators
}

let flowUser = Array("user-account-0001".utf8)

/// Registration flows for `servers` at threshold 2, testing parameters, committed primes.
func registrationRunner(_ servers: [Ed25519Signer], blockNumber: UInt64 = 42, seed: UInt64,
                        tamper: FlowRunner<RegistrationFlow, ChaChaRandom>.Tamper? = nil) throws
    -> FlowRunner<RegistrationFlow, ChaChaRandom> {
    let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: blockNumber)
    let flows = try servers.enumerated().map { index, server in
        try RegistrationFlow(plan: plan, signer: server, parameters: .testing,
                             primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits),
                             usedSessionIDs: UsedSessionIDs())
    }
    return FlowRunner(machines: flows, generators: flowGenerators(servers, seed: seed), tamper: tamper)
}

/// The secret key behind `shares` (a t-subset of one key's threshold shares), by Lagrange
/// interpolation at 0 through the additive shares.
func recombinedSecret(_ shares: [ThresholdKeyShare]) throws -> Scalar {
    let signers = shares.map(\.owner)
    return try shares.reduce(Scalar.zero) { $0 + (try $1.additiveShare(signers: signers)).secretShare }
}
