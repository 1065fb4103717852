/// The sizes and repetition counts of one CGGMP parameter set (ePrint 2021/060, 2024 revision,
/// Appendix C.1; names follow the paper).
///
/// Every range check, bit-length check and repetition count in the proofs is derived from the set
/// in use, and the whole set is bound into every Fiat–Shamir transcript, so a proof made for one
/// set never verifies under another.
public struct SchemeParameters: Sendable, Hashable, CustomStringConvertible {
    /// A short name, bound into transcripts ("production112", …).
    public let name: String
    /// Bit length of each Paillier (and ring-Pedersen) prime; both top bits are set.
    public let paillierPrimeBits: Int
    /// Exact bit length of a Paillier or ring-Pedersen modulus (2 · `paillierPrimeBits`).
    public let modulusBits: Int
    /// ℓ: honest secrets lie in ±2^ℓ (at least the bit length of the curve order).
    public let ell: Int
    /// ℓ′: honest masks (the β of the presigning round) lie in ±2^ℓ′.
    public let ellPrime: Int
    /// ε: the slack of every range proof; proofs show membership in ±2^(ℓ+ε) (or ±2^(ℓ′+ε)).
    public let epsilon: Int
    /// κ: the bit length of the curve order; challenges mod q carry this many bits.
    public let securityBits: Int
    /// m for Πmod: the number of fourth-root challenges.
    public let modRepetitions: Int
    /// m for Πprm: the number of binary challenges.
    public let prmRepetitions: Int
    /// Repetitions of the binary-challenge proofs (Πaff-g*, Πdec in the identifiable-abort
    /// rounds), each with soundness error 1/2.
    public let bitChallengeRepetitions: Int
    /// κ_stat: the statistical slack of Πdec's plaintext mask (the mask of y lies in
    /// ±2^(ℓ_y + κ_stat) instead of ±2^(ℓ_y + ε)), small enough that Πdec's response bound stays
    /// below N/2 for every committee up to `maximumCommitteeSize` (see `decBoundHolds`).
    public let statisticalSlack: Int

    /// The largest committee presigning (and so Πdec) supports; larger ones are refused at set-up
    /// with `SigningSetupError.committeeTooLarge`.
    public static let maximumCommitteeSize = 1024

    /// Paillier–Blum primes of 1024 bits (N of 2048 bits), κ = ℓ = 256, ε = 512, ℓ′ = 1280,
    /// m = 112: the set the network's threshold servers run ("ProductionParams112").
    public static let production112 = SchemeParameters(
        name: "production112", paillierPrimeBits: 1024, ell: 256, securityBits: 256,
        modRepetitions: 112, prmRepetitions: 112, bitChallengeRepetitions: 256, statisticalSlack: 128)

    /// Primes of 1536 bits (N of 3072 bits, NIST's 128-bit level), κ = ℓ = 256, ε = 1024,
    /// ℓ′ = 1792, m = 128.
    public static let production128 = SchemeParameters(
        name: "production128", paillierPrimeBits: 1536, ell: 256, securityBits: 256,
        modRepetitions: 128, prmRepetitions: 128, bitChallengeRepetitions: 256, statisticalSlack: 128)

    /// **Unsafe — for unit tests only.** Primes of 512 bits (N of 1024 bits) and 8 repetitions, so
    /// proofs run in milliseconds in debug builds.
    ///
    /// ℓ stays 256 because every secret is a secp256k1 scalar and challenges mod q are 256 bits;
    /// ε = 320 keeps the proofs complete (a response α + e·x stays inside ±2^(ℓ+ε) except with
    /// probability about 2^-64) but is far below what zero knowledge needs, and ℓ′ = 576 is far
    /// below what hiding the presigning products needs. Soundness is 2^-8.
    public static let testing = SchemeParameters(
        name: "testing-UNSAFE", paillierPrimeBits: 512, ell: 256, ellPrime: 576, epsilon: 320,
        securityBits: 256, modRepetitions: 8, prmRepetitions: 8, bitChallengeRepetitions: 8,
        statisticalSlack: 64)

