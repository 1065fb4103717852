import Bytes
import CGGMP
import Hashing
import Secp256k1

/// A signing request as every signer sees it (from the chain): who asks, at which block, the
/// 32-byte hash to sign, the BIP32 path of the child key, and the t servers that sign.
public struct SigningRequest: Sendable, Hashable {
    /// The account that asks, as opaque bytes.
    public let user: [UInt8]
    /// The block the request was made at.
    public let blockNumber: UInt64
    /// The 32-byte hash to sign.
    public let prehash: Prehash
    /// A non-hardened BIP32 path such as "m/0/7"; "m" signs with the registered key itself.
    public let derivationPath: String
    /// The signers, sorted (for instance `SigningCommittee.select` or `selectAny`).
    public let signers: [PartyID]
    /// Which try of this request this is (0 first; a retry after an aborted run takes the next).
    public let attempt: UInt64
    /// Presigning, signing and the identity signatures: kind signing(messageHash, derivationPath,
    /// attempt), participants = signers. The phases share it and are told apart by their protocol tags.
    public let sessionID: SessionID

    /// A request, with its session id derived from every field.
    ///
    /// The path is not parsed here; ``SigningFlow/init(request:keyShare:auxInfo:presignature:usedSessionIDs:signer:verifier:parameters:)``
    /// refuses a hardened or malformed one.
    /// - Throws: ``FlowError/setupFailed(phase:_:)`` with ``FlowSetupError/sessionID(_:)`` for an
    ///   empty or duplicated signer list.
    public init(user: [UInt8], blockNumber: UInt64, prehash: Prehash, derivationPath: String,
                signers: [PartyID], attempt: UInt64 = 0) throws(FlowError) {
        self.user = user
        self.blockNumber = blockNumber
        self.prehash = prehash
        self.derivationPath = derivationPath
        self.signers = signers.sorted()
        self.attempt = attempt
        do {
            sessionID = try SessionID(kind: .signing(messageHash: prehash.rawRepresentation, derivationPath: derivationPath,
                                                     attempt: attempt),
                                      participants: signers, user: user, blockNumber: blockNumber)
        } catch {
            throw .setupFailed(phase: nil, .sessionID(error))
        }
    }
}

/// The flow's result on every signer: the 65-byte r‖s‖v signature (low s, v the recovery id) and
/// every signer's identity signature over it.
public struct SigningOutput: Sendable, Hashable {
    /// The request's session id.
    public let sessionID: SessionID
    /// r‖s‖v.
    public let signature: [UInt8]
    /// The child public key the signature verifies under.
    public let publicKey: Point
    /// Ed25519 over `attestedBytes(sessionID:signature:)`, for every signer.
    public let identitySignatures: [PartyID: [UInt8]]

    static let attestationContext = DomainSeparation.signatureAttestation

    /// What each signer's identity key signs: DomainSeparatedHash input ("swift-tss/signature-attestation/v1",
    /// session id, signature) — length-prefixed fields (docs/flows.md).
    public static func attestedBytes(sessionID: SessionID, signature: [UInt8]) -> [UInt8] {
        var input = DomainSeparatedHash(domain: attestationContext)
        input.appendField(sessionID.rawRepresentation)
        input.appendField(signature)
        return input.input.bytes
    }

    /// Whether `party`'s identity signature over this output verifies; false when there is none.
    public func hasValidIdentitySignature(of party: PartyID, verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> Bool {
        guard let signature = identitySignatures[party] else { return false }
        return verifier.isValidSignature(signature, of: Self.attestedBytes(sessionID: sessionID, signature: self.signature),
                                         by: party)
    }
}

/// Signing for one signer, as one pure state machine:
/// 1. derive the child key: tweak = BIP32 CKDpub(public key, chain code, path).tweak; every
///    threshold share adds the tweak, then becomes the additive share for the request's signers;
/// 2. presign among the signers (skipped when a stored presignature for the child key and signer
///    set is given);
/// 3. sign (one round), giving a signature the session has verified with libsecp256k1;
/// 4. identity signatures: each signer broadcasts its Ed25519 signature over (session id ‖ r‖s‖v)
///    and checks everyone else's against its own signature.
public struct SigningFlow: Flow {
    /// The protocol tag of the identity-signature messages.
    public static let attestationProtocolTag = DomainSeparation.signingIdentitySignature
    /// The phases, in order (presigning is skipped when a stored presignature is given).
    public static let phases: [FlowPhase] = [.presign, .sign, .identitySignatures]

