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

    /// The request being signed.
    public let request: SigningRequest
    /// This server's identity.
    public let me: PartyID
    /// The child key's shares for the request's signers.
    public let keyShare: AdditiveKeyShare
    private let auxInfo: SigningAuxInfo
    private let signer: any IdentitySigner
    private let verifier: any IdentitySignatureVerifier
    private let parameters: SchemeParameters
    private var step: Step
    private var later: [(message: SignedMessage, deliverer: PartyID)] = []

    private enum Step: Sendable {
        case presign(PhaseSession<PresignatureSlot>)
        case sign(PhaseSession<RecoverableSignature>, PresignatureCommitments)
        case attest(signature: [UInt8], received: [PartyID: [UInt8]], sent: Bool)
        case finished(SigningOutput)
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
        self.signer = signer
        self.verifier = verifier
        self.parameters = parameters
        let setUp = try SignerSetUp(thresholdShare: thresholdShare, derivationPath: request.derivationPath,
                                    signers: request.signers, auxInfo: auxInfo)
        keyShare = setUp.keyShare
        self.auxInfo = setUp.auxInfo
        if let presignature {
            guard let taken = presignature.take() else { throw .presignatureAlreadyUsed }
            step = try Self.signStep(request: request, presignature: taken, keyShare: keyShare, signer: signer, verifier: verifier)
        } else {
            step = .presign(try setUp.presignPhase(sessionID: request.sessionID, signer: signer, verifier: verifier,
                                                   parameters: parameters))
        }
    }

    private static func signStep(request: SigningRequest, presignature: consuming Presignature, keyShare: AdditiveKeyShare,
                                 signer: some IdentitySigner, verifier: some IdentitySignatureVerifier) throws(FlowError) -> Step {
        let commitments = presignature.commitments
        do {
            let session = try Signing.makeSession(sessionID: request.sessionID.rawRepresentation, presignature: presignature,
                                                  keyShare: keyShare, prehash: request.prehash, signer: signer,
                                                  verifier: verifier)
            return .sign(PhaseSession(phase: .sign, session: session), commitments)
        } catch {
            throw .setupFailed(phase: .sign, .signing(error))
        }
    }

    /// The phase this signer is in; nil once finished.
    public var phase: FlowPhase? {
        switch step {
        case .presign: .presign
        case .sign: .sign
        case .attest: .identitySignatures
        case .finished: nil
        }
    }

    /// The signature and every signer's identity signature, once finished.
    public var output: SigningOutput? {
        if case .finished(let output) = step { return output }
        return nil
    }

    /// Whether ``makeMessages(using:)`` has something to send.
    public var hasMessagesToSend: Bool {
        switch step {
        case .presign(let phase): phase.session.hasMessagesToSend
        case .sign(let phase, _): phase.session.hasMessagesToSend
        case .attest(_, _, let sent): !sent
        case .finished: false
        }
    }

    /// Whether ``advance(using:)`` may be called.
    public var isReadyToAdvance: Bool {
        switch step {
        case .presign(let phase): phase.session.isReadyToFinalize
        case .sign(let phase, _): phase.session.isReadyToFinalize
        case .attest(_, let received, let sent): sent && received.count == request.signers.count - 1
        case .finished: false
        }
    }

    /// The presignature's public commitments once presigning is done (for rechecking signing evidence).
    public var presignatureCommitments: PresignatureCommitments? {
        if case .sign(_, let commitments) = step { return commitments }
        return nil
    }

    /// The current phase's messages (in the last phase: this signer's identity signature).
    /// - Throws: as `Flow.makeMessages(using:)`.
    public mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(FlowError) -> [FlowMessage] {
        switch step {
        case .presign(var phase):
            defer { step = .presign(phase) }
            return try phase.makeMessages(using: &generator)
        case .sign(var phase, let commitments):
            defer { step = .sign(phase, commitments) }
            return try phase.makeMessages(using: &generator)
        case .attest(let signature, let received, false):
            let attestation = signer.sign(SigningOutput.attestedBytes(sessionID: request.sessionID, signature: signature))
            let message = SignedMessage(sessionID: request.sessionID.rawRepresentation, protocolTag: Self.attestationProtocolTag, round: 1,
                                        kind: .broadcast, recipient: nil, payload: attestation, signer: signer)
            step = .attest(signature: signature, received: received, sent: true)
            return [FlowMessage(recipients: request.signers.filter { $0 != me }, message: message)]
        case .attest, .finished:
            throw .outOfOrder("nothing to send")
        }
    }

    /// Checks and records a message; messages of later phases are kept until then.
    /// - Throws: as `Flow.receive(_:from:)`; for identity signatures,
    ///   ``FlowError/unexpectedMessage(_:)`` when one is not signed by the party that delivered it,
    ///   ``FlowError/badFlowMessage(culprit:phase:reason:message:)`` when a signer's does not cover
    ///   this session's signature or differs from its earlier one.
    public mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(FlowError) -> FlowReceipt {
        guard message.sessionID == request.sessionID.rawRepresentation, let target = Self.phase(ofTag: message.protocolTag) else {
            throw .unexpectedMessage("\(message) belongs to none of this signing's sessions")
        }
        let current = phase.flatMap { Self.order.firstIndex(of: $0) } ?? Self.order.count
        let index = Self.order.firstIndex(of: target)!
        if index < current { return .ignored }
        if index > current {
            later.append((message, deliverer))
            return .deferred
        }
        switch step {
        case .presign(var phase):
            defer { step = .presign(phase) }
            return try phase.receive(message, from: deliverer)
        case .sign(var phase, let commitments):
            defer { step = .sign(phase, commitments) }
            return try phase.receive(message, from: deliverer)
        case .attest(let signature, var received, let sent):
            guard message.sender == deliverer, message.hasValidSignature(verifier) else {
                throw .unexpectedMessage("an identity signature not signed by the party that delivered it")
            }
            func bad(_ reason: String) -> FlowError {
                .badFlowMessage(culprit: message.sender, phase: .identitySignatures, reason: reason, message: message)
            }
            guard message.sender != me, request.signers.contains(message.sender) else { throw bad("the sender is not another signer") }
            guard message.round == 1, message.kind == .broadcast else { throw bad("not a round-1 broadcast") }
            if let earlier = received[message.sender] {
                if earlier == message.payload { return .ignored }
                throw bad("a second, different identity signature")
            }
            guard verifier.isValidSignature(message.payload, of: SigningOutput.attestedBytes(sessionID: request.sessionID,
                                                                                             signature: signature),
                                            by: message.sender) else {
                throw bad("the identity signature does not cover this session's signature")
            }
            received[message.sender] = message.payload
            step = .attest(signature: signature, received: received, sent: sent)
            return .accepted
        case .finished:
            return .ignored
        }
    }

    /// Finishes the current step: presigning gives a presignature, signing a verified signature,
    /// the identity signatures the output.
    /// - Throws: as `Flow.advance(using:)`.
    public mutating func advance(using generator: inout some RandomNumberGenerator) throws(FlowError) {
        switch step {
        case .presign(var phase):
            guard let slot = try phase.finalize(using: &generator) else { step = .presign(phase); return }
            guard let presignature = slot.take() else { throw .presignatureAlreadyUsed }
            step = try Self.signStep(request: request, presignature: presignature, keyShare: keyShare, signer: signer,
                                     verifier: verifier)
            try deliverLater()
        case .sign(var phase, let commitments):
            guard let signature = try phase.finalize(using: &generator) else { step = .sign(phase, commitments); return }
            step = .attest(signature: signature.rawRepresentation, received: [:], sent: false)
            try deliverLater()
        case .attest(let signature, var received, true) where received.count == request.signers.count - 1:
            received[me] = signer.sign(SigningOutput.attestedBytes(sessionID: request.sessionID, signature: signature))
            step = .finished(SigningOutput(sessionID: request.sessionID, signature: signature, publicKey: keyShare.publicKey,
                                           identitySignatures: received))
        case .attest, .finished:
            throw .outOfOrder("nothing to advance")
        }
    }

    private static let order: [FlowPhase] = [.presign, .sign, .identitySignatures]

    private static func phase(ofTag tag: String) -> FlowPhase? {
        switch tag {
        case Presigning.protocolTag: .presign
        case Signing.protocolTag: .sign
        case attestationProtocolTag: .identitySignatures
        default: nil
        }
    }

    private mutating func deliverLater() throws(FlowError) {
        let pending = later
        later = []
        for item in pending { _ = try receive(item.message, from: item.deliverer) }
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

    /// The presigning phase under `sessionID`.
    /// - Throws: ``FlowError/setupFailed(phase:_:)`` (phase `.presign`).
    func presignPhase(sessionID: SessionID, signer: some IdentitySigner, verifier: some IdentitySignatureVerifier,
                      parameters: SchemeParameters) throws(FlowError) -> PhaseSession<PresignatureSlot> {
        do {
            let session = try Presigning.makeSession(sessionID: sessionID.rawRepresentation, keyShare: keyShare,
                                                     auxInfo: auxInfo, signer: signer, verifier: verifier,
                                                     parameters: parameters)
            return PhaseSession(phase: .presign, session: session)
        } catch {
            throw .setupFailed(phase: .presign, .signing(error))
        }
    }
}
