import ArgumentParser
import Foundation
import Noise

/// `tss noise …`: Noise peers for operators debugging a channel (like openssl s_server / s_client).
struct NoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Noise channel debugging: a responder that echoes, an initiator that checks the echo, key generation.",
        subcommands: [NoiseServe.self, NoiseConnect.self, NoiseKeygen.self]
    )
}

/// Options both peers share.
struct NoisePeerOptions: ParsableArguments {
    @Option(help: "Protocol name, e.g. Noise_XX_25519_ChaChaPoly_BLAKE2s.")
    var `protocol`: String

    @Option(name: .customLong("static-key"), help: "Our X25519 private key (64 hex digits), when the pattern uses one.")
    var staticKey: String?

    @Option(name: .customLong("remote-static"), help: "The peer's X25519 public key (hex): required for pre-known keys, pins transmitted ones.")
    var remoteStatic: String?

    @Option(help: "Prologue text (UTF-8), which both sides must agree on.")
    var prologue: String = ""

    @Option(help: "Pre-shared key (64 hex digits); repeat for patterns with several psk tokens.")
    var psk: [String] = []

    /// Key options are checked here, before any socket is opened: lengths, and `--remote-static`
    /// must not be a low-order point.
    func validate() throws {
        _ = try staticKey.map { try x25519SecretKeyBytes(fromHex: $0, option: "--static-key") }
        _ = try remoteStatic.map { try x25519PublicKeyBytes(fromHex: $0, option: "--remote-static") }
        for key in psk {
            guard try parseHex(key, what: "--psk").count == 32 else {
                throw ValidationError("--psk: a pre-shared key is 32 bytes (64 hex digits)")
            }
        }
    }

    /// A fresh handshake state for one connection.
    func handshake(role: NoiseRole) throws -> HandshakeState {
        let name = try NoiseProtocolName(self.protocol)
        let local = try staticKey.map { try X25519PrivateKey(rawRepresentation: try x25519SecretKeyBytes(fromHex: $0, option: "--static-key")) }
        let remote = try remoteStatic.map { try X25519PublicKey(rawRepresentation: try x25519PublicKeyBytes(fromHex: $0, option: "--remote-static")) }
        let psks = try psk.map { try parseHex($0, what: "--psk") }
        guard !name.pattern.isOneWay else {
            throw ValidationError("one-way patterns (N, K, X) cannot echo; use an interactive pattern")
        }
        var rng = SystemRandomNumberGenerator()
        return try HandshakeState(protocolName: name, role: role, prologue: Array(prologue.utf8),
                                  localStaticKey: local, remoteStaticKey: remote, preSharedKeys: psks, using: &rng)
    }
}

/// Runs the handshake over `connection` with empty payloads and returns the transport state.
func runHandshake(_ state: consuming HandshakeState, over connection: FramedConnection) throws -> TransportState {
    while !state.isHandshakeFinished {
        if state.isMyTurnToWrite {
            try connection.sendFrame(try state.writeMessage([]))
        } else {
            guard let message = try connection.receiveFrame() else {
                throw SocketError(message: "peer closed the connection during the handshake")
            }
            _ = try state.readMessage(message)
        }
    }
    return try state.intoTransport()
}

/// The one JSON line both peers print after the handshake.
func handshakeSummary(_ transport: borrowing TransportState) -> String {
    let remote = transport.remoteStaticKey.map { "\"\(hex($0.rawRepresentation))\"" } ?? "null"
    return "{\"handshake_hash\":\"\(hex(transport.handshakeHash))\",\"remote_static\":\(remote)}"
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

func parseHex(_ text: String, what: String) throws -> [UInt8] {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { throw ValidationError("\(what): odd number of hex digits") }
    func nibble(_ c: UInt8) throws -> UInt8 {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: throw ValidationError("\(what): not hex")
        }
    }
    return try stride(from: 0, to: digits.count, by: 2).map { try nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

/// Writes a line to stdout immediately (peers are driven by scripts reading line by line).
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// `tss noise keygen`: a fresh X25519 key pair as hex.
struct NoiseKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Print a fresh X25519 key pair as JSON with hex fields.")

    func run() throws {
        var rng = SystemRandomNumberGenerator()
        let key = X25519PrivateKey.generate(using: &rng)
        printLine("{\"private_key\":\"\(hex(key.rawRepresentation))\",\"public_key\":\"\(hex(key.publicKey.rawRepresentation))\"}")
    }
}
