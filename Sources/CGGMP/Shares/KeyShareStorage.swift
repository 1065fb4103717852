import Secp256k1

// Versioned storage encodings of threshold keys: a server stores its `ThresholdKeyShare` after
// registration, and a registration flow hands the founders' `ThresholdPublicKey` to the other
// holders. Both start with a 6-byte magic and a version byte, then wire-encoded fields
// (docs/flows.md, "Encodings").

extension ThresholdPublicKey {
    static let magic: [UInt8] = Array("TSSTPK".utf8)
    public static let encodingVersion: UInt8 = 1

    /// Magic, version, the threshold, then every holder's (id, public share) in holder order.
    public func encoded() -> [UInt8] {
        var writer = WireWriter()
        writeFields(to: &writer)
        return Self.magic + [Self.encodingVersion] + writer.bytes
    }

    func writeFields(to writer: inout WireWriter) {
        writer.writeCount(threshold)
        writer.writeCount(publicShares.count)
        for holder in holders {
            writer.write("holder", bytes: holder.bytes)
            writer.write("X", publicShares[holder]!)
        }
    }

    /// Reads `encoded()` output and re-runs every check of `init(threshold:publicShares:)`.
    /// - Throws: `.malformedEncoding` (wrong magic or version, truncated, holders out of order) or
    ///   the key check that failed.
    public init(encoded bytes: [UInt8]) throws(KeyShareError) {
        var reader = try StorageHeader.open(bytes, magic: Self.magic, version: Self.encodingVersion, what: "ThresholdPublicKey")
        let (threshold, shares) = try Self.readFields(&reader)
        try StorageHeader.finish(reader)
        try self.init(threshold: threshold, publicShares: shares)
    }

    static func readFields(_ reader: inout WireReader) throws(KeyShareError) -> (Int, [PartyID: Point]) {
        do {
            let threshold = try reader.readInteger("threshold")
            let count = try reader.readCount("holders", minimumElementSize: 2 * 4 + PartyID.byteCount + 1)
            var shares: [PartyID: Point] = [:]
            var previous: PartyID?
            for _ in 0..<count {
                let holder: PartyID
                do { holder = try PartyID(bytes: try reader.readBytes("holder")) }
                catch let error as MessageDecodingError { throw KeyShareError.malformedEncoding("holder: \(error)") }
                if let previous, !(previous < holder) {
                    throw KeyShareError.malformedEncoding("holders not in strictly increasing order")
                }
                previous = holder
                shares[holder] = try reader.readPoint("X")
            }
            return (threshold, shares)
        } catch let error as KeyShareError {
            throw error
        } catch {
            throw .malformedEncoding("\(error)")
        }
    }
}

extension ThresholdKeyShare {
    static let magic: [UInt8] = Array("TSSKEY".utf8)
    public static let encodingVersion: UInt8 = 1

    /// The storage form: magic, version, the owner, the secret share, then the public part as in
    /// `ThresholdPublicKey.encoded()`. Holds the secret share: store it encrypted (TSSStore).
    public func encoded() -> [UInt8] {
        var writer = WireWriter()
        writer.write("owner", bytes: owner.bytes)
        writer.write("share", secretShare)
        publicPart.writeFields(to: &writer)
        return Self.magic + [Self.encodingVersion] + writer.bytes
    }

    /// Reads `encoded()` output and re-runs every check of `init(owner:threshold:secretShare:publicShares:)`
    /// (the secret must match the owner's public share, the public shares one polynomial).
    public init(encoded bytes: [UInt8]) throws(KeyShareError) {
        var reader = try StorageHeader.open(bytes, magic: Self.magic, version: Self.encodingVersion, what: "ThresholdKeyShare")
        let owner: PartyID
        let share: Scalar
        do {
            owner = try PartyID(bytes: try reader.readBytes("owner"))
            share = try reader.readScalar("share")
        } catch {
            throw .malformedEncoding("\(error)")
        }
        let (threshold, shares) = try ThresholdPublicKey.readFields(&reader)
        try StorageHeader.finish(reader)
        try self.init(owner: owner, threshold: threshold, secretShare: share, publicShares: shares)
    }
}

/// Magic-and-version handling shared by the storage encodings above.
private enum StorageHeader {
    static func open(_ bytes: [UInt8], magic: [UInt8], version: UInt8, what: String) throws(KeyShareError) -> WireReader {
        guard bytes.count > magic.count, Array(bytes.prefix(magic.count)) == magic else {
            throw .malformedEncoding("not a \(what) encoding")
        }
        let found = bytes[magic.count]
        guard found == version else { throw .malformedEncoding("unsupported \(what) encoding version \(found)") }
        return WireReader(Array(bytes.dropFirst(magic.count + 1)))
    }

    static func finish(_ reader: WireReader) throws(KeyShareError) {
        do { try reader.finish() } catch { throw .malformedEncoding("\(error)") }
    }
}
