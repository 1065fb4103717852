import Bytes
import CGGMP

/// Registration by a dealer (the first registration design): the user splits a key t-of-n with
/// `DealerKeyGeneration`, and seals to each server an envelope holding that server's share, the
/// Feldman commitment and what the key is for. A server opens its envelope, checks everything
/// against what it expects from chain data, and stores the resulting `ThresholdKeyShare`.
///
/// The envelope is signed by the dealer's identity key, so a rejected share names its sender.
public enum DealerRegistration {
    /// One envelope per holder of `dealt`, each signed by `dealer` and sealed to the holder's
    /// X25519 key.
    /// - Parameters:
    ///   - dealt: the key split by `DealerKeyGeneration`; its shares are secret.
    ///   - user: the account the key is for.
    ///   - dealer: the user's identity key, which signs every envelope.
    ///   - recipientKeys: every holder's X25519 key.
    /// - Throws: ``DealerRegistrationError/missingRecipientKey(_:)`` for a holder without a key,
    ///   ``DealerRegistrationError/envelope(_:)`` when sealing fails (a low-order key).
    public static func seal(
        _ dealt: DealtKey, user: [UInt8], dealer: some IdentitySigner,
        recipientKeys: [PartyID: X25519PublicKey]
    ) throws(DealerRegistrationError) -> [PartyID: Envelope] {
        var envelopes: [PartyID: Envelope] = [:]
        for holder in dealt.holders {
            guard let key = recipientKeys[holder] else { throw .missingRecipientKey(holder) }
            let payload = DealerRegistrationPayload(user: user, threshold: dealt.threshold, committee: dealt.holders,
                                                    commitment: dealt.commitment, share: dealt.shares[holder]!)
            do {
                envelopes[holder] = try Envelope.seal(payload.encoded, signer: dealer, to: key)
            } catch {
                throw .envelope(error)
            }
        }
        return envelopes
    }

    /// Opens a server's envelope and checks it: sealed to us and signed by the expected dealer; for
    /// the expected user, committee and threshold; the share is ours and lies on the committed
    /// polynomial.
    /// - Parameters:
    ///   - envelope: the envelope as received.
    ///   - recipientKey: this server's X25519 key.
    ///   - expected: what this server expects, from chain data.
    /// - Throws: ``DealerRegistrationError/envelope(_:)`` when the envelope does not open (no
    ///   sender can be named), ``DealerRegistrationError/unexpectedSender(_:)`` for an envelope
    ///   signed by someone other than the dealer, and
    ///   ``DealerRegistrationError/rejected(sender:_:)`` naming the dealer for any bad content
    ///   (including ``DealerRegistrationRejection/notRecipientBound``).
    public static func open(
        _ envelope: Envelope, recipientKey: X25519PrivateKey, expecting expected: DealerRegistrationExpectation
    ) throws(DealerRegistrationError) -> ThresholdKeyShare {
        let opened: OpenedEnvelope
        do { opened = try envelope.open(with: recipientKey) } catch { throw .envelope(error) }
        guard opened.sender == expected.dealer else { throw .unexpectedSender(opened.sender) }
        guard opened.isRecipientBound else { throw .rejected(sender: opened.sender, .notRecipientBound) }
        return try check(opened.message, from: opened.sender, expecting: expected)
    }

    /// The checks of ``open(_:recipientKey:expecting:)`` on an already opened payload from
    /// `sender` (whose signature the caller verified).
    /// - Throws: ``DealerRegistrationError/rejected(sender:_:)`` with the
    ///   ``DealerRegistrationRejection`` that names the check.
    public static func check(_ message: [UInt8], from sender: PartyID,
                             expecting expected: DealerRegistrationExpectation) throws(DealerRegistrationError) -> ThresholdKeyShare {
        func reject(_ reason: DealerRegistrationRejection) -> DealerRegistrationError { .rejected(sender: sender, reason) }
        let payload: DealerRegistrationPayload
        do { payload = try DealerRegistrationPayload(encoded: message) } catch { throw reject(error) }
        guard payload.user == expected.user else { throw reject(.userMismatch) }
        guard payload.committee == expected.committee.sorted() else { throw reject(.committeeMismatch) }
        guard payload.threshold == expected.threshold else {
            throw reject(.thresholdMismatch(expected: expected.threshold, got: payload.threshold))
        }
        guard payload.share.holder == expected.me else { throw reject(.shareForAnotherHolder(payload.share.holder)) }
        do {
            return try ThresholdKeyShare(receiving: payload.share, commitment: payload.commitment,
                                         threshold: payload.threshold, holders: payload.committee)
        } catch {
            throw reject(.invalidShare(error))
        }
    }
}

/// What a server expects of a dealer registration, from chain data: who deals, for which user,
/// the committee of holders (the server among them) and the threshold.
public struct DealerRegistrationExpectation: Sendable, Hashable {
    /// This server's identity: the share must be for it.
    public let me: PartyID
    /// The identity that must have signed the envelope.
    public let dealer: PartyID
    /// The account the key is for.
    public let user: [UInt8]
    /// Every holder, sorted.
    public let committee: [PartyID]
    /// t.
    public let threshold: Int

