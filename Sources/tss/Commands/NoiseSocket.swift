#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Noise

/// Why a socket operation failed, with the errno text.
struct SocketError: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "\(what): \(String(cString: strerror(errno)))" }
    init(message: String) { description = message }
}

/// An IPv4 `host:port` (the peers are debugging tools; 127.0.0.1 is the expected host).
struct IPv4Endpoint {
    var address: sockaddr_in

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw SocketError(message: "expected HOST:PORT, got '\(text)'")
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, String(text[..<colon]), &addr.sin_addr) == 1 else {
            throw SocketError(message: "not an IPv4 address: '\(text[..<colon])'")
        }
        address = addr
    }
}

/// A connected TCP socket carrying 2-byte length-prefixed Noise frames. Closed on deinit.
final class FramedConnection {
    let fd: Int32

    init(fd: Int32, receiveTimeoutSeconds: Int) {
        self.fd = fd
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    static func connect(to endpoint: IPv4Endpoint, receiveTimeoutSeconds: Int) throws -> FramedConnection {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var addr = endpoint.address
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let error = SocketError("connect")
            close(fd)
            throw error
        }
        return FramedConnection(fd: fd, receiveTimeoutSeconds: receiveTimeoutSeconds)
    }

    deinit { close(fd) }

    func sendFrame(_ message: [UInt8]) throws {
        let frame = try NoiseFraming.frame(message)
        var sent = 0
        while sent < frame.count {
            let n = frame.withUnsafeBytes { send(fd, $0.baseAddress! + sent, frame.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SocketError("send") }
            sent += n
        }
    }

    /// The next frame body, or nil when the peer closed cleanly between frames.
    func receiveFrame() throws -> [UInt8]? {
        guard let header = try receiveExactly(2, eofAllowed: true) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        return try receiveExactly(length, eofAllowed: false)!
    }

    private func receiveExactly(_ count: Int, eofAllowed: Bool) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw SocketError(message: "receive timed out") }
            guard n >= 0 else { throw SocketError("recv") }
            if n == 0 {
                if eofAllowed && got == 0 { return nil }
                throw SocketError(message: "connection closed in the middle of a frame")
            }
            got += n
        }
        return buffer
    }
}

/// A listening TCP socket.
final class Listener {
    let fd: Int32
    let port: UInt16

    init(_ endpoint: IPv4Endpoint) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw SocketError("socket") }
        var yes: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = endpoint.address
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let e = SocketError("bind"); close(sock); throw e }
        guard Glibc.listen(sock, 16) == 0 else { let e = SocketError("listen"); close(sock); throw e }
        // Report the real port (the caller may have asked for port 0).
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) }
        }
        fd = sock
        port = UInt16(bigEndian: actual.sin_port)
    }

    deinit { close(fd) }

    func accept(receiveTimeoutSeconds: Int) throws -> FramedConnection {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client < 0 && errno == EINTR { continue }
            guard client >= 0 else { throw SocketError("accept") }
            return FramedConnection(fd: client, receiveTimeoutSeconds: receiveTimeoutSeconds)
        }
    }
}
