/// HKDF (RFC 5869) over HMAC-H, with HashLen = `H.digestByteCount`.
public enum HKDF<H: IncrementalHash> {
    /// HKDF-Extract: PRK = HMAC-H(salt, IKM). An empty salt acts as HashLen zero bytes (RFC 5869
    /// §2.2): HMAC pads both to the same block of zeros. Never fails.
    public static func extract(salt: [UInt8], inputKeyMaterial: some Collection<UInt8>) -> [UInt8] {
        HMAC<H>.authenticationCode(key: salt, message: inputKeyMaterial)
    }

    /// HKDF-Expand: the first `outputByteCount` bytes of T(1) | T(2) | …, where
    /// T(i) = HMAC-H(PRK, T(i-1) | info | i).
    /// - Throws: ``HashingError/negativeOutputLength(byteCount:)`` for `outputByteCount` < 0;
    ///   ``HashingError/outputTooLong(byteCount:maximum:)`` above 255 × HashLen bytes;
    ///   ``HashingError/pseudoRandomKeyTooShort(byteCount:minimum:)`` for a PRK shorter than HashLen.
    public static func expand(
        pseudoRandomKey: [UInt8], info: some Collection<UInt8>, outputByteCount: Int
    ) throws(HashingError) -> [UInt8] {
        let hashLength = H.digestByteCount
        guard outputByteCount >= 0 else { throw .negativeOutputLength(byteCount: outputByteCount) }
        guard outputByteCount <= 255 * hashLength else {
            throw .outputTooLong(byteCount: outputByteCount, maximum: 255 * hashLength)
        }
        guard pseudoRandomKey.count >= hashLength else {
            throw .pseudoRandomKeyTooShort(byteCount: pseudoRandomKey.count, minimum: hashLength)
        }
        let infoBytes = Array(info)
        var output = [UInt8]()
        output.reserveCapacity(outputByteCount)
        var previous = [UInt8]()
        var counter: UInt8 = 1
        while output.count < outputByteCount {
            previous = HMAC<H>.authenticationCode(key: pseudoRandomKey, message: previous + infoBytes + [counter])
            output += previous.prefix(outputByteCount - output.count)
            counter &+= 1
        }
        return output
    }

    /// Extract then expand.
    /// - Throws: the errors of ``expand(pseudoRandomKey:info:outputByteCount:)`` about
    ///   `outputByteCount` (the extracted PRK always has HashLen bytes).
    public static func deriveKey(
        salt: [UInt8], inputKeyMaterial: some Collection<UInt8>, info: some Collection<UInt8>,
        outputByteCount: Int
    ) throws(HashingError) -> [UInt8] {
        try expand(
            pseudoRandomKey: extract(salt: salt, inputKeyMaterial: inputKeyMaterial),
            info: info, outputByteCount: outputByteCount)
    }
}
