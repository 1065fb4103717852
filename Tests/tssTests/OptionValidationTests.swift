import ArgumentParser
import Testing
import TestSupport
@testable import tss

/// Parses a command line the way `tss` does (including every `validate()`), without running it.
/// nil when it parses; otherwise the message ArgumentParser would print.
private func rejection(_ arguments: [String]) -> String? {
    do {
        _ = try TSSCommand.parseAsRoot(arguments)
        return nil
    } catch {
        return TSSCommand.message(for: error)
    }
}

private let publicKeyHex = String(repeating: "09", count: 32)
private let secretKeyHex = String(repeating: "07", count: 32)
private let identitySeedHex = String(repeating: "01", count: 32)

/// One numeric option: the command line that reaches it (every required option present), its
/// name, and values on either side of its range.
private struct NumericOption: CustomTestStringConvertible, Sendable {
    let command: [String]
    let option: String
    let valid: Int
    let tooLarge: Int?
    /// An index option, whose smallest valid value is 0.
    var zeroIsValid = false
    var testDescription: String { (command + [option]).joined(separator: " ") }
}

private let noiseRequired = ["--protocol", "Noise_NN_25519_ChaChaPoly_BLAKE2s"]
private let nodeRunRequired = ["node", "run", "--config", "network.json", "--me", "0", "--data", "node-data", "--http-port", "8001"]

/// Every numeric option of every subcommand (`numericOptionsAreAllListed` checks the list is complete).
private let numericOptions: [NumericOption] = [
    .init(command: ["bench", "modexp"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "hashing"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "secp256k1"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "noise"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "proofs"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "protocol"], option: "--samples", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "protocol"], option: "--parties", valid: 4, tooLarge: 65),
    .init(command: ["bench", "protocol"], option: "--threshold", valid: 2, tooLarge: 4),  // > default 3 parties
    .init(command: ["bench", "paillier"], option: "--bits", valid: 128, tooLarge: 16_386),
    .init(command: ["bench", "paillier"], option: "--iterations", valid: 3, tooLarge: 10_001),
    .init(command: ["bench", "paillier"], option: "--scalar-bits", valid: 256, tooLarge: 16_385),
    .init(command: ["bench", "primes"], option: "--bits", valid: 256, tooLarge: 8_193),
    .init(command: ["bench", "primes"], option: "--count", valid: 2, tooLarge: 10_001),
    .init(command: ["bench", "primes"], option: "--workers", valid: 2, tooLarge: 65),
    .init(command: ["bench", "network"], option: "--nodes", valid: 3, tooLarge: 17),
    .init(command: ["bench", "network"], option: "--threshold", valid: 2, tooLarge: 4),  // > default 3 nodes
    .init(command: ["bench", "network"], option: "--requests", valid: 4, tooLarge: 10_001),
    .init(command: ["bench", "network"], option: "--concurrency", valid: 2, tooLarge: 257),
    .init(command: ["noise", "serve", "--listen", "127.0.0.1:0"] + noiseRequired, option: "--timeout", valid: 5, tooLarge: 86_401),
    .init(command: ["noise", "connect", "--to", "127.0.0.1:1"] + noiseRequired, option: "--timeout", valid: 5, tooLarge: 86_401),
    .init(command: nodeRunRequired, option: "--http-port", valid: 8001, tooLarge: 65_536),
    .init(command: nodeRunRequired, option: "--peer-port", valid: 9001, tooLarge: 65_536),
    .init(command: nodeRunRequired, option: "--flow-timeout", valid: 60, tooLarge: 86_401),
    .init(command: nodeRunRequired, option: "--pool-target", valid: 4, tooLarge: 1001, zeroIsValid: true),
    .init(command: ["client", "sign", "--config", "network.json", "--user-key", identitySeedHex, "--block", "9", "--message", "m"],
          option: "--timeout", valid: 60, tooLarge: 86_401),
    .init(command: ["demo"], option: "--parties", valid: 3, tooLarge: nil),
    .init(command: ["demo"], option: "--threshold", valid: 2, tooLarge: 4),  // > default 3 parties
    // bad-sigma runs among the last 2 of 3 parties: indices 1 and 2.
    .init(command: ["demo", "--misbehave", "bad-sigma"], option: "--culprit", valid: 1, tooLarge: 3, zeroIsValid: true),
]

