@_spi(Adversary) import CGGMP
import Paillier
import Secp256k1

/// The named misbehaviours of `tss demo --misbehave`: each is one `AdversaryAction` in one phase of
/// the demo's pipeline (KeyInit → KeyResharing → AuxGen [→ KeyRefresh] → presign → sign).
///
/// The corrupt party runs the library's honest code; the adversary rewrites its messages on the wire
/// (re-signed with its key). A value changed in an echo-broadcast therefore also contradicts the
/// culprit's own signed echo, and honest parties name it for equivocation; a value changed in a
/// plain broadcast or a direct message is named by the round's check or a complaint. Protocol-level
/// lies that also keep the culprit's own session consistent (a δ + N that it then "proves" in the
/// failure round) are exercised by the test suites (`PresigningIdentifiableAbortTests`).
public enum Misbehaviour: String, CaseIterable, Sendable {
    case badSchnorr = "bad-schnorr"
    case equivocateEcho = "equivocate-echo"
    case badReshareShare = "bad-reshare-share"
    case badRefreshShare = "bad-refresh-share"
    case equivocateMtA = "equivocate-mta"
    case rushDelta = "rush-delta"
    case deltaPlusN = "delta-plus-n"
    case equivocateS = "equivocate-s"
    case badSigma = "bad-sigma"

    /// The demo phase the misbehaviour happens in.
    public enum Phase: String, Sendable {
        case keyInit, keyResharing, keyRefresh, presign, sign
    }

    public var phase: Phase {
        switch self {
        case .badSchnorr, .equivocateEcho: .keyInit
        case .badReshareShare: .keyResharing
        case .badRefreshShare: .keyRefresh
        case .equivocateMtA, .rushDelta, .deltaPlusN, .equivocateS: .presign
        case .badSigma: .sign
        }
    }

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .badSchnorr: "KeyInit round 3: a Schnorr proof with a wrong response"
        case .equivocateEcho: "KeyInit round 1: a different commitment V to one party"
        case .badReshareShare: "KeyResharing round 1: a share off the dealer's polynomial to one holder"
        case .badRefreshShare: "KeyRefresh round 3: a wrong share change to one holder"
        case .equivocateMtA: "presign round 2: a different MtA ciphertext D to one party"
        case .rushDelta: "presign round 3: δ_i chosen after seeing the others' so that δ = 0"
        case .deltaPlusN: "presign round 3: δ_i + N_i announced"
        case .equivocateS: "presign round 3: a different S_i to one party"
        case .badSigma: "sign: a signature share σ_i off by one"
        }
    }

    /// The adversary's action. `victim` is the honest party singled out; `culpritModulus` the
    /// culprit's Paillier modulus N_i reduced mod q (δ + N is computed mod q); `victimKey` the victim's Paillier public key and
    /// `victimIndex` its position among the culprit's other signers (committee order).
    public func action(culprit: PartyID, culpritModulus: Scalar? = nil, victim: PartyID,
                       victimIndex: Int = 0, victimKey: PaillierPublicKey? = nil) -> AdversaryAction {
        switch self {
        case .badSchnorr:
            return .rewrite(round: 3, kind: .echoBroadcast, name: rawValue) { real, _, _ in
                AdversaryPayloads.keyInitProofWithWrongResponse(real.payload)
            }
        case .equivocateEcho:
            return .equivocate(round: 1, kind: .echoBroadcast)
        case .badReshareShare:
            return .rewrite(round: 1, kind: .direct, name: rawValue) { real, _, recipient in
                recipient == victim ? AdversaryPayloads.resharingShareOffByOne(real.payload) : nil
            }
        case .badRefreshShare:
            return .rewrite(round: 3, kind: .direct, name: rawValue) { real, _, recipient in
                recipient == victim ? AdversaryPayloads.refreshShareOffByOne(real.payload) : nil
            }
        case .equivocateMtA:
            return .rewrite(round: 2, kind: .echoBroadcast, name: rawValue) { real, _, recipient in
                guard recipient == victim, let victimKey else { return nil }
                return AdversaryPayloads.presignRound2WithShiftedD(real.payload, index: victimIndex, recipientKey: victimKey)
            }
        case .rushDelta:
            return .rewrite(round: 3, kind: .echoBroadcast, name: rawValue) { real, step, _ in
                // Rushing: the honest δ_j of this step are on the wire before the culprit's is delivered.
                var others = Scalar.zero
                var seen: Set<PartyID> = []
                for message in step where message.sender != culprit && message.round == 3
                    && message.kind == .echoBroadcast && seen.insert(message.sender).inserted {
                    guard let delta = AdversaryPayloads.presignRound3Delta(message.payload) else { return nil }
                    others += delta
                }
                return AdversaryPayloads.presignRound3(real.payload, delta: .zero - others)
            }
        case .deltaPlusN:
            return .rewrite(round: 3, kind: .echoBroadcast, name: rawValue) { real, _, _ in
                guard let culpritModulus, let delta = AdversaryPayloads.presignRound3Delta(real.payload) else { return nil }
                return AdversaryPayloads.presignRound3(real.payload, delta: delta + culpritModulus)
            }
        case .equivocateS:
            return .rewrite(round: 3, kind: .echoBroadcast, name: rawValue) { real, _, recipient in
                recipient == victim ? AdversaryPayloads.presignRound3(real.payload, shiftingS: true) : nil
            }
        case .badSigma:
            return .rewrite(round: 1, kind: .broadcast, name: rawValue) { real, _, _ in
                AdversaryPayloads.signatureShareOffByOne(real.payload)
            }
        }
    }
}

