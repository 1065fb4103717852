import Foundation
import Testing
import TestSupport

/// `tss demo` through the network's flows and the encrypted stores, run as a user would (issue
/// #14's must-show): `--data DIR` registers, fills a pool of two presignatures and signs; a second
/// process `--data DIR --sign MESSAGE` signs from the stores alone with the same key and a pooled
/// presignature; a third, with the pool empty, presigns on demand. `--crash-after PHASE` crashes a
/// party and resumes it from its journal. All at `--params testing` (about half a second a run).
/// Needs the built binary (`swift build --build-tests` builds it); skips, saying so, when absent.
@Suite struct FlowsDemoTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "stdout: \(stdout)")
        }
    }

    /// Runs the binary to completion, keeping stdout and stderr (through files: no pipe to fill).
    static func run(_ binary: URL, _ arguments: [String]) throws -> Run {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tss-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                   stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// A fresh directory that does not exist yet (the demo creates it), removed afterwards by the caller.
    static func freshDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tss-demo-\(UUID().uuidString)")
    }

    /// SHA-256("hello"), the message the tests sign with --sign.
    static let helloDigest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

    @Test func dataThenSignFromThePoolThenOnDemand() throws {
        guard let binary = TestBinaries.tss() else { return }
        let directory = Self.freshDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let first = try Self.run(binary, ["demo", "--parties", "3", "--threshold", "2", "--params", "testing",
                                          "--data", directory.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let registered = try first.object()
        #expect(registered["verified"] as? Bool == true)
        #expect(registered["presignatureFromPool"] as? Bool == true)
        #expect(registered["presignaturesLeft"] as? Int == 1)
        #expect(registered["fault"] is NSNull)
        #expect(registered["recovered"] is NSNull)
        let publicKey = try #require(registered["publicKey"] as? String)
        let parties = try #require(registered["parties"] as? [String])
        #expect(parties.count == 3)

        // The files: the public manifest, a store and an owner-only master key per party.
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("demo.json"))) as? [String: Any])
        #expect(manifest["publicKey"] as? String == publicKey)
        #expect(manifest["parties"] as? [String] == parties)
        #expect(manifest["threshold"] as? Int == 2)
        #expect(manifest["params"] as? String == "testing")
        for index in 0..<3 {
            let key = directory.appendingPathComponent("party-\(index).key").path
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600, "\(key): mode \(String(mode.intValue, radix: 8))")
            #expect(try Data(contentsOf: URL(fileURLWithPath: key)).count == 32)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("party-\(index).sqlite").path))
        }

        // A new process signs from the stores alone, with the pool's second presignature.
        let second = try Self.run(binary, ["demo", "--data", directory.path, "--sign", "hello", "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let fromPool = try second.object()
        #expect(fromPool["verified"] as? Bool == true)
        #expect(fromPool["publicKey"] as? String == publicKey)
        #expect(fromPool["parties"] as? [String] == parties)
        #expect(fromPool["presignatureFromPool"] as? Bool == true)
        #expect(fromPool["presignaturesLeft"] as? Int == 0)
        #expect(fromPool["messageHash"] as? String == Self.helloDigest)
        #expect(fromPool["fault"] is NSNull)

        // The pool is empty: the next signing presigns on demand, and still verifies.
        let third = try Self.run(binary, ["demo", "--data", directory.path, "--sign", "hello", "--json"])
        #expect(third.status == 0, "\(third.stderr)")
        let onDemand = try third.object()
        #expect(onDemand["verified"] as? Bool == true)
        #expect(onDemand["publicKey"] as? String == publicKey)
        #expect(onDemand["presignatureFromPool"] as? Bool == false)
        // Same message, fresh session: a different signature under the same key.
        #expect(onDemand["signature"] as? String != fromPool["signature"] as? String)
    }

    /// One party crashes right after its first message of the phase and resumes from its journal;
    /// the run still verifies, and a later `--sign` from the same stores too.
    @Test(arguments: ["key-init", "old-key-handover", "reshare", "aux-gen", "presign", "sign", "identity-signatures"])
    func crashAfterPhaseRecovers(_ phase: String) throws {
        guard let binary = TestBinaries.tss() else { return }
        let directory = Self.freshDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.run(binary, ["demo", "--params", "testing", "--data", directory.path, "--crash-after", phase, "--json"])
        #expect(run.status == 0, "\(phase): \(run.stderr)")
        let report = try run.object()
        #expect(report["verified"] as? Bool == true, "\(phase)")
        let recovered = try #require(report["recovered"] as? [String: Any], "\(phase): no recovery reported")
        #expect(recovered["phase"] as? String == phase)
        #expect((report["parties"] as? [String])?.contains(recovered["party"] as? String ?? "") == true)
        #expect((recovered["events"] as? Int ?? 0) >= 1)
        let again = try Self.run(binary, ["demo", "--data", directory.path, "--sign", "hello", "--json"])
        #expect(again.status == 0, "\(phase), --sign: \(again.stderr)")
        #expect(try again.object()["verified"] as? Bool == true)
    }

    @Test func inMemoryCrashRecovers() throws {
        guard let binary = TestBinaries.tss() else { return }
        let run = try Self.run(binary, ["demo", "--parties", "4", "--threshold", "3", "--params", "testing",
                                        "--crash-after", "aux-gen", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try run.object()
        #expect(report["verified"] as? Bool == true)
        #expect((report["recovered"] as? [String: Any])?["phase"] as? String == "aux-gen")
        #expect((report["parties"] as? [String])?.count == 4)
    }

    @Test func directoriesAreCheckedBeforeAnythingRuns() throws {
        guard let binary = TestBinaries.tss() else { return }
        let directory = Self.freshDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        // --sign in a directory without a demo: a clear error, exit 1, nothing created.
        let none = try Self.run(binary, ["demo", "--data", directory.path, "--sign", "hello"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("holds no demo"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path))

        // A registration into a directory that holds a demo is refused.
        let first = try Self.run(binary, ["demo", "--params", "testing", "--data", directory.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let manifest = try Data(contentsOf: directory.appendingPathComponent("demo.json"))
        let again = try Self.run(binary, ["demo", "--params", "testing", "--data", directory.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a demo"), "\(again.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("demo.json")) == manifest)

        // A master key others may read is refused.
        let key = directory.appendingPathComponent("party-0.key").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let exposed = try Self.run(binary, ["demo", "--data", directory.path, "--sign", "hello"])
        #expect(exposed.status == 1)
        #expect(exposed.stderr.contains("readable by others"), "\(exposed.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)

        // Party files without demo.json: the remains of an interrupted registration.
        try FileManager.default.removeItem(at: directory.appendingPathComponent("demo.json"))
        let leftovers = try Self.run(binary, ["demo", "--params", "testing", "--data", directory.path])
        #expect(leftovers.status == 1)
        #expect(leftovers.stderr.contains("party files but no demo.json"), "\(leftovers.stderr)")
    }

    @Test func optionCombinationsAreRefusedWithoutATrap() throws {
        guard let binary = TestBinaries.tss() else { return }
        for arguments in [["demo", "--sign", "hello"], ["demo", "--data", "/tmp/x", "--sign", "hello", "--parties", "3"],
                          ["demo", "--data", "/tmp/x", "--sign", "hello", "--crash-after", "sign"],
                          ["demo", "--data", "/tmp/x", "--sign", "hello", "--misbehave", "bad-sigma"],
                          ["demo", "--misbehave", "bad-sigma", "--crash-after", "sign"],
                          ["demo", "--misbehave", "bad-sigma", "--data", "/tmp/x"], ["demo", "--crash-after", "no-such-phase"]] {
            let result = try Self.run(binary, arguments)
            #expect(result.status == 64, "\(arguments) exited \(result.status)")
        }
    }
}
