import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Closes a connection whose first HTTP request head (up to its blank line) has not arrived
/// within a time limit, then steps out of the pipeline.
///
/// Hummingbird's HTTP/1 pipeline with the WebSocket upgrade waits for a request head without a
/// limit, and leaves a connection open after bytes that do not parse as HTTP; this handler,
/// first in the pipeline, bounds both (docs/deployment.md, "Peer channels").
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)
    private let limit: TimeAmount
    private let logger: Logger
    private var matched = 0
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let logger = logger
        timer = context.eventLoop.scheduleTask(in: limit) {
            logger.notice("peer listener: no HTTP request head in time; connection closed")
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var complete = false
        for byte in buffer.readableBytesView {
            if byte == Self.terminator[matched] {
                matched += 1
                if matched == Self.terminator.count {
                    complete = true
                    break
                }
            } else {
                matched = byte == Self.terminator[0] ? 1 : 0
            }
        }
        context.fireChannelRead(data)
        if complete {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

@available(*, unavailable)
extension RequestHeadDeadline: Sendable {}

/// A server child channel that puts a ``RequestHeadDeadline`` in front of another one.
struct DeadlineGuardedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let limit: TimeAmount
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let guardLogger = self.logger
        let limit = limit
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(limit: limit, logger: guardLogger))
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
