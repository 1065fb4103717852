import Bytes
import BigNum
import Paillier
import Secp256k1

// The payloads of presigning (ePrint 2021/060 rev. 2024, Fig. 8) and signing (Fig. 10). Lists
// addressed "to every other signer" are in committee order with the sender left out, so they need
// no party ids on the wire.

/// Round 1 echo-broadcast: K_i = enc_i(k_i; ρ_i), G_i = enc_i(γ_i; ν_i), the El-Gamal key
/// Y_i = y_i·G and the El-Gamal commitments A_i = (a_i·G, a_i·Y_i + k_i·G),
/// B_i = (b_i·G, b_i·Y_i + γ_i·G).
struct PresignRound1Echo: Sendable, Hashable, WireCodable {
    let k: PaillierCiphertext
    let g: PaillierCiphertext
    let y: Point
    let a1: Point
    let a2: Point
    let b1: Point
    let b2: Point

    init(k: PaillierCiphertext, g: PaillierCiphertext, y: Point, a1: Point, a2: Point, b1: Point, b2: Point) {
        self.k = k; self.g = g; self.y = y; self.a1 = a1; self.a2 = a2; self.b1 = b1; self.b2 = b2
    }

    func encode(to writer: inout ByteWriter) {
        writer.write("K", k)
        writer.write("G", g)
        writer.write("Y", y)
        writer.write("A1", a1)
        writer.write("A2", a2)
        writer.write("B1", b1)
        writer.write("B2", b2)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        k = try reader.readCiphertext("K")
        g = try reader.readCiphertext("G")
        y = try reader.readPoint("Y")
        a1 = try reader.readPoint("A1")
        a2 = try reader.readPoint("A2")
        b1 = try reader.readPoint("B1")
        b2 = try reader.readPoint("B2")
    }

    /// Πenc-elg statement for K_i (ψ⁰) and for G_i (ψ¹).
    func kStatement(key: PaillierPublicKey) -> EncElgProof.Statement {
        EncElgProof.Statement(key: key, ciphertext: k, a: y, b: a1, x: a2)
    }
    func gStatement(key: PaillierPublicKey) -> EncElgProof.Statement {
        EncElgProof.Statement(key: key, ciphertext: g, a: y, b: b1, x: b2)
    }
}

/// Round 1 direct message to j: ψ⁰_{j,i}, ψ¹_{j,i} under j's ring-Pedersen setup.
struct PresignRound1Direct: Sendable, Hashable, WireCodable {
    let psi0: EncElgProof
    let psi1: EncElgProof

    init(psi0: EncElgProof, psi1: EncElgProof) { self.psi0 = psi0; self.psi1 = psi1 }

    func encode(to writer: inout ByteWriter) {
        writer.write(psi0)
        writer.write(psi1)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        psi0 = try reader.read()
        psi1 = try reader.read()
    }
}

/// Round 2 echo-broadcast: Γ_i = γ_i·G and, for every other j, F_{j,i} = enc_i(β_{i,j}),
/// F̂_{j,i} = enc_i(β̂_{i,j}) (under the sender's key) and the MtA ciphertexts
/// D_{j,i} = K_j^{γ_i}·enc_j(−β_{i,j}), D̂_{j,i} = K_j^{x_i}·enc_j(−β̂_{i,j}) (under j's key).
///
/// D and D̂ are echo-broadcast (not a plain broadcast) so that every party holds the same ones:
/// the failure rounds rebuild every party's statement from them, and with a plain broadcast a
/// cheater could hand two valid versions to two honest parties, which then blame each other.
struct PresignRound2Echo: Sendable, Hashable, WireCodable {
    let gamma: Point
    let f: [PaillierCiphertext]
    let fHat: [PaillierCiphertext]
    let d: [PaillierCiphertext]
    let dHat: [PaillierCiphertext]

    init(gamma: Point, f: [PaillierCiphertext], fHat: [PaillierCiphertext], d: [PaillierCiphertext],
         dHat: [PaillierCiphertext]) {
        self.gamma = gamma; self.f = f; self.fHat = fHat; self.d = d; self.dHat = dHat
    }

    func encode(to writer: inout ByteWriter) {
        writer.write("Gamma", gamma)
        writer.appendCount(f.count)
        for index in f.indices {
            writer.write("F", f[index])
            writer.write("Fhat", fHat[index])
            writer.write("D", d[index])
            writer.write("Dhat", dHat[index])
        }
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        gamma = try reader.readPoint("Gamma")
        var f: [PaillierCiphertext] = [], fHat: [PaillierCiphertext] = []
        var d: [PaillierCiphertext] = [], dHat: [PaillierCiphertext] = []
        for _ in 0..<(try reader.readCount("MtA count", minimumElementSize: 20)) {
            f.append(try reader.readCiphertext("F"))
            fHat.append(try reader.readCiphertext("Fhat"))
            d.append(try reader.readCiphertext("D"))
            dHat.append(try reader.readCiphertext("Dhat"))
        }
        self.f = f; self.fHat = fHat; self.d = d; self.dHat = dHat
    }
}

