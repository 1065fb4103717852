/// 2-byte big-endian length-prefixed framing for carrying Noise messages over a byte stream (TCP).
public enum NoiseFraming {
    /// The largest frame body the 2-byte prefix can describe (also Noise's message limit).
    public static let maximumFrameLength = 65535

    /// `length (2 bytes, big-endian) ‖ message`.
    /// - Throws: ``NoiseError/frameTooLong(length:)`` when `message` is longer than
    ///   ``maximumFrameLength``.
    public static func frame(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard message.count <= maximumFrameLength else { throw .frameTooLong(length: message.count) }
        return [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
    }
}

/// Reassembles length-prefixed frames from arbitrary stream reads.
///
/// It never fails: any bytes are buffered until they complete a frame. A peer that announces a
/// long frame and stops sending keeps at most 65537 bytes buffered per frame; bound how much a
/// connection may buffer in total (``bufferedByteCount``) where that matters.
public struct NoiseFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// An empty decoder.
    public init() {}

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds bytes read from the stream; call ``nextFrame()`` until it returns nil.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        // Compact before growing so a long-lived connection does not keep every byte it saw.
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame body, or nil until more bytes arrive.
    public mutating func nextFrame() -> [UInt8]? {
        guard bufferedByteCount >= 2 else { return nil }
        let length = Int(buffer[readIndex]) << 8 | Int(buffer[readIndex + 1])
        guard bufferedByteCount >= 2 + length else { return nil }
        let frame = Array(buffer[(readIndex + 2)..<(readIndex + 2 + length)])
        readIndex += 2 + length
        return frame
    }
}
