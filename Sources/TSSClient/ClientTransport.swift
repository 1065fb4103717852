import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP answer: its status and body.
public struct HTTPAnswer: Sendable, Equatable {
    /// The HTTP status code.
    public let status: Int
    /// The body bytes.
    public let body: [UInt8]

    /// An answer from its parts.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// How the client reaches a node: one JSON POST. ``URLSessionTransport`` is the real one; tests
/// pass a fake.
public protocol ClientTransport: Sendable {
    /// POSTs `body` (JSON) to `url` and returns the answer, whatever its status.
    /// - Throws: any error when no answer arrived (the client reports it as
    ///   ``ClientError/unreachable(node:reason:)``).
    func post(_ url: URL, body: [UInt8]) async throws -> HTTPAnswer
}

/// The transport over Foundation's `URLSession` (`FoundationNetworking` on Linux).
public struct URLSessionTransport: ClientTransport {
    let session: URLSession
    let timeout: TimeInterval

    /// A transport on `session` (the shared one by default) with a per-request timeout.
    public init(session: URLSession = .shared, timeout: TimeInterval = 30) {
        self.session = session
        self.timeout = timeout
    }

    /// POSTs with `content-type: application/json`.
    /// - Throws: `URLSession`'s error when no answer arrived.
    public func post(_ url: URL, body: [UInt8]) async throws -> HTTPAnswer {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = Data(body)
        let (data, response) = try await session.data(for: request)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }
}
