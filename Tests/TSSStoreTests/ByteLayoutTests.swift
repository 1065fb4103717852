import Testing
@testable import TSSStore

/// The bytes the store authenticates are fixed by stores already on disk: the header check tag's
/// input and every record's associated data, written out here field by field.
@Suite struct StoreByteLayoutTests {
    let storeID = [UInt8](1...16)

    @Test func headerAuthenticatedBytesKeepTheirLayout() throws {
        let master = StoreHeader(formatVersion: 1, storeID: storeID, keyDerivation: .masterKey, checkTag: [])
        #expect(master.authenticatedBytes == Array("swift-tss/store/header/v1".utf8) + [0, 0, 0, 1] + storeID + [0])
        let salt = [UInt8](repeating: 0xAB, count: 16)
        let limits = PasswordHashingLimits(uncheckedOperations: 0x0102, memoryBytes: 0x0304_0506)
        let password = StoreHeader(formatVersion: 1, storeID: storeID, keyDerivation: .argon2id(limits, salt: salt), checkTag: [])
        #expect(password.authenticatedBytes == Array("swift-tss/store/header/v1".utf8) + [0, 0, 0, 1] + storeID + [1]
                + [0, 0, 0, 0, 0, 0, 1, 2] + [0, 0, 0, 0, 3, 4, 5, 6] + salt)
    }

    @Test func recordAssociatedDataKeepsItsLayout() throws {
        let key = try RecordKey.presignature(keyID: "02ab", presignatureID: "p1")
        let ad = StoreKeys.associatedData(storeID: storeID, key: key, version: 0x0A0B_0C0D)
        #expect(ad == Array("swift-tss/store/record/v1".utf8) + storeID + [key.kind.rawValue]
                + [0, 4] + Array("02ab".utf8) + [0, 2] + Array("p1".utf8) + [0x0A, 0x0B, 0x0C, 0x0D])
    }
}
