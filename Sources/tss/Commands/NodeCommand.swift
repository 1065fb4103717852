import ArgumentParser
import CGGMP
import CGGMPAdversary
import Foundation
import TSSNode
import TSSStore

/// `tss node`: a threshold node (HTTP API, peer channels, encrypted store). `tss node init`
/// creates a node's data directory and prints its directory entry; `tss node run` (the default)
/// runs it. docs/deployment.md describes a set of nodes.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "A threshold node: `init` creates its keys and store, `run` (the default) serves its HTTP API.",
        subcommands: [NodeRun.self, NodeInit.self],
        defaultSubcommand: NodeRun.self)
}

/// Where a node keeps its files, and how its store is unlocked.
struct NodeDataOptions: ParsableArguments {
    @Option(help: "The node's data directory: node.sqlite (the encrypted store) and master.key.")
    var data: String

    @Option(help: ArgumentHelp(
        "Unlock the store with the password in this environment variable (Argon2id) instead of DIR/master.key.",
        valueName: "NAME"))
    var passwordEnv: String?

    var storePath: String { (data as NSString).appendingPathComponent("node.sqlite") }
    var masterKeyPath: String { (data as NSString).appendingPathComponent("master.key") }

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("--data must name a directory") }
        if let passwordEnv, passwordEnv.isEmpty { throw ValidationError("--password-env must name a variable") }
    }

    /// The password from the environment, when the store uses one.
    func password() throws -> String? {
        guard let passwordEnv else { return nil }
        guard let password = ProcessInfo.processInfo.environment[passwordEnv], !password.isEmpty else {
            throw NodeFailure("the environment variable \(passwordEnv) is empty or not set")
        }
        return password
    }
}

/// `tss node init`.
struct NodeInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node's data directory (store, identity and channel keys) and print its directory entry.")

    @OptionGroup var data: NodeDataOptions

    func run() async throws {
        let keys = try NodeFiles.initialise(data)
        printLine("{\"id\":\"\(hexString(keys.identity.partyID.rawRepresentation))\",\"channel_key\":\"\(hexString(keys.channelKey.publicKey.rawRepresentation))\"}")
    }
}

/// `tss node run` (also `tss node` with these options).
struct NodeRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a threshold node: its HTTP API and its peer channels, until SIGTERM or SIGINT.")

    @Option(help: "The network's directory file (network.json: members, signing groups, threshold, parameter set).")
    var config: String

    @Option(help: ArgumentHelp("Which member this node is: its index in the directory's member list (sorted by id) or its id in hex.",
                               valueName: "INDEX|HEX"))
    var me: String

    @OptionGroup var data: NodeDataOptions

    @Option(help: "Port of the HTTP API.")
    var httpPort: Int

    @Option(help: "Address the HTTP API listens on.")
    var httpHost: String = "127.0.0.1"

    @Option(help: "Port the peer channels listen on (default: this member's peer_port in the directory).")
    var peerPort: Int?

    @Option(help: "Seconds a flow may run before the node gives up on it.")
    var flowTimeout: Int = 600

    /// A fault drill: this node cheats in presigning or signing (hidden: never for a real node).
    @Option(help: ArgumentHelp("Fault drill: this node rewrites its own presigning or signing messages, re-signed with its "
                               + "identity key, so the honest nodes name it with proof. One of: "
                               + Misbehaviour.outgoingCheats.map(\.rawValue).joined(separator: ", ") + ".",
                               valueName: "KIND", visibility: .hidden))
    var misbehave: String?

    @Option(help: ArgumentHelp("Keep K presignatures ready in each pool this node can sign from (every registered key, "
                               + "every committee it may sit on); 0: presign when a request comes.", valueName: "K"))
    var poolTarget: Int = 0

    func validate() throws {
        try OptionCheck.require(poolTarget, in: 0...1000, "--pool-target")
        try OptionCheck.require(httpPort, in: 1...65535, "--http-port")
        if let peerPort { try OptionCheck.require(peerPort, in: 1...65535, "--peer-port") }
        try OptionCheck.require(flowTimeout, in: 1...86400, "--flow-timeout")
        _ = try drill()
    }

    /// The `--misbehave` kind, when given: one a lone node can play (`Misbehaviour.outgoingCheats`).
    private func drill() throws -> Misbehaviour? {
        guard let misbehave else { return nil }
        guard let kind = Misbehaviour(rawValue: misbehave), Misbehaviour.outgoingCheats.contains(kind) else {
            throw ValidationError("--misbehave must be one of "
                                  + Misbehaviour.outgoingCheats.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }

    func run() async throws {
        let directory = try NetworkDirectory(contentsOf: config)
        let member = try NodeFiles.member(me, in: directory)
        let keys = try NodeFiles.open(data, parameters: directory.parameters)
        guard keys.identity.partyID == member.id else {
            throw NodeFailure("the store's identity is \(hexString(keys.identity.partyID.rawRepresentation)), "
                                  + "not member \(me) of the directory")
        }
        let peerPort = self.peerPort ?? member.peerPort
        let transport = try await NodeTransports.make(directory: directory, me: member, identity: keys.identity,
                                                      channelKey: keys.channelKey, peerPort: peerPort)
        var configuration = ThresholdNode.Configuration(flowTimeout: .seconds(flowTimeout), presignaturePoolTarget: poolTarget)
        if let drill = try drill() {
            configuration.outgoingTamper = drill.outgoingCheat(signer: keys.identity)
            printError("tss node: FAULT DRILL: this node misbehaves (\(drill.rawValue): \(drill.summary))")
        }
        do {
            try await NodeServer.run(keys: keys, directory: directory, transport: transport, host: httpHost, port: httpPort,
                                     configuration: configuration)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }
}
