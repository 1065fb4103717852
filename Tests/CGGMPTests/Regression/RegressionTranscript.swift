import Foundation
import Hashing
import Secp256k1
import TestSupport
@testable import CGGMP

/// One seeded protocol run as stored in `Vectors/cggmp/*.json`: who took part with which seeds,
/// the SHA-256 of every signed message (round by round, sorted by sender, kind, recipient) and the
/// public outputs.
///
/// These are REGRESSION vectors: our own output, recorded so that an unintended change to any
/// message or output (a reordered field, a changed transcript label, a consumed random byte more
/// or fewer, dictionary-order nondeterminism across processes) is noticed. They prove nothing about
/// correctness; the independent checks are the python scripts beside them.
struct RegressionTranscript: Codable, Equatable {
    static let notice = "REGRESSION VECTORS - our own output, NOT independent test vectors. Written by "
        + "Tests/CGGMPTests/Regression/RegressionVectorTests.swift with TSS_REGENERATE_VECTORS=1; "
        + "replayed and compared by the same test otherwise. Only the signature and key checks of "
        + "check_signatures.py (coincurve) are independent."

    struct Party: Codable, Equatable {
        /// The 32-byte Ed25519 identity seed (hex).
        var identitySeed: String
        /// The Ed25519 verifying key (hex).
        var partyID: String
        /// `ChaChaRandom(testSeed:)` seed of this party's generator.
        var rngSeed: UInt64
    }

    struct Message: Codable, Equatable {
        var sender: String
        var kind: String
        var recipient: String?
        /// SHA-256 of `SignedMessage.encoded`.
        var sha256: String
        var bytes: Int
    }

    struct Round: Codable, Equatable {
        var round: Int
        var messages: [Message]
    }

    /// Public outputs, every party's view agreeing (the test checks that before recording).
    struct Outputs: Codable, Equatable {
        var publicKey: String?
        var threshold: Int?
        /// Party id (hex) → compressed point (hex).
        var publicShares: [String: String]?
        /// Party id (hex) → Paillier modulus N (hex).
        var paillierModuli: [String: String]?
        /// Party id (hex) → ring-Pedersen modulus N̂ (hex).
        var ringPedersenModuli: [String: String]?
        var signers: [String]?
        /// The signed text; `prehash` is its SHA-256.
        var message: String?
        var prehash: String?
        /// r ‖ s ‖ v (65 bytes, hex).
        var signature: String?
    }

    var notice = RegressionTranscript.notice
    var independent = false
    var scenario: String
    var protocolTag: String
    var parameterSet: String
    /// Hex.
    var sessionID: String
    var parties: [Party]
    /// Scenario inputs worth recording (test-only secrets, configurations).
    var inputs: [String: String]
    var rounds: [Round]
    var outputs: Outputs

    /// Groups `messages` by round, each round sorted by sender, kind and recipient.
    static func rounds(_ messages: [SignedMessage]) -> [Round] {
        let sorted = messages.sorted { a, b in
            if a.round != b.round { return a.round < b.round }
            if a.sender != b.sender { return a.sender < b.sender }
            if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
            switch (a.recipient, b.recipient) {
            case (nil, nil), (_, nil): return false
            case (nil, _): return true
            case (let x?, let y?): return x < y
            }
        }
        var rounds: [Round] = []
        for message in sorted {
            let record = Message(sender: hexString(message.sender.rawRepresentation), kind: message.kind.description,
                                 recipient: message.recipient.map { hexString($0.rawRepresentation) },
                                 sha256: hexString(SHA256.hash(message.encoded)), bytes: message.encoded.count)
            if rounds.last?.round == message.round {
                rounds[rounds.count - 1].messages.append(record)
            } else {
                rounds.append(Round(round: message.round, messages: [record]))
            }
        }
        return rounds
    }

    /// Human-readable differences from `expected` (empty when equal), round by round.
    func differences(from expected: RegressionTranscript) -> [String] {
        var found: [String] = []
        if notice != expected.notice || independent != expected.independent { found.append("header differs") }
        if protocolTag != expected.protocolTag { found.append("protocol tag \(protocolTag) ≠ \(expected.protocolTag)") }
        if parameterSet != expected.parameterSet { found.append("parameter set \(parameterSet) ≠ \(expected.parameterSet)") }
        if sessionID != expected.sessionID { found.append("session id differs") }
        if parties != expected.parties { found.append("parties (identity or rng seeds) differ") }
        if inputs != expected.inputs { found.append("inputs differ: \(inputs) ≠ \(expected.inputs)") }
        if rounds.map(\.round) != expected.rounds.map(\.round) {
            found.append("rounds \(rounds.map(\.round)) ≠ expected \(expected.rounds.map(\.round))")
        }
        for (actual, wanted) in zip(rounds, expected.rounds) where actual != wanted {
            if actual.messages.count != wanted.messages.count {
                found.append("round \(actual.round): \(actual.messages.count) messages, expected \(wanted.messages.count)")
                continue
            }
            for (a, w) in zip(actual.messages, wanted.messages) where a != w {
                found.append("round \(actual.round): \(a.kind) from \(a.sender.prefix(8))"
                    + (a.recipient.map { " to \($0.prefix(8))" } ?? "")
                    + " has SHA-256 \(a.sha256.prefix(16))… (\(a.bytes) bytes), expected"
                    + " \(w.kind) from \(w.sender.prefix(8)): \(w.sha256.prefix(16))… (\(w.bytes) bytes)")
            }
        }
        let pairs: [(String, String?, String?)] = [
            ("public key", outputs.publicKey, expected.outputs.publicKey),
            ("prehash", outputs.prehash, expected.outputs.prehash),
            ("signature", outputs.signature, expected.outputs.signature),
        ]
        for (name, actual, wanted) in pairs where actual != wanted {
            found.append("output \(name) \(actual ?? "nil") ≠ expected \(wanted ?? "nil")")
        }
        if outputs.publicShares != expected.outputs.publicShares { found.append("output public shares differ") }
        if outputs.paillierModuli != expected.outputs.paillierModuli { found.append("output Paillier moduli differ") }
        if outputs.ringPedersenModuli != expected.outputs.ringPedersenModuli {
            found.append("output ring-Pedersen moduli differ")
        }
        if found.isEmpty && self != expected { found.append("other fields differ") }
        return found
    }

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
