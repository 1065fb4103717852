import Bytes
import Hashing
import BigNum
import Secp256k1

/// (ρ_i, X_i, A_i, u_i): what round 2 reveals.
struct KeyInitDecommitment: Sendable, Hashable, WireCodable {
    let rho: [UInt8]
    let publicShare: Point
    let schnorrCommitment: Point
    let blinding: [UInt8]

    static let randomnessByteCount = 32

    init(rho: [UInt8], publicShare: Point, schnorrCommitment: Point, blinding: [UInt8]) {
        self.rho = rho
        self.publicShare = publicShare
        self.schnorrCommitment = schnorrCommitment
        self.blinding = blinding
    }

    func encode(to writer: inout ByteWriter) {
        writer.write("rho", bytes: rho)
        writer.write("X", publicShare)
        writer.write("A", schnorrCommitment)
        writer.write("u", bytes: blinding)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        rho = try reader.readLengthPrefixed("rho")
        publicShare = try reader.readPoint("X")
        schnorrCommitment = try reader.readPoint("A")
        blinding = try reader.readLengthPrefixed("u")
        guard rho.count == Self.randomnessByteCount else {
            throw DecodingError(field: "rho", reason: .invalidValue("must be \(Self.randomnessByteCount) bytes"))
        }
        guard blinding.count == Self.randomnessByteCount else {
            throw DecodingError(field: "u", reason: .invalidValue("must be \(Self.randomnessByteCount) bytes"))
        }
    }

    /// V = H(sid, i, ρ, X, A, u).
    func hash(sid: [UInt8], party: PartyID) -> [UInt8] {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.keyInitCommitment)
        hasher.appendField(sid)
        hasher.appendField(party.rawRepresentation)
        hasher.appendField(fieldEncoding)
        return hasher.sha256()
    }
}
