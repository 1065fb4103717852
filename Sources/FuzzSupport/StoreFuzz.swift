@testable import TSSStore

/// The share store's disk-facing decoding: a header as a backend hands it over, and a sealed
/// record, both read through `ShareStore` with a fixed master key. Input layouts (fuzz-only):
/// header `version(u32) ‖ len8 storeID ‖ kdf(u8) [‖ ops(u64) ‖ mem(u64) ‖ len8 salt] ‖ len8 checkTag`;
/// record `kind(u8) ‖ len8 keyID ‖ len8 itemID ‖ version(u32) ‖ len8 nonce ‖ ciphertext`, or
/// (first byte 0xFF) a plaintext put and read back.
enum StoreFuzz {
    struct Reader {
        var bytes: ArraySlice<UInt8>
        mutating func byte() -> UInt8? { bytes.popFirst() }
        mutating func take(_ count: Int) -> [UInt8]? {
            guard bytes.count >= count else { return nil }
            defer { bytes = bytes.dropFirst(count) }
            return Array(bytes.prefix(count))
        }
        mutating func short() -> [UInt8]? { byte().flatMap { take(Int($0)) } }
        mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
            take(T.bitWidth / 8).map { $0.reduce(T.zero) { $0 << 8 | T($1) } }
        }
    }

    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 0x5eed
        mutating func next() -> UInt64 { state &+= 0x9E3779B97F4A7C15; return state ^ (state >> 29) }
    }

    static let masterKey = try! MasterKey(rawRepresentation: [UInt8](repeating: 0x42, count: MasterKey.byteCount))

    /// A fresh in-memory store with the fixed key and a fixed store id.
    static func store() -> (InMemoryRecordBackend, ShareStore) {
        let backend = InMemoryRecordBackend()
        var rng = Counter()
        return (backend, try! ShareStore.create(backend: backend, masterKey: masterKey, using: &rng))
    }

    static func header(_ bytes: [UInt8]) -> Bool {
        var reader = Reader(bytes: bytes[...])
        guard let version = reader.integer(UInt32.self), let storeID = reader.short(), let kdf = reader.byte() else { return false }
        let derivation: StoreKeyDerivation
        if kdf & 1 == 0 {
            derivation = .masterKey
        } else {
            guard let ops = reader.integer(UInt64.self), let memory = reader.integer(UInt64.self),
                  let salt = reader.short() else { return false }
            derivation = .argon2id(PasswordHashingLimits(uncheckedOperations: ops, memoryBytes: memory), salt: salt)
        }
        guard let tag = reader.short() else { return false }
        let header = StoreHeader(formatVersion: version, storeID: storeID, keyDerivation: derivation, checkTag: tag)
        let backend = InMemoryRecordBackend()
        backend.replaceRawHeader(header)
        // Only the master-key path: a password open would run Argon2id on the header's limits.
        guard (try? ShareStore.open(backend: backend, masterKey: masterKey)) != nil else { return false }
        check((try? header.validate()) != nil, "store: opened a header that does not validate")
        check(try! backend.loadHeader() == header, "store: opening changed the header")
        return true
    }

    static func record(_ bytes: [UInt8]) -> Bool {
        var reader = Reader(bytes: bytes[...])
        guard let kindByte = reader.byte() else { return false }
        let (backend, store) = store()
        if kindByte == 0xFF {
            let payload = Array(reader.bytes)
            let key = try! RecordKey.keyShare(keyID: "fuzz")
            var rng = Counter()
            try! store.put(StoredRecord(version: 7, payload: payload), at: key, using: &rng)
            check(try! store.get(key) == StoredRecord(version: 7, payload: payload), "store: put/get changed the record")
            return true
        }
        guard let kind = RecordKind(rawValue: kindByte),
              let keyID = reader.short().flatMap({ String(validating: $0, as: UTF8.self) }),
              let itemID = reader.short().flatMap({ String(validating: $0, as: UTF8.self) }),
              let version = reader.integer(UInt32.self), let nonce = reader.short(),
              let key = try? RecordKey(kind: kind, keyID: keyID, itemID: itemID) else { return false }
        let sealed = SealedRecord(key: key, version: version, nonce: nonce, ciphertext: Array(reader.bytes))
        guard (try? backend.insert(sealed)) != nil else { return false }
        guard let record = try? store.get(key) else { return false }
        check(record.version == version, "store: opened a record with another version")
        return true
    }
}
