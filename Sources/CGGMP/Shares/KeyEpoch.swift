import Bytes
import Hashing
import Secp256k1

/// Which sharing of a key a share belongs to: SHA-256 over the threshold and every holder's
/// public share (`DomainSeparatedHash` under `DomainSeparation.keyEpoch`: the threshold as a u64,
/// then each holder's id and public share as fields, holders in increasing order).
///
/// KeyRefresh and KeyResharing keep the public key but change every public share, so their output
/// has a new epoch; every holder computes the same epoch from public data alone, and nothing has to
/// be stored besides the share. A share *derived* from another keeps its origin's epoch:
/// `ThresholdKeyShare.tweaked(by:)` (a BIP32 child), `additiveShare(signers:)` and
/// `AdditiveKeyShare.tweaked(by:)`, `ThresholdKeyShare(additive:)`. (Store the untweaked share: a
/// decoded share's epoch is recomputed from its own public shares.)
///
/// Every presignature records the epoch of the share it was made with, and `Signing.makeSession`
/// refuses it under a share of another epoch (`.presignatureForAnotherEpoch`), so presignatures made
/// before a refresh are never spent after it.
public struct KeyEpoch: Sendable, Hashable, CustomStringConvertible {
    /// The length of an epoch's digest.
    public static let byteCount = 32
    /// The 32-byte digest of the threshold and the public shares.
    public let rawRepresentation: [UInt8]

    /// The epoch of the sharing with these public shares.
    public init(threshold: Int, publicShares: [PartyID: Point]) {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.keyEpoch)
        hasher.append(UInt64(threshold))
        for holder in publicShares.keys.sorted() {
            hasher.appendField(holder.rawRepresentation)
            hasher.appendField(publicShares[holder]!.compressedRepresentation)
        }
        rawRepresentation = hasher.sha256()
    }

    /// An epoch read back from storage.
    /// - Throws: `.malformedEncoding` unless `rawRepresentation` has 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(KeyShareError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .malformedEncoding(DecodingError(field: "key epoch", reason: .invalidValue("\(rawRepresentation.count) bytes, expected \(Self.byteCount)")))
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Public: the first four bytes in hex.
    public var description: String {
        "KeyEpoch(" + rawRepresentation.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "…)"
    }
}
