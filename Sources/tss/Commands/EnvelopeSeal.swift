import ArgumentParser
import Foundation
import TSS

/// `tss envelope seal`: signs standard input with an identity key and seals it to an X25519 key.
struct EnvelopeSeal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Read a message on stdin; write a v1 envelope (JSON) to stdout."
    )

    @Option(name: .customLong("to"), help: "The recipient's X25519 public key (64 hex digits).")
    var recipient: String

    @Option(name: .customLong("identity-key"), help: "The sender's Ed25519 secret key: 32-byte seed or 64-byte seed ‖ public (hex).")
    var identityKey: String

    @Flag(name: .customLong("unbound"), help: "Do not name (and sign) the recipient key inside the envelope.")
    var unbound = false

    func validate() throws {
        _ = try x25519PublicKeyBytes(fromHex: recipient, option: "--to")
        _ = try identitySigner(fromHex: identityKey)
    }

    func run() throws {
        let key: X25519PublicKey
        do {
            key = try X25519PublicKey(rawRepresentation: try x25519PublicKeyBytes(fromHex: recipient, option: "--to"))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("--to: not a 32-byte X25519 public key")
        }
        let envelope = try TSS.Envelope.seal(readStandardInput(), signer: try identitySigner(fromHex: identityKey),
                                             to: key, bindRecipient: !unbound)
        FileHandle.standardOutput.write(Data(envelope.encoded + [0x0a]))
    }
}
