import Bytes
import Secp256k1

// Versioned storage encodings of threshold keys: a server stores its `ThresholdKeyShare` after
// registration, and a registration flow hands the founders' `ThresholdPublicKey` to the other
// holders. Both start with a 6-byte magic and a version byte (`EncodingHeader.thresholdPublicKey`,
// `.keyShare`), then wire-encoded fields (docs/flows.md, "Encodings").

extension ThresholdPublicKey: VersionedEncoding {
    public static var encodingHeader: EncodingHeader { .thresholdPublicKey }

    /// Magic, version, the threshold, then every holder's (id, public share) in holder order.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writeFields(to: &writer)
        return writer.bytes
    }

    func writeFields(to writer: inout ByteWriter) {
        writer.appendCount(threshold)
        writer.appendCount(publicShares.count)
        for holder in holders {
            writer.write("holder", bytes: holder.rawRepresentation)
            writer.write("X", publicShares[holder]!)
        }
    }

    /// Reads `encoded` output and re-runs every check of `init(threshold:publicShares:)`.
    /// - Throws: `.malformedEncoding` (wrong magic or version, truncated, holders out of order) or
    ///   the key check that failed.
    public init(encoded bytes: [UInt8]) throws(KeyShareError) {
        let threshold: Int, shares: [PartyID: Point]
        do throws(DecodingError) {
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            (threshold, shares) = try Self.readFields(&reader)
            try reader.finish(Self.encodingHeader.name)
        } catch {
            throw .malformedEncoding(error)
        }
        try self.init(threshold: threshold, publicShares: shares)
    }

    static func readFields(_ reader: inout ByteReader) throws(DecodingError) -> (Int, [PartyID: Point]) {
        let threshold = try reader.readInteger("threshold")
        let count = try reader.readCount("holders", minimumElementSize: 2 * 4 + PartyID.byteCount + 1)
        var shares: [PartyID: Point] = [:]
        var previous: PartyID?
        for _ in 0..<count {
            let holder = try reader.readPartyID("holder")
            if let previous, !(previous < holder) {
                throw DecodingError(field: "holder", reason: .nonCanonical("holders not in strictly increasing order"))
            }
            previous = holder
            shares[holder] = try reader.readPoint("X")
        }
        return (threshold, shares)
    }
}

extension ThresholdKeyShare: VersionedEncoding {
    public static var encodingHeader: EncodingHeader { .keyShare }

    /// The storage form: magic, version, the owner, the secret share, then the public part as in
    /// `ThresholdPublicKey.encoded`. Holds the secret share: store it encrypted (TSSStore).
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.write("owner", bytes: owner.rawRepresentation)
        writer.write("share", secretShare)
        publicPart.writeFields(to: &writer)
        return writer.bytes
    }

    /// Reads `encoded` output and re-runs every check of `init(owner:threshold:secretShare:publicShares:)`
    /// (the secret must match the owner's public share, the public shares one polynomial).
    public init(encoded bytes: [UInt8]) throws(KeyShareError) {
        let owner: PartyID, share: Scalar, threshold: Int, shares: [PartyID: Point]
        do throws(DecodingError) {
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            owner = try reader.readPartyID("owner")
            share = try reader.readScalar("share")
            (threshold, shares) = try ThresholdPublicKey.readFields(&reader)
            try reader.finish(Self.encodingHeader.name)
        } catch {
            throw .malformedEncoding(error)
        }
        try self.init(owner: owner, threshold: threshold, secretShare: share, publicShares: shares)
    }
}
