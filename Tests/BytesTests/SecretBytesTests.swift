import Testing
@testable import Bytes

@Suite struct SecretBytesTests {
    @Test func copiesShareUntilOneIsChanged() {
        let original = SecretBytes([1, 2, 3])
        var copy = original
        copy.withUnsafeMutableBytes { $0[0] = 9 }
        #expect(original.unprotectedCopy == [1, 2, 3])
        #expect(copy.unprotectedCopy == [9, 2, 3])
        #expect(original != copy)
        #expect(original == SecretBytes([1, 2, 3]))
        #expect(SecretBytes([1, 2]) != SecretBytes([1, 2, 3]))
        #expect(SecretBytes([]) == SecretBytes(zeros: 0))
    }

    @Test func nothingPrintsTheBytes() {
        let secret = SecretBytes([0xDE, 0xAD, 0xBE, 0xEF])
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [secret.description, secret.debugDescription, "\(secret)", String(reflecting: secret), dumped] {
            #expect(!text.lowercased().contains("de") || !text.lowercased().contains("ad"), "\(text)")
            #expect(!text.contains("222") && !text.contains("173"), "\(text)")
        }
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    struct Refused: Error {}

    @Test func aThrowingInitialiserPropagatesItsError() {
        #expect(throws: Refused.self) {
            _ = try SecretBytes(count: 4) { (_: UnsafeMutableRawBufferPointer) throws(Refused) in throw Refused() }
        }
    }
}
