import Foundation

/// What a node knows about one signing request (``ThresholdNode/signatureStatus(requestID:)``,
/// `POST /signer/signature`): pending, the signature, or why it failed. Public data.
public struct SignatureStatus: Sendable, Equatable, Codable {
    /// Where the request is.
    public enum State: String, Sendable, Codable {
        /// The signing flow runs (or waits for its peers).
        case pending
        /// Finished: ``SignatureStatus/signature`` holds r‖s‖v.
        case signed
        /// Stopped: ``SignatureStatus/failure`` says why.
        case failed
    }

    /// The request id: hex of the signing session id (the same on every signer).
    public let requestID: String
    /// The 32-byte prehash that is signed, hex.
    public let messageHash: String
    /// The signers (hex identity keys), sorted.
    public let signers: [String]
    /// The state.
    public var state: State
    /// The 65-byte signature r‖s‖v (low s, v the recovery id), hex, once signed.
    public var signature: String?
    /// The compressed public key (33 bytes, hex) the signature verifies under (the BIP32 child
    /// of the registered key), once signed.
    public var publicKey: String?
    /// Why it failed, once failed.
    public var failure: FailureReport?

    /// A pending request.
    public init(requestID: String, messageHash: String, signers: [String]) {
        self.requestID = requestID
        self.messageHash = messageHash
        self.signers = signers
        self.state = .pending
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", messageHash = "message_hash", signers, state = "status", signature
        case publicKey = "public_key", failure
    }
}

/// What a node knows about a user's registration (``ThresholdNode/registrationStatus(user:)``).
public enum RegistrationStatus: Sendable, Equatable {
    /// The registration flow runs (DKG, or AuxGen after a dealt share was accepted).
    case pending
    /// Registered: the compressed public key (hex).
    case registered(publicKey: String)
    /// It failed.
    case failed(FailureReport)
}
