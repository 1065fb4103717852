import Hashing

/// The hash functions Noise names: SHA256, SHA512, BLAKE2b, BLAKE2s (from the `Hashing` module).
public enum NoiseHash: String, Sendable, CaseIterable {
    /// SHA-256 (HASHLEN 32).
    case sha256 = "SHA256"
    /// SHA-512 (HASHLEN 64).
    case sha512 = "SHA512"
    /// BLAKE2b (HASHLEN 64).
    case blake2b = "BLAKE2b"
    /// BLAKE2s (HASHLEN 32).
    case blake2s = "BLAKE2s"

    /// HASHLEN.
    public var hashLength: Int {
        switch self {
        case .sha256, .blake2s: 32
        case .sha512, .blake2b: 64
        }
    }

    private var implementation: any IncrementalHash.Type {
        switch self {
        case .sha256: SHA256.self
        case .sha512: SHA512.self
        case .blake2b: BLAKE2b.self
        case .blake2s: BLAKE2s.self
        }
    }

    /// HASH(a || b).
    func hash(_ a: [UInt8], _ b: [UInt8] = []) -> [UInt8] {
        func run<H: IncrementalHash>(_: H.Type) -> [UInt8] {
            var h = H()
            h.update(a)
            h.update(b)
            return h.finalize()
        }
        return run(implementation)
    }

    /// HKDF(chaining_key, input_key_material, num_outputs) of the Noise spec (section 4.3),
    /// returning two or three HASHLEN outputs.
    func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8], outputs: Int) -> [[UInt8]] {
        precondition(outputs == 2 || outputs == 3)
        func run<H: IncrementalHash>(_: H.Type) -> [[UInt8]] {
            let tempKey = HMAC<H>.authenticationCode(key: chainingKey, message: inputKeyMaterial)
            var result: [[UInt8]] = []
            var previous: [UInt8] = []
            for counter in 1...UInt8(outputs) {
                previous = HMAC<H>.authenticationCode(key: tempKey, message: previous + [counter])
                result.append(previous)
            }
            return result
        }
        return run(implementation)
    }
}