    /// The request being signed.
    public let request: SigningRequest
    /// This server's identity.
    public let me: PartyID
    /// The child key's shares for the request's signers.
    public let keyShare: AdditiveKeyShare
    private var engine: PhaseEngine<PresignatureCommitments?, SigningOutput>

    /// The per-signer inputs every phase's set-up reads.
    private struct Inputs: Sendable {
        let request: SigningRequest
        let keyShare: AdditiveKeyShare
        let signer: any IdentitySigner
        let verifier: any IdentitySignatureVerifier
        let parameters: SchemeParameters
    }

    /// The chain code registered keys use: SHA-256 over ("swift-tss/bip32-chain-code/v1", the
    /// compressed public key), so that every server derives the same children without storing
    /// more than the key share. Never fails.
    public static func chainCode(for publicKey: Point) -> [UInt8] {
        var input = DomainSeparatedHash(domain: DomainSeparation.bip32ChainCode)
        input.appendField(publicKey.compressedRepresentation)
        return input.sha256()
    }

    /// Starts this signer's side: derives the child key's share, then presigns, or signs at once
    /// with a stored presignature.
    /// - Parameters:
    ///   - request: the request, as every signer sees it.
    ///   - thresholdShare: this server's key share from registration.
    ///   - auxInfo: this server's aux info from registration.
    ///   - presignature: a stored presignature for the child key and these signers, or nil to presign.
    ///     It is taken (emptied) here.
    ///   - usedSessionIDs: where this server records the session ids it ran; the request's id is
    ///     claimed there before anything else.
    ///   - signer: this server's identity key; its identity must be among the request's signers.
    ///   - verifier: checks other signers' identity signatures.
    ///   - parameters: the CGGMP scheme parameters.
    /// - Throws: ``FlowError/notAMember(_:)`` when this server is not a signer;
    ///   ``FlowError/sessionIDReused(_:)`` when it already ran the request's session id;
    ///   ``FlowError/presignatureAlreadyUsed`` for an emptied presignature slot;
    ///   ``FlowError/setupFailed(phase:_:)`` when the path is hardened or malformed
    ///   (``FlowSetupError/keyDerivation(_:)``), the shares or aux info do not cover the signers
    ///   (``FlowSetupError/keyShare(_:)``, ``FlowSetupError/signing(_:)``), or the presignature
    ///   does not fit.
    public init(request: SigningRequest, keyShare thresholdShare: ThresholdKeyShare, auxInfo: AuxInfo,
                presignature: PresignatureSlot? = nil, usedSessionIDs: some SessionIDRegistry, signer: some IdentitySigner,
                verifier: some IdentitySignatureVerifier = Ed25519Verifier(), parameters: SchemeParameters) throws(FlowError) {
        guard request.signers.contains(signer.partyID) else { throw .notAMember(signer.partyID) }
        try usedSessionIDs.claim(request.sessionID)
        self.request = request
        self.me = signer.partyID
        let setUp = try SignerSetUp(thresholdShare: thresholdShare, derivationPath: request.derivationPath,
                                    signers: request.signers, auxInfo: auxInfo)
        keyShare = setUp.keyShare
        let inputs = Inputs(request: request, keyShare: setUp.keyShare, signer: signer, verifier: verifier,
                            parameters: parameters)
        let first: any RunningPhase<PresignatureCommitments?, SigningOutput>
        var commitments: PresignatureCommitments?
        if let presignature {
            guard let taken = presignature.take() else { throw .presignatureAlreadyUsed }
            commitments = taken.commitments
            first = try Self.sign(inputs, presignature: taken)
        } else {
            let session = try setUp.presignSession(sessionID: request.sessionID, signer: signer, verifier: verifier,
                                                   parameters: parameters)
            first = SessionPhase(.presign, session, parameters: parameters, checkInputs: setUp.presigningCheckInputs) {
                slot, commitments throws(FlowError) in
                guard let taken = slot.take() else { throw .presignatureAlreadyUsed }
                commitments = taken.commitments
                return .next(try Self.sign(inputs, presignature: taken))
            }
        }
        let id = request.sessionID.rawRepresentation
        engine = PhaseEngine(order: Self.phases,
                             routes: [MessageRoute(sessionID: id, protocolTag: Presigning.protocolTag): .presign,
                                      MessageRoute(sessionID: id, protocolTag: Signing.protocolTag): .sign,
                                      MessageRoute(sessionID: id, protocolTag: Self.attestationProtocolTag): .identitySignatures],
                             context: commitments, first: first)
    }

