// Every domain-separation string, protocol tag and encoding header of swift-tss, in this one file,
// so that a collision between two of them is reviewable in one place (IdentifierTests checks that
// the strings are distinct and that no magic is a prefix of another). A new hash input, protocol
// or stored type adds its line here, never a literal at the use site.

/// Domain-separation strings: the first, length-prefixed input of every hash, commitment, key
/// derivation and signature this library computes, so that no two uses can share an input.
public enum DomainSeparation {
    // CGGMP (layer 3)
    /// Every Fiat–Shamir transcript (`Transcript`).
    public static let fiatShamirTranscript = "swift-tss/CGGMP/Fiat-Shamir/v1"
    /// What a party's identity key signs for each protocol message.
    public static let signedMessage = "swift-tss/CGGMP/signed-message/v1"
    /// A protocol run's derived session id (from the caller's id, tag, parties).
    public static let protocolSessionID = "swift-tss/CGGMP/session-id/v1"
    /// KeyInit round-1 commitment V_i.
    public static let keyInitCommitment = "swift-tss/CGGMP/KeyInit/commitment/v1"
    /// AuxGen round-1 commitment V_i.
    public static let auxGenCommitment = "swift-tss/CGGMP/AuxGen/commitment/v1"
    /// KeyRefresh round-1 commitment V_i.
    public static let keyRefreshCommitment = "swift-tss/CGGMP/KeyRefresh/commitment/v1"
    /// KeyRefresh round-4 confirmation.
    public static let keyRefreshConfirmation = "swift-tss/CGGMP/KeyRefresh/confirmation/v1"
    /// KeyRefresh one-time pad over a share sent to one party.
    public static let keyRefreshPad = "swift-tss/CGGMP/KeyRefresh/pad/v1"
    /// AuxGen/KeyRefresh round-3 digest of the Πmod proofs (the echo barrier).
    public static let modulusProofDigest = "swift-tss/CGGMP/aux/mod-proof-digest/v1"
    /// KeyResharing configuration (old and new holders, thresholds).
    public static let keyResharingConfiguration = "swift-tss/CGGMP/KeyResharing/configuration/v1"
    /// KeyResharing output confirmation.
    public static let keyResharingOutput = "swift-tss/CGGMP/KeyResharing/output/v1"
    /// A party's Shamir evaluation point.
    public static let evaluationPoint = "swift-tss/CGGMP/evaluation-point/v1"
    /// Presigning's epoch-bound presignature id.
    public static let presignatureID = "swift-tss/CGGMP/presign/epid/v1"
    /// A finished presignature's public identifier: the presigning session and every commitment a
    /// signature share is checked against (`PresignatureCommitments.id`), named in each σ message.
    public static let presignatureCommitments = "swift-tss/CGGMP/presignature-commitments/v1"
    /// A signed agreement's session id: the caller's id bound to the configuration's encoding, so
    /// every message signs the configuration.
    public static let signedAgreementSessionID = "swift-tss/CGGMP/SignedAgreement/session-id/v1"
    /// A key share's epoch (threshold, holders, public shares).
    public static let keyEpoch = "swift-tss/key-epoch/v1"
    /// The digest of the messages a session journal made.
    public static let journalMadeMessages = "swift-tss/CGGMP/journal/made-messages/v1"

    // TSS (layer 4)
    /// The digest of the messages a flow journal's flow made.
    public static let flowJournalMadeMessages = "swift-tss/flow-journal/made-messages/v1"
    /// The network's session ids.
    public static let sessionID = "swift-tss/session-id/v2"
    /// Committee selection within a group.
    public static let committeeGroupMember = "swift-tss/committee/group-member/v1"
    /// Committee selection of any t of n.
    public static let committeeAnyTOfN = "swift-tss/committee/any-t-of-n/v1"
    /// What each signer's identity key signs over a finished signature.
    public static let signatureAttestation = "swift-tss/signature-attestation/v1"
    /// The identity signature of a signing request.
    public static let signingIdentitySignature = "swift-tss/Signing/identity-signature/v1"
    /// The BIP32 chain code derived from the group key.
    public static let bip32ChainCode = "swift-tss/bip32-chain-code/v1"
    /// The store key ID of a presignature pool (public key, key epoch, signer set).
    public static let presignaturePool = "swift-tss/presignature-pool/v1"
    /// HPKE `info` of every envelope.
    public static let envelopeHPKEInfo = "swift-tss/envelope/v1"
    /// What an envelope's sender signs.
    public static let envelopeSignature = "swift-tss/envelope/v1/signature"
    /// The peer channel's subscribe message signature.
    public static let peerChannelSubscribe = "swift-tss/peer-channel/subscribe/v1"

    // TSSStore (layer 4)
    /// The store header's check tag input.
    public static let storeHeader = "swift-tss/store/header/v1"
    /// Every sealed record's associated data.
    public static let storeRecord = "swift-tss/store/record/v1"
    /// libsodium `crypto_kdf` context of the store's subkeys (exactly 8 bytes, libsodium's rule).
    public static let storeSubkeyContext = "tssstore"
}

