import ArgumentParser
import CGGMP
import Foundation

/// `tss fault`: tools for fault reports.
struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault", abstract: "Fault reports: re-check a report's evidence as a third party.",
        subcommands: [FaultVerify.self])
}

/// `tss fault verify`: re-runs a fault report's evidence from signed messages and public data alone.
///
/// Prints the verdict: `proven` (the culprit's own signatures show the fault), `transport-only`
/// (only the receiving channel could attribute it) or `not-proven`. With `--culprit`, asks whether
/// the same evidence proves the fault against that party instead (it must not for an honest one).
struct FaultVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-check a fault report (ProtocolFault encoding) against its public data.")

    @Option(help: "The fault report, base64 (the \"report\" of `tss demo --misbehave … --json`).") var report: String
    @Option(name: .customLong("public-data"), help: "The session's public data, base64 (the \"publicData\").")
    var publicData: String
    @Option(help: "Hex identity key of the party to hold responsible instead of the report's culprit.") var culprit: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard let reportBytes = Data(base64Encoded: report) else { throw ValidationError("--report is not base64") }
        guard let contextBytes = Data(base64Encoded: publicData) else { throw ValidationError("--public-data is not base64") }
        let fault: ProtocolFault
        let context: FaultCheckContext
        do {
            fault = try ProtocolFault(encoded: Array(reportBytes))
            context = try FaultCheckContext(encoded: Array(contextBytes))
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
        if json {
            let object: [String: Any] = ["verdict": verdict.name, "culprit": Self.hex(accused.culprit.rawRepresentation),
                                         "reason": reason, "detail": "\(verdict)"]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("verdict: \(verdict)")
            print("culprit: \(Self.hex(accused.culprit.rawRepresentation))")
            print("reason:  \(reason)")
        }
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
