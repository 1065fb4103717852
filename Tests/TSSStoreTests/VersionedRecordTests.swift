import Bytes
import Testing
@testable import TSSStore

/// A stored value's version is its encoding's header version, one number; a record stored under
/// another version is refused when read back as that type.
@Suite struct VersionedRecordTests {
    struct Note: VersionedEncoding, Equatable {
        static let encodingHeader = EncodingHeader(name: "test note", magic: Array("TSTNOTE".utf8), version: 7)
        var text: [UInt8]
        var encoded: [UInt8] {
            var writer = ByteWriter(header: Self.encodingHeader)
            writer.appendLengthPrefixed(text)
            return writer.bytes
        }
        init(text: [UInt8]) { self.text = text }
        init(encoded bytes: [UInt8]) throws(DecodingError) {
            var reader = try ByteReader(bytes, header: Self.encodingHeader)
            text = try reader.readLengthPrefixed("text")
            try reader.finish(Self.encodingHeader.name)
        }
    }

    @Test func theStoredVersionIsTheEncodingsVersion() throws {
        var rng = SystemRandomNumberGenerator()
        let store = try ShareStore.create(backend: InMemoryRecordBackend(), masterKey: MasterKey.random(using: &rng), using: &rng)
        let note = Note(text: [1, 2, 3])
        try store.saveKeyShare(note, keyID: "k", using: &rng)
        try store.saveAuxInfo(note, keyID: "k", using: &rng)
        try store.addPresignature(note, keyID: "k", presignatureID: "p", using: &rng)
        for record in [try store.keyShare(keyID: "k"), try store.auxInfo(keyID: "k"), try store.takePresignature(keyID: "k")?.record] {
            let record = try #require(record)
            #expect(record.version == 7)
            #expect(try Note(encoded: record.payload(as: Note.self)) == note)
        }
    }

    @Test func aRecordUnderAnotherVersionIsRefused() throws {
        var rng = SystemRandomNumberGenerator()
        let store = try ShareStore.create(backend: InMemoryRecordBackend(), masterKey: MasterKey.random(using: &rng), using: &rng)
        try store.saveKeyShare(Note(text: [9]).encoded, version: 6, keyID: "k", using: &rng)
        let record = try #require(try store.keyShare(keyID: "k"))
        #expect(throws: StoreError.encodingVersionMismatch(type: "test note", stored: 6, expected: 7)) {
            try record.payload(as: Note.self)
        }
    }
}
