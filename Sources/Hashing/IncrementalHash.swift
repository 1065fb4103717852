/// A hash function fed incrementally and finalised once.
///
/// Named `IncrementalHash` rather than `HashFunction` so it does not clash with swift-crypto's
/// protocol in files that import both.
public protocol IncrementalHash: Sendable {
    /// Digest length of a default-initialised instance.
    static var digestByteCount: Int { get }
    /// Input block length, used by HMAC to size its key pads.
    static var blockByteCount: Int { get }
    /// A fresh, unkeyed hasher with the default digest length.
    init()
    /// Absorbs `bytes`. Conforming types trap when called after ``finalize()``.
    mutating func update(_ bytes: some Collection<UInt8>)
    /// Produces the digest. Must be called exactly once; the value is spent afterwards (a second
    /// call, or an ``update(_:)`` after it, traps in every conforming type here).
    mutating func finalize() -> [UInt8]
}

extension IncrementalHash {
    /// One-shot digest of `bytes` with a default-initialised instance. Never fails.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
