import Bytes
import CGGMP
import Hashing
import Secp256k1

/// Where presignatures made ahead of time are kept: one pool per (public key, key epoch, signer
/// set). A presignature is bound to all three (`Signing` refuses it for another key, epoch or set),
/// so a pool never mixes presignatures that could not sign together.
///
/// TSS does not depend on the store; it names the pool, and a server passes ``keyID(publicKey:epoch:signers:)``
/// as the `keyID` of `ShareStore.addPresignature` / `takePresignature` / `presignatureCount`.
public enum PresignaturePool {
    /// The pool's store key ID: "presign-pool-" followed by the hex of SHA-256 over
    /// ("swift-tss/presignature-pool/v1", compressed public key, epoch, signer count, each signer),
    /// length-prefixed fields, signers sorted. 77 ASCII bytes. Never fails.
    public static func keyID(publicKey: Point, epoch: KeyEpoch, signers: [PartyID]) -> String {
        let sorted = signers.sorted()
        var input = DomainSeparatedHash(domain: DomainSeparation.presignaturePool)
        input.appendField(publicKey.compressedRepresentation)
        input.appendField(epoch.rawRepresentation)
        input.append(UInt64(sorted.count))
        for party in sorted { input.appendField(party.rawRepresentation) }
        return "presign-pool-" + input.sha256().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The pool a presignature belongs to (its public key, epoch and signers).
    public static func keyID(of slot: PresignatureSlot, signers: [PartyID]) -> String {
        keyID(publicKey: slot.publicKey, epoch: slot.epoch, signers: signers)
    }
}

/// Presigning only, for one signer of a signer set: the same set-up as ``SigningFlow`` (the BIP32
/// child key's additive share for the signers, their aux info), then CGGMP presigning under the
/// session id kind presigning(child public key, key epoch, pool index), participants = signers.
/// The output is the `PresignatureSlot` to move into the pool
/// (``PresignaturePool/keyID(publicKey:epoch:signers:)``); a later ``SigningFlow`` for the same
/// child key and signers takes it from there.
public struct PresignFlow: Flow {
    /// This server's identity.
    public let me: PartyID
    /// The signers, sorted.
    public let signers: [PartyID]
    /// Which presigning of this signer set, key and epoch this is.
    public let poolIndex: UInt64
    /// The child key's share for the signers.
    public let keyShare: AdditiveKeyShare
    /// presigning(public key, epoch, pool index), participants = signers.
    public let sessionID: SessionID
    private var engine: PhaseEngine<Void, PresignatureSlot>

    /// Starts this signer's presigning.
    /// - Parameters:
    ///   - user: the account the key belongs to, as opaque bytes (bound into the session id).
    ///   - blockNumber: the block the presigning was requested at.
    ///   - derivationPath: the non-hardened BIP32 path of the child key the presignature is for
    ///     ("m": the registered key itself).
    ///   - signers: the signer set.
    ///   - poolIndex: which presigning of this signer set, key and epoch (0, 1, …); each index
    ///     gives its own session id.
    ///   - thresholdShare: this server's key share from registration.
    ///   - auxInfo: this server's aux info from registration.
    ///   - usedSessionIDs: where this server records the session ids it ran.
    ///   - signer: this server's identity key; its identity must be among the signers.
    ///   - verifier: checks other signers' messages.
    ///   - parameters: the CGGMP scheme parameters.
    /// - Throws: ``FlowError/notAMember(_:)``, ``FlowError/sessionIDReused(_:)``, and
    ///   ``FlowError/setupFailed(phase:_:)`` as ``SigningFlow``'s initialiser.
    public init(user: [UInt8], blockNumber: UInt64, derivationPath: String = "m", signers: [PartyID], poolIndex: UInt64,
                keyShare thresholdShare: ThresholdKeyShare, auxInfo: AuxInfo, usedSessionIDs: some SessionIDRegistry,
                signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier(),
                parameters: SchemeParameters) throws(FlowError) {
        let signers = signers.sorted()
        guard signers.contains(signer.partyID) else { throw .notAMember(signer.partyID) }
        let setUp = try SignerSetUp(thresholdShare: thresholdShare, derivationPath: derivationPath, signers: signers,
                                    auxInfo: auxInfo)
        do {
            sessionID = try SessionID(kind: .presigning(publicKey: setUp.keyShare.publicKey, epoch: setUp.keyShare.epoch,
                                                        poolIndex: poolIndex),
                                      participants: signers, user: user, blockNumber: blockNumber)
        } catch {
            throw .setupFailed(phase: nil, .sessionID(error))
        }
        try usedSessionIDs.claim(sessionID)
        self.me = signer.partyID
        self.signers = signers
        self.poolIndex = poolIndex
        self.keyShare = setUp.keyShare
        let session = try setUp.presignSession(sessionID: sessionID, signer: signer, verifier: verifier, parameters: parameters)
        engine = PhaseEngine(order: [.presign],
                             routes: [MessageRoute(sessionID: sessionID.rawRepresentation, protocolTag: Presigning.protocolTag): .presign],
                             context: (), first: SessionPhase(.presign, session, parameters: parameters,
                                                 checkInputs: setUp.presigningCheckInputs) { slot, _ in .finished(slot) })
    }

    /// The store key ID of the pool this flow's presignature goes to.
    public var poolKeyID: String {
        PresignaturePool.keyID(publicKey: keyShare.publicKey, epoch: keyShare.epoch, signers: signers)
    }

    /// `.presign` until finished, then nil.
    public var phase: FlowPhase? { engine.phase }
    /// The presignature, once presigning has finished; take it with `PresignatureSlot.take()`.
    public var output: PresignatureSlot? { engine.output }
    /// The presigning session's route.
    public var routes: Set<MessageRoute> { Set(engine.routes.keys) }
    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool { engine.hasMessagesToSend }
    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool { engine.isReadyToAdvance }
    /// The parties the current phase's step still waits for.
    public var waitingFor: [PartyID] { engine.waitingFor }

    /// The presigning round's messages.
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        try engine.makeMessages(using: &generator)
    }

    /// Checks and records a presigning message.
    /// - Throws: as `Flow.receive(_:from:)`.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        try engine.receive(message, from: deliverer)
    }

    /// Finishes the current round.
    /// - Throws: as `Flow.advance(using:)`.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        try engine.advance(using: &generator)
    }
}
