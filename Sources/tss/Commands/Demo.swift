import ArgumentParser
import CGGMP
import CGGMPAdversary
import Foundation
import TSS

/// `tss demo`: a threshold ECDSA signature among simulated parties, end to end.
///
/// The honest run (`DemoFlows.swift`) runs the network's flows the way a server does: every party
/// has a `PartyDriver` and an encrypted `NodeStore`; `RegistrationFlow` (KeyInit → old-key
/// handover → KeyResharing → AuxGen among all N), two `PresignFlow`s into the signers'
/// presignature pools, then `SigningFlow` from a pooled presignature, over a loopback network;
/// the signature is verified with libsecp256k1. With `--data DIR` the stores are SQLite files
/// under DIR and `--sign MESSAGE` signs again later, in a new process, from them alone.
/// `--crash-after PHASE` throws one party's driver away mid-flow and restores it from its journal.
///
/// With `--misbehave ACTION` (`DemoMisbehave.swift`), one party cheats in the phase the action
/// belongs to (see `Misbehaviour`), in raw CGGMP sessions under the adversary harness; the demo
/// then checks the library's answer: every honest party that detected the fault names the
/// cheater, the evidence is proven to a third party (`FaultCheckContext`), and the same evidence
/// naming an honest party is not. It exits 0 when all of that holds.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register (KeyInit → KeyResharing → AuxGen), fill a presignature pool and sign among simulated parties; verify the signature.",
        discussion: """
        Every party runs the network's flows through its own PartyDriver and keeps its key share, aux info, \
        presignature pool and flow journals in an encrypted store. With --data DIR the stores are files: \
        DIR/party-<i>.sqlite, its master key in DIR/party-<i>.key (mode 0600: a demo arrangement; a real \
        server keeps its key elsewhere, never beside the store) and the public DIR/demo.json. \
        `tss demo --data DIR --sign MESSAGE` then signs again, in a new process, from the stores alone: with a \
        pooled presignature while the pool lasts, presigning on demand after.
        """)

    static let defaultParties = 3
    static let defaultThreshold = 2
    static let defaultMessage = "hello from swift-tss"
    /// Presignatures the registration run puts in the signers' pools (pool indices 0 and 1).
    static let poolSize = 2

    @Option(help: "Number of parties holding the key (default 3).") var parties: Int?
    @Option(help: "Number of signers needed (and used; default 2).") var threshold: Int?
    @Option(help: "The message; its SHA-256 digest is signed (default \"hello from swift-tss\").") var message: String?
    @Option(name: .customLong("params"), help: "Parameter set: testing or production112 (default).")
    var parameterSet: ParameterSet?
    @Flag(help: "Print one JSON object on stdout (progress stays on stderr).") var json = false
    @Option(help: ArgumentHelp("Keep every party's store under DIR (DIR/party-<i>.sqlite, its master key in DIR/party-<i>.key "
                               + "— a demo arrangement —, DIR/demo.json); refused when DIR already holds a demo.",
                               valueName: "DIR")) var data: String?
    @Option(help: ArgumentHelp("Sign MESSAGE again with the demo registered in --data DIR, from the stores alone "
                               + "(a pooled presignature, or presigning on demand when the pool is empty).",
                               valueName: "MESSAGE")) var sign: String?
    @Option(help: ArgumentHelp("Crash one party (a founder in registration, a signer after) right after it sent its first "
                               + "message of PHASE; resume it from its journal in its store.",
                               valueName: "PHASE")) var crashAfter: FlowPhase?
    @Option(help: ArgumentHelp("Make one party cheat (raw CGGMP sessions, no stores): "
                               + Misbehaviour.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ") + ".",
                               valueName: "ACTION")) var misbehave: Misbehaviour?
    @Option(help: "Index (0-based, in identity order) of the cheating party; default: one that takes part in the phase.")
    var culprit: Int?
    @Flag(help: ArgumentHelp("Run --parties `tss node` processes on loopback instead: register a user by DKG and one by a "
                             + "dealt key through TSSClient, sign for each, kill a committee member mid-signing, restart it "
                             + "and sign again."))
    var network = false

    /// N, T, the parameter set and the message, with their defaults.
    var partyCount: Int { parties ?? Self.defaultParties }
    var signerCount: Int { threshold ?? Self.defaultThreshold }
    var params: String { (parameterSet ?? .production112).rawValue }
    var messageText: String { message ?? Self.defaultMessage }

    func validate() throws {
        if sign != nil {
            guard let data, !data.isEmpty else {
                throw ValidationError("--sign needs --data DIR: the stores of an earlier `tss demo --data DIR`")
            }
            let given: [(String, Bool)] = [("--parties", parties != nil), ("--threshold", threshold != nil),
                                           ("--params", parameterSet != nil), ("--message", message != nil),
                                           ("--misbehave", misbehave != nil), ("--culprit", culprit != nil),
                                           ("--crash-after", crashAfter != nil), ("--network", network)]
            if let (option, _) = given.first(where: \.1) {
                throw ValidationError("--sign signs with the demo in --data DIR (its parties, threshold and parameter set "
                                      + "are in DIR/demo.json, the message is --sign's): drop \(option)")
            }
            return
        }
        guard partyCount >= 2 else { throw ValidationError("--parties must be at least 2") }
        guard (2...partyCount).contains(signerCount) else { throw ValidationError("--threshold must lie in 2...parties") }
        guard ["testing", "production112"].contains(params) else {
            throw ValidationError("--params must be testing or production112")
        }
        if network {
            let given: [(String, Bool)] = [("--data", data != nil), ("--crash-after", crashAfter != nil),
                                           ("--misbehave", misbehave != nil), ("--culprit", culprit != nil)]
            if let (option, _) = given.first(where: \.1) {
                throw ValidationError("--network runs node processes with their own stores: drop \(option)")
            }
            // One process per party, each with its two ports and its share of the two cores.
            guard partyCount <= 16 else { throw ValidationError("--network runs at most 16 node processes (--parties)") }
        }
        if let data, data.isEmpty { throw ValidationError("--data needs a directory") }
        if let culprit, !(0..<partyCount).contains(culprit) { throw ValidationError("--culprit must lie in 0..<parties") }
        if culprit != nil, misbehave == nil { throw ValidationError("--culprit needs --misbehave") }
        if let misbehave {
            if data != nil { throw ValidationError("--misbehave runs raw sessions without stores: drop --data") }
            if crashAfter != nil { throw ValidationError("--misbehave and --crash-after do not go together: choose one") }
            try validateMisbehaviour(misbehave)
        }
    }

    func run() async throws {
        if network {
            try await runNodeNetwork()
        } else if misbehave != nil {
            try runMisbehaving()
        } else {
            try runFlows()
        }
    }

    func progress(_ text: String) { demoProgress(text) }
}

/// A progress line on stderr (stdout carries only the result).
func demoProgress(_ text: String) {
    FileHandle.standardError.write(Data(("[tss demo] " + text + "\n").utf8))
}

extension Misbehaviour: ExpressibleByArgument {}
extension FlowPhase: ExpressibleByArgument {}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
