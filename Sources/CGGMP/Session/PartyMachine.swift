import Dispatch
import Foundation

/// One party's side of a protocol run as a pure state machine: a CGGMP `Session`, or one of the
/// network's flows (TSS). No I/O, no clock; randomness is a parameter. The caller sends what
/// `makeMessages` returns, delivers what arrives with `receive` and calls `advance` when
/// `isReadyToAdvance` — one loop drives every kind (`LocalRunner` in one process, a server's
/// driver over a network).
public protocol PartyMachine: Sendable {
    /// What the machine produces once it has finished.
    associatedtype Output: Sendable
    /// Why it stops or refuses a call.
    associatedtype Failure: Error & Sendable

    /// This party.
    var me: PartyID { get }
    /// Whether `makeMessages` has something to send.
    var hasMessagesToSend: Bool { get }
    /// Whether the current step is complete, so `advance` may be called.
    var isReadyToAdvance: Bool { get }
    /// The result, once finished.
    var output: Output? { get }
    /// The parties whose messages the current step still waits for (a deployment's timeout names
    /// them as silent).
    var waitingFor: [PartyID] { get }

    /// The current step's signed messages, each with its recipients.
    mutating func makeMessages(using generator: inout some RandomNumberGenerator) throws(Failure) -> [OutgoingMessage]
    /// Checks and records a message delivered by `deliverer` (the party the authenticated channel
    /// names). A message of a later step is kept by the machine (`.deferred`) and delivered to
    /// itself when it gets there; the caller never delivers it again.
    mutating func receive(_ message: SignedMessage, from deliverer: PartyID) throws(Failure) -> MessageReceipt
    /// Completes the current step (and produces the output after the last).
    mutating func advance(using generator: inout some RandomNumberGenerator) throws(Failure)

    /// Receives one step's deliveries in order and stops at the first failure, which it returns.
    /// The default receives them one by one; a `Session` checks complete messages concurrently
    /// when `concurrently` (its `check` is pure).
    mutating func receiveAll(_ deliveries: [Delivery], concurrently: Bool) -> Failure?

    /// The fault with proven evidence that `failure` carries, if it carries one (for run reports).
    static func protocolFault(in failure: Failure) -> ProtocolFault?
}

extension PartyMachine {
    /// Receives each delivery in turn; the first failure ends the step.
    public mutating func receiveAll(_ deliveries: [Delivery], concurrently: Bool) -> Failure? {
        for delivery in deliveries {
            do { _ = try receive(delivery.message, from: delivery.deliverer) } catch { return error }
        }
        return nil
    }
}

extension Session: PartyMachine {
    /// The fault of a `.fault` error.
    public static func protocolFault(in failure: SessionError) -> ProtocolFault? {
        if case .fault(let fault) = failure { return fault }
        return nil
    }

    /// Receives a step's deliveries: a sender's parts of a multi-part round in two passes (every
    /// part but its last first, cheap: recorded as partial; then the last parts, whose checks
    /// complete each sender's message), each pass checked concurrently when `concurrently`, then
    /// accepted in order. The first failure ends the step.
    public mutating func receiveAll(_ deliveries: [Delivery], concurrently: Bool) -> SessionError? {
        var lastIndex: [PartyID: Int] = [:]
        for (index, delivery) in deliveries.enumerated() { lastIndex[delivery.message.sender] = index }
        let passes = [deliveries.indices.filter { lastIndex[deliveries[$0].message.sender] != $0 },
                      deliveries.indices.filter { lastIndex[deliveries[$0].message.sender] == $0 }]
        for pass in passes {
            let inbox = pass.map { deliveries[$0] }
            for (delivery, result) in zip(inbox, check(inbox, concurrently: concurrently)) {
                do {
                    switch try result.get() {
                    case .verified(let checked): try accept(checked)
                    // Kept by `receive` for the step it belongs to.
                    case .setAside(.deferred): try receive(delivery.message, from: delivery.deliverer)
                    case .setAside: continue
                    }
                } catch {
                    return error
                }
            }
        }
        return nil
    }

    private func check(_ inbox: [Delivery], concurrently: Bool) -> [Result<MessageCheck, SessionError>] {
        @Sendable func checkOne(_ delivery: Delivery) -> Result<MessageCheck, SessionError> {
            do { return .success(try check(delivery.message, from: delivery.deliverer)) } catch { return .failure(error) }
        }
        guard concurrently, inbox.count > 1 else { return inbox.map(checkOne) }
        let results = ResultSlots<Result<MessageCheck, SessionError>>(count: inbox.count)
        DispatchQueue.concurrentPerform(iterations: inbox.count) { index in
            results.set(index, checkOne(inbox[index]))
        }
        return results.values
    }
}
