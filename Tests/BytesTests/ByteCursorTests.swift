import Bytes
import Testing
@testable import Bytes

@Suite struct ByteCursorTests {
    @Test func everyFieldKindRoundTrips() throws {
        var writer = ByteWriter(header: EncodingHeader(name: "test", magic: Array("TST".utf8), version: 3))
        writer.write("flag", true)
        writer.write("blob", bytes: [9, 8, 7])
        writer.appendCount(2)
        writer.appendUInt16(0xBEEF)
        writer.appendUInt64(0x0102_0304_0506_0708)
        writer.append(fixed: [0xAA, 0xBB])
        #expect(writer.fieldNames == ["flag", "blob"])

        var reader = try ByteReader(writer.bytes, header: EncodingHeader(name: "test", magic: Array("TST".utf8), version: 3))
        #expect(try reader.readBool("flag"))
        #expect(try reader.readLengthPrefixed("blob") == [9, 8, 7])
        #expect(try reader.readCount("count") == 2)
        #expect(try reader.readUInt16("u16") == 0xBEEF)
        #expect(try reader.readUInt64("u64") == 0x0102_0304_0506_0708)
        #expect(try reader.readFixed("fixed", count: 2) == [0xAA, 0xBB])
        try reader.finish("test")
    }

    @Test func headerRefusesOtherTypesAndVersions() {
        let header = EncodingHeader(name: "thing", magic: Array("TSSX".utf8), version: 2)
        #expect(throws: DecodingError(field: "thing", reason: .wrongMagic)) {
            try ByteReader(Array("TSSY".utf8) + [2], header: header)
        }
        #expect(throws: DecodingError(field: "thing", reason: .unsupportedVersion(1))) {
            try ByteReader(Array("TSSX".utf8) + [1], header: header)
        }
        #expect(throws: DecodingError(field: "thing", reason: .truncated)) {
            try ByteReader(Array("TSS".utf8), header: header)
        }
    }

    @Test func hostileLengthsAreRefusedBeforeAllocation() {
        var reader = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 1, 2])
        #expect(throws: DecodingError(field: "blob", reason: .lengthExceedsInput(0xFFFF_FFFF))) {
            try reader.readLengthPrefixed("blob")
        }
        var counts = ByteReader([0, 0, 0, 3, 1, 2, 3, 4, 5])
        #expect(throws: DecodingError(field: "items", reason: .lengthExceedsInput(3))) {
            try counts.readCount("items", minimumElementSize: 2)
        }
    }

    @Test func nonCanonicalFlagsTruncationAndTrailingBytesAreNamed() {
        var flag = ByteReader([2])
        #expect(throws: DecodingError(field: "flag", reason: .nonCanonical("flag byte 2"))) { try flag.readBool("flag") }
        var short = ByteReader([0, 0, 1])
        #expect(throws: DecodingError(field: "n", reason: .truncated)) { try short.readUInt32("n") }
        #expect(throws: DecodingError(field: "msg", reason: .trailingBytes(count: 3))) { try short.finish("msg") }
        #expect("\(DecodingError(field: "msg", reason: .trailingBytes(count: 3)))" == "msg: 3 trailing bytes")
    }

    @Test func perturbingAFieldChangesOnlyThatField() {
        func write(_ writer: inout ByteWriter) {
            writer.write("a", false)
            writer.write("b", bytes: [4, 5])
        }
        var plain = ByteWriter(), first = ByteWriter(perturbingField: 0), second = ByteWriter(perturbingField: 1)
        write(&plain); write(&first); write(&second)
        #expect(plain.bytes == [0, 0, 0, 0, 2, 4, 5])
        #expect(first.bytes == [1, 0, 0, 0, 2, 4, 5])
        #expect(second.bytes == [0, 0, 0, 0, 2, 5, 5])
    }
}
