/// HMAC (RFC 2104) over any ``IncrementalHash``, with the key pads sized by `H.blockByteCount`.
public enum HMAC<H: IncrementalHash> {
    /// HMAC-H(key, message). Keys longer than a block are first hashed, as RFC 2104 specifies;
    /// every key and message is accepted (an empty key is a block of zeros). Never fails.
    ///
    /// Compare tags with a constant-time comparison, not `==` on arrays.
    public static func authenticationCode(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        var blockKey = key.count > H.blockByteCount ? H.hash(key) : key
        blockKey += [UInt8](repeating: 0, count: H.blockByteCount - blockKey.count)

        var inner = H()
        inner.update(blockKey.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = H()
        outer.update(blockKey.map { $0 ^ 0x5C })
        outer.update(innerDigest)
        return outer.finalize()
    }
}
