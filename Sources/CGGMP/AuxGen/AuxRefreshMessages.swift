import Bytes
import Hashing
import BigNum
import Paillier
import Secp256k1

/// Round 2's echo-broadcast: the aux echo part, Y_{i,j} and X_{i,j} for every j (committee order).
struct AuxRefreshEcho: Sendable, Hashable, WireCodable {
    let aux: AuxRevealEcho
    let elGamalKeys: [Point]
    let shareChanges: [Point]

    init(aux: AuxRevealEcho, elGamalKeys: [Point], shareChanges: [Point]) {
        self.aux = aux
        self.elGamalKeys = elGamalKeys
        self.shareChanges = shareChanges
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(aux)
        writer.write("Y", points: elGamalKeys)
        writer.write("X", points: shareChanges)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        aux = try reader.read()
        elGamalKeys = try reader.readPoints("Y")
        shareChanges = try reader.readPoints("X")
    }
}

/// Round 2's broadcast: the aux broadcast part and A_{i,j} for every j.
struct AuxRefreshBroadcast: Sendable, Hashable, WireCodable {
    let aux: AuxRevealBroadcast
    let schnorrCommitments: [Point]

    init(aux: AuxRevealBroadcast, schnorrCommitments: [Point]) {
        self.aux = aux
        self.schnorrCommitments = schnorrCommitments
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(aux)
        writer.write("A", points: schnorrCommitments)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        aux = try reader.read()
        schnorrCommitments = try reader.readPoints("A")
    }
}

/// Round 3's echo-broadcast: the Schnorr proofs of every x_{i,j} and the digest of the broadcast Πmod.
struct AuxRefreshProofs: Sendable, Hashable, WireCodable {
    let proofs: [SchnorrProof]
    let modulusProofDigest: ModulusProofDigest

    init(proofs: [SchnorrProof], modulusProofDigest: ModulusProofDigest) {
        self.proofs = proofs
        self.modulusProofDigest = modulusProofDigest
    }

    func encode(to writer: inout ByteWriter) {
        writer.appendCount(proofs.count)
        for proof in proofs { writer.write(proof) }
        writer.write(modulusProofDigest)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        let count = try reader.readCount("proofs", minimumElementSize: 10)
        var proofs: [SchnorrProof] = []
        for _ in 0..<count { proofs.append(try reader.read()) }
        self.proofs = proofs
        modulusProofDigest = try reader.read()
    }
}

/// Round 3's direct message to j: Πfac under j's parameters and, in a refresh, the padded share
/// change C_{i,j}.
struct AuxRefreshDirect: Sendable, Hashable, WireCodable {
    let factorProof: NoSmallFactorProof
    let paddedShare: Scalar?

    init(factorProof: NoSmallFactorProof, paddedShare: Scalar?) {
        self.factorProof = factorProof
        self.paddedShare = paddedShare
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(factorProof)
        writer.write("refresh", paddedShare != nil)
        if let paddedShare { writer.write("C", paddedShare) }
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        factorProof = try reader.read()
        paddedShare = try reader.readBool("refresh") ? try reader.readScalar("C") : nil
    }
}

/// Round 4's echo-broadcast: "ok" with the digest of every party's round-2 and round-3
/// echo-broadcasts, or a complaint against one dealer's share change.
enum AuxRefreshConfirmation: Sendable, Hashable, WireCodable {
    case ok(digest: [UInt8])
    /// The dealer, the complainant's y_{j,dealer}, and the dealer's signed round-3 direct message.
    case complaint(accused: PartyID, secret: Scalar, message: SignedMessage)