/// Protocol tags: which protocol (and which version of its message flow) a session runs. Bound
/// into every session id, so messages of one protocol are never accepted by another.
public enum ProtocolTag {
    /// Key generation: a fresh threshold key.
    public static let keyInit = "CGGMP24/KeyInit/v2"
    /// Key resharing: the same key to a new set of holders or a new threshold.
    public static let keyResharing = "CGGMP24/KeyResharing/v2"
    /// Auxiliary-information generation: Paillier keys and ring-Pedersen parameters.
    public static let auxGen = "CGGMP24/AuxGen/v1"
    /// Key refresh: new shares of the same key and new auxiliary information.
    public static let keyRefresh = "CGGMP24/KeyRefresh/v1"
    /// Presigning (three rounds): a presignature for one later signature.
    public static let presign = "CGGMP24/Presign/v2"
    /// Non-interactive signing from a presignature (v2: each σ message names its presignature).
    public static let sign = "CGGMP24/Sign/v2"
    /// Presigning and signing in one run.
    public static let interactiveSign = "CGGMP24/InteractiveSign/v2"
    /// Signed agreement: senders echo-broadcast a value every committee member must hold alike
    /// (the registration's old-key handover is one; the session id separates uses). v2: messages
    /// are signed under a session id derived from the caller's and the configuration.
    public static let signedAgreement = "swift-tss/CGGMP/SignedAgreement/v2"
    /// The network's server-to-server Noise protocol.
    public static let peerChannelNoise = "Noise_XK_25519_ChaChaPoly_BLAKE2s"
    /// The peer channel's Noise prologue (fixed by the network).
    public static let peerChannelPrologue = "Entropy signing protocol"
}

/// Proof tags: the first item of every Fiat–Shamir transcript after its domain, so that a
/// challenge of one proof type is never valid for another.
public enum ProofTag {
    /// Πmod: N is a Paillier–Blum modulus (`ModulusProof`).
    public static let modulus = "Πmod"
    /// Πprm: well-formed ring-Pedersen parameters (`RingPedersenProof`).
    public static let ringPedersen = "Πprm"
    /// Πfac: N has no small factor (`NoSmallFactorProof`).
    public static let noSmallFactor = "Πfac"
    /// Πsch: Schnorr proof of knowledge (`SchnorrProof`).
    public static let schnorr = "Πsch"
    /// Πelog: discrete log of an ElGamal plaintext (`ElogProof`).
    public static let elog = "Πelog"
    /// Πenc-elg: Paillier encryption in range with an ElGamal commitment.
    public static let encElg = "Πenc-elg"
    /// Πaff-g: Paillier affine operation with group commitment in range.
    public static let affG = "Πaff-g"
    /// Πaff-g*: setup-less affine operation.
    public static let affGStar = "Πaff-g*"
    /// Πmul: Paillier multiplication.
    public static let mul = "Πmul"
    /// Πmul*: multiplication, Paillier vs group.
    public static let mulStar = "Πmul*"
    /// Πdec: decryption in the exponent.
    public static let dec = "Πdec"
}

extension EncodingHeader {
    // CGGMP (layer 3)
    /// A signed protocol message: a version byte only (the peer channel fixes the type).
    public static let signedMessage = EncodingHeader(name: "signed message", magic: [], version: 1)
    /// A proof, statement or round payload (`WireCodable`): a version byte only (the message
    /// that carries it fixes its type).
    public static let protocolPayload = EncodingHeader(name: "protocol payload", magic: [], version: 1)
    /// Aux info (Paillier key, ring-Pedersen parameters of every party).
    public static let auxInfo = EncodingHeader(name: "aux info", magic: Array("TSSAUX".utf8), version: 1)
    /// A threshold public key.
    public static let thresholdPublicKey = EncodingHeader(name: "threshold public key", magic: Array("TSSTPK".utf8), version: 1)
    /// A threshold key share.
    public static let keyShare = EncodingHeader(name: "key share", magic: Array("TSSKEY".utf8), version: 1)
    /// A presignature.
    public static let presignature = EncodingHeader(name: "presignature", magic: Array("TSSPRE".utf8), version: 3)
    /// A protocol fault report.
    public static let protocolFault = EncodingHeader(name: "protocol fault", magic: Array("TSSFLT".utf8), version: 2)
    /// The public data a third party needs to recheck a fault.
    public static let faultCheckContext = EncodingHeader(name: "fault check context", magic: Array("TSSFCX".utf8), version: 2)
    /// A session journal.
    public static let sessionJournal = EncodingHeader(name: "session journal", magic: Array("TSSJNL".utf8), version: 2)

    // TSS (layer 4)
    /// A flow journal (a registration, presigning or signing flow, for crash recovery).
    public static let flowJournal = EncodingHeader(name: "flow journal", magic: Array("TSSFJN".utf8), version: 1)
    /// A dealer registration payload.
    public static let dealerRegistration = EncodingHeader(name: "dealer registration", magic: Array("TSSREG".utf8), version: 1)
    /// A flow fault report (version 2 carries the phase's `FaultCheckContext`; version 1 is refused).
    public static let flowFault = EncodingHeader(name: "flow fault", magic: Array("TSSFFR".utf8), version: 2)
    /// The peer channel's subscribe payload: a version byte only (the handshake fixes the type).
    public static let subscribeMessage = EncodingHeader(name: "subscribe message", magic: [], version: 1)

    // Paillier (layer 2): one-byte tags, the encodings being embedded in larger ones.
    /// A Paillier public key.
    public static let paillierPublicKey = EncodingHeader(name: "Paillier public key", magic: [0x50], version: 1)
    /// A Paillier ciphertext.
    public static let paillierCiphertext = EncodingHeader(name: "Paillier ciphertext", magic: [0x43], version: 1)
    /// Ring-Pedersen parameters.
    public static let ringPedersen = EncodingHeader(name: "ring-Pedersen parameters", magic: [0x52], version: 1)
}
