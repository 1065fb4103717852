import Foundation
import Testing
@testable import Bytes

/// Identifiers.swift is the one place every domain string, protocol tag and magic is declared;
/// these tests read it whole, so a new line there is checked without being listed here.
@Suite struct IdentifierTests {
    static func sourceLiterals() throws -> [String] {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Bytes/Identifiers.swift")
        let text = try String(contentsOf: file, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"static let \w+ = (?:EncodingHeader\(name: "[^"]*", magic: Array\()?"([^"]*)""#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    @Test func everyDomainStringTagAndMagicIsDistinct() throws {
        let literals = try Self.sourceLiterals()
        #expect(literals.count >= 40, "parsed \(literals.count) identifiers")
        let duplicates = Dictionary(grouping: literals, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(duplicates.isEmpty, "declared twice: \(duplicates.sorted())")
    }

    @Test func noMagicIsAPrefixOfAnother() {
        let headers: [EncodingHeader] = [
            .auxInfo, .thresholdPublicKey, .keyShare, .presignature, .protocolFault, .faultCheckContext,
            .sessionJournal, .dealerRegistration, .flowFault, .paillierPublicKey, .paillierCiphertext, .ringPedersen,
        ]
        for a in headers {
            for b in headers where a != b {
                #expect(!b.magic.starts(with: a.magic), "\(a.name) is a prefix of \(b.name)")
            }
        }
        #expect(Set(headers.map(\.name)).count == headers.count)
    }

    @Test func theStoreSubkeyContextHasLibsodiumsLength() {
        #expect(DomainSeparation.storeSubkeyContext.utf8.count == 8)
    }
}