    /// A set with ε = primeBits − 2ℓ and ℓ′ = primeBits + ℓ (the relations synedrion's
    /// production sets satisfy: they make 2^(2ℓ+ε) = √N exactly, which Πfac assumes).
    init(name: String, paillierPrimeBits: Int, ell: Int, securityBits: Int,
         modRepetitions: Int, prmRepetitions: Int, bitChallengeRepetitions: Int, statisticalSlack: Int) {
        self.init(name: name, paillierPrimeBits: paillierPrimeBits, ell: ell,
                  ellPrime: paillierPrimeBits + ell, epsilon: paillierPrimeBits - 2 * ell,
                  securityBits: securityBits, modRepetitions: modRepetitions,
                  prmRepetitions: prmRepetitions, bitChallengeRepetitions: bitChallengeRepetitions,
                  statisticalSlack: statisticalSlack)
    }

    init(name: String, paillierPrimeBits: Int, ell: Int, ellPrime: Int, epsilon: Int,
         securityBits: Int, modRepetitions: Int, prmRepetitions: Int, bitChallengeRepetitions: Int,
         statisticalSlack: Int) {
        precondition(ell >= securityBits, "ℓ must cover the curve order")
        precondition(ellPrime >= 2 * ell, "ℓ′ ≥ 2ℓ: Πdec's plaintext bound assumes k·γ fits in ±2^ℓ′")
        precondition(statisticalSlack >= 40, "κ_stat must hide Πdec's plaintext statistically")
        precondition(epsilon > securityBits, "ε must exceed the challenge size for completeness")
        precondition(ellPrime + epsilon < 2 * paillierPrimeBits, "ℓ′ + ε must fit the Paillier plaintext space")
        precondition(modRepetitions > 0 && prmRepetitions > 0 && bitChallengeRepetitions > 0)
        self.name = name
        self.paillierPrimeBits = paillierPrimeBits
        self.modulusBits = 2 * paillierPrimeBits
        self.ell = ell
        self.ellPrime = ellPrime
        self.epsilon = epsilon
        self.securityBits = securityBits
        self.modRepetitions = modRepetitions
        self.prmRepetitions = prmRepetitions
        self.bitChallengeRepetitions = bitChallengeRepetitions
        self.statisticalSlack = statisticalSlack
        precondition(decBoundHolds(partyCount: Self.maximumCommitteeSize),
                     "Πdec's response bound must stay below N/2 for the largest supported committee")
    }

    /// Πdec's plaintext bound ℓ_y for `partyCount` parties (the bit size of the composed plaintext
    /// k·γ + Σ(α + β) of the failure rounds): ℓ′ + ε + 1 + ⌈log₂ n⌉ (derivation in docs/proofs.md).
    /// A count below 2 is treated as 1 (⌈log₂ n⌉ = 0); whether the count is usable at all is
    /// ``decBoundHolds(partyCount:)``'s question.
    public func decPlaintextBits(partyCount: Int) -> Int {
        let ceilLog2 = partyCount <= 1 ? 0 : Int.bitWidth - (partyCount - 1).leadingZeroBitCount
        return ellPrime + epsilon + 1 + ceilLog2
    }

    /// Πdec's response bound ℓ_y + κ_stat: the verifier accepts w ∈ ±2^(ℓ_y + κ_stat).
    public func decResponseBits(partyCount: Int) -> Int { decPlaintextBits(partyCount: partyCount) + statisticalSlack }

    /// Whether Πdec binds the plaintext for `partyCount` parties: two accepting responses differ by
    /// at most 2^(ℓ_y + κ_stat + 1) ≤ 2^(modulusBits − 2) < N/2, so the extracted y is the centred
    /// decryption itself and S = y·Γ cannot be proven for y + N. `false` for a count below 1 and
    /// for committees too large for the set (every built-in set holds up to
    /// ``maximumCommitteeSize``).
    public func decBoundHolds(partyCount: Int) -> Bool {
        partyCount >= 1 && decResponseBits(partyCount: partyCount) + 1 <= modulusBits - 2
    }

    /// `SchemeParameters(<name>)`.
    public var description: String { "SchemeParameters(\(name))" }
}
