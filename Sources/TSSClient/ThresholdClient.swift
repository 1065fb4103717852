import CGGMP
import Foundation
import Secp256k1
import TSS

/// A user's client of a threshold network: registers the user's key with every node and asks the
/// signing committee for signatures over the nodes' HTTP API (docs/openapi.yaml). It reads the
/// network's `network.json` (``ClientDirectory``) and does not link the server.
///
/// The user is named by its Ed25519 identity key (`Ed25519Signer`): its public half is the `user`
/// of every request, and it signs every envelope the client seals.
public struct ThresholdClient: Sendable {
    /// The network.
    public let directory: ClientDirectory
    /// The user's identity key (never printed: its description is the public identity).
    public let identity: Ed25519Signer
    /// How the client reaches the nodes.
    public let transport: any ClientTransport
    /// How often and how long ``sign(message:hashing:blockNumber:derivationPath:attempt:)`` waits.
    public var polling: PollingPolicy

    /// A client of `directory` for the user `identity`.
    public init(directory: ClientDirectory, identity: Ed25519Signer,
                transport: any ClientTransport = URLSessionTransport(), polling: PollingPolicy = PollingPolicy()) {
        self.directory = directory
        self.identity = identity
        self.transport = transport
        self.polling = polling
    }

    // MARK: Registration

    /// Registers the user by distributed key generation: `POST /user/new {"dkg": …}` to every
    /// member. The registration finishes in the background on the nodes; a signing request made
    /// before it has is retried (``sign(message:hashing:blockNumber:derivationPath:attempt:)``).
    /// - Parameter blockNumber: the block the registration is made at.
    /// - Returns: every member's flow id.
    /// - Throws: ``ClientError`` naming the first node that refused or could not be reached.
    public func registerDKG(blockNumber: UInt64) async throws(ClientError) -> [PartyID: String] {
        let body = #"{"dkg":{"block_number":\#(blockNumber),"user":"\#(userHex)"}}"#
        var flows: [PartyID: String] = [:]
        for member in directory.members {
            flows[member.id] = try await flowID(try await post(member, "/user/new", Array(body.utf8)), from: member)
        }
        return flows
    }

    /// Registers a key the user deals: splits it `threshold`-of-n among the members
    /// (`DealerKeyGeneration`), seals each member's share to its channel key and signs it with the
    /// identity key (`DealerRegistration.seal`), and posts `POST /user/new {"dealer": …}` to each.
    /// Each node checks its share and then runs AuxGen with the others.
    /// - Parameters:
    ///   - blockNumber: the block the registration is made at.
    ///   - secretKey: the key to split; a fresh one when nil. It leaves this process only as shares.
    /// - Returns: the public key and every member's flow id.
    /// - Throws: ``ClientError/dealing(_:)``, ``ClientError/dealerSealing(_:)``, or a node's error.
    public func registerDealer(blockNumber: UInt64, secretKey: Scalar? = nil) async throws(ClientError) -> DealerRegistrationResult {
        var generator = SystemRandomNumberGenerator()
        let dealt: DealtKey
        do { dealt = try DealerKeyGeneration.deal(secretKey: secretKey, threshold: directory.threshold,
                                                  holders: directory.memberIDs, using: &generator) } catch {
            throw .dealing(error)
        }
        let envelopes: [PartyID: Envelope]
        do {
            envelopes = try DealerRegistration.seal(dealt, user: identity.partyID.rawRepresentation, dealer: identity,
                                                    recipientKeys: Dictionary(uniqueKeysWithValues: directory.members.map { ($0.id, $0.channelKey) }))
        } catch {
            throw .dealerSealing(error)
        }
        var flows: [PartyID: String] = [:]
        for member in directory.members {
            let envelope = String(decoding: envelopes[member.id]!.encoded, as: UTF8.self)
            let body = #"{"dealer":{"block_number":\#(blockNumber),"envelope":\#(envelope),"user":"\#(userHex)"}}"#
            flows[member.id] = try await flowID(try await post(member, "/user/new", Array(body.utf8)), from: member)
        }
        return DealerRegistrationResult(publicKey: dealt.commitment.publicKey.compressedRepresentation, flowIDs: flows)
    }

