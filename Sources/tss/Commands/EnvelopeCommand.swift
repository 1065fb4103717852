import ArgumentParser
import CGGMP
import Foundation
import TSS

/// `tss envelope …`: for SDK and server developers debugging encrypt-and-sign envelopes.
struct Envelope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envelope",
        abstract: "HPKE + Ed25519 envelopes (docs/wire-formats.md, \"Envelopes\"): key generation, seal, open.",
        subcommands: [EnvelopeKeygen.self, EnvelopeSeal.self, EnvelopeOpen.self]
    )
}

/// An Ed25519 identity key from hex: the 32-byte seed, or libsodium's 64-byte secret key
/// (seed ‖ public key), whose public half must match the seed.
func identitySigner(fromHex text: String) throws -> Ed25519Signer {
    let bytes = try parseHex(text, what: "--identity-key")
    guard bytes.count == 32 || bytes.count == 64 else {
        throw ValidationError("--identity-key: expected 32 (seed) or 64 (seed ‖ public key) bytes, got \(bytes.count)")
    }
    let signer = try Ed25519Signer(seed: Array(bytes.prefix(32)))
    if bytes.count == 64 && Array(bytes.suffix(32)) != signer.partyID.rawRepresentation {
        throw ValidationError("--identity-key: the public half does not belong to the seed")
    }
    return signer
}

/// All of standard input.
func readStandardInput() -> [UInt8] {
    Array(FileHandle.standardInput.readDataToEndOfFile())
}
