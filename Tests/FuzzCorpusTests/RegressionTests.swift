import CGGMP
import Foundation
import FuzzSupport
import Testing
import TestSupport
import TSS

/// One test per bug the fuzzers found; each input is also in Fuzz/Corpus/<target>/regression-*.
@Suite struct FuzzRegressionTests {
    func input(_ target: FuzzTarget, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: CorpusReplayTests.corpus.appendingPathComponent("\(target.rawValue)/\(name)")))
    }

    /// `FaultCheckContext(encoded:)` took a committee in any order and `SessionPublicData` sorted
    /// it, so two encodings decoded to one context (found by `faultCheckContext`); `FlowFault` had
    /// the same hole. Both now require the sorted order they write, as do the context's signer lists.
    @Test func unsortedCommitteeIsRefused() throws {
        let context = try input(.faultCheckContext, "regression-unsorted-committee")
        #expect(throws: FaultDecodingError.self) { try FaultCheckContext(encoded: context) }
        // Refused for the order, not for an old version (the input is kept at the current one).
        do { _ = try FaultCheckContext(encoded: context) } catch {
            guard case .malformed(let inner) = error, case .nonCanonical = inner.reason else {
                Issue.record("refused for another reason: \(error)")
                return
            }
        }
        #expect(!FuzzTarget.faultCheckContext.run(context))
        let flow = try input(.flowFault, "regression-unsorted-committee")
        #expect(throws: FaultDecodingError.self) { try FlowFault(encoded: flow) }
        #expect(!FuzzTarget.flowFault.run(flow))
    }
}
