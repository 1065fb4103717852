import Bytes
import BigNum
import Paillier
import Secp256k1

/// Payload surgery for the test-support module `CGGMPAdversary` (and through it the CLI demo's
/// `--misbehave`): read and rewrite one field of a round's payload, so a simulated corrupt party can
/// send a wrong value that is well-formed on the wire. Nothing here runs in a protocol: rounds
/// never call it, and it is reachable only with `@_spi(Adversary) import CGGMP`.
///
/// Each function returns nil when `payload` is not the round's payload it expects.
@_spi(Adversary)
public enum AdversaryPayloads {
    /// KeyInit round 3 (Schnorr proof ψ_i): the same proof with its response off by one.
    public static func keyInitProofWithWrongResponse(_ payload: [UInt8]) -> [UInt8]? {
        guard let proof = try? SchnorrProof(encoded: payload) else { return nil }
        return SchnorrProof(commitment: proof.commitment, response: proof.response + .one).encoded
    }

    /// KeyResharing round 1 direct message (a new holder's share): the share plus one.
    public static func resharingShareOffByOne(_ payload: [UInt8]) -> [UInt8]? {
        var reader = ByteReader(payload)
        guard let share = try? reader.readScalar("share"), (try? reader.finish("payload")) != nil else { return nil }
        return KeyResharingChecks.directPayload(share: share + .one)
    }

    /// KeyRefresh round 3 direct message: the padded share change plus one (the Πfac proof kept).
    public static func refreshShareOffByOne(_ payload: [UInt8]) -> [UInt8]? {
        guard let direct = try? AuxRefreshDirect(encoded: payload), let share = direct.paddedShare else { return nil }
        return AuxRefreshDirect(factorProof: direct.factorProof, paddedShare: share + .one).encoded
    }

    /// Presigning round 2 echo-broadcast: the MtA ciphertext D for the `index`-th other signer (in
    /// committee order) with its plaintext moved by one, D·(1 + N_j) mod N_j², under that signer's
    /// key `recipientKey`.
    public static func presignRound2WithShiftedD(_ payload: [UInt8], index: Int,
                                                 recipientKey: PaillierPublicKey) -> [UInt8]? {
        guard let echo = try? PresignRound2Echo(encoded: payload), echo.d.indices.contains(index) else { return nil }
        var d = echo.d
        guard let shifted = try? (d[index].value * (recipientKey.modulus + BigInt(1))).modulo(recipientKey.modulusSquared) else {
            return nil
        }
        d[index] = PaillierCiphertext(value: shifted)
        return PresignRound2Echo(gamma: echo.gamma, f: echo.f, fHat: echo.fHat, d: d, dHat: echo.dHat).encoded
    }

    /// Presigning round 3 echo-broadcast: the announced δ_i.
    public static func presignRound3Delta(_ payload: [UInt8]) -> Scalar? {
        (try? PresignRound3Echo(encoded: payload))?.delta
    }

    /// Presigning round 3 echo-broadcast with δ_i replaced by `delta` and/or S_i moved by G.
    public static func presignRound3(_ payload: [UInt8], delta: Scalar? = nil, shiftingS: Bool = false) -> [UInt8]? {
        guard let echo = try? PresignRound3Echo(encoded: payload) else { return nil }
        return PresignRound3Echo(delta: delta ?? echo.delta, bigDelta: echo.bigDelta,
                                 s: shiftingS ? echo.s + .generator : echo.s).encoded
    }

    /// A signing round's broadcast (σ_i, with the presignature id it names in standalone signing):
    /// σ_i plus one, the id unchanged.
    public static func signatureShareOffByOne(_ payload: [UInt8]) -> [UInt8]? {
        if let share = try? PresignedSignatureShareMessage(encoded: payload) {
            return PresignedSignatureShareMessage(presignature: share.presignature, sigma: share.sigma + .one).encoded
        }
        guard let share = try? SignatureShareMessage(encoded: payload) else { return nil }
        return SignatureShareMessage(sigma: share.sigma + .one).encoded
    }
}
