import Bytes
import Hashing

/// Signed agreement: a set of *senders* each echo-broadcasts a value (an opaque byte string) that
/// every *receiver* (the session's committee, senders included) must end up holding alike — for
/// instance the registration's old-key handover, where the founders hand the t-of-t public key
/// from KeyInit to the whole committee.
///
/// Every message is signed under a session id derived from the caller's and the configuration
/// (``derivedSessionID(sessionID:configuration:)``), so the parties' signatures cover the
/// configuration a third party re-checks evidence with.
///
/// One round, followed by the echo step:
/// 1. every sender echo-broadcasts its value; every other receiver echo-broadcasts an empty
///    payload (the session's rounds are committee-wide);
/// 2. the echo step makes every receiver's view of every sender's value the same: a sender that
///    signed two different values for two receivers is named with `.equivocation`, the two signed
///    messages being the (proven) evidence, exactly as in every other echo-broadcast round.
///
/// Each receiver checks each sender's value with the configuration's `SignedAgreementValidity` (a
/// pure function of public data), so a sender of an invalid value is named with its own signed
/// message as evidence (`invalid-value`, `malformed-value`; a non-sender with a non-empty payload:
/// `unexpected-value`).
///
/// Output (`SignedAgreementOutcome`): `.agreed(value)` when every sender's value is the same (and
/// equal to the reference, if one was given), else `.disagreed`, with every sender's value. Senders
/// that *consistently* signed different values did not equivocate: a receiver that is not a sender
/// cannot tell which of them lies, so the disagreement names no one. A party that knows the true
/// value (a sender knows its own; another party may pass a `reference`) learns which senders
/// contradict it (`SignedAgreementDisagreement.contradictingReference`) — its own knowledge, not
/// evidence a third party can check (docs/protocols.md, "Signed agreement").
public enum SignedAgreement {
    /// The tag bound into every message of a signed-agreement session (the session id separates uses).
    public static let protocolTag = ProtocolTag.signedAgreement

    /// The protocol's entry point.
    /// - Parameters:
    ///   - sessionID: the caller's session id (unique per use).
    ///   - configuration: senders, receivers and the validity check, the same on every party.
    ///   - value: this party's value if it is a sender (it must pass the validity check); nil otherwise.
    ///   - reference: a value this party knows to be the true one (optional; a sender's own value
    ///     is its reference when nil).
    ///   - signer: this party's identity key; it must be a receiver.
    ///   - verifier: checks the other parties' identity signatures.
    /// - Throws: `SignedAgreementSetupError`.
    public static func makeSession(
        sessionID: [UInt8], configuration: SignedAgreementConfiguration, value: [UInt8]?, reference: [UInt8]? = nil,
        signer: some IdentitySigner, verifier: some IdentitySignatureVerifier = Ed25519Verifier()
    ) throws(SignedAgreementSetupError) -> Session<SignedAgreementOutcome> {
        let me = signer.partyID
        if configuration.senders.contains(me) {
            guard let value else { throw .valueRequired }
            if let problem = configuration.validity.problem(with: value) { throw .invalidOwnValue(problem) }
        } else if value != nil {
            throw .notASender
        }
        do {
            let publicData = try publicData(sessionID: sessionID, configuration: configuration)
            let context = SignedAgreementContext(publicData: publicData, me: me, configuration: configuration,
                                                 value: value, reference: reference ?? value)
            return try Session(publicData: publicData, signer: signer, verifier: verifier,
                               firstRound: SignedAgreementRound1(context: context))
        } catch {
            throw .session(error)
        }
    }

    /// Re-runs the round's check for third-party verification of `Evidence` (equivocation needs no
    /// rechecker; an invalid value does), for a session under the caller's `sessionID` and
    /// `configuration`. Evidence whose public data is not ``publicData(sessionID:configuration:)``
    /// of these two is not judged (`incomplete-view`: not proven): the messages signed another
    /// configuration, so a third party's own (say, stricter) configuration convicts no one.
    public static func evidenceRechecker(sessionID: [UInt8], configuration: SignedAgreementConfiguration) -> some EvidenceRechecker {
        SignedAgreementRechecker(derivedSessionID: derivedSessionID(sessionID: sessionID, configuration: configuration),
                                 configuration: configuration)
    }

    /// The public data of a signed-agreement session (for `Evidence.verify`): the committee is the
    /// receivers, and the session id is ``derivedSessionID(sessionID:configuration:)`` — the one
    /// every message is signed under.
    /// - Throws: ``SessionSetupError`` for fewer than two receivers.
    public static func publicData(sessionID: [UInt8], configuration: SignedAgreementConfiguration)
        throws(SessionSetupError) -> SessionPublicData {
        try SessionPublicData(sessionID: derivedSessionID(sessionID: sessionID, configuration: configuration),
                              protocolTag: protocolTag, committee: configuration.receivers)
    }

