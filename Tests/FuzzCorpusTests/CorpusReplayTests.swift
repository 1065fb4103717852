import Foundation
import FuzzSupport
import Testing
import TestSupport

/// Replays every committed corpus file (Fuzz/Corpus/<target>/) through the same check the libFuzzer
/// target runs (`FuzzTarget.run`), without the fuzzer build: a file that once crashed a decoder
/// or broke a round trip traps here.
@Suite struct CorpusReplayTests {
    static let corpus = TestVectors.repositoryRoot.appendingPathComponent("Fuzz/Corpus")

    static func files(_ target: FuzzTarget) -> [URL] {
        let folder = corpus.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let files = Self.files(target)
        #expect(!files.isEmpty, "no corpus for \(target.rawValue)")
        var accepted = 0
        for file in files {
            if target.run(Array(try Data(contentsOf: file))) { accepted += 1 }
        }
        print("\(target.rawValue): \(files.count) corpus files, \(accepted) decoded")
    }

    @Test func everyCorpusFolderIsATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        let names = Set(FuzzTarget.allCases.map(\.rawValue))
        for folder in folders { #expect(names.contains(folder), "Fuzz/Corpus/\(folder) is not a fuzz target") }
    }
}
