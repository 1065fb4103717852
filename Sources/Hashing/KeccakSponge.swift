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
        while index < bytes.count {
            let take = min(rate - position, bytes.count - index)
            state.xor(UnsafeRawBufferPointer(rebasing: bytes[index..<index + take]), at: position)
            position += take
            index += take
            if position == rate {
                state.permute()
                position = 0
            }
        }
    }

    /// Pads and switches to squeezing. A full block is permuted eagerly during absorption, which is
    /// correct for Keccak because padding always occupies at least one byte of a fresh block.
    private mutating func finishAbsorbing() {
        withUnsafeBytes(of: domainPadding) { state.xor($0, at: position) }
        withUnsafeBytes(of: UInt8(0x80)) { state.xor($0, at: rate - 1) }
        state.permute()
        position = 0
        isSqueezing = true
    }

    /// Writes the next `output.count` bytes of the output stream; successive calls continue it.
    mutating func squeeze(into output: UnsafeMutableRawBufferPointer) {
        if !isSqueezing { finishAbsorbing() }
        var index = 0
        while index < output.count {
            if position == rate {
                state.permute()
                position = 0
            }
            let take = min(rate - position, output.count - index)
            state.copyBytes(from: position, into: UnsafeMutableRawBufferPointer(rebasing: output[index..<index + take]))
            position += take
            index += take
        }
    }

    mutating func squeeze(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "Keccak sponge: negative output length")
        // Capacity at least 1: with capacity 0 the standard library writes the count into the
        // shared empty-array singleton, a data race (ThreadSanitizer) with other threads.
        return [UInt8](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
            squeeze(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
            initialized = count
        }
    }
}
