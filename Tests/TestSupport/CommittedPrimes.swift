import Foundation

/// The pre-generated primes in `Vectors/primes/` (made and independently checked by
/// `Vectors/primes/generate.py`), so tests never wait on prime generation.
///
/// Kinds: `"blum"` (p ≡ 3 mod 4) and `"safe"` (p = 2q + 1, q prime; also ≡ 3 mod 4). Sizes: 256 and
/// 512 (8 and 16 of each kind, the `testing` parameter set), 1024 (8 of each) and 1536 (4 of each).
/// Every prime has exactly `bits` bits with the top two set.
public enum CommittedPrimes {
    private struct File: Decodable {
        let kind: String
        let bits: Int
        let primes: [String]
    }

    /// The primes of `kind` and `bits` as lowercase hex strings, in file order.
    /// Traps when the file is missing or malformed: it is committed test data.
    public static func hex(kind: String, bits: Int) -> [String] {
        let url = TestVectors.local("primes/\(kind)-\(bits).json")
        do {
            let file = try TestVectors.decode(File.self, from: url)
            precondition(file.kind == kind && file.bits == bits, "\(url.path) describes other primes")
            return file.primes
        } catch {
            preconditionFailure("cannot read committed primes \(url.path): \(error)")
        }
    }
}
