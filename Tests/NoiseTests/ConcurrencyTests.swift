import Hashing
import Testing
@_spi(NoiseTesting) @testable import Noise

/// Regression (ThreadSanitizer, `make sanitize-thread`): empty plaintexts on many threads at once.
/// Building a zero-capacity array with `init(unsafeUninitializedCapacity:)` writes into the
/// shared empty-array singleton, which ThreadSanitizer reported as a race with other threads
/// (`TransportState.readChunked`, `NoiseCipher.decrypt`, `KeccakSponge.squeeze(0)`).
@Suite struct EmptyPlaintextConcurrencyTests {
    private static func exchangeEmptyMessages(seed: UInt64) throws {
        var channel = try completeHandshake(try makeHandshake("Noise_NN_25519_ChaChaPoly_BLAKE2s", seed: seed))
        for _ in 0..<20 {
            #expect(try channel.responder.readChunked(try channel.initiator.writeChunked([])).isEmpty)
            #expect(try channel.responder.readMessage(try channel.initiator.writeMessage([])).isEmpty)
            var sponge = SHAKE128()
            #expect(sponge.squeeze(0).isEmpty)
            var fresh = SHAKE128()
            #expect(sponge.squeeze(4) == fresh.squeeze(4))  // squeezing nothing left the state alone
            #expect([UInt8]().withUnsafeBufferPointer { $0.count } == 0)
        }
    }

    @Test func emptyMessagesDecryptConcurrently() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seed in 1...6 {
                group.addTask { try Self.exchangeEmptyMessages(seed: UInt64(seed)) }
            }
            try await group.waitForAll()
        }
    }
}
