import BigNum

/// A Paillier ciphertext: an element of Z*_{N²} for some public key's N.
///
/// The type does not know its key; a ciphertext from a peer is checked with
/// `PaillierPublicKey.validate(_:)` (or decoded with `init(encoded:for:)`, which validates).
public struct PaillierCiphertext: Sendable, Hashable {
    public let value: BigInt

    public init(value: BigInt) { self.value = value }
}
