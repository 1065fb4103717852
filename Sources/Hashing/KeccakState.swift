/// The Keccak-f[1600] permutation state: 25 little-endian 64-bit lanes, lane (x, y) at index x + 5y.
///
/// Stored inline as a tuple so a sponge is a plain value with no heap storage; the permutation
/// copies the lanes into locals, runs fully unrolled rounds, and writes them back, so it allocates
/// nothing and stays reasonably quick even in unoptimised (debug) builds.
struct KeccakState: Sendable {
    typealias Lanes = (
        UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64
    )

    private var lanes: Lanes = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    )

    /// Iota round constants (FIPS 202 §3.2.5), one per round.
    private static let roundConstants: [UInt64] = [
        0x0000000000000001,
        0x0000000000008082,
        0x800000000000808A,
        0x8000000080008000,
        0x000000000000808B,
        0x0000000080000001,
        0x8000000080008081,
        0x8000000000008009,
        0x000000000000008A,
        0x0000000000000088,
        0x0000000080008009,
        0x000000008000000A,
        0x000000008000808B,
        0x800000000000008B,
        0x8000000000008089,
        0x8000000000008003,
        0x8000000000008002,
        0x8000000000000080,
        0x000000000000800A,
        0x800000008000000A,
        0x8000000080008081,
        0x8000000000008080,
        0x0000000080000001,
        0x8000000080008008,
    ]

    /// XORs `bytes` into the state starting at byte offset `offset`; the bytes must fit within the
    /// 200-byte state. Bytes map little-endian into lanes, whatever the host byte order.
    mutating func xor(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= 200, "Keccak state byte range out of bounds")
        // Mutable access even though only lanes change: it avoids copying the tuple to a temporary.
        withUnsafeMutableBytes(of: &lanes) { raw in
            let lane = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var position = offset
            var index = 0
            let count = bytes.count
            while index < count {
                if position & 7 == 0 && count - index >= 8 {
                    lane[position &>> 3] ^= UInt64(
                        littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    position &+= 8
                    index &+= 8
                } else {
                    lane[position &>> 3] ^= UInt64(bytes[index]) &<< UInt64((position & 7) &* 8)
                    position &+= 1
                    index &+= 1
                }
            }
        }
    }

    /// Copies state bytes starting at byte offset `offset` into `output`, which must fit within the
    /// 200-byte state. Lanes are read little-endian, whatever the host byte order.
    mutating func copyBytes(from offset: Int, into output: UnsafeMutableRawBufferPointer) {
        precondition(offset >= 0 && offset + output.count <= 200, "Keccak state byte range out of bounds")
        withUnsafeMutableBytes(of: &lanes) { raw in
            let lane = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var position = offset
            var index = 0
            let count = output.count
            while index < count {
                if position & 7 == 0 && count - index >= 8 {
                    output.storeBytes(of: lane[position &>> 3].littleEndian, toByteOffset: index, as: UInt64.self)
                    position &+= 8
                    index &+= 8
                } else {
                    output[index] = UInt8(truncatingIfNeeded: lane[position &>> 3] &>> UInt64((position & 7) &* 8))
                    position &+= 1
                    index &+= 1
                }
            }
        }
    }

    /// Applies Keccak-f[1600] (24 rounds of theta, rho, pi, chi, iota) in place.
    mutating func permute() {
        var (a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12,
             a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24) = lanes
        for roundConstant in Self.roundConstants {
            // theta: column parities folded into every lane
            let c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
            let c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
            let c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
            let c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
            let c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ (c1 &<< 1 | c1 &>> 63)
            let d1 = c0 ^ (c2 &<< 1 | c2 &>> 63)
            let d2 = c1 ^ (c3 &<< 1 | c3 &>> 63)
            let d3 = c2 ^ (c4 &<< 1 | c4 &>> 63)
            let d4 = c3 ^ (c0 &<< 1 | c0 &>> 63)
            // theta applied, then rho (rotation) and pi (lane move): b[y, 2x+3y] = rot(a[x, y], r[x, y]).
            // Rotations are written out rather than called so unoptimised builds stay quick.
            let b00 = a00 ^ d0
            let t10 = a01 ^ d1; let b10 = t10 &<< 1 | t10 &>> 63
            let t20 = a02 ^ d2; let b20 = t20 &<< 62 | t20 &>> 2
            let t05 = a03 ^ d3; let b05 = t05 &<< 28 | t05 &>> 36
            let t15 = a04 ^ d4; let b15 = t15 &<< 27 | t15 &>> 37
            let t16 = a05 ^ d0; let b16 = t16 &<< 36 | t16 &>> 28
            let t01 = a06 ^ d1; let b01 = t01 &<< 44 | t01 &>> 20
            let t11 = a07 ^ d2; let b11 = t11 &<< 6 | t11 &>> 58
            let t21 = a08 ^ d3; let b21 = t21 &<< 55 | t21 &>> 9
            let t06 = a09 ^ d4; let b06 = t06 &<< 20 | t06 &>> 44
            let t07 = a10 ^ d0; let b07 = t07 &<< 3 | t07 &>> 61
            let t17 = a11 ^ d1; let b17 = t17 &<< 10 | t17 &>> 54
            let t02 = a12 ^ d2; let b02 = t02 &<< 43 | t02 &>> 21
            let t12 = a13 ^ d3; let b12 = t12 &<< 25 | t12 &>> 39
            let t22 = a14 ^ d4; let b22 = t22 &<< 39 | t22 &>> 25
            let t23 = a15 ^ d0; let b23 = t23 &<< 41 | t23 &>> 23
            let t08 = a16 ^ d1; let b08 = t08 &<< 45 | t08 &>> 19
            let t18 = a17 ^ d2; let b18 = t18 &<< 15 | t18 &>> 49
            let t03 = a18 ^ d3; let b03 = t03 &<< 21 | t03 &>> 43
            let t13 = a19 ^ d4; let b13 = t13 &<< 8 | t13 &>> 56
            let t14 = a20 ^ d0; let b14 = t14 &<< 18 | t14 &>> 46
            let t24 = a21 ^ d1; let b24 = t24 &<< 2 | t24 &>> 62
            let t09 = a22 ^ d2; let b09 = t09 &<< 61 | t09 &>> 3
            let t19 = a23 ^ d3; let b19 = t19 &<< 56 | t19 &>> 8
            let t04 = a24 ^ d4; let b04 = t04 &<< 14 | t04 &>> 50
            // chi: the only non-linear step, row by row
            a00 = b00 ^ (~b01 & b02)
            a01 = b01 ^ (~b02 & b03)
            a02 = b02 ^ (~b03 & b04)
            a03 = b03 ^ (~b04 & b00)
            a04 = b04 ^ (~b00 & b01)
            a05 = b05 ^ (~b06 & b07)
            a06 = b06 ^ (~b07 & b08)
            a07 = b07 ^ (~b08 & b09)
            a08 = b08 ^ (~b09 & b05)
            a09 = b09 ^ (~b05 & b06)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            // iota
            a00 ^= roundConstant
        }
        lanes = (a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12,
                 a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24)
    }
}
