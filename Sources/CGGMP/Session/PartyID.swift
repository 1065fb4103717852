import Bytes

/// A protocol participant, named by its 32-byte Ed25519 identity (verifying) key.
///
/// Naming a party by its key means every signed message says who sent it in a form a third party
/// can check, and the order of parties (by key bytes) is the same everywhere without an index
/// assignment step.
public struct PartyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The Ed25519 verifying key.
    public let rawRepresentation: [UInt8]

    /// The length of an identity key, and so of `rawRepresentation`.
    public static let byteCount = 32

    /// - Throws: `.wrongPartyIDLength` unless `rawRepresentation` has 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(MessageDecodingError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .wrongPartyIDLength(rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Orders parties by their key bytes (lexicographically): the committee order everywhere.
    public static func < (lhs: PartyID, rhs: PartyID) -> Bool {
        lhs.rawRepresentation.lexicographicallyPrecedes(rhs.rawRepresentation)
    }

    /// The first four bytes in hex: enough to tell parties apart in logs.
    public var description: String {
        "Party(" + rawRepresentation.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined() + "…)"
    }
}
