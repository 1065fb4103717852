import CGGMP
import Foundation
import TSS

/// The part of a network's `network.json` (docs/deployment.md, "The directory file") a client
/// needs: the threshold, every member's identity, channel key and HTTP endpoint, and the signing
/// groups. Members the server alone uses (`peer_host`, `peer_port`, `parameter_set`) are ignored,
/// so the client reads the very file the nodes run on without linking the server.
public struct ClientDirectory: Sendable, Equatable {
    /// One member of the network as a client sees it.
    public struct Member: Sendable, Equatable {
        /// The node's Ed25519 identity key.
        public let id: PartyID
        /// The node's X25519 channel key: envelopes to it are sealed to this key.
        public let channelKey: X25519PublicKey
        /// The base URL of the node's HTTP API, e.g. `http://127.0.0.1:8001`.
        public let httpEndpoint: URL

        /// A member from its parts.
        public init(id: PartyID, channelKey: X25519PublicKey, httpEndpoint: URL) {
            self.id = id
            self.channelKey = channelKey
            self.httpEndpoint = httpEndpoint
        }
    }

    /// t: how many members sign (one of each signing group).
    public let threshold: Int
    /// Every member, sorted by identity.
    public let members: [Member]
    /// The signing groups, each sorted, in file order.
    public let signingGroups: [[PartyID]]

    /// A directory from its parts; checks that the signing groups partition the members into
    /// `threshold` groups, as the node does.
    /// - Throws: ``ClientError/directory(field:reason:)`` naming the part that is wrong.
    public init(threshold: Int, members: [Member], signingGroups: [[PartyID]]) throws(ClientError) {
        var ids = Set<PartyID>()
        for (index, member) in members.enumerated() where !ids.insert(member.id).inserted {
            throw .directory(field: "members[\(index)].id", reason: "listed twice")
        }
        guard members.count >= 2, (2...members.count).contains(threshold) else {
            throw .directory(field: "threshold", reason: "must lie in 2...(the number of members), with at least 2 members")
        }
        guard signingGroups.count == threshold else {
            throw .directory(field: "signing_groups", reason: "\(signingGroups.count) groups for threshold \(threshold)")
        }
        var placed = Set<PartyID>()
        for (index, group) in signingGroups.enumerated() {
            guard !group.isEmpty else { throw .directory(field: "signing_groups[\(index)]", reason: "empty") }
            for (position, id) in group.enumerated() {
                guard ids.contains(id), placed.insert(id).inserted else {
                    throw .directory(field: "signing_groups[\(index)][\(position)]", reason: "not a member, or a member in two places")
                }
            }
        }
        guard placed.count == ids.count else { throw .directory(field: "signing_groups", reason: "a member in no group") }
        self.threshold = threshold
        self.members = members.sorted { $0.id < $1.id }
        self.signingGroups = signingGroups.map { $0.sorted() }
    }

    /// Reads the bytes of a `network.json`.
    /// - Throws: ``ClientError/directory(field:reason:)`` naming the field.
    public init(json bytes: some Collection<UInt8>) throws(ClientError) {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(bytes)) } catch {
            throw .directory(field: "", reason: "not a network.json: \(Self.describe(error))")
        }
        var members: [Member] = []
        for (index, entry) in file.members.enumerated() {
            let id = try Self.partyID(entry.id, field: "members[\(index)].id")
            guard let keyBytes = Hex.decode(entry.channelKey), keyBytes.count == 32,
                  let key = try? X25519PublicKey(rawRepresentation: keyBytes) else {
                throw .directory(field: "members[\(index)].channel_key", reason: "not a 32-byte X25519 key (64 hex digits)")
            }
            guard let url = URL(string: entry.httpEndpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw .directory(field: "members[\(index)].http_endpoint", reason: "not an http(s) URL")
            }
            members.append(Member(id: id, channelKey: key, httpEndpoint: url))
        }
        var groups: [[PartyID]] = []
        for (index, group) in file.signingGroups.enumerated() {
            var ids: [PartyID] = []
            for (position, text) in group.enumerated() {
                ids.append(try Self.partyID(text, field: "signing_groups[\(index)][\(position)]"))
            }
            groups.append(ids)
        }
        try self.init(threshold: file.threshold, members: members, signingGroups: groups)
    }

    /// Reads the `network.json` at `path`.
    /// - Throws: ``ClientError/directory(field:reason:)`` (an unreadable file names no field).
    public init(contentsOf path: String) throws(ClientError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .directory(field: "", reason: "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(json: Array(data))
    }

    /// The member with identity `id`, or nil.
    public func member(_ id: PartyID) -> Member? { members.first { $0.id == id } }

    /// The members' identities, sorted.
    public var memberIDs: [PartyID] { members.map(\.id) }

    static func partyID(_ text: String, field: String) throws(ClientError) -> PartyID {
        guard let raw = Hex.decode(text), raw.count == PartyID.byteCount, let id = try? PartyID(rawRepresentation: raw) else {
            throw .directory(field: field, reason: "not 64 hex digits (an Ed25519 identity key)")
        }
        return id
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON" }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: return "malformed JSON"
        }
    }

    struct File: Decodable {
        struct Entry: Decodable {
            let id: String
            let channelKey: String
            let httpEndpoint: String
            enum CodingKeys: String, CodingKey { case id, channelKey = "channel_key", httpEndpoint = "http_endpoint" }
        }
        let threshold: Int
        let members: [Entry]
        let signingGroups: [[String]]
        enum CodingKeys: String, CodingKey { case threshold, members, signingGroups = "signing_groups" }
    }
}

/// Lowercase hex, both ways.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
