// TEMPORARY: stands in for the Hashing module (branch `hashing`) until it lands; delete on merge.
import CSodium

protocol IncrementalHash {
    static var digestByteCount: Int { get }
    static var blockByteCount: Int { get }
    init()
    mutating func update(_ bytes: [UInt8])
    mutating func finalize() -> [UInt8]
}

struct SHA256: IncrementalHash {
    static let digestByteCount = 32
    static let blockByteCount = 64
    var data: [UInt8] = []
    init() {}
    mutating func update(_ bytes: [UInt8]) { data += bytes }
    mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256(&out, data, UInt64(data.count))
        return out
    }
}

struct SHA512: IncrementalHash {
    static let digestByteCount = 64
    static let blockByteCount = 128
    var data: [UInt8] = []
    init() {}
    mutating func update(_ bytes: [UInt8]) { data += bytes }
    mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&out, data, UInt64(data.count))
        return out
    }
}

struct BLAKE2b: IncrementalHash {
    static let digestByteCount = 64
    static let blockByteCount = 128
    var data: [UInt8] = []
    init() {}
    mutating func update(_ bytes: [UInt8]) { data += bytes }
    mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        crypto_generichash(&out, 64, data, UInt64(data.count), nil, 0)
        return out
    }
}

struct BLAKE2s: IncrementalHash {
    static let digestByteCount = 32
    static let blockByteCount = 64
    var data: [UInt8] = []
    init() {}
    mutating func update(_ bytes: [UInt8]) { data += bytes }
    static let iv: [UInt32] = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19]
    static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]
    mutating func finalize() -> [UInt8] {
        var h = Self.iv
        h[0] ^= 0x0101_0020
        let blocks = max(1, (data.count + 63) / 64)
        for b in 0..<blocks {
            var m = [UInt32](repeating: 0, count: 16)
            for i in 0..<64 where b * 64 + i < data.count {
                m[i / 4] |= UInt32(data[b * 64 + i]) << (8 * UInt32(i % 4))
            }
            let last = b == blocks - 1
            let t = UInt64(last ? data.count : (b + 1) * 64)
            var v = h + Self.iv
            v[12] ^= UInt32(truncatingIfNeeded: t)
            v[13] ^= UInt32(truncatingIfNeeded: t >> 32)
            if last { v[14] = ~v[14] }
            func g(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt32, _ y: UInt32) {
                v[a] = v[a] &+ v[b] &+ x; v[d] = (v[d] ^ v[a]).rotr(16)
                v[c] = v[c] &+ v[d]; v[b] = (v[b] ^ v[c]).rotr(12)
                v[a] = v[a] &+ v[b] &+ y; v[d] = (v[d] ^ v[a]).rotr(8)
                v[c] = v[c] &+ v[d]; v[b] = (v[b] ^ v[c]).rotr(7)
            }
            for r in 0..<10 {
                let s = Self.sigma[r]
                g(0, 4, 8, 12, m[s[0]], m[s[1]]); g(1, 5, 9, 13, m[s[2]], m[s[3]])
                g(2, 6, 10, 14, m[s[4]], m[s[5]]); g(3, 7, 11, 15, m[s[6]], m[s[7]])
                g(0, 5, 10, 15, m[s[8]], m[s[9]]); g(1, 6, 11, 12, m[s[10]], m[s[11]])
                g(2, 7, 8, 13, m[s[12]], m[s[13]]); g(3, 4, 9, 14, m[s[14]], m[s[15]])
            }
            for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
        }
        return h.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
    }
}

extension UInt32 {
    fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}

enum HMAC<H: IncrementalHash> {
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > H.blockByteCount ? { var h = H(); h.update(key); return h.finalize() }() : key
        k += [UInt8](repeating: 0, count: H.blockByteCount - k.count)
        var inner = H()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = H()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
