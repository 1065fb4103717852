import Foundation
import Testing
import TestSupport

/// `tss demo --misbehave ACTION` for every action at `--params testing` with 3 parties and threshold
/// 2: the cheating party is the culprit, `tss fault verify` says `proven`, and the same report
/// naming an honest party instead is `not-proven` (issue #11's must-show, run as a user would).
/// Needs the built binary (`swift build --build-tests` builds it); skips, saying so, when absent.
@Suite struct MisbehaveDemoTests {
    static let actions = ["bad-schnorr", "equivocate-echo", "bad-reshare-share", "bad-refresh-share", "equivocate-mta",
                          "rush-delta", "delta-plus-n", "equivocate-s", "bad-sigma"]

    static func binary() -> URL? { TestBinaries.tss() }

    /// Runs the binary to completion (output through a file: a fault report can exceed a pipe's buffer).
    static func run(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tss-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: actions)
    func cheaterIsProvenAndNoHonestPartyIs(_ action: String) throws {
        guard let binary = Self.binary() else { return }
        let demo = try Self.run(binary, ["demo", "--parties", "3", "--threshold", "2", "--params", "testing",
                                         "--misbehave", action, "--json"])
        #expect(demo.status == 0, "tss demo --misbehave \(action) exited \(demo.status)")
        let report = try Self.object(demo.stdout)
        let fault = try #require(report["fault"] as? [String: Any], "no fault reported for \(action)")
        let culprit = try #require(report["culprit"] as? String)
        let parties = try #require(report["parties"] as? [String])
        #expect(parties.count == 3)
        #expect(fault["culprit"] as? String == culprit)
        #expect(report["verified"] as? Bool == false)
        let arguments = ["fault", "verify", "--report", try #require(fault["report"] as? String),
                         "--public-data", try #require(fault["publicData"] as? String), "--json"]
        let verdict = try Self.object(Self.run(binary, arguments).stdout)
        #expect(verdict["verdict"] as? String == "proven", "\(action): \(verdict)")
        #expect(verdict["culprit"] as? String == culprit)
        for honest in parties where honest != culprit {
            let accused = try Self.object(Self.run(binary, arguments + ["--culprit", honest]).stdout)
            #expect(accused["verdict"] as? String == "not-proven", "\(action) against an honest party: \(accused)")
        }
    }

    @Test func honestRunReportsNoFault() throws {
        guard let binary = Self.binary() else { return }
        let demo = try Self.run(binary, ["demo", "--parties", "3", "--threshold", "2", "--params", "testing", "--json"])
        #expect(demo.status == 0)
        let report = try Self.object(demo.stdout)
        #expect(report["fault"] is NSNull)
        #expect(report["verified"] as? Bool == true)
    }

    @Test func badInputsAreRefusedWithoutATrap() throws {
        guard let binary = Self.binary() else { return }
        for arguments in [["demo", "--misbehave", "no-such-action"], ["demo", "--culprit", "1"],
                          ["demo", "--params", "testing", "--misbehave", "bad-sigma", "--culprit", "0"],
                          ["demo", "--parties", "2", "--threshold", "2", "--misbehave", "bad-reshare-share"],
                          ["fault", "verify", "--report", "!!", "--public-data", "AAAA"],
                          ["fault", "verify", "--report", "AAAA", "--public-data", "AAAA"]] {
            let result = try Self.run(binary, arguments)
            // ArgumentParser's validation failures exit 64; a trap would be a signal (≥ 128 or negative).
            #expect(result.status == 64, "\(arguments) exited \(result.status)")
        }
    }
}