    /// The signing round with `presignature`; its verified signature goes to the identity signatures.
    private static func sign(_ inputs: Inputs, presignature: consuming Presignature)
        throws(FlowError) -> any RunningPhase<PresignatureCommitments?, SigningOutput> {
        let commitments = presignature.commitments
        let session: Session<RecoverableSignature>
        do {
            session = try Signing.makeSession(sessionID: inputs.request.sessionID.rawRepresentation, presignature: presignature,
                                              keyShare: inputs.keyShare, prehash: inputs.request.prehash,
                                              signer: inputs.signer, verifier: inputs.verifier)
        } catch {
            throw .setupFailed(phase: .sign, .signing(error))
        }
        return SessionPhase(.sign, session, parameters: inputs.parameters,
                            checkInputs: .signing(commitments: commitments, prehash: inputs.request.prehash)) { signature, _ in
            .next(IdentitySignaturePhase(inputs: inputs, signature: signature.rawRepresentation))
        }
    }

    /// The phase this signer is in; nil once finished.
    public var phase: FlowPhase? { engine.phase }
    /// The signature and every signer's identity signature, once finished.
    public var output: SigningOutput? { engine.output }
    /// The presigning, signing and identity-signature routes (one session id, three tags).
    public var routes: Set<MessageRoute> { Set(engine.routes.keys) }
    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool { engine.hasMessagesToSend }
    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool { engine.isReadyToAdvance }
    /// The parties the current phase's step still waits for.
    public var waitingFor: [PartyID] { engine.waitingFor }

    /// The presignature's public commitments once presigning is done (for rechecking signing evidence).
    public var presignatureCommitments: PresignatureCommitments? {
        phase == .presign ? nil : engine.context
    }

    /// The current phase's messages (in the last phase: this signer's identity signature).
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
        try engine.makeMessages(using: &generator)
    }

    /// Checks and records a message; messages of later phases are kept until then.
    /// - Throws: as `Flow.receive(_:from:)`; for identity signatures,
    ///   ``FlowError/unexpectedMessage(_:)`` when one is not signed by the party that delivered it,
    ///   ``FlowError/badFlowMessage(culprit:phase:reason:message:)`` when a signer's does not cover
    ///   this session's signature or differs from its earlier one.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
        try engine.receive(message, from: deliverer)
    }

    /// Finishes the current step: presigning gives a presignature, signing a verified signature,
    /// the identity signatures the output.
    /// - Throws: as `Flow.advance(using:)`.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        try engine.advance(using: &generator)
    }

    /// The last phase: each signer broadcasts its Ed25519 signature over (session id ‖ r‖s‖v) and
    /// checks everyone else's against its own signature. Not a CGGMP session: a signer's
    /// attestation is only worth anything over the signature *it* computed.
    private struct IdentitySignaturePhase: RunningPhase {
        let inputs: Inputs
        let signature: [UInt8]
        var received: [PartyID: [UInt8]] = [:]
        var sent = false

        init(inputs: Inputs, signature: [UInt8]) {
            self.inputs = inputs
            self.signature = signature
        }

        var name: FlowPhase { .identitySignatures }
        var hasMessagesToSend: Bool { !sent }
        var isReadyToFinalize: Bool { sent && received.count == inputs.request.signers.count - 1 }
        var waitingFor: [PartyID] {
            sent ? inputs.request.signers.filter { $0 != inputs.signer.partyID && received[$0] == nil } : []
        }
        private var attested: [UInt8] { SigningOutput.attestedBytes(sessionID: inputs.request.sessionID, signature: signature) }

        mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [OutgoingMessage] {
            guard !sent else { throw .outOfOrder("nothing to send") }
            let message = SignedMessage(sessionID: inputs.request.sessionID.rawRepresentation,
                                        protocolTag: SigningFlow.attestationProtocolTag, round: 1, kind: .broadcast,
                                        recipient: nil, payload: inputs.signer.sign(attested), signer: inputs.signer)
            sent = true
            let me = inputs.signer.partyID
            return [OutgoingMessage(recipients: inputs.request.signers.filter { $0 != me }, message: message)]
        }

        mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> MessageReceipt {
            guard message.sender == deliverer, message.hasValidSignature(inputs.verifier) else {
                throw .unexpectedMessage("an identity signature not signed by the party that delivered it")
            }
            func bad(_ reason: String) -> FlowError {
                .badFlowMessage(culprit: message.sender, phase: .identitySignatures, reason: reason, message: message)
            }
            guard message.sender != inputs.signer.partyID, inputs.request.signers.contains(message.sender) else {
                throw bad("the sender is not another signer")
            }
            guard message.round == 1, message.kind == .broadcast else { throw bad("not a round-1 broadcast") }
            if let earlier = received[message.sender] {
                if earlier == message.payload { return .duplicate }
                throw bad("a second, different identity signature")
            }
            guard inputs.verifier.isValidSignature(message.payload, of: attested, by: message.sender) else {
                throw bad("the identity signature does not cover this session's signature")
            }
            received[message.sender] = message.payload
            return .accepted
        }

        mutating func finalize(context: inout PresignatureCommitments?, using generator: inout some RandomNumberGenerator)
            throws(FlowError) -> PhaseTransition<PresignatureCommitments?, SigningOutput>? {
            var signatures = received
            signatures[inputs.signer.partyID] = inputs.signer.sign(attested)
            return .finished(SigningOutput(sessionID: inputs.request.sessionID, signature: signature,
                                           publicKey: inputs.keyShare.publicKey, identitySignatures: signatures))
        }
    }
}

