import Foundation
import Testing
import TestSupport

/// `tss noise serve` and `tss noise connect` against each other on 127.0.0.1. Needs the built
/// binary (`swift build --build-tests` builds it); skips, saying so, when it is absent.
@Suite struct CLIPeerTests {
    static func binary() -> URL? { TestBinaries.tss() }

    /// Runs `arguments` to completion within `seconds`, returning (status, stdout, stderr).
    static func run(_ binary: URL, _ arguments: [String], seconds: Double) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(1)))
    func serveAndConnectAgreeAndEcho() throws {
        guard let tss = Self.binary() else { return }
        let serverKey = "0101010101010101010101010101010101010101010101010101010101010101"
        let clientKey = "0202020202020202020202020202020202020202020202020202020202020202"
        let (_, keyJSON, _) = try Self.run(tss, ["noise", "keygen"], seconds: 10)
        #expect(keyJSON.contains("\"public_key\""))

        // XX: each side learns the other's static key during the handshake.
        let server = Process()
        server.executableURL = tss
        server.arguments = ["noise", "serve", "--listen", "127.0.0.1:0", "--protocol", "Noise_XX_25519_ChaChaPoly_BLAKE2s",
                            "--static-key", serverKey, "--prologue", "cli test", "--timeout", "10"]
        let serverOut = Pipe(), serverErr = Pipe()
        server.standardOutput = serverOut
        server.standardError = serverErr
        try server.run()
        defer { if server.isRunning { server.terminate() }; server.waitUntilExit() }

        // The server reports its port on stderr ("listening on port N").
        var port: String?
        let deadline = Date().addingTimeInterval(20)
        var errText = ""
        while port == nil && Date() < deadline && server.isRunning {
            let chunk = serverErr.fileHandleForReading.availableData
            errText += String(decoding: chunk, as: UTF8.self)
            if let range = errText.range(of: #"listening on port (\d+)"#, options: .regularExpression) {
                port = String(errText[range].split(separator: " ").last!)
            }
        }
        let listening = try #require(port, "server did not start: \(errText)")

        let (status, clientOut, clientErr) = try Self.run(tss, [
            "noise", "connect", "--to", "127.0.0.1:\(listening)", "--protocol", "Noise_XX_25519_ChaChaPoly_BLAKE2s",
            "--static-key", clientKey, "--prologue", "cli test", "--message", "hello", "--message", "second message",
        ], seconds: 20)
        #expect(status == 0, "connect failed: \(clientErr)")
        let serverLine = String(decoding: serverOut.fileHandleForReading.availableData, as: UTF8.self)
        func field(_ json: String, _ key: String) throws -> String? {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return object?[key] as? String
        }
        let clientLine = try #require(clientOut.split(separator: "\n").first.map(String.init))
        let serverJSON = try #require(serverLine.split(separator: "\n").first.map(String.init))
        let clientHash = try field(clientLine, "handshake_hash")
        #expect(clientHash != nil && clientHash?.count == 64)
        #expect(clientHash == (try field(serverJSON, "handshake_hash")))
        // Each side learned the other's static key; they differ.
        let serverPublic = try #require(try field(clientLine, "remote_static"))
        let clientPublic = try #require(try field(serverJSON, "remote_static"))
        #expect(serverPublic != clientPublic && serverPublic.count == 64)

        // A client pinning the wrong server key fails with a non-zero status.
        let (pinned, _, _) = try Self.run(tss, [
            "noise", "connect", "--to", "127.0.0.1:\(listening)", "--protocol", "Noise_XX_25519_ChaChaPoly_BLAKE2s",
            "--static-key", clientKey, "--remote-static", clientPublic, "--prologue", "cli test", "--message", "x",
        ], seconds: 20)
        #expect(pinned != 0)
    }
}
