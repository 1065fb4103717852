import Bytes
import BigNum
import Hashing
import Secp256k1

/// Who is proving, in which session. Both are bound into every challenge, so a proof cannot be
/// replayed in another session or claimed by another party.
///
/// The protocols build it themselves (session identifier plus the round's randomness, prover's
/// ``PartyID`` bytes); a proof verified under any other context fails with
/// ``ProofError/equationFailed(_:)``.
public struct ProofContext: Sendable, Hashable {
    /// The protocol session's identifier (already including whatever the protocol binds, such as
    /// the block number and the participant list).
    public let sessionID: [UInt8]
    /// The prover's party identifier.
    public let proverID: [UInt8]

    /// A context from its two byte strings. Any bytes are accepted (empty ones too); each is
    /// length-prefixed when absorbed, so no two different pairs bind alike.
    public init(sessionID: [UInt8], proverID: [UInt8]) {
        self.sessionID = sessionID
        self.proverID = proverID
    }
}

/// The Fiat–Shamir transcript of one proof: a SHAKE256 sponge that absorbs the proof's tag, the
/// context, the parameter set, the statement and the prover's first message, then yields every
/// challenge from one continuing output stream.
///
/// Encoding: each absorbed item is `kind ‖ len32(label) ‖ label ‖ len32(value) ‖ value`, so no two
/// different sequences of items are absorbed alike (the TSSHOCK α-shuffle needs a collision between
/// two concatenations; length-prefixing leaves none). Challenges are read from the same XOF stream
/// one after another, so repeated challenges within a proof are independent (never a re-hash of
/// the same input, which once gave multi-party-sig 80 equal Πmod challenges).
///
/// Drawing the first challenge ends absorbing; appending afterwards is a programming error.
struct Transcript: Sendable {
    private var sponge = SHAKE256()
    private var isSqueezing = false

    /// The domain of every transcript this library makes.
    static let domain = DomainSeparation.fiatShamirTranscript

    private enum Kind: UInt8 {
        case domain = 0, bytes = 1, integer = 2, point = 3, scalar = 4, encoded = 5, count = 6
    }

    /// A transcript bound to the proof `tag` (e.g. "Πmod"), the session and prover, and the
    /// parameter set (every size it fixes).
    init(proof tag: String, context: ProofContext, parameters: SchemeParameters) {
        absorb(.domain, "domain", Array(Self.domain.utf8))
        append("proof", Array(tag.utf8))
        append("session-id", context.sessionID)
        append("prover-id", context.proverID)
        append("parameters", Array(parameters.name.utf8))
        for (label, value) in [
            ("prime-bits", parameters.paillierPrimeBits), ("modulus-bits", parameters.modulusBits),
            ("ell", parameters.ell), ("ell-prime", parameters.ellPrime),
            ("epsilon", parameters.epsilon), ("kappa", parameters.securityBits),
            ("mod-repetitions", parameters.modRepetitions), ("prm-repetitions", parameters.prmRepetitions),
            ("bit-challenge-repetitions", parameters.bitChallengeRepetitions),
        ] {
            append(label, BigInt(value))
        }
    }

    // MARK: Absorbing

    /// Absorbs a byte string.
    mutating func append(_ label: String, _ bytes: [UInt8]) {
        absorb(.bytes, label, bytes)
    }

    /// Absorbs an integer of any sign: a sign byte, then its minimal big-endian magnitude.
    mutating func append(_ label: String, _ integer: BigInt) {
        absorb(.integer, label, [integer.isNegative ? 1 : 0] + integer.magnitudeBytes())
    }

    /// Absorbs a scalar as its 32-byte big-endian encoding.
    mutating func append(_ label: String, _ scalar: Scalar) {
        absorb(.scalar, label, scalar.rawRepresentation)
    }

    /// Absorbs a point's encoding under the point kind (see `append(_:_: Point)`).
    mutating func append(pointLabel label: String, _ encoding: [UInt8]) {
        absorb(.point, label, encoding)
    }

    /// Absorbs a value's canonical field encoding (statements, first messages).
    mutating func append(_ label: String, _ value: some WireCodable) {
        absorb(.encoded, label, value.fieldEncoding)
    }

    /// Absorbs a count (for example the number of repetitions that follow).
    mutating func append(_ label: String, count: Int) {
        absorb(.count, label, BigInt(count).magnitudeBytes())
    }

    private mutating func absorb(_ kind: Kind, _ label: String, _ value: [UInt8]) {
        precondition(!isSqueezing, "Transcript: nothing may be appended after a challenge is drawn")
        let labelBytes = Array(label.utf8)
        sponge.update([kind.rawValue])
        sponge.update(Self.lengthPrefix(labelBytes.count))
        sponge.update(labelBytes)
        sponge.update(Self.lengthPrefix(value.count))
        sponge.update(value)
    }

    private static func lengthPrefix(_ count: Int) -> [UInt8] {
        precondition(count <= Int(UInt32.max))
        return [UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
    }

    // MARK: Challenges

    /// The next `count` bytes of the challenge stream.
    mutating func challengeBytes(_ count: Int) -> [UInt8] {
        isSqueezing = true
        return sponge.squeeze(count)
    }

    /// Uniform in [0, bound) by rejection sampling: draws just enough bits for bound − 1 and
    /// redraws when the value is too large (no modulo bias).
    mutating func challenge(below bound: BigInt) -> BigInt {
        precondition(bound.signum > 0, "Transcript: challenge bound must be positive")
        let bits = (bound - .one).bitLength
        if bits == 0 {
            isSqueezing = true
            return .zero
        }
        let byteCount = (bits + 7) / 8
        let topMask = UInt8(truncatingIfNeeded: 0xFF >> (byteCount * 8 - bits))
        while true {
            var bytes = challengeBytes(byteCount)
            bytes[0] &= topMask
            let candidate = BigInt(magnitudeBytes: bytes)
            if candidate < bound { return candidate }
        }
    }

    /// Uniform in [−2^bits, 2^bits] (the paper's ±2^ℓ challenge ranges).
    mutating func challengeSigned(bits: Int) -> BigInt {
        let half = BigInt.powerOfTwo(bits)
        return challenge(below: (half << 1) + .one) - half
    }

    /// Uniform in Z*_N: redraws zero and values sharing a factor with N (which an honest N makes
    /// negligibly rare). Prover and verifier draw the same sequence.
    mutating func challengeUnit(modulo modulus: BigInt) -> BigInt {
        precondition(modulus > .one, "Transcript: unit challenge needs a modulus > 1")
        while true {
            let candidate = challenge(below: modulus)
            if !candidate.isZero, candidate.gcdVariableTime(modulus) == .one { return candidate }
        }
    }

    /// Uniform mod q, the secp256k1 group order, by rejection of 256-bit draws ≥ q (about 2^-128
    /// of them), so there is no bias.
    mutating func challengeScalar() -> Scalar {
        while true {
            if let scalar = try? Scalar(rawRepresentation: challengeBytes(32)) { return scalar }
        }
    }

    /// `count` independent uniform bits.
    mutating func challengeBits(_ count: Int) -> [Bool] {
        precondition(count >= 0)
        let bytes = challengeBytes((count + 7) / 8)
        return (0..<count).map { bytes[$0 / 8] >> ($0 % 8) & 1 == 1 }
    }
}
