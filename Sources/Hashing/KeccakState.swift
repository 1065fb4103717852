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

    /// XORs `value` into lane `index` (0..<25).
    @inline(__always)
    mutating func xorLane(_ index: Int, _ value: UInt64) {
        precondition(index >= 0 && index < 25, "Keccak lane index out of range")
        withUnsafeMutableBytes(of: &lanes) { raw in
            raw.baseAddress!.assumingMemoryBound(to: UInt64.self)[index] ^= value
        }
    }

    /// XORs one byte into the state at byte offset `offset` (0..<200), little-endian within lanes.
    @inline(__always)
    mutating func xorByte(_ byte: UInt8, at offset: Int) {
        xorLane(offset &>> 3, UInt64(byte) &<< UInt64((offset & 7) &* 8))
    }

    /// The byte at byte offset `offset` (0..<200) of the state, little-endian within lanes.
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < 200, "Keccak byte offset out of range")
        return withUnsafeBytes(of: lanes) { raw in
            let lane = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)[offset &>> 3]
            return UInt8(truncatingIfNeeded: lane &>> UInt64((offset & 7) &* 8))
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
            let d0 = c4 ^ rotate(c1, 1)
            let d1 = c0 ^ rotate(c2, 1)
            let d2 = c1 ^ rotate(c3, 1)
            let d3 = c2 ^ rotate(c4, 1)
            let d4 = c3 ^ rotate(c0, 1)
            // theta applied, then rho (rotation) and pi (lane move): b[y, 2x+3y] = rot(a[x, y], r[x, y])
            let b00 = a00 ^ d0
            let b10 = rotate(a01 ^ d1, 1)
            let b20 = rotate(a02 ^ d2, 62)
            let b05 = rotate(a03 ^ d3, 28)
            let b15 = rotate(a04 ^ d4, 27)
            let b16 = rotate(a05 ^ d0, 36)
            let b01 = rotate(a06 ^ d1, 44)
            let b11 = rotate(a07 ^ d2, 6)
            let b21 = rotate(a08 ^ d3, 55)
            let b06 = rotate(a09 ^ d4, 20)
            let b07 = rotate(a10 ^ d0, 3)
            let b17 = rotate(a11 ^ d1, 10)
            let b02 = rotate(a12 ^ d2, 43)
            let b12 = rotate(a13 ^ d3, 25)
            let b22 = rotate(a14 ^ d4, 39)
            let b23 = rotate(a15 ^ d0, 41)
            let b08 = rotate(a16 ^ d1, 45)
            let b18 = rotate(a17 ^ d2, 15)
            let b03 = rotate(a18 ^ d3, 21)
            let b13 = rotate(a19 ^ d4, 8)
            let b14 = rotate(a20 ^ d0, 18)
            let b24 = rotate(a21 ^ d1, 2)
            let b09 = rotate(a22 ^ d2, 61)
            let b19 = rotate(a23 ^ d3, 56)
            let b04 = rotate(a24 ^ d4, 14)
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

@inline(__always)
private func rotate(_ lane: UInt64, _ count: UInt64) -> UInt64 {
    (lane &<< count) | (lane &>> (64 &- count))
}
