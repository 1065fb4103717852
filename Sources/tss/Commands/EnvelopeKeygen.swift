import ArgumentParser
import CGGMP
import TSS

/// `tss envelope keygen`: a fresh X25519 key pair (envelope recipient) and Ed25519 identity key pair.
struct EnvelopeKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Print a fresh X25519 key pair and Ed25519 identity key pair as JSON hex (secrets included)."
    )

    func run() throws {
        var rng = SystemRandomNumberGenerator()
        let x25519 = X25519PrivateKey.generate(using: &rng)
        let seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let identity = try Ed25519Signer(seed: seed)
        printLine("{\"x25519_secret\":\"\(hex(x25519.rawRepresentation))\","
            + "\"x25519_public\":\"\(hex(x25519.publicKey.rawRepresentation))\","
            + "\"ed25519_secret\":\"\(hex(seed))\","
            + "\"ed25519_public\":\"\(hex(identity.partyID.rawRepresentation))\"}")
    }
}
