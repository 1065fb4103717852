import ArgumentParser
import Noise

/// `tss noise serve`: a responder that echoes every transport message, one connection at a time.
struct NoiseServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Noise responder: prints {\"handshake_hash\",\"remote_static\"} per connection, then echoes messages.")

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one; the port is printed to stderr).")
    var listen: String

    @OptionGroup var peer: NoisePeerOptions

    @Option(help: "Seconds a connection may stay silent before it is dropped.")
    var timeout: Int = 30

    func validate() throws {
        try OptionCheck.require(timeout, in: OptionCheck.timeoutSeconds, "--timeout")
    }

    func run() throws {
        // Validate the configuration once, before accepting anyone.
        _ = try peer.handshake(role: .responder)
        let listener = try Listener(IPv4Endpoint(listen))
        printError("listening on port \(listener.port)")
        while true {
            let connection = try listener.accept(receiveTimeoutSeconds: timeout)
            do {
                var transport = try runHandshake(try peer.handshake(role: .responder), over: connection)
                printLine(handshakeSummary(transport))
                while let message = try connection.receiveFrame() {
                    let plaintext = try transport.readMessage(message)
                    try connection.sendFrame(try transport.writeMessage(plaintext))
                }
            } catch {
                // One bad peer must not stop the server; report and take the next connection.
                printError("connection failed: \(error)")
            }
        }
    }
}