/// Round 2 broadcast: for every other j, the Πaff-g proofs ψ_{j,i}, ψ̂_{j,i} (under j's setup) for
/// the echoed D_{j,i}, D̂_{j,i}; and ψ_i = Πelog for Γ_i against B_i. The proofs are checked against
/// the echo-broadcast values, so they need no echo themselves (a party that gets a bad proof names
/// the sender; one that gets a good one holds the same values as everyone).
struct PresignRound2Broadcast: Sendable, Hashable, WireCodable {
    let psi: [AffGProof]
    let psiHat: [AffGProof]
    let elog: ElogProof

    init(psi: [AffGProof], psiHat: [AffGProof], elog: ElogProof) {
        self.psi = psi; self.psiHat = psiHat; self.elog = elog
    }

    func encode(to writer: inout ByteWriter) {
        writer.appendCount(psi.count)
        for index in psi.indices {
            writer.write(psi[index])
            writer.write(psiHat[index])
        }
        writer.write(elog)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        let count = try reader.readCount("aff-g count", minimumElementSize: 64)
        var psi: [AffGProof] = [], psiHat: [AffGProof] = []
        for _ in 0..<count {
            psi.append(try reader.read())
            psiHat.append(try reader.read())
        }
        elog = try reader.read()
        self.psi = psi; self.psiHat = psiHat
    }
}

/// Round 3 echo-broadcast: δ_i, Δ_i = k_i·Γ and S_i = χ_i·Γ (echoed, because the failure rounds
/// and the signature shares depend on everyone holding the same values: a plain broadcast let a
/// cheater give two parties two S_i, so one finished and the other waited).
struct PresignRound3Echo: Sendable, Hashable, WireCodable {
    let delta: Scalar
    let bigDelta: Point
    let s: Point

    init(delta: Scalar, bigDelta: Point, s: Point) { self.delta = delta; self.bigDelta = bigDelta; self.s = s }

    func encode(to writer: inout ByteWriter) {
        writer.write("delta", delta)
        writer.write("Delta", bigDelta)
        writer.write("S", s)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        delta = try reader.readScalar("delta")
        bigDelta = try reader.readPoint("Delta")
        s = try reader.readPoint("S")
    }
}

/// Round 3 broadcast: ψ″_i = Πelog that the echoed Δ_i opens A_i.
struct PresignRound3Broadcast: Sendable, Hashable, WireCodable {
    let elog: ElogProof

    init(elog: ElogProof) { self.elog = elog }
    func encode(to writer: inout ByteWriter) { writer.write(elog) }
    init(from reader: inout ByteReader) throws(DecodingError) { elog = try reader.read() }
}

/// Interactive signing's round-4 broadcast: σ_i = k̃_i·m + χ̃_i·r (the session's own rounds 1–3
/// made the presignature, so the message need not name it).
struct SignatureShareMessage: Sendable, Hashable, WireCodable {
    let sigma: Scalar
    init(sigma: Scalar) { self.sigma = sigma }
    func encode(to writer: inout ByteWriter) { writer.write("sigma", sigma) }
    init(from reader: inout ByteReader) throws(DecodingError) { sigma = try reader.readScalar("sigma") }
}

/// Standalone signing's broadcast: the id of the presignature σ_i was made with (32 bytes,
/// length-prefixed), then σ_i. The sender signs which presignature it used, so a receiver holding
/// another one does not blame it, and a third party judges σ_i only against commitments of that id.
struct PresignedSignatureShareMessage: Sendable, Hashable, WireCodable {
    let presignature: PresignatureID
    let sigma: Scalar
    init(presignature: PresignatureID, sigma: Scalar) {
        self.presignature = presignature
        self.sigma = sigma
    }

    func encode(to writer: inout ByteWriter) {
        writer.write("presignature", bytes: presignature.rawRepresentation)
        writer.write("sigma", sigma)
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        presignature = try PresignatureID(rawRepresentation: try reader.readLengthPrefixed("presignature"))
        sigma = try reader.readScalar("sigma")
    }
}

/// Πdec and the Πaff-g* proofs of the failure round.
struct PresignFailureMessage: Sendable, Hashable, WireCodable {
    let dec: DecProof
    let affine: [AffGStarProof]

    init(dec: DecProof, affine: [AffGStarProof]) { self.dec = dec; self.affine = affine }

    func encode(to writer: inout ByteWriter) {
        writer.write(dec)
        writer.appendCount(affine.count)
        for proof in affine { writer.write(proof) }
    }

    init(from reader: inout ByteReader) throws(DecodingError) {
        dec = try reader.read()
        var affine: [AffGStarProof] = []
        for _ in 0..<(try reader.readCount("aff-g* count", minimumElementSize: 4)) { affine.append(try reader.read()) }
        self.affine = affine
    }
}