    // MARK: Signing

    /// The committee that signs a message with this hash: one member of each signing group,
    /// chosen from the hash exactly as every node chooses it (`SigningCommittee`).
    /// - Throws: ``ClientError/committee(_:)``.
    public func committee(forMessageHash messageHash: [UInt8]) throws(ClientError) -> [PartyID] {
        do { return try SigningCommittee.select(fromGroups: directory.signingGroups, messageHash: messageHash) } catch {
            throw .committee(error)
        }
    }

    /// Asks the network to sign `message` and waits for the signature.
    ///
    /// Hashes the message, selects the committee, seals one request per committee member (signed
    /// by the identity key, sealed and bound to that member's channel key) and posts it to
    /// `/user/sign_tx`: a `404 unknown_user` (the registration still finishing) is retried until
    /// the deadline. Then polls `/signer/signature` on every member with backoff until it is
    /// signed or failed. The 65-byte r‖s‖v must recover the public key the node reports, and every
    /// member must return the same signature and key.
    /// - Parameters:
    ///   - message: the message, before hashing.
    ///   - hashing: how the nodes hash it (SHA-256 by default).
    ///   - blockNumber: the block the request is made at.
    ///   - derivationPath: a non-hardened BIP32 path ("m": the registered key).
    ///   - attempt: which try of this request (a retry after a failure takes the next).
    /// - Returns: the verified signature.
    /// - Throws: ``ClientError``: ``ClientError/signingFailed(node:report:)`` with the node's fault
    ///   report, ``ClientError/timedOut(pending:)``, ``ClientError/invalidSignature(node:reason:)``,
    ///   ``ClientError/committeeDisagrees(_:)``, or a node's HTTP error.
    public func sign(message: [UInt8], hashing: MessageHashing = .sha256, blockNumber: UInt64,
                     derivationPath: String = "m", attempt: UInt64 = 0) async throws(ClientError) -> SignatureResult {
        let prehash: Prehash
        guard let hashName = hashing.name else { throw .messageHash("a custom digest has no name the nodes know") }
        do { prehash = try hashing.prehash(of: message) } catch { throw .messageHash("\(error)") }
        let signers = try committee(forMessageHash: prehash.rawRepresentation)
        let request = SigningRequestBody(user: userHex, blockNumber: blockNumber, message: Hex.encode(message),
                                         hash: hashName, derivationPath: derivationPath, attempt: attempt)
        let plaintext = request.encoded
        let deadline = ContinuousClock.now + polling.deadline

        var requestID: String?
        for id in signers {
            guard let member = directory.member(id) else { throw .committee(.duplicateMember(id)) }
            let envelope: Envelope
            do { envelope = try Envelope.seal(plaintext, signer: identity, to: member.channelKey) } catch { throw .envelope(error) }
            let body = Array(#"{"envelope":"#.utf8) + envelope.encoded + Array("}".utf8)
            var delay = polling.initialDelay
            var answer = try await post(member, "/user/sign_tx", body)
            while answer.status == 404, ContinuousClock.now < deadline {
                try await sleep(delay)
                delay = polling.next(after: delay)
                answer = try await post(member, "/user/sign_tx", body)
            }
            let status = try statusBody(answer, from: member)
            if let requestID, requestID != status.requestID {
                throw .committeeDisagrees("request ids \(requestID) and \(status.requestID)")
            }
            requestID = status.requestID
        }
        guard let requestID else { throw .committee(.noGroups) }

        let poll = Array(#"{"request_id":"\#(requestID)"}"#.utf8)
        var finals: [PartyID: StatusBody] = [:]
        var delay = polling.initialDelay
        while finals.count < signers.count {
            for id in signers where finals[id] == nil {
                let status = try statusBody(try await post(directory.member(id)!, "/signer/signature", poll), from: directory.member(id)!)
                switch status.status {
                case "pending": continue
                case "signed": finals[id] = status
                case "failed": throw .signingFailed(node: id, report: status.failure?.report ?? FaultReport(reason: "failed"))
                default: throw .malformedResponse(node: id, reason: "unknown status \(status.status)")
                }
            }
            if finals.count == signers.count { break }
            guard ContinuousClock.now < deadline else { throw .timedOut(pending: signers.filter { finals[$0] == nil }) }
            try await sleep(delay)
            delay = polling.next(after: delay)
        }

        var result: SignatureResult?
        for id in signers {
            let status = finals[id]!
            let checked = try verify(status, prehash: prehash, from: id)
            if let result, result.signature != checked.signature || result.publicKey != checked.publicKey {
                throw .committeeDisagrees("members returned different signatures or public keys")
            }
            result = SignatureResult(requestID: requestID, messageHash: prehash.rawRepresentation, signers: signers,
                                     signature: checked.signature, publicKey: checked.publicKey)
        }
        return result!
    }

    // MARK: Internals

    var userHex: String { Hex.encode(identity.partyID.rawRepresentation) }

    /// Checks a signed status: 65 bytes r‖s‖v that recover the reported 33-byte key.
    func verify(_ status: StatusBody, prehash: Prehash, from node: PartyID) throws(ClientError) -> (signature: [UInt8], publicKey: [UInt8]) {
        guard let signatureText = status.signature, let signature = Hex.decode(signatureText), signature.count == 65 else {
            throw .invalidSignature(node: node, reason: "not 65 bytes of hex")
        }
        guard let keyText = status.publicKey, let keyBytes = Hex.decode(keyText), let key = try? Point(sec1Representation: keyBytes) else {
            throw .invalidSignature(node: node, reason: "the public key is not a curve point")
        }
        guard status.messageHash.lowercased() == Hex.encode(prehash.rawRepresentation) else {
            throw .invalidSignature(node: node, reason: "signed another message hash")
        }
        let recoverable: RecoverableSignature
        do { recoverable = try RecoverableSignature(rawRepresentation: signature) } catch {
            throw .invalidSignature(node: node, reason: "\(error)")
        }
        guard let recovered = try? recoverable.recoverPublicKey(from: prehash), recovered == key else {
            throw .invalidSignature(node: node, reason: "does not recover the reported public key")
        }
        return (signature, key.compressedRepresentation)
    }

    func post(_ member: ClientDirectory.Member, _ path: String, _ body: [UInt8]) async throws(ClientError) -> HTTPAnswer {
        let url = member.httpEndpoint.appendingPathComponent(String(path.dropFirst()))
        do { return try await transport.post(url, body: body) } catch {
            throw .unreachable(node: member.id, reason: "\(type(of: error)): \(error.localizedDescription)")
        }
    }

    func flowID(_ answer: HTTPAnswer, from member: ClientDirectory.Member) async throws(ClientError) -> String {
        let started: FlowStartedBody = try decode(answer, from: member)
        return started.flowID
    }

    func statusBody(_ answer: HTTPAnswer, from member: ClientDirectory.Member) throws(ClientError) -> StatusBody {
        try decode(answer, from: member)
    }

    /// A 2xx body as `T`, or the node's error as ``ClientError/http(node:status:code:message:field:)``.
    func decode<T: Decodable>(_ answer: HTTPAnswer, from member: ClientDirectory.Member) throws(ClientError) -> T {
        guard (200..<300).contains(answer.status) else { throw Self.httpError(answer, from: member.id) }
        do { return try JSONDecoder().decode(T.self, from: Data(answer.body)) } catch {
            throw .malformedResponse(node: member.id, reason: ClientDirectory.describe(error))
        }
    }

    /// The typed error for a non-2xx answer: its status and the API's JSON error body.
    static func httpError(_ answer: HTTPAnswer, from node: PartyID) -> ClientError {
        let detail = (try? JSONDecoder().decode(ErrorBody.self, from: Data(answer.body)))?.error
        return .http(node: node, status: answer.status, code: detail?.code ?? "unknown",
                     message: detail?.message ?? "no error body", field: detail?.field)
    }

    func sleep(_ delay: Duration) async throws(ClientError) {
        do { try await Task.sleep(for: delay) } catch { throw .timedOut(pending: []) }
    }
}

/// How long and how often the client waits: the delay starts at `initialDelay` and grows by
/// `factor` up to `maximumDelay`; the whole signing gives up after `deadline`.
public struct PollingPolicy: Sendable, Equatable {
    /// The first delay between two polls.
    public var initialDelay: Duration
    /// The longest delay between two polls.
    public var maximumDelay: Duration
    /// How much the delay grows after each poll.
    public var factor: Double
    /// How long a signing may take, from the first request to the last answer.
    public var deadline: Duration

    /// A policy; by default 100 ms growing ×1.5 up to 2 s, for at most 3 minutes.
    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(2), factor: Double = 1.5,
                deadline: Duration = .seconds(180)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.factor = factor
        self.deadline = deadline
    }

    func next(after delay: Duration) -> Duration { min(delay * factor, maximumDelay) }
}

/// A verified threshold signature.
public struct SignatureResult: Sendable, Equatable {
    /// The request id the nodes gave (hex of the signing session id).
    public let requestID: String
    /// The 32-byte prehash that was signed.
    public let messageHash: [UInt8]
    /// The committee that signed, in group order.
    public let signers: [PartyID]
    /// r‖s‖v, 65 bytes; it recovers ``publicKey`` from ``messageHash``.
    public let signature: [UInt8]
    /// The (child) public key, compressed, 33 bytes.
    public let publicKey: [UInt8]
}

/// What a dealer registration gives back.
public struct DealerRegistrationResult: Sendable, Equatable {
    /// The dealt key's public key, compressed, 33 bytes.
    public let publicKey: [UInt8]
    /// Every member's flow id.
    public let flowIDs: [PartyID: String]
}

// MARK: Wire bodies (docs/openapi.yaml)

/// The plaintext of a `/user/sign_tx` envelope (`SignatureRequest`), members sorted.
struct SigningRequestBody: Encodable {
    let user: String
    let blockNumber: UInt64
    let message: String
    let hash: String
    let derivationPath: String
    let attempt: UInt64

    enum CodingKeys: String, CodingKey {
        case user, blockNumber = "block_number", message, hash, derivationPath = "derivation_path", attempt
    }

    var encoded: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? []
    }
}

struct FlowStartedBody: Decodable {
    let flowID: String
    enum CodingKeys: String, CodingKey { case flowID = "flow_id" }
}

struct StatusBody: Decodable {
    struct Failure: Decodable {
        let reason: String
        let phase: String?
        let culprit: String?
        let fault: String?
        let evidence: String?
        let unresponsive: [String]?

        var report: FaultReport {
            FaultReport(reason: reason, phase: phase,
                        culprit: culprit.flatMap { Hex.decode($0) }.flatMap { try? PartyID(rawRepresentation: $0) },
                        fault: fault, evidence: evidence,
                        unresponsive: (unresponsive ?? []).compactMap { Hex.decode($0) }.compactMap { try? PartyID(rawRepresentation: $0) })
        }
    }

    let requestID: String
    let messageHash: String
    let status: String
    let signature: String?
    let publicKey: String?
    let failure: Failure?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", messageHash = "message_hash", status, signature, publicKey = "public_key", failure
    }
}

struct ErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Detail
}
