import Bytes

/// The one domain-separated hash of swift-tss.
///
/// Input rule, written once here: the domain and then every field are each preceded by their
/// length as eight bytes big-endian, `u64be(|domain|) ‖ domain ‖ u64be(|f₁|) ‖ f₁ ‖ …`; integers
/// appended with ``append(_:)`` are eight bytes big-endian without a prefix (fixed
/// width). So no two different (domain, field list) pairs give the same input, and a domain from
/// `DomainSeparation` (module Bytes) keeps every use apart. The digest is SHA-256 or SHA-512 of that input.
public struct DomainSeparatedHash: Sendable {
    /// The framed input so far (for tests and documentation; hash it with ``sha256()``).
    public private(set) var input = ByteWriter()

    /// Starts the input with `domain`, one of the strings in `DomainSeparation` (module Bytes).
    /// Never fails; the domain is not checked against that list.
    public init(domain: String) {
        appendField(Array(domain.utf8))
    }

    /// `u64be(field.count) ‖ field`. Never fails.
    public mutating func appendField(_ field: some Collection<UInt8>) {
        input.appendUInt64(UInt64(field.count))
        input.append(fixed: field)
    }

    /// `u64be(value)`: fixed width, so no prefix. Never fails.
    public mutating func append(_ value: UInt64) {
        input.appendUInt64(value)
    }

    /// SHA-256 of the input.
    public func sha256() -> [UInt8] { SHA256.hash(input.bytes) }

    /// SHA-512 of the input.
    public func sha512() -> [UInt8] { SHA512.hash(input.bytes) }
}
