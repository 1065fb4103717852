import Bytes
import Hashing
import Secp256k1
import Synchronization

/// The public values of a finished presigning, normalised by δ⁻¹ (Fig. 8, output): the nonce
/// point Γ (R; r is its x coordinate) and, for every signer j, Δ̃_j = δ⁻¹·Δ_j and S̃_j = δ⁻¹·S_j,
/// against which j's signature share is checked: σ_j·Γ = m·Δ̃_j + r·S̃_j. Together with the
/// presigning session they came from, they have a public identifier (``id``) that every signing
/// message names.
public struct PresignatureCommitments: Sendable, Hashable {
    /// The bound session id (`SessionPublicData.boundSessionID`) of the presigning that made them.
    public let presigningSessionID: [UInt8]
    /// Γ = Σ γ_j·G.
    public let nonce: Point
    /// Δ̃_j for every signer j.
    public let nonceShares: [PartyID: Point]
    /// S̃_j for every signer j.
    public let keyNonceShares: [PartyID: Point]
    /// The presignature's public identifier: a digest of all the fields above.
    public let id: PresignatureID

    /// Commitments from their parts. Checks nothing: presigning makes them, and stored ones are
    /// checked when a ``Presignature`` is decoded.
    public init(presigningSessionID: [UInt8], nonce: Point, nonceShares: [PartyID: Point],
                keyNonceShares: [PartyID: Point]) {
        self.presigningSessionID = presigningSessionID
        self.nonce = nonce
        self.nonceShares = nonceShares
        self.keyNonceShares = keyNonceShares
        id = PresignatureID(presigningSessionID: presigningSessionID, nonce: nonce, nonceShares: nonceShares,
                            keyNonceShares: keyNonceShares)
    }

    /// r: the x coordinate of Γ reduced mod q.
    var r: Scalar { Scalar(reducing: nonce.xCoordinateBytes ?? []) }
}

/// A presignature's public identifier: SHA-256 (`DomainSeparatedHash` under
/// `DomainSeparation.presignatureCommitments`) of the presigning session's bound id, Γ, the signer
/// count, then for every signer in increasing order its id, Δ̃_j and S̃_j (compressed points, a
/// missing one as the identity), each a length-prefixed field.
///
/// Every signer of one presignature computes the same id from public values, and any change of a
/// commitment changes it. A signing message names the id of the presignature its σ was made with,
/// so a receiver holding another presignature does not blame the sender
/// (`SessionError.differentPresignatures`), and a third party refuses to judge a σ against
/// commitments with another id. Flows can use it to agree on which pooled presignature to spend.
public struct PresignatureID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length of an id.
    public static let byteCount = 32
    /// The 32-byte digest.
    public let rawRepresentation: [UInt8]

    init(presigningSessionID: [UInt8], nonce: Point, nonceShares: [PartyID: Point], keyNonceShares: [PartyID: Point]) {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.presignatureCommitments)
        hasher.appendField(presigningSessionID)
        hasher.appendField(nonce.compressedRepresentation)
        let signers = Set(nonceShares.keys).union(keyNonceShares.keys).sorted()
        hasher.append(UInt64(signers.count))
        for signer in signers {
            hasher.appendField(signer.rawRepresentation)
            hasher.appendField((nonceShares[signer] ?? .identity).compressedRepresentation)
            hasher.appendField((keyNonceShares[signer] ?? .identity).compressedRepresentation)
        }
        rawRepresentation = hasher.sha256()
    }

    /// An id read back from bytes (a message or a flow's record).
    /// - Throws: `DecodingError` (`.invalidValue`) unless `rawRepresentation` has 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(DecodingError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw DecodingError(field: "presignature id",
                                reason: .invalidValue("\(rawRepresentation.count) bytes, expected \(Self.byteCount)"))
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Byte order (lexicographic), so ids sort the same on every party.
    public static func < (lhs: PresignatureID, rhs: PresignatureID) -> Bool {
        lhs.rawRepresentation.lexicographicallyPrecedes(rhs.rawRepresentation)
    }

    /// Public: the first four bytes in hex.
    public var description: String {
        "PresignatureID(" + rawRepresentation.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "…)"
    }
}

