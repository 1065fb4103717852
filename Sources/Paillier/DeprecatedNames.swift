import Bytes

// TEMPORARY: the names Sources/CGGMP still calls (FaultCheckContext: `paillierKey.encoded()`,
// `ringPedersen.encoded()`, `PaillierPublicKey(encoding:expectedBits:)`,
// `RingPedersenParameters(encoding:expectedBits:)`), kept so the package builds while CGGMP is
// migrated separately. Delete this file once CGGMP uses `encoded` / `init(encoded:…)`.
//
// The old methods live in a protocol extension because a type cannot declare both a property
// `encoded` and a method `encoded()`; an extension member does not clash with the property.

/// Internal shim protocol; see the file comment.
public protocol _PaillierLegacyEncodingNames {
    var encoded: [UInt8] { get }
}

extension _PaillierLegacyEncodingNames {
    @available(*, deprecated, renamed: "encoded")
    public func encoded() -> [UInt8] { encoded }
}

extension PaillierPublicKey: _PaillierLegacyEncodingNames {
    @available(*, deprecated, renamed: "init(encoded:expectedBits:)")
    public init(encoding: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        try self.init(encoded: encoding, expectedBits: expectedBits)
    }
}

extension RingPedersenParameters: _PaillierLegacyEncodingNames {
    @available(*, deprecated, renamed: "init(encoded:expectedBits:)")
    public init(encoding: some Collection<UInt8>, expectedBits: Int) throws(PaillierError) {
        try self.init(encoded: encoding, expectedBits: expectedBits)
    }
}

extension PaillierCiphertext {
    @available(*, deprecated, renamed: "init(encoded:for:)")
    public init(encoding: some Collection<UInt8>, for publicKey: PaillierPublicKey) throws(PaillierError) {
        try self.init(encoded: encoding, for: publicKey)
    }
}
