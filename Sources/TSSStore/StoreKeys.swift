import Bytes
import CSodium

/// The two keys a store uses, derived from the master key with libsodium's `crypto_kdf`
/// (BLAKE2b keyed by the master key, context `DomainSeparation.storeSubkeyContext`, "tssstore"):
/// subkey 1 seals records, subkey 2 computes the header check tag. Both are `SecretBytes`, wiped
/// on release.
struct StoreKeys: Sendable, CustomStringConvertible {
    private static let context = Array(DomainSeparation.storeSubkeyContext.utf8).map { CChar(bitPattern: $0) }
    private static let recordSubkeyID: UInt64 = 1
    private static let checkSubkeyID: UInt64 = 2

    let recordKey: SecretBytes
    let checkKey: SecretBytes

    init(master: SecretBytes) {
        precondition(master.count == Int(crypto_kdf_keybytes()))
        precondition(Self.context.count == 8, "crypto_kdf contexts are 8 bytes")
        recordKey = Self.derive(Self.recordSubkeyID, from: master)
        checkKey = Self.derive(Self.checkSubkeyID, from: master)
    }

    private static func derive(_ id: UInt64, from master: SecretBytes) -> SecretBytes {
        Sodium.ensureInitialised()
        return SecretBytes(count: XChaCha20Poly1305.keyByteCount) { out in
            let status = master.withUnsafeBytes { masterBytes in
                crypto_kdf_derive_from_key(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, id, context,
                    masterBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            precondition(status == 0, "crypto_kdf_derive_from_key rejected in-range sizes")
        }
    }

    /// Master key = Argon2id13(password, salt, limits), written straight into `SecretBytes`.
    static func masterKey(password: String, salt: [UInt8], limits: PasswordHashingLimits) throws(StoreError) -> SecretBytes {
        guard !password.isEmpty else { throw .emptyPassword }
        precondition(salt.count == StoreKeyDerivation.saltByteCount)
        Sodium.ensureInitialised()
        return try SecretBytes(count: MasterKey.byteCount) { out throws(StoreError) in
            var password = password
            let status = password.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { chars in
                    crypto_pwhash(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(out.count),
                        chars.baseAddress!, UInt64(chars.count), salt,
                        limits.operations, Int(limits.memoryBytes), crypto_pwhash_alg_argon2id13())
                }
            }
            guard status == 0 else { throw .keyDerivationFailed }
        }
    }

    func checkTag(for header: StoreHeader) -> [UInt8] {
        let message = header.authenticatedBytes
        var tag = [UInt8](repeating: 0, count: StoreHeader.checkTagByteCount)
        let status = checkKey.withUnsafeBytes { key in
            crypto_generichash(&tag, tag.count, message, UInt64(message.count),
                               key.baseAddress!.assumingMemoryBound(to: UInt8.self), key.count)
        }
        precondition(status == 0)
        return tag
    }

    /// Constant-time comparison of the stored tag with the one these keys produce.
    func matches(_ header: StoreHeader) -> Bool {
        let expected = checkTag(for: header)
        guard header.checkTag.count == expected.count else { return false }
        return crypto_verify_32(expected, header.checkTag) == 0
    }

    /// Associated data binding a record to this store, its key and its version:
    /// `"swift-tss/store/record/v1" ‖ storeID(16) ‖ kind(1) ‖ u16be len ‖ keyID ‖ u16be len ‖ itemID ‖ u32be version`.
    static func associatedData(storeID: [UInt8], key: RecordKey, version: UInt32) -> [UInt8] {
        var ad = ByteWriter()
        ad.append(fixed: Array(DomainSeparation.storeRecord.utf8))
        ad.append(fixed: storeID)
        ad.append(key.kind.rawValue)
        let keyID = Array(key.keyID.utf8), itemID = Array(key.itemID.utf8)
        ad.appendUInt16(UInt16(keyID.count))
        ad.append(fixed: keyID)
        ad.appendUInt16(UInt16(itemID.count))
        ad.append(fixed: itemID)
        ad.appendUInt32(version)
        return ad.bytes
    }

    var description: String { "StoreKeys" }
}
