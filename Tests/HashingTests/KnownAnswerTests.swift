import Testing
import TestSupport
@testable import Hashing

// Published single values from the standards (FIPS 202 examples, RFC 7693 Appendix B) and the
// well-known Ethereum Keccak-256 of the empty string: quick sanity checks before the generated sets.
@Suite struct KnownAnswerTests {
    @Test func sha3_256OfABC() {
        #expect(hexString(SHA3_256.hash(Array("abc".utf8)))
            == "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
    }

    @Test func sha3_512OfABC() {
        #expect(hexString(SHA3_512.hash(Array("abc".utf8)))
            == "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0")
    }

    @Test func keccak256OfEmpty() {
        #expect(hexString(Keccak256.hash([UInt8]()))
            == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test func shake256OfEmpty() {
        var shake = SHAKE256()
        #expect(hexString(shake.squeeze(32))
            == "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f")
    }

    @Test func shake128OfEmpty() {
        var shake = SHAKE128()
        #expect(hexString(shake.squeeze(32))
            == "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
    }

    @Test func blake2s256OfABC() {
        #expect(hexString(BLAKE2s.hash(Array("abc".utf8)))
            == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982")
    }
}
