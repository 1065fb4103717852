import BigNum
import Dispatch
import Synchronization

/// The fixed-base tables a committer keeps for one set of ring-Pedersen parameters (issue #13): a
/// prover commits s^a·t^b mod N̂ with secret masks a few times per proof and several proofs per
/// session to the same peer, so the squarings of s and t are paid once, not per power.
///
/// A reference type inside the value `RingPedersenParameters`: every copy of one decoded value
/// shares one table, built on first use under a lock (concurrent provers wait for it rather than
/// build it twice). Only public values (N̂, s, t) are stored.
final class RingPedersenCommitterTables: Sendable {
    private let tables = Mutex<(s: SecretExponentPowers, t: SecretExponentPowers)?>(nil)

    func get(modulus: BigInt, s: BigInt, t: BigInt) -> (s: SecretExponentPowers, t: SecretExponentPowers) {
        tables.withLock { cached in
            if let cached { return cached }
            // Exponents up to 1.5·|N̂| bits: the largest masks, 2^(ℓ+ε)·N̂ with ℓ + ε = |N̂|/2 − ℓ
            // (2,816 bits at |N̂| = 2048), fit; a longer one falls back to `mpn_sec_powm`. s and t
            // are units of validated parameters. The two tables are built side by side.
            let bits = 3 * modulus.bitLength / 2
            let built = Mutex<[SecretExponentPowers?]>([nil, nil])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let table = try! SecretExponentPowers(base: index == 0 ? s : t, modulo: modulus, maximumExponentBits: bits)
                built.withLock { $0[index] = table }
            }
            let pair = built.withLock { (s: $0[0]!, t: $0[1]!) }
            cached = pair
            return pair
        }
    }
}

extension RingPedersenParameters {
    /// s^a · t^b mod N̂ for secret a and b of either sign, their signs secret too, in constant time
    /// from fixed-base comb tables of s and t (`SecretExponentPowers`): the same value as
    /// ``commit(_:_:)`` for about a quarter of the work once the tables exist. The first call on a
    /// value builds them (≈ the cost of a few powers, in variable time: s, t and N̂ are public) and
    /// keeps them for every copy of the value; ≈ 1 MB at |N̂| = 2048.
    public func commitWithTables(_ a: BigInt, _ b: BigInt) -> BigInt {
        let tables = committerTables.get(modulus: modulus, s: s, t: t)
        return SecretExponentPowers.product([(tables.s, a), (tables.t, b)])
    }
}