    func encode(to writer: inout ByteWriter) {
        switch self {
        case .ok(let digest):
            writer.write("complaint", false)
            writer.write("digest", bytes: digest)
        case .complaint(let accused, let secret, let message):
            writer.write("complaint", true)
            writer.write("accused", bytes: accused.rawRepresentation)
            writer.write("y", secret)
            writer.write("message", bytes: message.encoded)
        }
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        if try reader.readBool("complaint") {
            let accused = try reader.readPartyID("accused")
            let secret = try reader.readScalar("y")
            let messageBytes = try reader.readLengthPrefixed("message")
            let message: SignedMessage
            do { message = try SignedMessage(decoding: messageBytes) } catch { throw error.nested(in: "message") }
            self = .complaint(accused: accused, secret: secret, message: message)
        } else {
            let digest = try reader.readLengthPrefixed("digest")
            guard digest.count == 32 else { throw DecodingError(field: "digest", reason: .invalidValue("must be 32 bytes")) }
            self = .ok(digest: digest)
        }
    }
}

/// The echo-broadcast half of a party's aux reveal (AuxGen and KeyRefresh round 2): N_i, the
/// ring-Pedersen parameters and ρ_i. Echoed, because every party must hold the same values: the
/// others' proofs are checked against them and they are the protocol's output.
struct AuxRevealEcho: Sendable, Hashable, WireCodable {
    let paillierModulus: BigInt
    let ringPedersen: RingPedersenProof.Statement
    let rho: [UInt8]

    static let randomnessByteCount = 32

    func encode(to writer: inout ByteWriter) {
        writer.write("N", paillierModulus)
        writer.write(ringPedersen)
        writer.write("rho", bytes: rho)
    }

    init(paillierModulus: BigInt, ringPedersen: RingPedersenProof.Statement, rho: [UInt8]) {
        self.paillierModulus = paillierModulus
        self.ringPedersen = ringPedersen
        self.rho = rho
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        paillierModulus = try reader.readBigInt("N")
        ringPedersen = try reader.read()
        rho = try reader.readLengthPrefixed("rho")
        guard rho.count == Self.randomnessByteCount else { throw DecodingError(field: "rho", reason: .invalidValue("must be \(Self.randomnessByteCount) bytes")) }
    }
}

/// The broadcast half of the reveal: ψ̂_i = Πprm and the blinding u_i (checked against V_i, which
/// is echo-broadcast, so every party that accepts it holds the same one).
struct AuxRevealBroadcast: Sendable, Hashable, WireCodable {
    let ringPedersenProof: RingPedersenProof
    let blinding: [UInt8]

    func encode(to writer: inout ByteWriter) {
        writer.write(ringPedersenProof)
        writer.write("u", bytes: blinding)
    }

    init(ringPedersenProof: RingPedersenProof, blinding: [UInt8]) {
        self.ringPedersenProof = ringPedersenProof
        self.blinding = blinding
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        ringPedersenProof = try reader.read()
        blinding = try reader.readLengthPrefixed("u")
        guard blinding.count == AuxRevealEcho.randomnessByteCount else { throw DecodingError(field: "u", reason: .invalidValue("must be 32 bytes")) }
    }
}

/// Round 3's echo-broadcast digest of the broadcast Πmod: H(sid, i, ψ_i). Echoing the digest makes
/// every party hold the same proof (the echo step shows a split), and the echo step after round 3
/// is the barrier no party passes before every party has checked every round-3 message.
struct ModulusProofDigest: Sendable, Hashable, WireCodable {
    let digest: [UInt8]

    static let domain = DomainSeparation.modulusProofDigest

    init(digest: [UInt8]) { self.digest = digest }

    init(sid: [UInt8], prover: PartyID, proof: [UInt8]) {
        var hasher = DomainSeparatedHash(domain: Self.domain)
        hasher.appendField(sid)
        hasher.appendField(prover.rawRepresentation)
        hasher.appendField(proof)
        digest = hasher.sha256()
    }

    func encode(to writer: inout ByteWriter) { writer.write("H", bytes: digest) }

    init(from reader: inout ByteReader) throws(DecodingError) {
        digest = try reader.readLengthPrefixed("H")
        guard digest.count == 32 else { throw DecodingError(field: "H", reason: .invalidValue("must be 32 bytes")) }
    }
}