@Suite struct NumericOptionValidation {
    @Test(arguments: numericOptions)
    fileprivate func refusesZeroNegativeNonNumericAndTooLarge(_ o: NumericOption) {
        #expect(rejection(o.command) == nil, "defaults must parse")
        #expect(rejection(o.command + [o.option, String(o.valid)]) == nil)
        for bad in (o.zeroIsValid ? ["-1", "-5"] : ["0", "-1", "-5"]) {
            let message = rejection(o.command + ["\(o.option)=\(bad)"])
            #expect(message != nil, "\(o.option)=\(bad) accepted")
            #expect(message?.contains(o.option) == true, "\(message ?? "")")
        }
        // Without "=" a negative number reads as an option name: refused too.
        #expect(rejection(o.command + [o.option, "-1"]) != nil)
        for bad in ["abc", "1.5", "", "0x10", "99999999999999999999999"] {
            let message = rejection(o.command + [o.option, bad])
            #expect(message != nil, "\(o.option) \(bad) accepted")
            #expect(message?.contains(o.option) == true, "\(message ?? "")")
        }
        if let tooLarge = o.tooLarge {
            let message = rejection(o.command + [o.option, String(tooLarge)])
            #expect(message?.contains(o.option) == true, "\(o.option) \(tooLarge): \(message ?? "accepted")")
        }
    }

    @Test func messagesNameTheRangeAndTheValue() {
        #expect(rejection(["bench", "modexp", "--samples", "0"]) == "--samples must be in 1...10000, got 0")
        #expect(rejection(["bench", "secp256k1", "--samples=-3"]) == "--samples must be in 1...10000, got -3")
        #expect(rejection(["bench", "protocol", "--parties", "5", "--threshold", "6"]) == "--threshold must be in 2...5, got 6")
    }

    /// Every `Option<Int>` / `Option<Int?>` of every command is in `numericOptions`.
    @Test func numericOptionsAreAllListed() {
        func commands(_ type: any ParsableCommand.Type, path: [String]) -> [([String], any ParsableCommand.Type)] {
            let name = type.configuration.commandName ?? type._commandName
            let here = path + [name]
            return [(here, type)] + type.configuration.subcommands.flatMap { commands($0, path: here) }
        }
        var found = Set<String>()
        for (path, type) in commands(TSSCommand.self, path: []) {
            for child in Mirror(reflecting: type.init()).children {
                guard let label = child.label, child.value is Option<Int> || child.value is Option<Int?> else { continue }
                let option = "--" + label.dropFirst().reduce(into: "") { text, c in
                    if c.isUppercase { text += "-" + c.lowercased() } else { text.append(c) }
                }
                found.insert((path.dropFirst() + [option]).joined(separator: " "))
            }
        }
        let listed = Set(numericOptions.map { o in
            (o.command.prefix { !$0.hasPrefix("--") } + [o.option]).joined(separator: " ")
        })
        #expect(found == listed)
        #expect(found.count == numericOptions.count)
    }
}

@Suite struct ParameterSetOption {
    @Test func oneNameEverywhere() {
        for command in [["demo"], ["bench", "proofs"], ["bench", "protocol"], ["bench", "network"]] {
            #expect(rejection(command + ["--params", "testing"]) == nil)
            #expect(rejection(command + ["--params", "production112"]) == nil)
            let message = rejection(command + ["--params", "production256"])
            #expect(message?.contains("--params") == true, "\(message ?? "accepted")")
            #expect(message?.contains("production112") == true, "lists the choices: \(message ?? "")")
        }
        // The demo runs testing or production112 only.
        #expect(rejection(["demo", "--params", "production128"]) == "--params must be testing or production112")
        #expect(rejection(["bench", "proofs", "--params", "production128"]) == nil)
    }

    @Test func benchKeepsParametersAsAHiddenDeprecatedAlias() throws {
        let parsed = try TSSCommand.parseAsRoot(["bench", "protocol", "--parameters", "testing"])
        #expect((parsed as? BenchProtocol)?.parameters.selected == .testing)
        #expect((try TSSCommand.parseAsRoot(["bench", "proofs"]) as? BenchProofs)?.parameters.selected == .production112)
        #expect(rejection(["bench", "proofs", "--parameters", "testing", "--params", "testing"]) != nil)
        #expect(!BenchProtocol.helpMessage().contains("--parameters"))
        #expect(BenchProtocol.helpMessage().contains("--params"))
        #expect(rejection(["demo", "--parameters", "testing"]) != nil)
    }

