import Testing
import BigNum
import TestSupport
@testable import Secp256k1

struct AddressVectors: Decodable {
    struct Case: Decodable { let secretKey, publicKeyUncompressed, address, checksummed: String }
    let cases: [Case]
}

struct PrehashVectors: Decodable {
    struct Case: Decodable { let message, sha256, sha3_256, keccak256, blake2b256: String }
    let cases: [Case]
}

struct BIP32Vectors: Decodable {
    struct Case: Decodable {
        let parentPublicKey, parentChainCode, childPublicKey, childChainCode, parentSecretKey, childSecretKey: String
        let path: [UInt32]
    }
    let cases: [Case]
}

@Suite struct EthereumAddressTests {
    @Test func addressesMatchVectors() throws {
        let vectors = try loadVectors(AddressVectors.self, "addresses.json")
        #expect(vectors.cases.count >= 10)
        for c in vectors.cases {
            let publicKey = Point.generatorMultiple(try scalar(c.secretKey))
            #expect(hexString(publicKey.x963Representation) == c.publicKeyUncompressed)
            let address = try EthereumAddress(publicKey: publicKey)
            #expect(hexString(address.rawRepresentation) == c.address)
            #expect(address.checksummed == c.checksummed)
        }
        #expect(throws: PointError.identity) { try EthereumAddress(publicKey: .identity) }
    }
}

@Suite struct MessageHashingTests {
    @Test func prehashesMatchVectors() throws {
        let vectors = try loadVectors(PrehashVectors.self, "prehashes.json")
        for c in vectors.cases {
            let message = hexBytes(c.message)
            #expect(try MessageHashing.sha256.prehash(of: message).rawRepresentation == hexBytes(c.sha256))
            #expect(try MessageHashing.sha3_256.prehash(of: message).rawRepresentation == hexBytes(c.sha3_256))
            #expect(try MessageHashing.keccak256.prehash(of: message).rawRepresentation == hexBytes(c.keccak256))
            #expect(try MessageHashing.blake2b256.prehash(of: message).rawRepresentation == hexBytes(c.blake2b256))
        }
    }

    @Test func identityAndCustom() throws {
        let digest = [UInt8](0..<32)
        #expect(try MessageHashing.identity.prehash(of: digest).rawRepresentation == digest)
        #expect(throws: SignatureError.wrongLength(expected: 32, actual: 31)) {
            try MessageHashing.identity.prehash(of: digest.dropLast())
        }
        let supplied = try Prehash(rawRepresentation: digest.reversed())
        #expect(try MessageHashing.custom(supplied).prehash(of: [1, 2, 3]) == supplied)
    }
}

@Suite struct BIP32Tests {
    @Test func nonHardenedStepsOfTheBIP32Vectors() throws {
        let vectors = try loadVectors(BIP32Vectors.self, "bip32.json")
        #expect(vectors.cases.count >= 6)
        for c in vectors.cases {
            let parent = try ExtendedPublicKey(publicKey: point(c.parentPublicKey), chainCode: hexBytes(c.parentChainCode))
            let derivation = try parent.derive(path: c.path)
            #expect(hexString(derivation.key.publicKey.compressedRepresentation) == c.childPublicKey)
            #expect(hexString(derivation.key.chainCode) == c.childChainCode)
            // The tweak maps the parent secret (from the xprv vector) to the child secret.
            #expect(try scalar(c.parentSecretKey) + derivation.tweak == scalar(c.childSecretKey))
            #expect(derivation.key.publicKey == parent.publicKey + .generatorMultiple(derivation.tweak))
            // The textual path gives the same.
            let text = "m/" + c.path.map(String.init).joined(separator: "/")
            #expect(try parent.derive(path: text) == derivation)
        }
    }

    @Test func tweaksAddAlongAPath() throws {
        var rng = ChaChaRandom(testSeed: 30)
        let root = try ExtendedPublicKey(publicKey: .generatorMultiple(.random(using: &rng)),
                                         chainCode: randomBytes(32, using: &rng))
        let whole = try root.derive(path: [7, 0, 42])
        let first = try root.derive(path: [7])
        let rest = try first.key.derive(path: [0, 42])
        #expect(rest.key == whole.key)
        #expect(first.tweak + rest.tweak == whole.tweak)
        #expect(try root.derive(path: []) == ExtendedPublicKey.Derivation(key: root, tweak: .zero))
    }

    @Test func rejections() throws {
        let root = try ExtendedPublicKey(publicKey: .generator, chainCode: [UInt8](repeating: 1, count: 32))
        #expect(throws: BIP32Error.hardenedIndex(0x8000_0000)) { try root.derive(path: [1, 0x8000_0000]) }
        #expect(throws: BIP32Error.hardenedIndex(0x8000_0002)) { try root.derive(path: "m/1/2'") }
        #expect(throws: BIP32Error.hardenedIndex(0x8000_0003)) { try root.derive(path: "m/3h") }
        #expect(throws: BIP32Error.malformedPath("m/x")) { try root.derive(path: "m/x") }
        #expect(throws: BIP32Error.malformedPath("m//1")) { try root.derive(path: "m//1") }
        #expect(throws: BIP32Error.malformedPath("m/2147483648")) { try root.derive(path: "m/2147483648") }
        #expect(try ExtendedPublicKey.parse(path: "m") == [])
        #expect(try ExtendedPublicKey.parse(path: "0/1") == [0, 1])
        #expect(throws: BIP32Error.identityKey) { try ExtendedPublicKey(publicKey: .identity, chainCode: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: BIP32Error.wrongChainCodeLength(31)) { try ExtendedPublicKey(publicKey: .generator, chainCode: [UInt8](repeating: 0, count: 31)) }
    }
}
