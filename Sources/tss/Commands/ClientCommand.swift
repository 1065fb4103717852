import ArgumentParser
import CGGMP
import Foundation
import Secp256k1
import TSSClient

/// `tss client`: a user's client of a running network (TSSClient): `register` registers the
/// user's key with every node, `sign` asks the committee for a signature and verifies it.
/// docs/deployment.md, "Client".
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "A user's client of running nodes: `register` a key, `sign` a message (verified).",
        subcommands: [ClientRegister.self, ClientSign.self])
}

/// The options every client command takes: the network and the user.
struct ClientOptions: ParsableArguments {
    @Option(help: "The network's directory file (network.json), as the nodes run it.")
    var config: String

    @Option(name: .customLong("user-key"),
            help: "The user's Ed25519 secret key: 32-byte seed or 64-byte seed ‖ public (hex, as `tss envelope keygen` prints).")
    var userKey: String

    @Option(help: "The block number the request is made at.")
    var block: UInt64

    func validate() throws {
        _ = try identitySigner(fromHex: userKey)
    }

    /// The client (the directory read and checked); a signing gives up after `timeout` seconds.
    func client(timeout: Int = 180) throws -> ThresholdClient {
        let directory: ClientDirectory
        do { directory = try ClientDirectory(contentsOf: config) } catch { throw NodeFailure("\(error)") }
        var polling = PollingPolicy()
        polling.deadline = .seconds(timeout)
        return ThresholdClient(directory: directory, identity: try identitySigner(fromHex: userKey), polling: polling)
    }
}

/// `tss client register`: POST /user/new to every member (DKG, or `--dealer`: the key is dealt
/// here and each member's share sealed to it).
struct ClientRegister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register the user with every node (distributed key generation, or --dealer). Prints JSON.")

    @OptionGroup var options: ClientOptions

    @Flag(help: "Deal the key here and send each node its sealed share, instead of distributed key generation.")
    var dealer = false

    func run() async throws {
        let client = try options.client()
        var output: [String: Any] = ["user": hexString(client.identity.partyID.rawRepresentation),
                                     "mode": dealer ? "dealer" : "dkg"]
        do {
            let flows: [PartyID: String]
            if dealer {
                let result = try await client.registerDealer(blockNumber: options.block)
                output["public_key"] = hexString(result.publicKey)
                flows = result.flowIDs
            } else {
                flows = try await client.registerDKG(blockNumber: options.block)
            }
            output["flows"] = Dictionary(uniqueKeysWithValues: flows.map { (hexString($0.key.rawRepresentation), $0.value) })
        } catch {
            throw NodeFailure("\(error)")
        }
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data([0x0a]))
    }
}

/// `tss client sign`: the committee's signature of a message, verified.
struct ClientSign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Ask the signing committee to sign a message; verify and print the signature.")

    @OptionGroup var options: ClientOptions

    @Option(help: "The message (its UTF-8 bytes are hashed and signed).")
    var message: String

    @Option(help: "How the nodes hash the message: sha256, sha3_256, keccak256, blake2b256, identity.")
    var hash: String = "sha256"

    @Option(name: .customLong("derivation-path"), help: "A non-hardened BIP32 path (m: the registered key).")
    var derivationPath: String = "m"

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 180

    func validate() throws {
        try OptionCheck.require(timeout, in: OptionCheck.timeoutSeconds, "--timeout")
        guard MessageHashing(name: hash) != nil else {
            throw ValidationError("--hash: one of \(MessageHashing.named.compactMap(\.name).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let client = try options.client(timeout: timeout)
        let result: SignatureResult
        do {
            result = try await client.sign(message: Array(message.utf8), hashing: MessageHashing(name: hash)!,
                                           blockNumber: options.block, derivationPath: derivationPath)
        } catch {
            throw NodeFailure("\(error)")
        }
        // `sign` verified the signature (it recovers the public key) and that the committee agrees.
        if json {
            let output: [String: Any] = [
                "request_id": result.requestID, "message_hash": hexString(result.messageHash),
                "signature": hexString(result.signature), "public_key": hexString(result.publicKey),
                "signers": result.signers.map { hexString($0.rawRepresentation) }, "verified": true,
            ]
            let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(data + Data([0x0a]))
        } else {
            print("signature (r‖s‖v): \(hexString(result.signature))")
            print("public key:        \(hexString(result.publicKey))")
            print("message hash:      \(hexString(result.messageHash))")
            print("request id:        \(result.requestID)")
            print("verified:          true")
        }
    }
}