    @Test func eachSetMapsToItsSchemeParameters() {
        #expect(ParameterSet.production112.parameters.name == "production112")
        #expect(ParameterSet.production128.parameters.name == "production128")
        #expect(ParameterSet.testing.parameters.name == "testing-UNSAFE")
        #expect(ParameterSet.allValueStrings == ["testing", "production112", "production128"])
    }
}

/// X25519 keys given on the command line: lengths, hex, and no low-order public keys.
@Suite struct KeyOptionValidation {
    @Test func envelopeSealRefusesLowOrderRecipients() {
        let seal = ["envelope", "seal", "--identity-key", identitySeedHex]
        #expect(rejection(seal + ["--to", publicKeyHex]) == nil)
        for encoding in X25519LowOrderPoints.encodings {
            let message = rejection(seal + ["--to", hexString(encoding)])
            #expect(message?.contains("--to: a low-order X25519 point") == true, "\(message ?? "accepted")")
        }
        #expect(rejection(seal + ["--to", String(repeating: "09", count: 31)])?.contains("32 bytes") == true)
        #expect(rejection(seal + ["--to", "zz"])?.contains("not hex") == true)
        #expect(rejection(["envelope", "seal", "--to", publicKeyHex, "--identity-key", "0102"]) != nil)
    }

    @Test func envelopeOpenChecksTheKeyLength() {
        #expect(rejection(["envelope", "open", "--key", secretKeyHex]) == nil)
        #expect(rejection(["envelope", "open", "--key", String(repeating: "07", count: 33)])?.contains("32 bytes") == true)
        #expect(rejection(["envelope", "open", "--key", "7"])?.contains("odd number") == true)
    }

    @Test func noiseRefusesLowOrderRemoteStatic() {
        let serve = ["noise", "serve", "--listen", "127.0.0.1:0", "--protocol", "Noise_NK_25519_ChaChaPoly_BLAKE2s"]
        let connect = ["noise", "connect", "--to", "127.0.0.1:1", "--protocol", "Noise_NK_25519_ChaChaPoly_BLAKE2s"]
        #expect(rejection(serve + ["--static-key", secretKeyHex]) == nil)
        #expect(rejection(connect + ["--remote-static", publicKeyHex]) == nil)
        for encoding in X25519LowOrderPoints.encodings {
            let message = rejection(connect + ["--remote-static", hexString(encoding)])
            #expect(message?.contains("--remote-static: a low-order X25519 point") == true, "\(message ?? "accepted")")
        }
        #expect(rejection(serve + ["--static-key", String(repeating: "07", count: 16)])?.contains("32 bytes") == true)
        #expect(rejection(connect + ["--remote-static", publicKeyHex, "--psk", "0011"])?.contains("--psk") == true)
    }
}

/// `tss demo`'s modes: the flows demo (`--data`, `--sign`, `--crash-after`) and the adversary
/// harness (`--misbehave`), and which options go together.
@Suite struct DemoOptionValidation {
    @Test func defaultsAndModesParse() throws {
        let demo = try #require(try TSSCommand.parseAsRoot(["demo"]) as? Demo)
        #expect(demo.partyCount == 3 && demo.signerCount == 2 && demo.params == "production112")
        #expect(demo.messageText == "hello from swift-tss")
        for arguments in [["demo", "--params", "testing", "--data", "/tmp/demo", "--json"],
                          ["demo", "--data", "/tmp/demo", "--sign", "hello", "--json"],
                          ["demo", "--data", "/tmp/demo", "--sign", ""],
                          ["demo", "--params", "testing", "--crash-after", "aux-gen"],
                          ["demo", "--params", "testing", "--data", "/tmp/demo", "--crash-after", "identity-signatures"],
                          ["demo", "--params", "testing", "--misbehave", "bad-sigma", "--culprit", "1"]] {
            #expect(rejection(arguments) == nil, "\(arguments): \(rejection(arguments) ?? "")")
        }
    }

    @Test func everyFlowPhaseIsACrashPoint() throws {
        for phase in ["key-init", "old-key-handover", "reshare", "aux-gen", "presign", "sign", "identity-signatures"] {
            let demo = try #require(try TSSCommand.parseAsRoot(["demo", "--crash-after", phase]) as? Demo)
            #expect(demo.crashAfter?.rawValue == phase)
        }
        let message = rejection(["demo", "--crash-after", "keyinit"])
        #expect(message?.contains("--crash-after") == true, "\(message ?? "accepted")")
        #expect(message?.contains("key-init") == true, "lists the phases: \(message ?? "")")
    }

