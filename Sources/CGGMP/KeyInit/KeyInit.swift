import Bytes
import BigNum
import Secp256k1

/// KeyInit: distributed generation of an n-of-n additive key (ePrint 2021/060 rev. 2024, Figure 6
/// "ECDSA Key-Generation"; compare synedrion `cggmp21/key_init.rs`).
///
/// Each party i samples x_i and the Schnorr nonce τ_i, and:
/// 1. echo-broadcasts V_i = H(sid, i, ρ_i, X_i, A_i, u_i) — a hash commitment to X_i = x_i·G,
///    A_i = τ_i·G, its share ρ_i of the joint randomness and the blinding u_i;
///    (the echo step then confirms everyone saw the same V_j);
/// 2. broadcasts the decommitment (ρ_i, X_i, A_i, u_i); receivers check it against V_i;
/// 3. echo-broadcasts ψ_i = Πsch(x_i; X_i) with first message A_i and the challenge bound to
///    (sid ‖ ρ, i), ρ = ⊕_j ρ_j; receivers check ψ_j against (X_j, A_j). The echo step after it is
///    the confirmation: no party outputs before every party has echoed every proof, so a party
///    that found a bad proof (or was shown a different one) stops the others from finishing.
/// The output is x_i with every X_j; the public key is Σ_j X_j.
///
/// Every check reads only what the checked party C signed (`SignedView`): round 2 opens C's own
/// round-1 commitment; round 3 takes every V_j from C's signed round-1 echo and opens each party's
/// round-2 decommitment against it to get ρ, so an accuser cannot swap in a re-signed message of
/// its own (a new ρ) to make an honest proof "fail".
///
/// The commitment makes every X_j independent of the others (no rogue-key choice), and binding
/// the proofs to ρ, which no party controls, stops a proof from being copied from another run.
public enum KeyInit {
    /// The tag bound into every message of a KeyInit session.
    public static let protocolTag = ProtocolTag.keyInit

    /// The protocol's entry point: a session whose first round is KeyInit's round 1.
    public static func makeSession(
        sessionID: [UInt8], committee: [PartyID], signer: some IdentitySigner,
        verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters
    ) throws(SessionSetupError) -> Session<AdditiveKeyShare> {
        let publicData = try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
        let context = KeyInitContext(publicData: publicData, me: signer.partyID, parameters: parameters)
        return try Session(publicData: publicData, signer: signer, verifier: verifier,
                           firstRound: KeyInitRound1(context: context))
    }

    /// Re-runs KeyInit's checks for third-party verification of `Evidence`.
    public static func evidenceRechecker(parameters: SchemeParameters) -> some EvidenceRechecker {
        KeyInitRechecker(parameters: parameters)
    }

    /// The public data of a KeyInit session (for `Evidence.verify`).
    public static func publicData(sessionID: [UInt8], committee: [PartyID]) throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: sessionID, protocolTag: protocolTag, committee: committee)
    }
}

/// What every KeyInit round knows.
struct KeyInitContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let parameters: SchemeParameters
    /// sid: the session id bound to the protocol and committee.
    let sid: [UInt8]

    init(publicData: SessionPublicData, me: PartyID, parameters: SchemeParameters) {
        self.publicData = publicData
        self.me = me
        self.parameters = parameters
        self.sid = publicData.boundSessionID
    }
}
