import ArgumentParser
import CGGMP
import Foundation
import Secp256k1

/// What the flows demo prints: the same keys as the misbehaving demo's report (`fault` is always
/// null here), plus where the presignature came from and, after `--crash-after`, the recovery.
struct FlowReport {
    let parties: [PartyID]
    let signerCount: Int
    let parameters: SchemeParameters
    let message: String
    /// `--data DIR`, or nil for stores in memory.
    let directory: String?
    var timings: [String: Double] = [:]
    var publicKey: Point?
    var messageHash: [UInt8]?
    var signature: [UInt8]?
    /// Whether the signature used a presignature from the signers' pools (else presigned on demand).
    var presignatureFromPool = false
    /// Presignatures left in the signers' pool afterwards.
    var presignaturesLeft: Int?
    var recovery: DemoRecovery?
    var verified = false

    /// The order timings are printed in.
    static let timingKeys = ["primes", "registration", "presign", "sign"]

    /// Runs `body`, reporting its start and duration on stderr and under `key` in `timings`.
    mutating func timed<T>(_ name: String, _ key: String, _ progress: (String) -> Void,
                           _ body: () throws -> T) rethrows -> T {
        progress("\(name): started")
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timings[key] = seconds
        progress("\(name): finished in \(String(format: "%.3f", seconds)) s")
        return result
    }

    /// Prints the report (one JSON object with `json`); exits with failure when not verified.
    func print(json: Bool, progress: (String) -> Void) throws {
        if json {
            let recovered: Any = recovery.map {
                ["party": hex($0.party.rawRepresentation), "index": $0.index, "phase": $0.phase.rawValue,
                 "flows": $0.flows, "events": $0.events] as [String: Any]
            } ?? NSNull()
            let object: [String: Any] = [
                "parties": parties.map { hex($0.rawRepresentation) }, "verified": verified, "timings": timings,
                "fault": NSNull(),
                "publicKey": publicKey.map { hex($0.compressedRepresentation) } ?? NSNull(),
                "messageHash": messageHash.map(hex) ?? NSNull(),
                "signature": signature.map(hex) ?? NSNull(),
                "presignatureFromPool": presignatureFromPool,
                "presignaturesLeft": presignaturesLeft ?? NSNull(),
                "recovered": recovered,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            Swift.print("parties:     \(parties.count), signers: \(signerCount), parameters: \(parameters.name)")
            if let publicKey { Swift.print("public key:  \(hex(publicKey.compressedRepresentation))") }
            Swift.print("message:     \(message)")
            Swift.print("prehash:     \(messageHash.map(hex) ?? "") (SHA-256)")
            Swift.print("signature:   \(signature.map(hex) ?? "") (r‖s‖v)")
            let left = presignaturesLeft.map { ", \($0) left" } ?? ""
            Swift.print("presignature: " + (presignatureFromPool ? "from the pool\(left)" : "presigned on demand (the pool was empty)"))
            if let recovery {
                Swift.print("recovered:   party \(recovery.index) crashed after its first \(recovery.phase.rawValue) message and "
                            + "resumed from its journal (\(recovery.events) events replayed)")
            }
            Swift.print("stores:      " + (directory.map { "\($0) (party-<i>.sqlite, party-<i>.key, demo.json)" } ?? "in memory"))
            Swift.print("verified:    \(verified) (libsecp256k1 verify + public key recovery; every signer's identity signature)")
            for key in Self.timingKeys where timings[key] != nil {
                Swift.print("\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%.3f", timings[key]!)) s")
            }
        }
        if !verified {
            progress("the signature did not verify")
            throw ExitCode.failure
        }
    }
}
