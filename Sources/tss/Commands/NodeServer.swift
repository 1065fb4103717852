import ArgumentParser
import Bytes
import CGGMP
import Foundation
import Hummingbird
import Logging
import Noise
import ServiceLifecycle
import TSS
import TSSNode
import TSSStore

/// The peer transport `tss node run` uses. The transport is a parameter of everything below;
/// this is the one place that picks it: the network's WebSocket carrying Noise XK, listening on
/// the member's peer host and `peerPort`.
enum NodeTransports {
    /// Starts `me`'s WebSocket peer transport (its listener) and returns it.
    static func make(directory: NetworkDirectory, me: DirectoryMember, identity: Ed25519Signer,
                     channelKey: X25519PrivateKey, peerPort: Int) async throws -> WebSocketPeerTransport {
        let transport = WebSocketPeerTransport(identity: identity, channelKey: channelKey, directory: directory,
                                               logger: Logger(label: "tss.node.peer"))
        _ = try await transport.start(host: me.peerHost, port: peerPort)
        return transport
    }
}

/// A node's identity, channel key and store, opened from its data directory.
struct NodeKeys {
    let identity: Ed25519Signer
    let channelKey: X25519PrivateKey
    let store: NodeStore
}

/// The data directory: `node.sqlite` and, unless a password is used, `master.key` (32 random bytes,
/// mode 0600).
enum NodeFiles {
    /// Creates the directory, the master key (or uses the password), the store and the node's keys;
    /// an existing store is opened and its keys returned.
    static func initialise(_ options: NodeDataOptions) throws -> NodeKeys {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: options.data, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        if fileManager.fileExists(atPath: options.storePath) {
            let keys = try open(options, parameters: nil)
            printError("the store exists already: \(options.storePath)")
            return keys
        }
        var random = SystemRandomNumberGenerator()
        let shareStore: ShareStore
        if let password = try options.password() {
            shareStore = try ShareStore.create(path: options.storePath, password: password, using: &random)
        } else {
            let bytes = (0..<MasterKey.byteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
            guard fileManager.createFile(atPath: options.masterKeyPath, contents: Data(bytes),
                                         attributes: [.posixPermissions: 0o600]) else {
                throw NodeFailure("cannot write \(options.masterKeyPath)")
            }
            shareStore = try ShareStore.create(path: options.storePath, masterKey: try MasterKey(rawRepresentation: bytes),
                                               using: &random)
        }
        try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: options.storePath)
        // The parameter set is checked against the directory when the node runs.
        let store = NodeStore(store: shareStore, parameters: .testing, generator: SystemRandomNumberGenerator())
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        try store.saveIdentitySeed(SecretBytes(seed))
        try store.saveChannelKey(X25519PrivateKey.generate(using: &random))
        return try open(options, parameters: nil)
    }

    /// Opens the store and loads the node's keys.
    static func open(_ options: NodeDataOptions, parameters: SchemeParameters?) throws -> NodeKeys {
        let shareStore: ShareStore
        if let password = try options.password() {
            shareStore = try ShareStore.open(path: options.storePath, password: password)
        } else {
            guard let data = FileManager.default.contents(atPath: options.masterKeyPath) else {
                throw NodeFailure("cannot read \(options.masterKeyPath) (run `tss node init --data \(options.data)` first)")
            }
            shareStore = try ShareStore.open(path: options.storePath, masterKey: try MasterKey(rawRepresentation: Array(data)))
        }
        let store = NodeStore(store: shareStore, parameters: parameters ?? .testing, generator: SystemRandomNumberGenerator())
        guard let identity = try store.loadIdentitySigner(), let channelKey = try store.loadChannelKey() else {
            throw NodeFailure("the store has no identity or channel key (run `tss node init`)")
        }
        return NodeKeys(identity: identity, channelKey: channelKey, store: store)
    }

    /// The member `text` names: an index into the sorted member list, or an id in hex.
    static func member(_ text: String, in directory: NetworkDirectory) throws -> DirectoryMember {
        if let index = Int(text) {
            guard directory.members.indices.contains(index) else {
                throw NodeFailure("--me \(index): the directory has \(directory.members.count) members (0-based)")
            }
            return directory.members[index]
        }
        guard let member = directory.members.first(where: { hexString($0.id.rawRepresentation) == text.lowercased() }) else {
            throw NodeFailure("--me \(text): no such member in the directory")
        }
        return member
    }
}

/// Runs a node and its HTTP API under swift-service-lifecycle: SIGTERM or SIGINT shuts both down
/// gracefully (the HTTP server stops accepting, the node stops its loops; unfinished flows stay
/// in the store and resume on the next start).
enum NodeServer {
    static func run(keys: NodeKeys, directory: NetworkDirectory, transport: any PeerTransport, host: String, port: Int,
                    configuration: ThresholdNode.Configuration) async throws {
        var logger = Logger(label: "tss.node")
        logger.logLevel = .info
        let node = try ThresholdNode(identity: keys.identity, channelKey: keys.channelKey, store: keys.store,
                                     directory: directory, transport: transport, configuration: configuration, logger: logger)
        let app = Application(router: NodeAPI.router(node: node),
                              configuration: .init(address: .hostname(host, port: port), serverName: "tss-node"),
                              logger: logger)
        let group = ServiceGroup(services: [NodeService(node: node), app],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

/// The node as a service: started with the group, stopped on graceful shutdown.
struct NodeService: Service {
    let node: ThresholdNode

    func run() async throws {
        try await node.start()
        try? await gracefulShutdown()
        await node.stop()
    }
}

/// Lowercase hex.
func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// A `tss node` failure at run time (not a usage error: no usage text follows it).
struct NodeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
