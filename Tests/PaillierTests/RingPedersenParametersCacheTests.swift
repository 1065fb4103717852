import BigNum
import Testing
import TestSupport
import Paillier

/// `RingPedersenParametersCache` (issue #13): equal parameters come back as one value sharing its
/// committer tables; at most `capacity` are kept, the oldest dropped first.
@Suite struct RingPedersenParametersCacheTests {
    static func parameters(seed: UInt64) throws -> RingPedersenParameters {
        var rng = ChaChaRandom(testSeed: seed)
        return try RingPedersenSecret(p: RingPedersenTests.safe[0], q: RingPedersenTests.safe[1], using: &rng).parameters
    }

    /// A fresh value equal to `parameters` (as a new decoding would give).
    static func decodedAgain(_ parameters: RingPedersenParameters) throws -> RingPedersenParameters {
        try RingPedersenParameters(encoded: parameters.encoded, expectedBits: parameters.modulus.bitLength)
    }

    @Test func equalValuesShareTheirTables() throws {
        let cache = RingPedersenParametersCache(capacity: 2)
        let a = try Self.parameters(seed: 1), b = try Self.parameters(seed: 2)
        #expect(a != b)
        let keptA = cache.shared(a)
        #expect(keptA.sharesCommitterTables(with: a))
        let again = try Self.decodedAgain(a)
        #expect(!again.sharesCommitterTables(with: a))
        #expect(cache.shared(again).sharesCommitterTables(with: a))
        // Built once, through any copy.
        #expect(keptA.commitWithTables(BigInt(5), BigInt(-7)) == (try again.commit(BigInt(5), BigInt(-7))))
        #expect(cache.count == 1)
        _ = cache.shared(b)
        #expect(cache.count == 2)
    }

    @Test func theOldestIsDroppedWhenFull() throws {
        let cache = RingPedersenParametersCache(capacity: 2)
        let values = try (1...3).map { try Self.parameters(seed: UInt64(10 + $0)) }
        for value in values { _ = cache.shared(value) }
        #expect(cache.count == 2)
        // values[0] was dropped: a new equal value is kept as itself; values[2] is still kept.
        let first = try Self.decodedAgain(values[0])
        #expect(cache.shared(first).sharesCommitterTables(with: first))
        #expect(cache.shared(try Self.decodedAgain(values[2])).sharesCommitterTables(with: values[2]))
        #expect(RingPedersenParametersCache(capacity: 0).capacity == 1)
    }
}
