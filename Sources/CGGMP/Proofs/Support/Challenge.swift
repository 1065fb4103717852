import BigNum
import Secp256k1

/// How the Paillier/curve proofs draw their Fiat–Shamir challenges.
///
/// The paper's e ← ±q is drawn as a signed integer in ±2^κ (κ = `securityBits`, the bit length
/// of q for secp256k1): the Paillier and ring-Pedersen equations use e as an integer, the curve
/// equations use e mod q. The bounds on the masks (ε ≥ ℓ + κ) assume exactly this size.
/// Binary-challenge proofs (Πaff-g*, Πdec) repeat `bitChallengeRepetitions` times (soundness
/// error 2^−repetitions).
enum Challenge {
    static func signedBits(_ parameters: SchemeParameters) -> Int { parameters.securityBits }

    static func signed(_ transcript: inout Transcript, parameters: SchemeParameters) -> BigInt {
        transcript.challengeSigned(bits: signedBits(parameters))
    }

    static func binaryRepetitions(_ parameters: SchemeParameters) -> Int { parameters.bitChallengeRepetitions }
}

/// Integers into the curve's scalar field.
enum CurveBridge {
    /// value mod q (negative values included).
    static func scalar(_ value: BigInt) -> Scalar { Scalar(reducing: value) }
}
