import Testing
import TestSupport
@testable import TSSStore

/// Wycheproof's XChaCha20-Poly1305 set through the store's AEAD wrapper: valid cases must seal to
/// the expected ciphertext and tag and open again; invalid ones (modified tags, wrong nonce sizes)
/// must be rejected.
@Test func xchachaWycheproof() throws {
    guard let url = TestVectors.shared("wycheproof/xchacha20_poly1305_test.json") else { return }
    struct File: Decodable { let testGroups: [Group] }
    struct Group: Decodable { let ivSize: Int; let tests: [Case] }
    struct Case: Decodable { let tcId: Int; let key, iv, aad, msg, ct, tag, result: String }
    let file = try TestVectors.decode(File.self, from: url)

    var valid = 0, invalid = 0
    for group in file.testGroups {
        for test in group.tests {
            let key = hexBytes(test.key), nonce = hexBytes(test.iv), aad = hexBytes(test.aad)
            let message = hexBytes(test.msg), sealed = hexBytes(test.ct) + hexBytes(test.tag)
            try key.withUnsafeBytes { key in
                switch test.result {
                case "valid":
                    valid += 1
                    let ours = try XChaCha20Poly1305.seal(message, associatedData: aad, nonce: nonce, key: key)
                    #expect(ours == sealed, "tcId \(test.tcId): seal")
                    let opened = try XChaCha20Poly1305.open(sealed, associatedData: aad, nonce: nonce, key: key)
                    #expect(opened == message, "tcId \(test.tcId): open")
                case "invalid":
                    invalid += 1
                    #expect(throws: XChaCha20Poly1305.Failure.self, "tcId \(test.tcId)") {
                        try XChaCha20Poly1305.open(sealed, associatedData: aad, nonce: nonce, key: key)
                    }
                    if group.ivSize != 192 {
                        #expect(throws: XChaCha20Poly1305.Failure.invalidNonceLength(nonce.count)) {
                            try XChaCha20Poly1305.seal(message, associatedData: aad, nonce: nonce, key: key)
                        }
                    }
                default:
                    Issue.record("tcId \(test.tcId): unexpected result \(test.result)")
                }
            }
        }
    }
    print("Wycheproof XChaCha20-Poly1305: \(valid) valid, \(invalid) invalid cases")
    #expect(valid + invalid == 315)
    #expect(valid > 0 && invalid > 0)
}

@Test func xchachaRejectsShortCiphertextAndBadKey() throws {
    let key = [UInt8](repeating: 7, count: 32), nonce = [UInt8](repeating: 1, count: 24)
    try key.withUnsafeBytes { key in
        #expect(throws: XChaCha20Poly1305.Failure.ciphertextShorterThanTag) {
            try XChaCha20Poly1305.open([1, 2, 3], associatedData: [], nonce: nonce, key: key)
        }
        let empty = try XChaCha20Poly1305.seal([], associatedData: [9], nonce: nonce, key: key)
        #expect(empty.count == 16)
        #expect(try XChaCha20Poly1305.open(empty, associatedData: [9], nonce: nonce, key: key) == [])
        #expect(throws: XChaCha20Poly1305.Failure.authenticationFailed) {
            try XChaCha20Poly1305.open(empty, associatedData: [8], nonce: nonce, key: key)
        }
    }
    [UInt8](repeating: 0, count: 31).withUnsafeBytes { short in
        #expect(throws: XChaCha20Poly1305.Failure.invalidKeyLength(31)) {
            try XChaCha20Poly1305.seal([], associatedData: [], nonce: nonce, key: short)
        }
        return
    }
}
