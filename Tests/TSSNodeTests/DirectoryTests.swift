import CGGMP
import Foundation
import Noise
import Testing
@testable import TSSNode

/// `network.json`: a good file, and every kind of bad one refused with the field named.
@Suite struct DirectoryTests {
    static let ids = nodeServers.map { hexOf($0.partyID.rawRepresentation) }
    static let keys = nodeChannelKeys.map { hexOf($0.publicKey.rawRepresentation) }

    static func member(_ index: Int, id: String? = nil, key: String? = nil, port: String = "9001", extra: String = "") -> String {
        "{\"id\":\"\(id ?? ids[index])\",\"channel_key\":\"\(key ?? keys[index])\",\"http_endpoint\":\"http://127.0.0.1:800\(index)\","
            + "\"peer_host\":\"127.0.0.1\",\"peer_port\":\(port)\(extra)}"
    }

    static func file(parameters: String = "\"testing\"", threshold: String = "2", members: [String]? = nil,
                     groups: String? = nil, extra: String = "") -> String {
        let list = members ?? (0..<3).map { member($0) }
        let groups = groups ?? "[[\"\(ids[0])\"],[\"\(ids[1])\",\"\(ids[2])\"]]"
        return "{\"parameter_set\":\(parameters),\"threshold\":\(threshold),\"members\":[\(list.joined(separator: ","))],"
            + "\"signing_groups\":\(groups)\(extra)}"
    }

    @Test func aGoodFileDecodes() throws {
        let directory = try NetworkDirectory(json: Array(Self.file().utf8))
        #expect(directory.parameters.name == SchemeParameters.testing.name)
        #expect(directory.threshold == 2)
        #expect(directory.memberIDs == nodeServers.map(\.partyID).sorted())
        #expect(directory.signingGroups.count == 2)
        let peer = try #require(directory.peer(nodeServers[1].partyID))
        #expect(peer.host == "127.0.0.1" && peer.port == 9001)
        #expect(peer.channelKey == nodeChannelKeys[1].publicKey)
        #expect(directory.peer(apiUser.partyID) == nil)
        #expect(directory.signingGroup(of: nodeServers[2].partyID)?.contains(nodeServers[1].partyID) == true)
        // Through Codable as well.
        let decoded = try JSONDecoder().decode(NetworkDirectory.self, from: Data(Self.file().utf8))
        #expect(decoded.memberIDs == directory.memberIDs)
        // From a file.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("network-\(UUID().uuidString).json")
        try Data(Self.file().utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        #expect(try NetworkDirectory(contentsOf: path.path).memberIDs == directory.memberIDs)
    }

    static let lowOrderKey = String(repeating: "00", count: 32)

    static let badFiles: [(String, String, String?)] = [
        ("not JSON", "{", nil),
        ("an array", "[]", nil),
        ("missing threshold", "{\"parameter_set\":\"testing\",\"members\":[],\"signing_groups\":[]}", "threshold"),
        ("unknown top-level field", file(extra: ",\"thresold\":2"), "thresold"),
        ("unknown member field", file(members: [member(0, extra: ",\"name\":\"a\""), member(1), member(2)]), "members[0].name"),
        ("threshold of the wrong type", file(threshold: "\"2\""), "threshold"),
        ("unknown parameter set", file(parameters: "\"fast\""), "parameter_set"),
        ("bad id", file(members: [member(0), member(1, id: "xyz"), member(2)]), "members[1].id"),
        ("short channel key", file(members: [member(0), member(1), member(2, key: "abcd")]), "members[2].channel_key"),
        ("low-order channel key", file(members: [member(0), member(1), member(2, key: lowOrderKey)]), "members[2].channel_key"),
        ("duplicate member", file(members: [member(0), member(0), member(2)]), "members[1].id"),
        ("port out of range", file(members: [member(0), member(1, port: "70000"), member(2)]), "members[1].peer_port"),
        ("threshold too high", file(threshold: "4"), "threshold"),
        ("threshold of 1", file(threshold: "1", groups: "[[\"\(ids[0])\",\"\(ids[1])\",\"\(ids[2])\"]]"), "threshold"),
        ("groups not one per signer", file(groups: "[[\"\(ids[0])\",\"\(ids[1])\",\"\(ids[2])\"]]"), "signing_groups"),
        ("a member in no group", file(groups: "[[\"\(ids[0])\"],[\"\(ids[1])\"]]"), "signing_groups"),
        ("a member in two groups", file(groups: "[[\"\(ids[0])\",\"\(ids[1])\"],[\"\(ids[1])\",\"\(ids[2])\"]]"), "signing_groups[1][0]"),
        ("a non-member in a group", file(groups: "[[\"\(ids[0])\"],[\"\(ids[1])\",\"\(String(repeating: "ab", count: 32))\"]]"),
         "signing_groups[1][1]"),
    ]

    @Test(arguments: badFiles.indices)
    func aBadFileIsRefusedNamingTheField(_ index: Int) {
        let (name, text, field) = Self.badFiles[index]
        do {
            _ = try NetworkDirectory(json: Array(text.utf8))
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.field == field, "\(name): \(error)")
        }
    }

    @Test func anUnreadableFileIsNamed() {
        do {
            _ = try NetworkDirectory(contentsOf: "/nonexistent/network.json")
            Issue.record("accepted")
        } catch {
            guard case .unreadable(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "/nonexistent/network.json")
        }
    }
}