    /// The session id every message of a session under the caller's `sessionID` and
    /// `configuration` carries and is signed under: SHA-256 (`DomainSeparatedHash` under
    /// `DomainSeparation.signedAgreementSessionID`) of `sessionID` and the configuration's canonical
    /// encoding, both length-prefixed fields. So every party's signature covers the configuration:
    /// evidence re-checked under another configuration is of another session and proves nothing.
    /// A caller routing messages by session id compares it with this value. Never fails.
    public static func derivedSessionID(sessionID: [UInt8], configuration: SignedAgreementConfiguration) -> [UInt8] {
        var hasher = DomainSeparatedHash(domain: DomainSeparation.signedAgreementSessionID)
        hasher.appendField(sessionID)
        hasher.appendField(configuration.encoding)
        return hasher.sha256()
    }

    /// A cheap look at a message's envelope before its signature is checked (so no party can make a
    /// receiver hash or decode a large message): nil when `message` may belong to a session of this
    /// configuration, else why not. Checks the sender is a receiver, the round is 1, the kind is an
    /// echo-broadcast or echo, and the payload is no larger than the kind allows.
    public static func envelopeProblem(_ message: SignedMessage, configuration: SignedAgreementConfiguration) -> String? {
        guard configuration.receivers.contains(message.sender) else { return "the sender is not a receiver" }
        guard message.round == 1 else { return "a message of round \(message.round)" }
        let bound: Int
        switch message.kind {
        case .echoBroadcast:
            bound = configuration.senders.contains(message.sender) ? configuration.maximumPayloadSize : 0
        case .echo:
            // count ‖ (len32 ‖ SignedMessage.encoded)* with at most the largest echo-broadcast each.
            let envelope = SignedAgreementChecks.signedMessageOverhead + message.sessionID.count + message.protocolTag.utf8.count
            bound = 4 + configuration.receivers.count * (4 + envelope + configuration.maximumPayloadSize)
        case .broadcast, .direct:
            return "a \(message.kind) message"
        }
        guard message.payload.count <= bound else { return "a \(message.kind) of \(message.payload.count) bytes" }
        return nil
    }
}

/// Who sends, who receives, and what a valid value is: the same on every party, fixed before the
/// session from public data.
public struct SignedAgreementConfiguration: Sendable, Hashable {
    /// The parties that hold the value, sorted.
    public let senders: [PartyID]
    /// The session's committee (every sender among them), sorted.
    public let receivers: [PartyID]
    /// The check every sender's value must pass.
    public let validity: SignedAgreementValidity

    /// - Throws: `.noSenders`, `.senderNotAReceiver` (a sender outside the receivers),
    ///   `.duplicateParty`.
    public init(senders: [PartyID], receivers: [PartyID], validity: SignedAgreementValidity) throws(SignedAgreementSetupError) {
        guard !senders.isEmpty else { throw .noSenders }
        guard Set(senders).count == senders.count, Set(receivers).count == receivers.count else { throw .duplicateParty }
        if let outsider = senders.first(where: { !receivers.contains($0) }) { throw .senderNotAReceiver(outsider) }
        if case .bytes(let maximumSize) = validity, maximumSize < 0 { throw .negativeMaximumSize(maximumSize) }
        self.senders = senders.sorted()
        self.receivers = receivers.sorted()
        self.validity = validity
    }

    /// The largest echo-broadcast payload a sender may sign (the length-prefixed value).
    var maximumPayloadSize: Int { 4 + validity.maximumValueSize }

    /// The canonical encoding (the fields of ``write(to:)``, no header) that the derived session id
    /// hashes.
    var encoding: [UInt8] {
        var writer = ByteWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// The configuration's fields as `FaultCheckContext` carries them: senders, receivers, then
    /// the validity case and its parameters.
    func write(to writer: inout ByteWriter) {
        ReportEncoding.writeParties(senders, to: &writer)
        ReportEncoding.writeParties(receivers, to: &writer)
        switch validity {
        case .bytes(let maximumSize):
            writer.appendCount(0)
            writer.appendCount(maximumSize)
        case .thresholdPublicKey(let holders, let threshold):
            writer.appendCount(1)
            ReportEncoding.writeParties(holders.sorted(), to: &writer)
            writer.appendCount(threshold)
        }
    }
}

/// What a valid value is: a pure function of public data, named by a case so that a third party
/// rebuilds the same check (`FaultCheckContext`); a new use adds a case.
public enum SignedAgreementValidity: Sendable, Hashable {
    /// Any byte string of at most `maximumSize` bytes.
    case bytes(maximumSize: Int)
    /// `ThresholdPublicKey.encoded` of a key with exactly these holders and this threshold.
    case thresholdPublicKey(holders: [PartyID], threshold: Int)