/// Everything a finished presigning leaves one party (copyable inside the module; callers only
/// ever see it inside the non-copyable `Presignature`).
struct PresignatureMaterial: Sendable {
    let owner: PartyID
    let signers: [PartyID]
    /// The parameter set presigning ran under (recorded so a stored presignature made under
    /// `testing` is never loaded where production parameters are expected).
    let parameterSetName: String
    /// The public key the presignature was made for (the key share's, after any BIP32 tweak).
    let publicKey: Point
    /// The epoch of the key share it was made with: a presignature from before a KeyRefresh or
    /// KeyResharing never signs after it.
    let epoch: KeyEpoch
    /// k̃_i = k_i·δ⁻¹.
    let kTilde: Scalar
    /// χ̃_i = χ_i·δ⁻¹.
    let chiTilde: Scalar
    let commitments: PresignatureCommitments

    /// σ_i = k̃_i·m + χ̃_i·r.
    func signatureShare(for prehash: Prehash) -> Scalar {
        kTilde * prehash.scalar + chiTilde * commitments.r
    }
}

/// One signer's presignature: the output of presigning, spent by exactly one signing.
///
/// Non-copyable, and consumed by `Signing.makeSession`, so the compiler refuses a second use (two
/// signatures with one nonce reveal the key). It records the public key and the signer set it was
/// made for, and signing under any other key or set is refused at run time: a presignature made
/// for one BIP32 derivation never signs under another (RUSTSEC-2025-0127).
public struct Presignature: ~Copyable, Sendable {
    let material: PresignatureMaterial

    init(material: PresignatureMaterial) { self.material = material }

    /// The signer this presignature belongs to.
    public var owner: PartyID { material.owner }
    /// The signer set that made it, sorted; only this set may sign with it.
    public var signers: [PartyID] { material.signers }
    /// The public key it was made for; signing under another key is refused.
    public var publicKey: Point { material.publicKey }
    /// The epoch of the key share it was made with; signing with a share of another epoch is refused.
    public var epoch: KeyEpoch { material.epoch }
    /// Its public values, which every signer's signature share is checked against.
    public var commitments: PresignatureCommitments { material.commitments }
    /// Its public identifier (``PresignatureCommitments/id``), the same on every signer.
    public var id: PresignatureID { material.commitments.id }

    /// Owner and signer count: no secret.
    public var description: String { "Presignature(owner: \(owner), signers: \(signers.count))" }
}

/// A presigning session's output: holds the party's `Presignature` until it is taken, once.
///
/// The session machinery passes outputs around by copy, which a non-copyable value cannot be; the
/// slot is the one copyable handle, and `take()` hands the presignature out exactly once.
public final class PresignatureSlot: Sendable, CustomStringConvertible {
    private let stored: Mutex<Presignature?>
    /// The presignature's owner (readable after it was taken).
    public let owner: PartyID
    /// The public key the presignature was made for.
    public let publicKey: Point
    /// The epoch of the key share it was made with.
    public let epoch: KeyEpoch
    /// The presignature's public values.
    public let commitments: PresignatureCommitments
    /// The presignature's public identifier (``PresignatureCommitments/id``).
    public var id: PresignatureID { commitments.id }

    init(_ material: PresignatureMaterial) {
        owner = material.owner
        publicKey = material.publicKey
        epoch = material.epoch
        commitments = material.commitments
        stored = Mutex(Presignature(material: material))
    }

    /// A slot holding `presignature`, e.g. one decoded from the encrypted store
    /// (`Presignature(encoded:parameters:)`), for flows that take a slot.
    public convenience init(_ presignature: consuming Presignature) {
        self.init(presignature.material)
    }

    /// The presignature, or nil when it was already taken.
    public func take() -> Presignature? {
        stored.withLock { value in value.take() }
    }

    /// Whether the presignature was taken.
    public var isTaken: Bool { stored.withLock { $0 == nil } }

    /// The owner only.
    public var description: String { "PresignatureSlot(owner: \(owner))" }
}
