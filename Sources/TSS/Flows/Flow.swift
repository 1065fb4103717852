import Bytes
import CGGMP
import Secp256k1

/// One server's side of a network flow: several CGGMP sessions run one after another as a single
/// pure state machine. Like `Session`, a flow does no I/O and holds no clock or generator: the
/// caller sends what `makeMessages` returns, delivers what arrives with `receive`, and calls
/// `advance` when `isReadyToAdvance`.
public protocol Flow: PartyMachine where Failure == FlowError {
    /// The route of every session the flow runs, declared when it starts: a message whose
    /// ``MessageRoute`` is here is for this flow (a server routes by it).
    var routes: Set<MessageRoute> { get }
}

extension Flow {
    /// The CGGMP fault of a ``FlowError/fault(_:)``; other flow errors carry none.
    public static func protocolFault(in failure: FlowError) -> ProtocolFault? {
        if case .fault(let fault) = failure { return fault.fault }
        return nil
    }
}

/// `LocalRunner` over flows: runs every server's flow in one process (tests, the CLI), with the
/// tamper and interrupt hooks.
public typealias FlowRunner<F: Flow, Generator: RandomNumberGenerator & Sendable> = LocalRunner<F, Generator>

/// The phases of the flows (docs/flows.md).
public enum FlowPhase: String, Sendable, Hashable, CaseIterable {
    /// Registration: KeyInit among the founders (a t-of-t key).
    case keyInit = "key-init"
    /// Registration: the founders echo-broadcast the t-of-t public key to every server (a
    /// `SignedAgreement` session).
    case oldKeyHandover = "old-key-handover"
    /// Registration: KeyResharing from the founders to the whole committee.
    case reshare
    /// Registration: AuxGen among the committee.
    case auxGen = "aux-gen"
    /// Signing: presigning among the signers.
    case presign
    /// Signing: the one signing round.
    case sign
    /// Signing: every signer's Ed25519 signature over the result.
    case identitySignatures = "identity-signatures"
}

/// A fault in one phase of a flow: the phase, what a third party needs to re-check it (the phase
/// session's `FaultCheckContext`: public data, parameter set and the protocol's public inputs) and
/// the fault with its evidence. The report is self-contained: ``verdict(verifier:)`` needs nothing
/// from the accuser but these bytes.
///
/// It is a `VersionedEncoding`: ``encoded`` is a versioned form for reports
/// (`EncodingHeader.flowFault`, "TSSFFR" version 2), then wire fields: the phase name,
/// `FaultCheckContext.encoded` and `ProtocolFault.encoded`, each length-prefixed; ``init(encoded:)``
/// reads it back. Version 1 (public data without the inputs, which a third party could not
/// re-check) is refused with `DecodingError.Reason.unsupportedVersion`.
public struct FlowFault: Error, Sendable, CustomStringConvertible, VersionedEncoding {
    /// `EncodingHeader.flowFault`.
    public static let encodingHeader = EncodingHeader.flowFault

    /// The phase the fault happened in.
    public let phase: FlowPhase
    /// The phase session's public data, parameter set and public inputs: what the live session
    /// checked the culprit's messages against.
    public let context: FaultCheckContext
    /// The CGGMP fault, with the culprit and the evidence.
    public let fault: ProtocolFault

    /// Lifts a session's fault to the flow, with the context the phase ran in.
    public init(phase: FlowPhase, context: FaultCheckContext, fault: ProtocolFault) {
        self.phase = phase
        self.context = context
        self.fault = fault
    }

    /// The phase session's public data (session id, protocol tag, committee).
    public var publicData: SessionPublicData { context.publicData }

    /// The party to blame.
    public var culprit: PartyID { fault.culprit }

    /// The verdict on the evidence: `FaultCheckContext.verdict(of:verifier:)` in the report's own
    /// context, the one function `tss fault verify` runs too. `.proven` when the culprit's own
    /// signed messages break the phase's rule.
    public func verdict(verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> EvidenceVerdict {
        context.verdict(of: fault, verifier: verifier)
    }

    /// The versioned encoding for reports.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.write("phase", bytes: Array(phase.rawValue.utf8))
        writer.write("context", bytes: context.encoded)
        writer.write("fault", bytes: fault.encoded)
        return writer.bytes
    }

    /// Reads a fault report.
    /// - Throws: `FaultDecodingError` for a wrong header or version (version 1 included), and
    ///   `.malformed` with a `DecodingError` naming the field (an unknown phase name, truncated or
    ///   trailing bytes; the inner context's fields are prefixed `context/`, the fault's `fault/`).
    public init(encoded bytes: [UInt8]) throws(FaultDecodingError) {
        var reader = try ReportEncoding.open(bytes, header: .flowFault)
        let phase: FlowPhase, contextBytes: [UInt8], faultBytes: [UInt8]
        do throws(DecodingError) {
            let phaseName = try reader.readString("phase")
            guard let known = FlowPhase(rawValue: phaseName) else {
                throw DecodingError(field: "phase", reason: .invalidValue("unknown phase"))
            }
            phase = known
            contextBytes = try reader.readLengthPrefixed("context")
            faultBytes = try reader.readLengthPrefixed("fault")
            try reader.finish("flow fault")
        } catch {
            throw .malformed(error)
        }
        let context = try Self.nested("context") { () throws(FaultDecodingError) in try FaultCheckContext(encoded: contextBytes) }
        let fault = try Self.nested("fault") { () throws(FaultDecodingError) in try ProtocolFault(encoded: faultBytes) }
        self.init(phase: phase, context: context, fault: fault)
    }

