import Foundation
import Testing
import TestSupport

/// The public Noise vector sets (cacophony, snow, flynn), read in place from ../shared/vectors.
/// 25519 vectors must all pass; 448 ones are counted as skipped.
@Suite struct SharedVectorTests {
    @Test(arguments: ["cacophony.json", "snow.json", "flynn-vectors.txt"])
    func sharedVectorFile(_ file: String) throws {
        guard let url = TestVectors.shared("noise/\(file)") else { return }
        let vectors = file.hasSuffix(".json") ? try loadJSONVectors(url) : try loadFlynnVectors(url)
        #expect(!vectors.isEmpty, "no vectors parsed from \(file)")
        let result = runAll(vectors, convention: file.hasSuffix(".json") ? .cacophony : .flynn)
        print("noise vectors \(file): \(result.passed) passed, \(result.skipped) skipped (448), \(result.failures.count) failed")
        for failure in result.failures.prefix(10) { Issue.record("\(file): \(failure)") }
        #expect(result.failures.count == 0)
        #expect(result.passed + result.skipped == vectors.count)
        #expect(result.passed > 0)
    }
}
