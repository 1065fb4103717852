import ArgumentParser
import CGGMP
import Foundation
import Hashing
import TSS

/// `tss fault`: tools for fault reports.
struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault", abstract: "Fault reports: re-check a report's evidence as a third party.",
        subcommands: [FaultVerify.self])
}

/// `tss fault verify`: re-runs a fault report's evidence from signed messages and public data alone.
///
/// The report is either a node's flow fault (`FlowFault.encoded`, "TSSFFR": the `fault` of a
/// failure report of `POST /signer/signature`, self-contained) or a bare protocol fault
/// (`ProtocolFault.encoded`, "TSSFLT", the "report" of `tss demo --misbehave … --json`), which
/// needs `--public-data`. Both are judged by `FaultCheckContext.verdict(of:)`, the function the
/// flow fault's own `verdict()` runs.
///
/// Prints the verdict: `proven` (the culprit's own signatures show the fault), `transport-only`
/// (only the receiving channel could attribute it) or `not-proven`. A verdict holds for the context
/// it was judged in. A flow fault's carried context comes from the accuser: someone who made it up
/// (another Paillier key or ring-Pedersen setup for the accused) could make an honest party's
/// messages fail. So the output says where the context came from and prints its SHA-256; pass
/// `--public-data` from your own copy of the session's public data (directory, registrations) to
/// judge in that one, or compare the fingerprint. With `--culprit`, asks whether
/// the same evidence proves the fault against that party instead (it must not for an honest one).
struct FaultVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check a fault report (a node's flow fault, or a protocol fault with its public data).")

    @Option(help: ArgumentHelp("The fault report, base64: a node failure's \"fault\" (self-contained), or the \"report\" "
                               + "of `tss demo --misbehave … --json` (with --public-data).", valueName: "BASE64"))
    var report: String?
    @Option(name: .customLong("report-json"),
            help: ArgumentHelp("A file (- for standard input) holding the JSON of `POST /signer/signature` (or of its "
                               + "\"failure\" object); its \"fault\" is the report.", valueName: "PATH|-"))
    var reportJSON: String?
    @Option(name: .customLong("public-data"),
            help: "The session's public data, base64 (the \"publicData\"); a flow fault carries its own, which must equal it.")
    var publicData: String?
    @Option(help: "Hex identity key of the party to hold responsible instead of the report's culprit.") var culprit: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard (report == nil) != (reportJSON == nil) else {
            throw ValidationError("give exactly one of --report and --report-json")
        }
    }

    func run() throws {
        let reportBytes = try reportBase64().flatMap { Data(base64Encoded: $0) }.map(Array.init)
        guard let reportBytes else { throw ValidationError("the report is not base64") }
        var contextBytes: [UInt8]?
        if let publicData {
            guard let decoded = Data(base64Encoded: publicData) else { throw ValidationError("--public-data is not base64") }
            contextBytes = Array(decoded)
        }
        let fault: ProtocolFault
        let context: FaultCheckContext
        var phase: String?
        var contextSource = "given (--public-data)"
        do {
            if reportBytes.starts(with: FlowFault.encodingHeader.magic) {
                let flowFault = try FlowFault(encoded: reportBytes)
                if let contextBytes, contextBytes != flowFault.context.encoded {
                    throw ValidationError("--public-data differs from the context the flow fault carries")
                }
                fault = flowFault.fault
                context = flowFault.context
                phase = flowFault.phase.rawValue
                if contextBytes == nil { contextSource = "carried by the report (the accuser's)" }
            } else {
                guard let contextBytes else {
                    throw ValidationError("a protocol fault needs --public-data (a node's flow fault carries its own)")
                }
                fault = try ProtocolFault(encoded: reportBytes)
                context = try FaultCheckContext(encoded: contextBytes)
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
        var accused = fault
        if let culprit {
            guard let bytes = Self.bytes(hex: culprit), let party = try? PartyID(rawRepresentation: bytes) else {
                throw ValidationError("--culprit must be a 64-digit hex identity key")
            }
            accused = fault.accusing(party)
        }
        let verdict = context.verdict(of: accused)
        let reason = "\(accused.reason)"
        let fingerprint = Self.hex(SHA256.hash(context.encoded))
        if json {
            var object: [String: Any] = ["verdict": verdict.name, "culprit": Self.hex(accused.culprit.rawRepresentation),
                                         "reason": reason, "detail": "\(verdict)", "context": contextSource,
                                         "contextSHA256": fingerprint]
            if let phase { object["phase"] = phase }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("verdict: \(verdict)")
            print("culprit: \(Self.hex(accused.culprit.rawRepresentation))")
            if let phase { print("phase:   \(phase)") }
            print("reason:  \(reason)")
            print("context: \(contextSource), sha256 \(fingerprint)")
        }
    }

    /// The report's base64: `--report`, or the `fault` of the `--report-json` object (a failure
    /// report, or a signature status whose `failure` is one).
    private func reportBase64() throws -> String? {
        if let report { return report }
        guard let reportJSON else { return nil }
        let data: Data
        do {
            data = reportJSON == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: reportJSON))
        } catch {
            throw ValidationError("cannot read --report-json \(reportJSON): \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("--report-json is not a JSON object")
        }
        let failure = object["failure"] as? [String: Any] ?? object
        guard let fault = failure["fault"] as? String else {
            throw ValidationError("--report-json has no \"fault\" (no proven culprit in this failure)")
        }
        return fault
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
