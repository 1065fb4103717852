import BigNum
import Paillier
import TestSupport

/// Keys built from the committed primes in `Vectors/primes/`.
enum Fixtures {
    static func primes(_ kind: String, bits: Int) -> [BigInt] {
        CommittedPrimes.hex(kind: kind, bits: bits).map { try! BigInt(hex: $0) }
    }

    /// A Paillier key from committed Blum primes: index i uses primes 2i and 2i + 1.
    static func paillierKey(bits primeBits: Int = 512, index: Int = 0) -> PaillierSecretKey {
        let blum = primes("blum", bits: primeBits)
        return try! PaillierSecretKey(p: blum[2 * index], q: blum[2 * index + 1])
    }
}
