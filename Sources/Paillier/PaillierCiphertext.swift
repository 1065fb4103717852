import BigNum

/// A Paillier ciphertext: an element of Z*_{N²} for some public key's N.
///
/// The type does not know its key; a ciphertext from a peer is checked with
/// `PaillierPublicKey.validate(_:)` (or decoded with `init(encoded:for:)`, which validates).
public struct PaillierCiphertext: Sendable, Hashable {
    /// The residue c, in [1, N²) for a valid ciphertext.
    public let value: BigInt

    /// Wraps a value without checking it (it has no key to check against): a value from a peer
    /// must go through `PaillierPublicKey.validate(_:)` before it is decrypted or combined.
    public init(value: BigInt) { self.value = value }
}
