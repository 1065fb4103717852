import Foundation
import Testing
import BigNum
import TestSupport
@testable import Secp256k1

/// Wycheproof ECDSA verification files (read in place from ../shared/vectors).
struct WycheproofECDSAFile: Decodable {
    struct Group: Decodable {
        struct Key: Decodable { let uncompressed: String }
        struct Case: Decodable { let tcId: Int; let comment: String; let msg, sig, result: String }
        let publicKey: Key
        let sha: String
        let tests: [Case]
    }
    let numberOfTests: Int
    let testGroups: [Group]
}

struct WycheproofECDHFile: Decodable {
    struct Group: Decodable {
        struct Case: Decodable { let tcId: Int; let comment: String; let `public`, `private`, shared, result: String }
        let curve: String
        let tests: [Case]
    }
    let numberOfTests: Int
    let testGroups: [Group]
}

enum WycheproofSignatureEncoding { case der, p1363 }

@Suite struct WycheproofTests {
    func runECDSA(_ file: String, encoding: WycheproofSignatureEncoding, mode: ECDSAVerificationMode) throws {
        guard let url = TestVectors.shared("wycheproof/" + file) else { return }
        let vectors = try TestVectors.decode(WycheproofECDSAFile.self, from: url)
        var ran = 0, accepted = 0, rejected = 0
        for group in vectors.testGroups {
            #expect(group.sha == "SHA-256")
            let publicKey = try Point(sec1Representation: hexBytes(group.publicKey.uncompressed))
            for test in group.tests {
                let digest = try MessageHashing.sha256.prehash(of: hexBytes(test.msg))
                let signature: ECDSASignature?
                switch encoding {
                case .der: signature = try? ECDSASignature(derRepresentation: hexBytes(test.sig))
                case .p1363: signature = try? ECDSASignature(compactRepresentation: hexBytes(test.sig))
                }
                let valid = signature?.isValid(for: digest, publicKey: publicKey, mode: mode) ?? false
                switch test.result {
                case "valid": #expect(valid, "tcId \(test.tcId) (\(test.comment)) should verify")
                case "invalid": #expect(!valid, "tcId \(test.tcId) (\(test.comment)) should not verify")
                default: break  // "acceptable": either verdict is allowed
                }
                ran += 1
                if valid { accepted += 1 } else { rejected += 1 }
            }
        }
        #expect(ran == vectors.numberOfTests)
        print("Wycheproof \(file) (\(mode)): ran \(ran) cases, \(accepted) verified, \(rejected) rejected")
    }

    @Test func ecdsaDERLenient() throws {
        try runECDSA("ecdsa_secp256k1_sha256_test.json", encoding: .der, mode: .lenient)
    }

    @Test func ecdsaBitcoinStrict() throws {
        try runECDSA("ecdsa_secp256k1_sha256_bitcoin_test.json", encoding: .der, mode: .strict)
    }

    @Test func ecdsaP1363Lenient() throws {
        try runECDSA("ecdsa_secp256k1_sha256_p1363_test.json", encoding: .p1363, mode: .lenient)
    }

    /// ECDH cases: the peer key arrives as an X.509 SubjectPublicKeyInfo. Only the two exact
    /// named-curve secp256k1 headers (uncompressed and compressed point) are accepted; anything
    /// else (explicit or wrong curve parameters, BER variants) is rejected before point decoding,
    /// which Wycheproof allows. The point is then decoded strictly and multiplied by the private
    /// scalar, and the x coordinate must equal the expected shared secret.
    @Test func ecdhPointDecodingAndMultiplication() throws {
        guard let url = TestVectors.shared("wycheproof/ecdh_secp256k1_test.json") else { return }
        let vectors = try TestVectors.decode(WycheproofECDHFile.self, from: url)
        let uncompressedHeader = hexBytes("3056301006072a8648ce3d020106052b8104000a034200")
        let compressedHeader = hexBytes("3036301006072a8648ce3d020106052b8104000a032200")
        var ran = 0, agreed = 0, rejectedSPKI = 0, rejectedPoint = 0, rejectedScalar = 0
        for group in vectors.testGroups {
            #expect(group.curve == "secp256k1")
            for test in group.tests {
                ran += 1
                let spki = hexBytes(test.public)
                var sharedX: [UInt8]? = nil
                var pointBytes: [UInt8]? = nil
                if spki.count == uncompressedHeader.count + 65, Array(spki.prefix(uncompressedHeader.count)) == uncompressedHeader {
                    pointBytes = Array(spki.dropFirst(uncompressedHeader.count))
                } else if spki.count == compressedHeader.count + 33, Array(spki.prefix(compressedHeader.count)) == compressedHeader {
                    pointBytes = Array(spki.dropFirst(compressedHeader.count))
                } else {
                    rejectedSPKI += 1
                }
                if let pointBytes {
                    if let peer = try? Point(sec1Representation: pointBytes) {
                        // Private keys are big-endian with an optional sign pad.
                        var secret = hexBytes(test.private)
                        while secret.count > 32 && secret.first == 0 { secret.removeFirst() }
                        secret = [UInt8](repeating: 0, count: max(0, 32 - secret.count)) + secret
                        if let k = try? Scalar(nonzeroRawRepresentation: secret) {
                            sharedX = (k * peer).xCoordinateBytes
                        } else {
                            rejectedScalar += 1
                        }
                    } else {
                        rejectedPoint += 1
                    }
                }
                switch test.result {
                case "valid":
                    #expect(sharedX.map(hexString) == test.shared, "tcId \(test.tcId) (\(test.comment))")
                case "invalid":
                    #expect(sharedX == nil, "tcId \(test.tcId) (\(test.comment)) should be rejected")
                default:
                    if let sharedX { #expect(hexString(sharedX) == test.shared, "tcId \(test.tcId)") }
                }
                if let sharedX, hexString(sharedX) == test.shared { agreed += 1 }
            }
        }
        #expect(ran == vectors.numberOfTests)
        print("Wycheproof ecdh_secp256k1_test.json: ran \(ran) cases, \(agreed) shared secrets matched, "
            + "\(rejectedSPKI) rejected at SPKI, \(rejectedPoint) at point decoding, \(rejectedScalar) at scalar decoding")
    }
}
