import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An API error: a status and the JSON error body (``ErrorBody``). Messages never carry a
/// secret: they come from typed errors that print none.
struct APIError: Error, HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let field: String?

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func badRequest(field: String?, _ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message, field: field)
    }

    init(_ error: ThresholdNodeError) {
        var field: String?
        if case .badRequest(let name, _) = error { field = name }
        self.init(status: HTTPResponse.Status(code: error.httpStatus), code: error.code, message: error.description, field: field)
    }

    init(_ problem: JSONFieldProblem) {
        let field = problem.field.isEmpty ? nil : problem.field
        switch problem.kind {
        case .malformed: self = .badRequest(field: nil, "the body is not a JSON object of the expected shape")
        case .missing: self = .badRequest(field: field, "missing field")
        case .unknown: self = .badRequest(field: field, "unknown field")
        case .invalid: self = .badRequest(field: field, problem.reason)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        APIError.json(ErrorBody(error: .init(code: code, message: message, field: field)), status: status)
    }

    /// A JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into a JSON error body and counts requests: an unknown route or method is
/// a 404/405 JSON error, a request error its 4xx, anything unexpected a 500 that says no more.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: NodeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : (error.status.code < 500 ? "bad_request" : "internal_error")
            let message = error.status == .notFound ? "no such route" : error.status.reasonPhrase
            response = APIError.json(ErrorBody(error: .init(code: code, message: message, field: nil)), status: error.status)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            response = APIError.json(ErrorBody(error: .init(code: "bad_request", message: error.status.reasonPhrase, field: nil)),
                                     status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            response = APIError.json(ErrorBody(error: .init(code: "internal_error", message: "internal error", field: nil)),
                                     status: .internalServerError)
        }
        metrics.httpRequest(route: NodeAPI.routeLabel(request.uri.path), status: response.status.code)
        return response
    }
}