    @Test func signNeedsDataAndNothingElse() {
        #expect(rejection(["demo", "--sign", "hello"]) == "--sign needs --data DIR: the stores of an earlier `tss demo --data DIR`")
        #expect(rejection(["demo", "--data", "", "--sign", "hello"])?.contains("--sign needs --data") == true)
        let sign = ["demo", "--data", "/tmp/demo", "--sign", "hello"]
        for (option, value) in [("--parties", "3"), ("--threshold", "2"), ("--params", "testing"), ("--message", "m"),
                                ("--misbehave", "bad-sigma"), ("--culprit", "1"), ("--crash-after", "sign")] {
            let message = rejection(sign + [option, value])
            #expect(message?.hasSuffix("drop \(option)") == true, "\(option): \(message ?? "accepted")")
            #expect(message?.contains("demo.json") == true)
        }
    }

    /// `--network` runs node processes with their own stores: no simulated-party options.
    @Test func networkTakesNoStoresCrashOrMisbehaviour() throws {
        let demo = try #require(try TSSCommand.parseAsRoot(["demo", "--network", "--params", "testing", "--parties", "4",
                                                            "--threshold", "3", "--json"]) as? Demo)
        #expect(demo.network && demo.partyCount == 4 && demo.signerCount == 3)
        #expect(rejection(["demo", "--network", "--data", "/tmp/demo"]) == "--network runs node processes with their own stores: drop --data")
        #expect(rejection(["demo", "--network", "--crash-after", "sign"])?.hasSuffix("drop --crash-after") == true)
        #expect(rejection(["demo", "--network", "--misbehave", "bad-sigma"])?.hasSuffix("drop --misbehave") == true)
        #expect(rejection(["demo", "--data", "/tmp/demo", "--sign", "hello", "--network"])?.hasSuffix("drop --network") == true)
        #expect(rejection(["demo", "--network", "--parties", "3", "--threshold", "4"]) == "--threshold must lie in 2...parties")
        #expect(rejection(["demo", "--network", "--parties", "17"]) == "--network runs at most 16 node processes (--parties)")
        #expect(rejection(["demo", "--network", "--parties", "16"]) == nil)
    }

    @Test func misbehaveTakesNoStoresAndNoCrash() {
        #expect(rejection(["demo", "--misbehave", "bad-sigma", "--data", "/tmp/demo"])
                == "--misbehave runs raw sessions without stores: drop --data")
        #expect(rejection(["demo", "--misbehave", "bad-sigma", "--crash-after", "sign"])
                == "--misbehave and --crash-after do not go together: choose one")
        #expect(rejection(["demo", "--data", ""]) == "--data needs a directory")
        // The registration options are still checked with --data.
        #expect(rejection(["demo", "--data", "/tmp/demo", "--parties", "3", "--threshold", "4"])
                == "--threshold must lie in 2...parties")
        #expect(rejection(["demo", "--data", "/tmp/demo", "--params", "production128"])
                == "--params must be testing or production112")
    }
}

/// `tss node run --misbehave` (a fault drill) and `tss fault verify`'s report sources.
@Suite struct FaultDrillOptionValidation {
    @Test func misbehaveTakesOnlyCheatsALoneNodeCanPlay() {
        #expect(rejection(nodeRunRequired) == nil)
        for kind in ["bad-sigma", "equivocate-s"] { #expect(rejection(nodeRunRequired + ["--misbehave", kind]) == nil, "\(kind)") }
        // Misbehaviours of other phases, or that need more than the node's own message.
        for kind in ["bad-schnorr", "equivocate-mta", "rush-delta", "delta-plus-n", "nonsense"] {
            let message = rejection(nodeRunRequired + ["--misbehave", kind])
            #expect(message?.contains("--misbehave must be one of bad-sigma, equivocate-s") == true, "\(kind): \(message ?? "accepted")")
        }
    }

    @Test func verifyTakesExactlyOneReport() {
        #expect(rejection(["fault", "verify", "--report", "AAAA"]) == nil)
        #expect(rejection(["fault", "verify", "--report-json", "-"]) == nil)
        #expect(rejection(["fault", "verify", "--report", "AAAA", "--public-data", "AAAA"]) == nil)
        #expect(rejection(["fault", "verify"])?.contains("exactly one of --report and --report-json") == true)
        #expect(rejection(["fault", "verify", "--report", "AAAA", "--report-json", "-"])?
            .contains("exactly one of --report and --report-json") == true)
    }
}
