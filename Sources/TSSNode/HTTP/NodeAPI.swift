import CGGMP
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TSS

/// The node's HTTP API on Hummingbird 2 (docs/openapi.yaml, served at `GET /openapi.yaml`):
///
/// | route | what |
/// |---|---|
/// | `POST /user/new` | a registration: a DKG job (`{"dkg": {"user", "block_number", "committee"?}}`) or a dealer's envelope (`{"dealer": {"user", "block_number", "envelope"}}`) |
/// | `POST /user/receive_key` | a dealt share handed over by a member of this node's signing group (`{"user", "block_number", "envelope"}`) |
/// | `POST /user/sign_tx` | an HPKE-sealed signing request (`{"envelope"}`; plaintext ``SignatureRequest``) |
/// | `POST /signer/signature` | poll (`{"request_id"}` or `{"message_hash"}`): pending, the signature, or the failure report |
/// | `GET /healthz` | liveness and a few counts |
/// | `GET /metrics` | Prometheus text |
/// | `GET /openapi.yaml` | the API description |
///
/// Every request that does not match — an unknown route, a body over ``maximumBodyBytes``, bytes
/// that are not JSON, a missing, unknown or mistyped field — gets a 4xx answer with a JSON error
/// body `{"error": {"code", "message", "field"?}}`; nothing a client sends reaches a trap.
public enum NodeAPI {
    /// The largest request body accepted (413 above).
    public static let maximumBodyBytes = 64 * 1024

    /// The routes of `node` on a new router.
    public static func router(node: ThresholdNode) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router, node: node)
        return router
    }

    /// Adds the routes of `node`, behind the JSON error middleware, to `router`.
    public static func addRoutes<Context: RequestContext>(to router: Router<Context>, node: ThresholdNode) {
        router.add(middleware: JSONErrorMiddleware<Context>(metrics: node.metrics))
        router.post("/user/new") { request, context in
            let body = try await decode(NewUserBody.self, request, context)
            let flowID: String
            switch (body.dkg?.value, body.dealer?.value) {
            case (let job?, nil):
                let user = try hexField(job.user, "dkg.user", count: 32)
                var committee: [PartyID]?
                if let texts = job.committee {
                    committee = try texts.enumerated().map { index, text throws(APIError) in
                        try partyID(text, "dkg.committee[\(index)]")
                    }
                }
                flowID = try await call { () throws(ThresholdNodeError) in
                    try await node.registerDistributed(user: user, blockNumber: job.blockNumber, committee: committee)
                }
            case (nil, let job?):
                let user = try hexField(job.user, "dealer.user", count: 32)
                let envelope = try job.envelope.value.envelope(field: "dealer.envelope")
                flowID = try await call { () throws(ThresholdNodeError) in
                    try await node.registerDealt(envelope, user: user, blockNumber: job.blockNumber)
                }
            default:
                throw APIError.badRequest(field: nil, "give exactly one of dkg and dealer")
            }
            return APIError.json(FlowStartedBody(flowID: flowID), status: .accepted)
        }
        router.post("/user/receive_key") { request, context in
            let job = try await decode(DealerJob.self, request, context)
            let user = try hexField(job.user, "user", count: 32)
            let envelope = try job.envelope.value.envelope(field: "envelope")
            let flowID = try await call { () throws(ThresholdNodeError) in
                try await node.receiveKey(envelope, user: user, blockNumber: job.blockNumber)
            }
            return APIError.json(FlowStartedBody(flowID: flowID), status: .accepted)
        }
        router.post("/user/sign_tx") { request, context in
            let body = try await decode(SignTxBody.self, request, context)
            let envelope = try body.envelope.value.envelope(field: "envelope")
            let status = try await call { () throws(ThresholdNodeError) in try await node.requestSignature(envelope) }
            return APIError.json(status, status: .accepted)
        }
        router.post("/signer/signature") { request, context in
            let body = try await decode(SignaturePollBody.self, request, context)
            let status: SignatureStatus?
            switch (body.requestID, body.messageHash) {
            case (let id?, nil):
                _ = try hexField(id, "request_id", count: 32)
                status = node.signatureStatus(requestID: id)
            case (nil, let hash?):
                _ = try hexField(hash, "message_hash", count: 32)
                status = node.signatureStatus(messageHash: hash)
            default:
                throw APIError.badRequest(field: nil, "give exactly one of request_id and message_hash")
            }
            guard let status else {
                throw APIError(status: .notFound, code: "unknown_request", message: "no signing request with this id or hash")
            }
            return APIError.json(status, status: .ok)
        }
        router.get("/healthz") { _, _ in
            // From the status board: a health check answers while the node verifies proofs.
            let counts = node.board.counts
            let body = HealthBody(status: counts.isRunning ? "ok" : "stopped", party: hexString(node.me.rawRepresentation),
                                  parameterSet: node.directory.parameters.name, runningFlows: counts.runningFlows,
                                  registeredUsers: counts.registeredUsers)
            return APIError.json(body, status: counts.isRunning ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: node.metrics.exposition())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }

    /// The metrics label of a request path: the route, or "other" (so unknown paths do not grow
    /// the label set).
    static func routeLabel(_ path: String) -> String {
        let known = ["/user/new", "/user/receive_key", "/user/sign_tx", "/signer/signature", "/healthz", "/metrics", "/openapi.yaml"]
        return known.contains(path) ? path : "other"
    }

    /// Reads at most ``maximumBodyBytes`` and decodes them strictly.
    static func decode<Value: StrictDecodable>(_: Value.Type, _ request: Request, _ context: some RequestContext) async throws -> Value {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBodyBytes)
        } catch {
            throw APIError(status: .contentTooLarge, code: "body_too_large",
                           message: "the body exceeds \(maximumBodyBytes) bytes")
        }
        do {
            return try StrictJSON.decode(Value.self, from: buffer.readableBytesView)
        } catch {
            throw APIError(error)
        }
    }

    /// Runs a node call, turning its error into the API's.
    static func call<T>(_ body: () async throws(ThresholdNodeError) -> T) async throws(APIError) -> T {
        do { return try await body() } catch { throw APIError(error) }
    }

    static func hexField(_ text: String, _ field: String, count: Int) throws(APIError) -> [UInt8] {
        guard let bytes = decodeHex(text), bytes.count == count else {
            throw .badRequest(field: field, "not \(2 * count) hex digits")
        }
        return bytes
    }

    static func partyID(_ text: String, _ field: String) throws(APIError) -> PartyID {
        guard let id = try? PartyID(rawRepresentation: hexField(text, field, count: 32)) else {
            throw .badRequest(field: field, "not 64 hex digits")
        }
        return id
    }
}