    /// The largest value the check can accept.
    public var maximumValueSize: Int {
        switch self {
        case .bytes(let maximumSize): maximumSize
        // The encoded key: magic, version, two counts, then a holder id and a compressed point each, with room.
        case .thresholdPublicKey(let holders, _): 64 + 96 * holders.count
        }
    }

    /// Why `value` is not valid, or nil.
    public func problem(with value: [UInt8]) -> String? {
        guard value.count <= maximumValueSize else { return "\(value.count) bytes, more than \(maximumValueSize)" }
        switch self {
        case .bytes:
            return nil
        case .thresholdPublicKey(let holders, let threshold):
            let key: ThresholdPublicKey
            do { key = try ThresholdPublicKey(encoded: value) } catch { return "not a threshold public key: \(error)" }
            guard key.holders == holders.sorted(), key.threshold == threshold else {
                return "not a \(threshold)-of-\(holders.count) key of the expected holders"
            }
            return nil
        }
    }
}

/// Why a signed-agreement session could not be set up.
public enum SignedAgreementSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration names no sender.
    case noSenders
    /// A party appears twice among the senders or the receivers.
    case duplicateParty
    /// A sender is not a receiver (the committee).
    case senderNotAReceiver(PartyID)
    /// This party is a sender but gave no value.
    case valueRequired
    /// This party is not a sender but gave a value.
    case notASender
    /// This party's own value fails the validity check.
    case invalidOwnValue(String)
    /// A `.bytes` validity with a negative maximum size.
    case negativeMaximumSize(Int)
    /// The session could not be made (this party is not a receiver, say).
    case session(SessionSetupError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noSenders: "no senders"
        case .duplicateParty: "a party is listed twice"
        case .senderNotAReceiver(let party): "sender \(party) is not a receiver"
        case .valueRequired: "a sender needs a value"
        case .notASender: "only a sender has a value"
        case .invalidOwnValue(let problem): "own value invalid: \(problem)"
        case .negativeMaximumSize(let size): "maximum value size \(size) is negative"
        case .session(let error): "session: \(error)"
        }
    }
}

/// How a signed agreement ended on one party (both after every receiver echoed every value).
public enum SignedAgreementOutcome: Sendable, Equatable {
    /// Every sender signed this value (and it equals the reference, if there is one).
    case agreed([UInt8])
    /// Senders consistently signed different values (or all signed one that contradicts this
    /// party's reference): no equivocation, so no one is proven at fault.
    case disagreed(SignedAgreementDisagreement)

    /// The agreed value, or nil.
    public var value: [UInt8]? {
        if case .agreed(let value) = self { return value }
        return nil
    }
}

/// Senders that signed different values, each consistently to every receiver. Not a fault: the
/// signed messages show that the senders differ, not which of them lies.
public struct SignedAgreementDisagreement: Sendable, Equatable, CustomStringConvertible {
    /// Every sender's value, as every receiver holds it after the echo step.
    public let values: [PartyID: [UInt8]]
    /// The signed echo-broadcast of every sender other than this party.
    public let messages: [PartyID: SignedMessage]
    /// The value this party knows to be true (its own if it is a sender), or nil.
    public let reference: [UInt8]?

    /// The senders grouped by value (each group sorted; groups ordered by their first sender).
    public var groups: [[PartyID]] {
        Dictionary(grouping: values.keys.sorted(), by: { values[$0]! }).values.map { $0.sorted() }
            .sorted { $0[0] < $1[0] }
    }

    /// The senders whose value differs from ``reference`` (nil without one). This party's knowledge:
    /// a third party, not knowing the reference, cannot check it.
    public var contradictingReference: [PartyID]? {
        reference.map { reference in values.keys.filter { values[$0] != reference }.sorted() }
    }

    /// How many distinct values the senders signed.
    public var description: String { "senders signed \(Set(values.values).count) different values" }
}

/// What the round knows.
struct SignedAgreementContext: Sendable {
    let publicData: SessionPublicData
    let me: PartyID
    let configuration: SignedAgreementConfiguration
    let value: [UInt8]?
    let reference: [UInt8]?
}