    /// An expectation; `committee` may be in any order.
    public init(me: PartyID, dealer: PartyID, user: [UInt8], committee: [PartyID], threshold: Int) {
        self.me = me
        self.dealer = dealer
        self.user = user
        self.committee = committee.sorted()
        self.threshold = threshold
    }
}

/// The plaintext of a dealer registration envelope.
///
/// Encoding (`EncodingHeader.dealerRegistration`): "TSSREG", version 1, then wire fields: user,
/// threshold, committee (count and ids in increasing order), the Feldman commitment, the share
/// (holder and value). Holds a secret share.
///
/// Internal: ``DealerRegistration`` builds and reads it (the fuzz targets reach it with
/// `@testable import`).
struct DealerRegistrationPayload: Sendable, CustomStringConvertible, VersionedEncoding {
    static var encodingHeader: EncodingHeader { .dealerRegistration }

    let user: [UInt8]
    let threshold: Int
    /// The holders, sorted.
    let committee: [PartyID]
    let commitment: FeldmanCommitment
    let share: DealtShare

    init(user: [UInt8], threshold: Int, committee: [PartyID], commitment: FeldmanCommitment, share: DealtShare) {
        self.user = user
        self.threshold = threshold
        self.committee = committee.sorted()
        self.commitment = commitment
        self.share = share
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.write("user", bytes: user)
        writer.appendCount(threshold)
        writer.appendCount(committee.count)
        for party in committee { writer.write("holder", bytes: party.rawRepresentation) }
        writer.write(commitment)
        writer.write(share)
        return writer.bytes
    }

    /// - Throws: `.malformedPayload` naming the field (wrong magic, unsupported version,
    ///   truncated, trailing bytes, committee out of order, a bad holder, commitment or share).
    init(encoded bytes: some Collection<UInt8>) throws(DealerRegistrationRejection) {
        let name = Self.encodingHeader.name
        do throws(DecodingError) {
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            user = try reader.readLengthPrefixed("\(name)/user")
            threshold = try reader.readInteger("\(name)/threshold")
            let count = try reader.readCount("\(name)/committee", minimumElementSize: 4 + PartyID.byteCount)
            var parties: [PartyID] = []
            for _ in 0..<count {
                let party = try reader.readPartyID("\(name)/holder")
                if let last = parties.last, !(last < party) {
                    throw DecodingError(field: "\(name)/committee", reason: .nonCanonical("not in strictly increasing order"))
                }
                parties.append(party)
            }
            committee = parties
            commitment = try reader.read(FeldmanCommitment.self)
            share = try reader.read(DealtShare.self)
            try reader.finish(name)
        } catch {
            throw .malformedPayload(error)
        }
    }

    var description: String { "DealerRegistrationPayload(\(threshold)-of-\(committee.count))" }
}

/// Why a server rejected a dealer's registration. Never carries the share.
public enum DealerRegistrationRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The payload does not decode; the error names the field.
    case malformedPayload(DecodingError)
    /// The envelope was sealed without naming our key, so it could have been meant for another server.
    case notRecipientBound
    /// The payload is for another user.
    case userMismatch
    /// The payload's committee differs from the expected one.
    case committeeMismatch
    /// The payload's threshold differs from the expected one.
    case thresholdMismatch(expected: Int, got: Int)
    /// The share in our envelope belongs to another holder.
    case shareForAnotherHolder(PartyID)
    /// The share is off the committed polynomial, or the commitment does not fit the threshold.
    case invalidShare(KeyShareError)

    /// A one-line explanation, without the share.
    public var description: String {
        switch self {
        case .malformedPayload(let error): "malformed registration payload: \(error)"
        case .notRecipientBound: "the envelope does not name this server as its recipient"
        case .userMismatch: "the registration is for another user"
        case .committeeMismatch: "the committee differs from the expected one"
        case .thresholdMismatch(let expected, let got): "threshold \(got), expected \(expected)"
        case .shareForAnotherHolder(let party): "the share is for \(party)"
        case .invalidShare(let error): "invalid share: \(error)"
        }
    }
}

/// Why a dealer registration failed.
public enum DealerRegistrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dealer sent something wrong; `sender` is the identity whose signature is on it.
    case rejected(sender: PartyID, DealerRegistrationRejection)
    /// The envelope is validly signed, but not by the expected dealer.
    case unexpectedSender(PartyID)
    /// The envelope did not open (undecryptable, badly signed, for another recipient).
    case envelope(EnvelopeError)
    /// Sealing: no X25519 key for this holder.
    case missingRecipientKey(PartyID)

    /// The party to blame, when one can be named.
    public var culprit: PartyID? {
        if case .rejected(let sender, _) = self { return sender }
        return nil
    }

    /// A one-line explanation, naming the sender where there is one.
    public var description: String {
        switch self {
        case .rejected(let sender, let reason): "registration from \(sender) rejected: \(reason)"
        case .unexpectedSender(let sender): "registration signed by \(sender), not the expected dealer"
        case .envelope(let error): "registration envelope: \(error)"
        case .missingRecipientKey(let party): "no envelope key for \(party)"
        }
    }
}
