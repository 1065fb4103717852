import Foundation

/// Low-order Curve25519 points for the tests of every X25519 use (Noise, envelopes, CLI).
///
/// Written out independently of `X25519PublicKey.lowOrderCoordinates`: the seven u-coordinates
/// (little-endian hex) whose X25519 output is all-zero for every private key — 0, 1, the two
/// points of order 8, p − 1, and the non-canonical p (≡ 0) and p + 1 (≡ 1) — each also with
/// bit 255 set (X25519 ignores it), 14 encodings in all.
public enum X25519LowOrderPoints {
    public static let canonicalHex = [
        "0000000000000000000000000000000000000000000000000000000000000000",  // 0
        "0100000000000000000000000000000000000000000000000000000000000000",  // 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p − 1
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p ≡ 0
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1 ≡ 1
    ]

    /// All 14 encodings: each coordinate with bit 255 clear, then set.
    public static let encodings: [[UInt8]] = canonicalHex.map(hexBytes) + canonicalHex.map {
        var bytes = hexBytes($0)
        bytes[31] |= 0x80
        return bytes
    }

    /// One Wycheproof `x25519_test.json` case (32-byte keys only).
    public struct WycheproofCase: Sendable {
        public let tcId: Int
        public let privateKey: [UInt8]
        public let publicKey: [UInt8]
        public let shared: [UInt8]
        public let flags: [String]
        /// Wycheproof's verdict: the shared secret is all zeros (flags `LowOrderPublic` /
        /// `ZeroSharedSecret`).
        public var hasZeroSharedSecret: Bool { shared.allSatisfy { $0 == 0 } }
    }

    /// Wycheproof's X25519 cases from the shared vectors, or nil (with a SKIP line) when absent.
    public static func wycheproofCases() throws -> [WycheproofCase]? {
        guard let url = TestVectors.shared("wycheproof/x25519_test.json") else { return nil }
        struct File: Decodable {
            struct Group: Decodable { let curve: String; let tests: [Test] }
            struct Test: Decodable {
                let tcId: Int
                let `private`: String
                let `public`: String
                let shared: String
                let flags: [String]
            }
            let testGroups: [Group]
        }
        let file = try TestVectors.decode(File.self, from: url)
        return file.testGroups.filter { $0.curve == "curve25519" }.flatMap(\.tests).compactMap { test in
            guard test.private.count == 64, test.public.count == 64, test.shared.count == 64 else { return nil }
            return WycheproofCase(tcId: test.tcId, privateKey: hexBytes(test.private), publicKey: hexBytes(test.public),
                                  shared: hexBytes(test.shared), flags: test.flags)
        }
    }
}
