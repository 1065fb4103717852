import BigNum
import Synchronization

/// The fixed-base tables a committer keeps for one set of ring-Pedersen parameters (issue #13): a
/// prover commits s^a·t^b mod N̂ with secret masks a few times per proof and several proofs per
/// session to the same peer, so the squarings of s and t are paid once, not per power.
///
/// A reference type inside the value `RingPedersenParameters`: every copy of one decoded value
/// shares the tables, each built on first use under its own lock (concurrent provers wait for it
/// rather than build it twice). Only public values (N̂, s, t) are stored.
final class RingPedersenCommitterTables: Sendable {
    private let s = Mutex<SecretExponentPowers?>(nil)
    private let t = Mutex<SecretExponentPowers?>(nil)

    /// The table of `base` (s when `isT` is false), built if it is not yet.
    func table(_ isT: Bool, base: BigInt, modulus: BigInt) -> SecretExponentPowers {
        func get(_ cached: inout SecretExponentPowers?) -> SecretExponentPowers {
            if let cached { return cached }
            // Exponents up to 1.5·|N̂| bits: the largest masks, 2^(ℓ+ε)·N̂ with ℓ + ε = |N̂|/2 − ℓ
            // (2,816 bits at |N̂| = 2048), fit; a longer one falls back to `mpn_sec_powm`. s and t
            // are units of validated parameters.
            let built = try! SecretExponentPowers(base: base, modulo: modulus, maximumExponentBits: 3 * modulus.bitLength / 2)
            cached = built
            return built
        }
        if isT { return t.withLock { get(&$0) } }
        return s.withLock { get(&$0) }
    }
}

extension RingPedersenParameters {
    /// s^a · t^b mod N̂ for secret a and b of either sign, their signs secret too, in constant time
    /// from fixed-base comb tables of s and t (`SecretExponentPowers`): the same value as
    /// ``commit(_:_:)`` for about a quarter of the work once the tables exist. The first call on a
    /// value builds them (≈ the cost of one and a half powers each, in variable time: s, t and N̂
    /// are public) and keeps them for every copy of the value; ≈ 0.8 MB at |N̂| = 2048.
    public func commitWithTables(_ a: BigInt, _ b: BigInt) -> BigInt {
        SecretExponentPowers.product([(committerTable(forT: false), a), (committerTable(forT: true), b)])
    }

    /// The committer's table of s (or t), built now if it is not yet: a prover about to commit with
    /// several parameters builds them side by side first (presigning's round 1).
    @discardableResult
    package func committerTable(forT isT: Bool) -> SecretExponentPowers {
        committerTables.table(isT, base: isT ? t : s, modulus: modulus)
    }

    /// Whether this value and `other` share one set of committer tables (the same decoded value or
    /// its copies, or values kept by one `RingPedersenParametersCache`).
    package func sharesCommitterTables(with other: RingPedersenParameters) -> Bool {
        committerTables === other.committerTables
    }
}
