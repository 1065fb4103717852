import ArgumentParser
import Noise

/// `tss noise connect`: an initiator that sends messages and checks that each is echoed intact.
struct NoiseConnect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Noise initiator: prints {\"handshake_hash\",\"remote_static\"}, sends each --message, checks the echo.")

    @Option(help: "Responder address, HOST:PORT.")
    var to: String

    @OptionGroup var peer: NoisePeerOptions

    @Option(help: "A message to send (repeatable); each must come back unchanged.")
    var message: [String] = []

    @Option(help: "Seconds to wait for each reply.")
    var timeout: Int = 10

    func validate() throws {
        try OptionCheck.require(timeout, in: OptionCheck.timeoutSeconds, "--timeout")
    }

    func run() throws {
        let state = try peer.handshake(role: .initiator)
        let connection = try FramedConnection.connect(to: IPv4Endpoint(to), receiveTimeoutSeconds: timeout)
        var transport = try runHandshake(state, over: connection)
        printLine(handshakeSummary(transport))
        var failures = 0
        for text in message {
            let sent = Array(text.utf8)
            try connection.sendFrame(try transport.writeMessage(sent))
            guard let reply = try connection.receiveFrame() else {
                throw SocketError(message: "responder closed the connection before echoing")
            }
            if try transport.readMessage(reply) != sent {
                printError("echo mismatch for message '\(text)'")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
