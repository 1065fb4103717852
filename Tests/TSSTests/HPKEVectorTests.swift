import Crypto
import Foundation
import Testing
import TestSupport

/// RFC 9180 Appendix A.2.1 (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305)
/// against swift-crypto's HPKE, the implementation envelopes use. Vectors/hpke/generate.py checked
/// the RFC values against a from-the-text key schedule, pyhpke and pycryptodome.
@Suite struct RFC9180Vectors {
    struct Vector: Decodable {
        struct Encryption: Decodable { let sequence: Int; let aad: String; let pt: String; let ct: String }
        struct Export: Decodable { let exporter_context: String; let length: Int; let exported_value: String }
        let kem_id: Int, kdf_id: Int, aead_id: Int, mode: Int
        let info: String, skRm: String, pkRm: String, enc: String
        let encryptions: [Encryption]
        let exports: [Export]
    }

    @Test func swiftCryptoOpensEveryRFCCiphertextAndExports() throws {
        let vector = try TestVectors.decode(Vector.self, from: TestVectors.local("hpke/rfc9180.json"))
        #expect([vector.kem_id, vector.kdf_id, vector.aead_id, vector.mode] as [Int] == [0x20, 0x01, 0x03, 0])
        let key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: hexBytes(vector.skRm))
        #expect(Array(key.publicKey.rawRepresentation) == hexBytes(vector.pkRm))
        var recipient = try HPKE.Recipient(
            privateKey: key, ciphersuite: HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .chaChaPoly),
            info: Data(hexBytes(vector.info)), encapsulatedKey: Data(hexBytes(vector.enc)))
        #expect(vector.encryptions.map(\.sequence) == Array(0...256))
        for encryption in vector.encryptions {
            let plaintext = try recipient.open(Data(hexBytes(encryption.ct)), authenticating: Data(hexBytes(encryption.aad)))
            #expect(Array(plaintext) == hexBytes(encryption.pt), "sequence \(encryption.sequence)")
        }
        for export in vector.exports {
            let secret = try recipient.exportSecret(context: Data(hexBytes(export.exporter_context)), outputByteCount: export.length)
            #expect(secret.withUnsafeBytes { Array($0) } == hexBytes(export.exported_value))
        }
    }
}
