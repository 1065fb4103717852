import Bytes
import Testing
import TestSupport
@testable import Hashing

@Suite struct DomainSeparatedHashTests {
    /// Known answers from Python's hashlib (independent of this library):
    ///   f = lambda b: struct.pack('>Q', len(b)) + b
    ///   x = f(b'swift-tss/test/v1') + f(b'abc') + struct.pack('>Q', 7) + f(b'')
    ///   hashlib.sha256(x).hexdigest(), hashlib.sha512(x).hexdigest()
    @Test func matchesHashlibOnTheDocumentedFraming() {
        var hash = DomainSeparatedHash(domain: "swift-tss/test/v1")
        hash.appendField(Array("abc".utf8))
        hash.append(7)
        hash.appendField([])
        #expect(hexString(hash.sha256()) == "e80bd0a44347efd01cc0a19a3b6fedae9b1dfa1a6e4795a8430e4cef22e34001")
        #expect(hexString(hash.sha512()) == "0de5ece191de721200f2f23ee1ebd2bda151c7df386592e3e400dab7ea1e79543110f85dd20a054a671639ea9e9981dec4f6ff6cf22dfd2d5643b35e5a8bf02a")
    }

    /// The shuffles a plain concatenation would confuse: moving bytes between fields, or between
    /// the domain and the first field.
    @Test func fieldBoundariesChangeTheDigest() {
        func digest(_ domain: String, _ fields: [[UInt8]]) -> [UInt8] {
            var hash = DomainSeparatedHash(domain: domain)
            for field in fields { hash.appendField(field) }
            return hash.sha256()
        }
        let reference = digest("d", [[1, 2], [3]])
        #expect(reference != digest("d", [[1], [2, 3]]))
        #expect(reference != digest("d", [[1, 2, 3]]))
        #expect(reference != digest("d\u{1}", [[2], [3]]))
        #expect(reference != digest("e", [[1, 2], [3]]))
        #expect(reference == digest("d", [[1, 2], [3]]))
    }
}