    /// Runs an inner decoder, prefixing its field with `field/`.
    private static func nested<T>(_ field: String,
                                  _ decode: () throws(FaultDecodingError) -> T) throws(FaultDecodingError) -> T {
        do { return try decode() } catch {
            guard case .malformed(let inner) = error else { throw error }
            throw .malformed(DecodingError(field: "\(field)/\(inner.field)", reason: inner.reason))
        }
    }

    /// The phase and the fault.
    public var description: String { "\(phase): \(fault)" }
}

/// Why a flow stopped or refused a call.
public enum FlowError: Error, Sendable, CustomStringConvertible {
    /// A party broke a phase's protocol; names it and carries verifiable evidence.
    case fault(FlowFault)
    /// A party signed a bad message outside the CGGMP sessions (a handover or identity signature);
    /// the signed message is the evidence.
    case badFlowMessage(culprit: PartyID, phase: FlowPhase, reason: String, message: SignedMessage)
    /// Parties that must agree consistently signed different values (no equivocation, which
    /// would be a ``fault(_:)``): one of them is lying, but the messages alone do not say which.
    /// Carries every sender's value and signed message (and, for a party that knows the true
    /// value, which senders contradict it: its own knowledge, not evidence).
    case disagreement(phase: FlowPhase, SignedAgreementDisagreement)
    /// A message that belongs to none of the flow's sessions (not attributable: dropped).
    case unexpectedMessage(String)
    /// A registration's threshold outside 2…n for a committee of `committeeSize` servers.
    case invalidThreshold(threshold: Int, committeeSize: Int)
    /// This party is not among the request's signers or the plan's committee.
    case notAMember(PartyID)
    /// The presignature given (or produced) for this signing was already taken: presignatures
    /// are single-use.
    case presignatureAlreadyUsed
    /// Resharing finished without a share for this party, though it is a new holder.
    case noShareFromResharing
    /// The flow, or the session of `phase` (nil: before any phase, e.g. deriving its session
    /// ids), could not be set up; carries the lower layer's typed error.
    case setupFailed(phase: FlowPhase?, FlowSetupError)
    /// A phase's session could not finish, with no one to blame (an event of negligible
    /// probability, such as a key summing to the identity).
    case aborted(phase: FlowPhase, reason: String)
    /// The signers' σ messages named different presignatures (their pools were out of step), so
    /// no one is blamed. Every presignature taken for the run is spent; a server holding a pool
    /// drops the presignatures the others no longer have (the node drains the pool).
    case differentPresignatures(phase: FlowPhase, PresignatureMismatch)
    /// The caller's `SessionIDRegistry` failed to record a claim (for a persistent registry, its
    /// store's error); not a reuse, which is `.sessionIDReused`.
    case sessionIDRegistry(any Error & Sendable)
    /// The caller drove the flow out of order (a bug in the driving code).
    case outOfOrder(String)
    /// This party already ran (or started) a session with this id; it never runs one twice.
    case sessionIDReused(SessionID)

    /// The party to blame, when one can be named.
    public var culprit: PartyID? {
        switch self {
        case .fault(let fault): fault.culprit
        case .badFlowMessage(let culprit, _, _, _): culprit
        default: nil
        }
    }

    /// A one-line explanation, naming the culprit where there is one.
    public var description: String {
        switch self {
        case .fault(let fault): "fault: \(fault)"
        case .badFlowMessage(let culprit, let phase, let reason, _): "\(phase): bad message from \(culprit): \(reason)"
        case .disagreement(let phase, let disagreement): "\(phase): \(disagreement)"
        case .unexpectedMessage(let what): "unexpected message: \(what)"
        case .invalidThreshold(let threshold, let size): "threshold \(threshold) of \(size) servers: need 2 ≤ t ≤ n"
        case .notAMember(let party): "\(party) is not a member of this flow's committee"
        case .presignatureAlreadyUsed: "the presignature was already used"
        case .noShareFromResharing: "resharing gave no share to a new holder"
        case .setupFailed(let phase?, let error): "set-up of \(phase): \(error)"
        case .setupFailed(nil, let error): "set-up: \(error)"
        case .aborted(let phase, let reason): "\(phase) aborted: \(reason)"
        case .differentPresignatures(let phase, let mismatch): "\(phase): signers used different presignatures: \(mismatch)"
        case .sessionIDRegistry(let error): "session id registry: \(error)"
        case .outOfOrder(let what): "flow used out of order: \(what)"
        case .sessionIDReused(let id): "\(id) was already used by this party"
        }
    }
}

/// Why a flow or one of its phases could not be set up: the typed error of the layer below.
/// None of these carries secret material (they name parties, counts and checks).
public enum FlowSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Deriving a session id (participants, message hash).
    case sessionID(SessionIDError)
    /// Choosing a committee.
    case committee(CommitteeError)
    /// BIP32 derivation of the signing key.
    case keyDerivation(BIP32Error)
    /// Tweaking, converting or checking a key share.
    case keyShare(KeyShareError)
    /// Presigning or signing (aux info for the signers, the sessions).
    case signing(SigningSetupError)
    /// KeyInit's session.
    case keyInit(SessionSetupError)
    /// KeyResharing's configuration or session.
    case keyResharing(KeyResharingSetupError)
    /// AuxGen's session.
    case auxGen(AuxGenSetupError)
    /// A signed agreement's configuration or session (the old-key handover).
    case signedAgreement(SignedAgreementSetupError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .sessionID(let error): "session id: \(error)"
        case .committee(let error): "committee: \(error)"
        case .keyDerivation(let error): "key derivation: \(error)"
        case .keyShare(let error): "key share: \(error)"
        case .signing(let error): "signing: \(error)"
        case .keyInit(let error): "KeyInit: \(error)"
        case .keyResharing(let error): "KeyResharing: \(error)"
        case .auxGen(let error): "AuxGen: \(error)"
        case .signedAgreement(let error): "signed agreement: \(error)"
        }
    }
}
