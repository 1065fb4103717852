import ArgumentParser
import Foundation
import TSS

/// `tss envelope open`: decrypts and verifies an envelope read on standard input.
struct EnvelopeOpen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Read an envelope on stdin; print {\"message\":BASE64,\"sender\":HEX} or exit 1 with the reason on stderr."
    )

    @Option(name: .customLong("key"), help: "Our X25519 secret key (64 hex digits).")
    var key: String

    func validate() throws {
        _ = try x25519SecretKeyBytes(fromHex: key, option: "--key")
    }

    func run() throws {
        let secret: X25519PrivateKey
        do {
            secret = try X25519PrivateKey(rawRepresentation: try x25519SecretKeyBytes(fromHex: key, option: "--key"))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("--key: not a 32-byte X25519 secret key")
        }
        var input = readStandardInput()
        // Tolerate the newline `seal` and shells add; anything else must be the envelope itself.
        while let last = input.last, last == 0x0a || last == 0x0d { input.removeLast() }
        do {
            let opened = try TSS.Envelope(encoded: input).open(with: secret)
            printLine("{\"message\":\"\(Data(opened.message).base64EncodedString())\",\"sender\":\"\(hex(opened.sender.rawRepresentation))\"}")
        } catch {
            printError("envelope rejected: \(error)")
            throw ExitCode(1)
        }
    }
}
