import CGGMP
import Foundation
import Noise

/// The directory read from a `network.json` file (docs/deployment.md, "The directory file"):
///
/// ```json
/// {
///   "parameter_set": "testing",
///   "threshold": 2,
///   "members": [
///     { "id": "<64 hex: Ed25519 identity key>", "channel_key": "<64 hex: X25519 key>",
///       "http_endpoint": "http://127.0.0.1:8001", "peer_host": "127.0.0.1", "peer_port": 9001 }
///   ],
///   "signing_groups": [["<id>"], ["<id>", "<id>"]]
/// }
/// ```
///
/// Decoding is strict: an unknown member, a missing one, a value of the wrong type or an invalid
/// value (a duplicate member, a low-order channel key, a port out of range, signing groups that
/// do not partition the members into `threshold` groups) is a ``DirectoryError`` naming the field.
public struct NetworkDirectory: Directory, Decodable {
    /// The parameter set every member runs.
    public let parameters: SchemeParameters
    /// t.
    public let threshold: Int
    /// Every member, sorted by identity.
    public let members: [DirectoryMember]
    /// The signing groups, each sorted, in file order.
    public let signingGroups: [[PartyID]]

    /// A directory from its parts, checked as a file is.
    /// - Throws: ``DirectoryError/invalidField(_:reason:)`` naming the part that is wrong.
    public init(parameters: SchemeParameters, threshold: Int, members: [DirectoryMember],
                signingGroups: [[PartyID]]) throws(DirectoryError) {
        guard members.count >= 2 else { throw .invalidField("members", reason: "at least 2 members are needed") }
        var ids = Set<PartyID>(), keys = Set<X25519PublicKey>()
        for (index, member) in members.enumerated() {
            guard ids.insert(member.id).inserted else { throw .invalidField("members[\(index)].id", reason: "listed twice") }
            guard keys.insert(member.channelKey).inserted else {
                throw .invalidField("members[\(index)].channel_key", reason: "another member has this key")
            }
            guard !member.httpEndpoint.isEmpty else { throw .invalidField("members[\(index)].http_endpoint", reason: "empty") }
            guard !member.peerHost.isEmpty else { throw .invalidField("members[\(index)].peer_host", reason: "empty") }
            guard (1...65535).contains(member.peerPort) else {
                throw .invalidField("members[\(index)].peer_port", reason: "not in 1...65535")
            }
        }
        guard (2...members.count).contains(threshold) else {
            throw .invalidField("threshold", reason: "must lie in 2...\(members.count) (the number of members)")
        }
        guard signingGroups.count == threshold else {
            throw .invalidField("signing_groups", reason: "\(signingGroups.count) groups; one group per signer (threshold \(threshold)) is needed")
        }
        var placed = Set<PartyID>()
        for (index, group) in signingGroups.enumerated() {
            guard !group.isEmpty else { throw .invalidField("signing_groups[\(index)]", reason: "empty") }
            for (position, id) in group.enumerated() {
                guard ids.contains(id) else { throw .invalidField("signing_groups[\(index)][\(position)]", reason: "not a member") }
                guard placed.insert(id).inserted else {
                    throw .invalidField("signing_groups[\(index)][\(position)]", reason: "a member in two places")
                }
            }
        }
        guard placed.count == ids.count else {
            throw .invalidField("signing_groups", reason: "\(ids.count - placed.count) member(s) in no group")
        }
        self.parameters = parameters
        self.threshold = threshold
        self.members = members.sorted { $0.id < $1.id }
        self.signingGroups = signingGroups.map { $0.sorted() }
    }

    /// Reads a directory from the bytes of a `network.json`.
    /// - Throws: ``DirectoryError`` naming the field.
    public init(json bytes: some Collection<UInt8>) throws(DirectoryError) {
        let file: DirectoryFile
        do {
            file = try StrictJSON.decode(DirectoryFile.self, from: bytes)
        } catch {
            switch error.kind {
            case .malformed: throw .malformedJSON(error.reason)
            case .missing: throw .missingField(error.field)
            case .unknown: throw .unknownField(error.field)
            case .invalid: throw .invalidField(error.field, reason: error.reason)
            }
        }
        try self.init(file: file)
    }

    /// Reads the directory file at `path`.
    /// - Throws: ``DirectoryError/unreadable(path:reason:)``, or as ``init(json:)``.
    public init(contentsOf path: String) throws(DirectoryError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        try self.init(json: Array(data))
    }

    /// Decodes the JSON form (strictly, as ``init(json:)``).
    /// - Throws: `DecodingError` (use ``init(json:)`` for a ``DirectoryError`` naming the field).
    public init(from decoder: any Decoder) throws {
        let file = try Strict<DirectoryFile>(from: decoder).value
        do { try self.init(file: file) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    private init(file: DirectoryFile) throws(DirectoryError) {
        guard let parameters = SchemeParameters.named(file.parameterSet) else {
            throw .invalidField("parameter_set", reason: "unknown parameter set (known: testing, "
                                + SchemeParameters.all.map(\.name).joined(separator: ", ") + ")")
        }
        var members: [DirectoryMember] = []
        for (index, entry) in file.members.enumerated() {
            let member = entry.value
            let id = try Self.partyID(member.id, field: "members[\(index)].id")
            guard let keyBytes = decodeHex(member.channelKey), keyBytes.count == 32 else {
                throw .invalidField("members[\(index)].channel_key", reason: "not 64 hex digits")
            }
            let channelKey: X25519PublicKey
            do { channelKey = try X25519PublicKey(rawRepresentation: keyBytes) } catch {
                throw .invalidField("members[\(index)].channel_key", reason: "\(error)")
            }
            members.append(DirectoryMember(id: id, channelKey: channelKey, httpEndpoint: member.httpEndpoint,
                                           peerHost: member.peerHost, peerPort: member.peerPort))
        }
        var groups: [[PartyID]] = []
        for (index, group) in file.signingGroups.enumerated() {
            var ids: [PartyID] = []
            for (position, text) in group.enumerated() {
                ids.append(try Self.partyID(text, field: "signing_groups[\(index)][\(position)]"))
            }
            groups.append(ids)
        }
        try self.init(parameters: parameters, threshold: file.threshold, members: members, signingGroups: groups)
    }

    static func partyID(_ text: String, field: String) throws(DirectoryError) -> PartyID {
        guard let raw = decodeHex(text), raw.count == PartyID.byteCount, let id = try? PartyID(rawRepresentation: raw) else {
            throw .invalidField(field, reason: "not 64 hex digits (an Ed25519 identity key)")
        }
        return id
    }
}

/// The file's JSON form.
struct DirectoryFile: StrictDecodable {
    static let fieldNames: Set<String> = ["parameter_set", "threshold", "members", "signing_groups"]

    struct Member: StrictDecodable {
        static let fieldNames: Set<String> = ["id", "channel_key", "http_endpoint", "peer_host", "peer_port"]
        let id: String
        let channelKey: String
        let httpEndpoint: String
        let peerHost: String
        let peerPort: Int

        enum CodingKeys: String, CodingKey {
            case id, channelKey = "channel_key", httpEndpoint = "http_endpoint", peerHost = "peer_host", peerPort = "peer_port"
        }
    }

    let parameterSet: String
    let threshold: Int
    let members: [Strict<Member>]
    let signingGroups: [[String]]

    enum CodingKeys: String, CodingKey {
        case parameterSet = "parameter_set", threshold, members, signingGroups = "signing_groups"
    }
}
