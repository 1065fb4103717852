import Bytes
import Secp256k1

// A presignature's storage form, so a server can keep presignatures between presigning and
// signing (encrypted at rest: k̃ and χ̃ are secret, and together with a signature they reveal the
// key share). Encoding consumes the presignature: the bytes become the only copy, and whoever
// stores them must delete them when they are loaded, or a nonce is used twice.
//
// Layout: "TSSPRE" ‖ version(3) ‖ then, in `ByteWriter` form, the parameter-set name, the owner,
// the signers (count, then ids in increasing order), the public key X, the key epoch (32 bytes),
// the presigning session's bound id (32 bytes, length-prefixed), k̃, χ̃, Γ, and for every signer in order Δ̃_j
// and S̃_j. Version 1 (no epoch) and version 2 (no presigning session id, so no
// `PresignatureID`) are refused.
//
// Decoding re-checks every relation a finished presigning guarantees, so a corrupted or tampered
// record is refused rather than producing a bad signature share:
// Σ Δ̃_j = G (since Σ Δ_j = δ·G), Σ S̃_j = X (since Σ S_j = δ·X), k̃·Γ = Δ̃_owner and χ̃·Γ = S̃_owner.
extension Presignature: VersionedEncoding {
    public static var encodingHeader: EncodingHeader { .presignature }

    /// The storage form; reading it consumes the presignature (see above: the stored bytes are now
    /// the one copy, to be deleted when loaded). The bytes hold secrets: encrypt them at rest.
    public var encoded: [UInt8] {
        consuming get {
            let material = material
            var writer = ByteWriter(header: Self.encodingHeader)
            writer.write("parameters", bytes: Array(material.parameterSetName.utf8))
            writer.write("owner", bytes: material.owner.rawRepresentation)
            writer.appendCount(material.signers.count)
            for signer in material.signers { writer.write("signer", bytes: signer.rawRepresentation) }
            writer.write("public-key", material.publicKey)
            writer.write("epoch", bytes: material.epoch.rawRepresentation)
            writer.write("presigning-session", bytes: material.commitments.presigningSessionID)
            writer.write("k-tilde", material.kTilde)
            writer.write("chi-tilde", material.chiTilde)
            writer.write("nonce", material.commitments.nonce)
            for signer in material.signers {
                writer.write("nonce-share", material.commitments.nonceShares[signer]!)
                writer.write("key-nonce-share", material.commitments.keyNonceShares[signer]!)
            }
            return writer.bytes
        }
    }

    /// Reads `encoded` output made under `parameters`, re-checking the format (canonical points
    /// on the curve, scalars below the group order, no trailing bytes), the parameter set, the
    /// owner's place among at least two distinct, ordered signers, the key and signer binding, and
    /// the relations above between the secret scalars and the public commitments.
    /// - Throws: `PresignatureDecodingError` saying what was wrong (never a secret value).
    public init(encoded bytes: [UInt8], parameters: SchemeParameters) throws(PresignatureDecodingError) {
        let material: PresignatureMaterial
        do throws(DecodingError) { material = try Self.readMaterial(bytes) } catch { throw .malformedEncoding(error) }
        guard material.parameterSetName == parameters.name else {
            throw .parameterSetMismatch(expected: parameters.name, found: material.parameterSetName)
        }
        try Self.check(material)
        self.init(material: material)
    }

