import BigNum
import Foundation
import Paillier
import Synchronization
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Issue #13, all cores: the provers whose repetitions fan out over every core (`.fast`) give the
/// same bytes for a seed as the sequential loop (`.reference`), and as themselves on a second run,
/// so a seeded run does not depend on thread scheduling; `ParallelWork` keeps results in index
/// order and reports the first failure in index order.
@Suite struct ParallelWorkTests {
    @Test func mapKeepsIndexOrder() {
        let values = ParallelWork.map(1000, concurrently: true) { i in i * i }
        #expect(values == (0..<1000).map { $0 * $0 })
        #expect(ParallelWork.map(0, concurrently: true) { $0 }.isEmpty)
        #expect(ParallelWork.map(1, concurrently: true) { $0 + 7 } == [7])
    }

    @Test func firstFailureIsTheLowestIndex() {
        for concurrently in [false, true] {
            let failure = ParallelWork.firstFailure(500, concurrently: concurrently) { i -> ProofError? in
                i == 17 || i == 400 || i == 499 ? .rangeCheckFailed(field: "\(i)") : nil
            }
            #expect(failure == .rangeCheckFailed(field: "17"))
            #expect(ParallelWork.firstFailure(500, concurrently: concurrently) { _ -> ProofError? in nil } == nil)
        }
    }

    /// Checks above a known failure are skipped (a cheater's proof that fails at its first
    /// repetition must not cost all of them), and the answer is still the first failure.
    @Test func checksAboveAKnownFailureAreSkipped() {
        let executed = Atomic<Int>(0)
        let count = 4000
        let failure = ParallelWork.firstFailure(count, concurrently: true) { i -> ProofError? in
            executed.wrappingAdd(1, ordering: .relaxed)
            if i == 0 { return .rangeCheckFailed(field: "0") }
            usleep(200)
            return i % 3 == 0 ? .rangeCheckFailed(field: "\(i)") : nil
        }
        #expect(failure == .rangeCheckFailed(field: "0"))
        // Without the skip every one of the 4,000 checks runs (≈ 0.8 s of sleeping per core).
        #expect(executed.load(ordering: .relaxed) < count / 2)
    }

    @Test func modulusProverIsIdenticalOnBothPaths() throws {
        let key = Fixtures.key(.testing)
        func prove(_ path: ArithmeticPath) -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 1)
            return ModulusProof.prove(key: key, context: Fixtures.context, parameters: .testing, using: &rng, path: path).encoded
        }
        let fast = prove(.fast)
        #expect(fast == prove(.reference))
        #expect(fast == prove(.fast))
        try ModulusProof(encoded: fast).verify(.init(key.publicKey), context: Fixtures.context, parameters: .testing)
    }

    /// Πaff-g* and Πdec without the owner key: the only difference between the paths is the fan-out.
    @Test func failureRoundProversAreIdenticalOnBothPaths() throws {
        let a = AffGCase.testing
        func proveAffGStar(_ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 8)
            return try AffGStarProof.prove(a.statement, witness: a.starWitness, context: a.fixture.context,
                                           parameters: a.fixture.parameters, using: &rng, path: path).encoded
        }
        let affGStar = try proveAffGStar(.fast)
        #expect(affGStar == (try proveAffGStar(.reference)))
        #expect(affGStar == (try proveAffGStar(.fast)))

        let d = DecCase.testing
        func proveDec(_ path: ArithmeticPath) throws -> [UInt8] {
            var rng = ChaChaRandom(testSeed: 22)
            return try DecProof.prove(d.statement, witness: d.witness, context: d.fixture.context,
                                      parameters: d.fixture.parameters, using: &rng, path: path).encoded
        }
        let dec = try proveDec(.fast)
        #expect(dec == (try proveDec(.reference)))
        #expect(dec == (try proveDec(.fast)))
        try DecProof(encoded: dec).verify(d.statement, context: d.fixture.context, parameters: d.fixture.parameters)
    }
}
