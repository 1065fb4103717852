/// A Keccak-f[1600] sponge with a byte-aligned rate and a domain-separation padding byte.
///
/// `domainPadding` is the first padding byte, which carries the domain bits followed by the first
/// bit of pad10*1: 0x01 for original Keccak (Ethereum), 0x06 for SHA-3, 0x1F for SHAKE.
/// The final padding bit (0x80 at the last byte of the rate) is always added.
struct KeccakSponge: Sendable {
    private var state = KeccakState()
    /// Rate in bytes (136 for capacity 512, 168 for capacity 256, 72 for capacity 1024).
    let rate: Int
    private let domainPadding: UInt8
    /// Byte offset inside the current rate block: the next byte to absorb or to squeeze.
    private var position = 0
    private(set) var isSqueezing = false

    init(rate: Int, domainPadding: UInt8) {
        precondition(rate > 0 && rate < 200 && rate % 8 == 0, "Keccak rate must be a lane multiple below 200 bytes")
        self.rate = rate
        self.domainPadding = domainPadding
    }

    mutating func absorb(_ bytes: some Collection<UInt8>) {
        precondition(!isSqueezing, "Keccak sponge: absorb after squeezing began")
        if bytes.withContiguousStorageIfAvailable({ absorb(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { absorb($0) }
        }
    }

    mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index < count {
            if position & 7 == 0 && count - index >= 8 {
                // Whole lanes straight from the input: the common case once aligned.
                let laneLimit = min((rate - position) &>> 3, (count - index) &>> 3)
                for _ in 0..<laneLimit {
                    let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    state.xorLane(position &>> 3, word)
                    position &+= 8
                    index &+= 8
                }
            } else {
                state.xorByte(bytes[index], at: position)
                position &+= 1
                index &+= 1
            }
            if position == rate {
                state.permute()
                position = 0
            }
        }
    }

    /// Pads and switches to squeezing. A full block is permuted eagerly during absorption, which is
    /// correct for Keccak because padding always occupies at least one byte of a fresh block.
    private mutating func finishAbsorbing() {
        state.xorByte(domainPadding, at: position)
        state.xorByte(0x80, at: rate - 1)
        state.permute()
        position = 0
        isSqueezing = true
    }

    /// Writes the next `output.count` bytes of the output stream; successive calls continue it.
    mutating func squeeze(into output: UnsafeMutableRawBufferPointer) {
        if !isSqueezing { finishAbsorbing() }
        for index in 0..<output.count {
            if position == rate {
                state.permute()
                position = 0
            }
            output[index] = state.byte(at: position)
            position &+= 1
        }
    }

    mutating func squeeze(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "Keccak sponge: negative output length")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            squeeze(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