    /// The fields, read but not yet checked against each other or the parameter set.
    private static func readMaterial(_ bytes: [UInt8]) throws(DecodingError) -> PresignatureMaterial {
        var reader = try ByteReader(bytes, header: encodingHeader)
        let name = try reader.readString("parameters")
        let owner = try reader.readPartyID("owner")
        // A party id takes 4 + 32 bytes, and each signer two points of at least 5 bytes more.
        let count = try reader.readCount("signers", minimumElementSize: 36 + 10)
        var signers: [PartyID] = []
        for _ in 0..<count { signers.append(try reader.readPartyID("signer")) }
        let publicKey = try reader.readPoint("public-key")
        let epochBytes = try reader.readLengthPrefixed("epoch")
        guard epochBytes.count == KeyEpoch.byteCount else {
            throw DecodingError(field: "epoch", reason: .invalidValue("\(epochBytes.count) bytes, expected \(KeyEpoch.byteCount)"))
        }
        let epoch = try! KeyEpoch(rawRepresentation: epochBytes)
        let presigningSessionID = try reader.readLengthPrefixed("presigning-session")
        guard presigningSessionID.count == 32 else {
            throw DecodingError(field: "presigning-session",
                                reason: .invalidValue("\(presigningSessionID.count) bytes, expected 32"))
        }
        let kTilde = try reader.readScalar("k-tilde")
        let chiTilde = try reader.readScalar("chi-tilde")
        let nonce = try reader.readPoint("nonce")
        var nonceShares: [PartyID: Point] = [:], keyNonceShares: [PartyID: Point] = [:]
        for signer in signers {
            nonceShares[signer] = try reader.readPoint("nonce-share")
            keyNonceShares[signer] = try reader.readPoint("key-nonce-share")
        }
        try reader.finish(encodingHeader.name)
        return PresignatureMaterial(
            owner: owner, signers: signers, parameterSetName: name, publicKey: publicKey, epoch: epoch, kTilde: kTilde,
            chiTilde: chiTilde,
            commitments: PresignatureCommitments(presigningSessionID: presigningSessionID, nonce: nonce,
                                                 nonceShares: nonceShares, keyNonceShares: keyNonceShares))
    }

    /// The relations every presignature from a finished presigning satisfies.
    static func check(_ material: PresignatureMaterial) throws(PresignatureDecodingError) {
        let signers = material.signers
        guard signers.count >= 2 else { throw .notEnoughSigners(signers.count) }
        for (previous, next) in zip(signers, signers.dropFirst()) where !(previous < next) {
            throw .signersNotInIncreasingOrder
        }
        guard signers.contains(material.owner) else { throw .ownerNotASigner }
        guard !material.publicKey.isIdentity else { throw .identityPoint("public key") }
        let commitments = material.commitments
        guard !commitments.nonce.isIdentity else { throw .identityPoint("nonce Γ") }
        guard !commitments.r.isZero else { throw .inconsistentCommitments("r = x(Γ) mod q is zero") }
        guard Point.sum(signers.map { commitments.nonceShares[$0]! }) == .generator else {
            throw .inconsistentCommitments("Σ Δ̃_j ≠ G")
        }
        guard Point.sum(signers.map { commitments.keyNonceShares[$0]! }) == material.publicKey else {
            throw .inconsistentCommitments("Σ S̃_j ≠ the public key")
        }
        guard material.kTilde * commitments.nonce == commitments.nonceShares[material.owner]!,
              material.chiTilde * commitments.nonce == commitments.keyNonceShares[material.owner]! else {
            throw .secretsDoNotMatchCommitments
        }
    }
}

/// Why a stored presignature was refused. Never carries a secret value.
public enum PresignatureDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a presignature encoding; the error names the field.
    case malformedEncoding(DecodingError)
    /// The presignature was made for another parameter set than the one asked for.
    case parameterSetMismatch(expected: String, found: String)
    /// Fewer than two signers (the count found).
    case notEnoughSigners(Int)
    /// The signer list is not strictly increasing (each presignature has one encoding).
    case signersNotInIncreasingOrder
    /// The owner is not one of the signers.
    case ownerNotASigner
    /// A point that must not be the identity is (which one, by name).
    case identityPoint(String)
    /// The public commitments do not satisfy a relation every finished presigning satisfies.
    case inconsistentCommitments(String)
    /// k̃·Γ ≠ Δ̃_owner or χ̃·Γ ≠ S̃_owner.
    case secretsDoNotMatchCommitments

    /// The reason in words; never a secret value.
    public var description: String {
        switch self {
        case .malformedEncoding(let error): "malformed Presignature encoding: \(error)"
        case .parameterSetMismatch(let expected, let found):
            "the presignature was made under parameter set \(found), expected \(expected)"
        case .notEnoughSigners(let count): "a presignature needs at least two signers, got \(count)"
        case .signersNotInIncreasingOrder: "the signers are not in strictly increasing order"
        case .ownerNotASigner: "the owner is not among the signers"
        case .identityPoint(let what): "the \(what) is the identity"
        case .inconsistentCommitments(let what): "inconsistent presignature commitments: \(what)"
        case .secretsDoNotMatchCommitments: "the stored secret scalars do not match the owner's commitments"
        }
    }
}