/// The set-up a signer set shares between ``SigningFlow`` and ``PresignFlow``: derive the child
/// key (tweak = BIP32 CKDpub(public key, chain code, path).tweak), turn the tweaked threshold
/// share into the additive share for the signers, restrict the aux info to them, and start
/// presigning.
struct SignerSetUp: Sendable {
    /// The child key's additive share for the signers.
    let keyShare: AdditiveKeyShare
    /// The aux info restricted to the signers.
    let auxInfo: SigningAuxInfo

    /// - Throws: ``FlowError/setupFailed(phase:_:)`` with ``FlowSetupError/keyDerivation(_:)``,
    ///   ``FlowSetupError/keyShare(_:)`` or ``FlowSetupError/signing(_:)``.
    init(thresholdShare: ThresholdKeyShare, derivationPath: String, signers: [PartyID],
         auxInfo: AuxInfo) throws(FlowError) {
        let tweak: Scalar
        do {
            let root = try ExtendedPublicKey(publicKey: thresholdShare.publicKey,
                                             chainCode: SigningFlow.chainCode(for: thresholdShare.publicKey))
            tweak = try root.derive(path: derivationPath).tweak
        } catch {
            throw .setupFailed(phase: nil, .keyDerivation(error))
        }
        do {
            keyShare = try thresholdShare.tweaked(by: tweak).additiveShare(signers: signers)
        } catch {
            throw .setupFailed(phase: nil, .keyShare(error))
        }
        do {
            self.auxInfo = try SigningAuxInfo(auxInfo, signers: signers)
        } catch {
            throw .setupFailed(phase: nil, .signing(error))
        }
    }

    /// What presigning's checks read (every signer's public share and aux info), for its faults'
    /// `FaultCheckContext`.
    var presigningCheckInputs: FaultCheckContext.Inputs {
        .presigning(PresigningPublicInputs(publicShares: keyShare.publicShares, publicAux: auxInfo.publicAux))
    }

    /// The presigning session under `sessionID`.
    /// - Throws: ``FlowError/setupFailed(phase:_:)`` (phase `.presign`).
    func presignSession(sessionID: SessionID, signer: some IdentitySigner, verifier: some IdentitySignatureVerifier,
                        parameters: SchemeParameters) throws(FlowError) -> Session<PresignatureSlot> {
        do {
            let session = try Presigning.makeSession(sessionID: sessionID.rawRepresentation, keyShare: keyShare,
                                                     auxInfo: auxInfo, signer: signer, verifier: verifier,
                                                     parameters: parameters)
            return session
        } catch {
            throw .setupFailed(phase: .presign, .signing(error))
        }
    }
}
