import Bytes
import CGGMP
import Foundation
import Secp256k1
import TSS
import TSSNode
import TSSStore

/// The files of `tss demo --data DIR`:
///
/// - `DIR/demo.json` — public: the parties' identities, the threshold, the parameter set, the
///   user, the registered public key, the signer set and the next block number and pool index
///   (``DemoManifest``);
/// - `DIR/party-<i>.sqlite` — party i's encrypted `ShareStore` (identity seed, registration,
///   presignature pool, flow journals, used session ids), i in identity order;
/// - `DIR/party-<i>.key` — its 32-byte master key, mode 0600. A demo arrangement: a real server
///   keeps its master key elsewhere (a secret manager, a hardware keystore), never beside the store.
struct DemoDirectory: Sendable {
    let path: String

    static let manifestName = "demo.json"
    private static let partyFilePrefix = "party-"

    var manifestPath: String { (path as NSString).appendingPathComponent(Self.manifestName) }
    func storePath(_ index: Int) -> String { (path as NSString).appendingPathComponent("party-\(index).sqlite") }
    func keyPath(_ index: Int) -> String { (path as NSString).appendingPathComponent("party-\(index).key") }

    /// DIR for a registration run: created (mode 0700) when absent; refused when it holds a demo
    /// or the party files of an unfinished one.
    static func forRegistration(_ path: String) throws(DemoDataError) -> DemoDirectory {
        let directory = DemoDirectory(path: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .notADirectory(path) }
            if FileManager.default.fileExists(atPath: directory.manifestPath) { throw .holdsDemo(path) }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw .file(path, "cannot list: \(error.localizedDescription)")
            }
            let leftovers = names.filter { $0.hasPrefix(partyFilePrefix) }.sorted()
            if !leftovers.isEmpty { throw .holdsPartyFiles(path, leftovers) }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .file(path, "cannot create: \(error.localizedDescription)")
            }
        }
        return directory
    }

    /// DIR for `--sign`: it must hold `demo.json`.
    static func forSigning(_ path: String) throws(DemoDataError) -> DemoDirectory {
        let directory = DemoDirectory(path: path)
        guard FileManager.default.fileExists(atPath: directory.manifestPath) else { throw .noDemo(path) }
        return directory
    }

    /// A new store for party `index`: a fresh master key written to `party-<index>.key` (created
    /// with mode 0600, never overwritten), then a new SQLite store sealed under it.
    func createStore(index: Int, parameters: SchemeParameters) throws(DemoDataError) -> NodeStore {
        var random = SystemRandomNumberGenerator()
        let masterKey = MasterKey.random(using: &random)
        try writeKeyFile(masterKey, to: keyPath(index))
        let store: ShareStore
        do { store = try ShareStore.create(path: storePath(index), masterKey: masterKey, using: &random) } catch {
            throw .store(storePath(index), .store(error))
        }
        // Sealed records, but the metadata (ids, counts) is in clear: owner-only, like the key.
        chmod(storePath(index), 0o600)
        return NodeStore(store: store, parameters: parameters, generator: SystemRandomNumberGenerator())
    }

    /// Party `index`'s store, opened with the master key in `party-<index>.key`.
    func openStore(index: Int, parameters: SchemeParameters) throws(DemoDataError) -> NodeStore {
        let masterKey = try readKeyFile(keyPath(index))
        let store: ShareStore
        do { store = try ShareStore.open(path: storePath(index), masterKey: masterKey) } catch {
            throw .store(storePath(index), .store(error))
        }
        return NodeStore(store: store, parameters: parameters, generator: SystemRandomNumberGenerator())
    }

    /// A store in memory (no `--data`).
    static func memoryStore(parameters: SchemeParameters) throws(DemoDataError) -> NodeStore {
        var random = SystemRandomNumberGenerator()
        let store: ShareStore
        do {
            store = try ShareStore.create(backend: InMemoryRecordBackend(), masterKey: MasterKey.random(using: &random),
                                          using: &random)
        } catch {
            throw .store("(memory)", .store(error))
        }
        return NodeStore(store: store, parameters: parameters, generator: SystemRandomNumberGenerator())
    }

    func readManifest() throws(DemoDataError) -> DemoManifest {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { throw .file(manifestPath, "cannot read") }
        do { return try JSONDecoder().decode(DemoManifest.self, from: data) } catch {
            throw .manifest(manifestPath, "not a demo manifest: \(error)")
        }
    }

    /// Writes `demo.json` atomically (a new file renamed over the old one).
    func writeManifest(_ manifest: DemoManifest) throws(DemoDataError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            throw .file(manifestPath, "cannot write: \(error.localizedDescription)")
        }
    }

    private func writeKeyFile(_ key: MasterKey, to path: String) throws(DemoDataError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw .file(path, "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == MasterKey.byteCount, fsync(descriptor) == 0 else {
            throw .file(path, "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    private func readKeyFile(_ path: String) throws(DemoDataError) -> MasterKey {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .file(path, "cannot read: \(error.localizedDescription)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw .keyFile(path, "readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .file(path, "cannot read") }
        var bytes = [UInt8](data)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        do { return try MasterKey(rawRepresentation: bytes) } catch {
            throw .keyFile(path, "\(error)")
        }
    }
}

/// `DIR/demo.json`: the public facts every party agrees on (in a network: the chain's), and the
/// counters that keep session ids fresh across runs. Never a secret.
struct DemoManifest: Codable, Sendable {
    static let currentFormat = "swift-tss demo/v1"

    var format = Self.currentFormat
    /// Every party's identity (Ed25519 public key, hex), in identity order: party i's store is
    /// `party-<i>.sqlite`.
    var parties: [String]
    var threshold: Int
    /// The `--params` name.
    var params: String
    /// The account the key is registered for.
    var user: String
    /// The registered public key, compressed, hex.
    var publicKey: String
    /// The signer set (identities, hex).
    var signers: [String]
    /// The block number the next signing request uses (each run takes a fresh one, so no session
    /// id repeats).
    var nextBlock: UInt64
    /// The pool index the next presigning uses.
    var nextPoolIndex: UInt64

    /// The manifest's values, decoded and checked.
    struct Checked {
        let parameterSet: ParameterSet
        let parties: [PartyID]
        let threshold: Int
        let user: [UInt8]
        let publicKey: Point
        let signers: [PartyID]
    }

    func checked(path: String) throws(DemoDataError) -> Checked {
        func bad(_ reason: String) -> DemoDataError { .manifest(path, reason) }
        guard format == Self.currentFormat else { throw bad("format \(format), expected \(Self.currentFormat)") }
        guard let parameterSet = ParameterSet(rawValue: params) else { throw bad("unknown parameter set \(params)") }
        func party(_ text: String) throws(DemoDataError) -> PartyID {
            guard let bytes = try? parseHex(text, what: "party"), let id = try? PartyID(rawRepresentation: bytes) else {
                throw bad("\(text) is not a party identity")
            }
            return id
        }
        var partyIDs: [PartyID] = []
        for text in parties { partyIDs.append(try party(text)) }
        var signerIDs: [PartyID] = []
        for text in signers { signerIDs.append(try party(text)) }
        guard partyIDs.count >= 2, partyIDs == partyIDs.sorted(), Set(partyIDs).count == partyIDs.count else {
            throw bad("parties must be at least two distinct identities, in order")
        }
        guard (2...partyIDs.count).contains(threshold) else { throw bad("threshold \(threshold) outside 2...\(partyIDs.count)") }
        guard signerIDs.count == threshold, Set(signerIDs).count == threshold, Set(signerIDs).isSubset(of: partyIDs) else {
            throw bad("signers must be \(threshold) distinct parties")
        }
        guard let keyBytes = try? parseHex(publicKey, what: "publicKey"),
              let point = try? Point(sec1Representation: keyBytes) else { throw bad("publicKey is not a public key") }
        guard nextBlock > 0 else { throw bad("nextBlock must be positive") }
        return Checked(parameterSet: parameterSet, parties: partyIDs, threshold: threshold, user: Array(user.utf8),
                       publicKey: point, signers: signerIDs)
    }
}

/// Why `tss demo --data DIR` could not use DIR. Names paths and reasons, never key material.
enum DemoDataError: Error, CustomStringConvertible {
    /// DIR already holds a demo (a registration run needs a new one).
    case holdsDemo(String)
    /// DIR holds party files but no demo.json (the remains of an interrupted registration).
    case holdsPartyFiles(String, [String])
    /// `--sign`: DIR holds no demo.json.
    case noDemo(String)
    /// DIR exists and is not a directory.
    case notADirectory(String)
    /// A file could not be read, written or created.
    case file(String, String)
    /// A master key file is not a 32-byte key, or others may read it.
    case keyFile(String, String)
    /// demo.json does not decode or its values do not fit together.
    case manifest(String, String)
    /// A party's store failed.
    case store(String, NodeStoreError)
    /// The stores and demo.json disagree.
    case mismatch(String)

    var description: String {
        switch self {
        case .holdsDemo(let path):
            "\(path) already holds a demo (\(Self.manifestName(in: path))): sign with it using "
                + "`tss demo --data \(path) --sign MESSAGE`, or register into another directory"
        case .holdsPartyFiles(let path, let names):
            "\(path) holds party files but no \(DemoDirectory.manifestName) (an interrupted registration: "
                + "\(names.joined(separator: ", "))); remove them or use another directory"
        case .noDemo(let path):
            "\(path) holds no demo (no \(Self.manifestName(in: path))): register first with `tss demo --data \(path)`"
        case .notADirectory(let path): "\(path) is not a directory"
        case .file(let path, let reason): "\(path): \(reason)"
        case .keyFile(let path, let reason): "master key file \(path): \(reason)"
        case .manifest(let path, let reason): "\(path): \(reason)"
        case .store(let path, let error): "store \(path): \(error)"
        case .mismatch(let reason): reason
        }
    }

    private static func manifestName(in path: String) -> String {
        (path as NSString).appendingPathComponent(DemoDirectory.manifestName)
    }
}
