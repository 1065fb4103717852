import Noise
import Testing
import TestSupport
import TSSStore

/// Finding "secrets printed", store and channel keys: `description`, `String(reflecting:)` and
/// `dump` of a decrypted record, a master key and an X25519 private key show none of their bytes.
@Suite struct StoreRedactionTests {
    let secret = (0..<32).map { UInt8(truncatingIfNeeded: 90 + $0 * 5) }

    func renderings<T>(_ value: T) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return (dumped + "\n" + "\(value)" + "\n" + String(reflecting: value)).filter { !$0.isWhitespace }
    }

    func expectNoLeak(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let prefix = secret.prefix(8).map(String.init)
        #expect(!text.contains(hexString(secret)), sourceLocation: sourceLocation)
        #expect(!text.contains(prefix.joined(separator: ",")), sourceLocation: sourceLocation)
        #expect(!text.contains("-" + prefix.joined(separator: "-")), sourceLocation: sourceLocation)
    }

    @Test func testStoredRecordDoesNotPrintItsPayload() {
        expectNoLeak(renderings(StoredRecord(version: 1, payload: secret)))
    }

    @Test func testMasterKeyAndX25519KeyDoNotPrintTheirBytes() throws {
        expectNoLeak(renderings(try MasterKey(rawRepresentation: secret)))
        expectNoLeak(renderings(try X25519PrivateKey(rawRepresentation: secret)))
    }
}
