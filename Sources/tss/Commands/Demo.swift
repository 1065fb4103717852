import ArgumentParser
import BigNum
import CGGMP
import Dispatch
import Foundation
import Hashing
import Paillier
import Secp256k1

/// `tss demo`: a threshold ECDSA signature among simulated parties, end to end.
///
/// KeyInit among T parties (a T-of-T key); for T < N, KeyResharing from them to all N holders with
/// threshold T. AuxGen among all N (fresh primes, both cores). Then presigning among T holders (the
/// last T, so that for T < N they include holders that only got their share by resharing) and one
/// signing round; the signature is verified with libsecp256k1.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "KeyInit (→ KeyResharing) → AuxGen → presign → sign among simulated parties; verify the signature.")

    @Option(help: "Number of parties holding the key.") var parties: Int = 3
    @Option(help: "Number of signers needed (and used).") var threshold: Int = 2
    @Option(help: "The message; its SHA-256 digest is signed.") var message: String = "hello from swift-tss"
    @Option(name: .customLong("params"), help: "Parameter set: testing or production112.") var parameterSet: ParameterSet = .production112
    var params: String { parameterSet.rawValue }
    @Flag(help: "Print one JSON object on stdout (progress stays on stderr).") var json = false

    func validate() throws {
        guard parties >= 2 else { throw ValidationError("--parties must be at least 2") }
        guard (2...parties).contains(threshold) else { throw ValidationError("--threshold must lie in 2...parties") }
        guard ["testing", "production112"].contains(params) else {
            throw ValidationError("--params must be testing or production112")
        }
    }

    func run() async throws {
        let parameters: SchemeParameters = params == "testing" ? .testing : .production112
        var system = SystemRandomNumberGenerator()
        func freshGenerator() -> ChaChaRandom {
            ChaChaRandom(seed: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &system) })
        }
        let identities = try (0..<parties).map { _ in
            try Ed25519Signer(seed: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &system) })
        }.sorted { $0.partyID < $1.partyID }
        let committee = identities.map(\.partyID)
        var timings: [String: Double] = [:]
        func phase<T>(_ name: String, _ key: String, _ body: () throws -> T) rethrows -> T {
            progress("\(name): started")
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            timings[key] = seconds
            progress("\(name): finished in \(String(format: "%.3f", seconds)) s")
            return result
        }

        // Key generation: KeyInit (n-of-n) among T parties; for T < N, resharing to all N with threshold T.
        let founders = Array(identities.prefix(threshold))
        let signers = Array(identities.suffix(threshold))
        let shares: [PartyID: AdditiveKeyShare] = try phase("key generation", "keyInit") {
            progress("KeyInit among \(threshold) parties (\(threshold)-of-\(threshold) key)")
            let keyInitSessions = try founders.map {
                try KeyInit.makeSession(sessionID: Array("tss demo KeyInit".utf8), committee: founders.map(\.partyID),
                                        signer: $0, parameters: parameters)
            }
            let additive = try simulate(keyInitSessions, freshGenerator)
            if threshold == parties { return additive }
            progress("KeyResharing from the \(threshold) KeyInit parties to all \(parties) (threshold \(threshold))")
            let old = try additive.mapValues { try ThresholdKeyShare(additive: $0) }
            let configuration = try KeyResharingConfiguration(
                oldKey: old.values.first!.publicPart, dealers: founders.map(\.partyID), newHolders: committee,
                newThreshold: threshold)
            let resharingSessions = try identities.map {
                try KeyResharing.makeSession(sessionID: Array("tss demo reshare".utf8), configuration: configuration,
                                             oldShare: old[$0.partyID], signer: $0)
            }
            let reshared = try simulate(resharingSessions, freshGenerator)
            progress("signing with the last \(threshold) holders")
            return try Dictionary(uniqueKeysWithValues: signers.map { signer in
                guard let share = reshared[signer.partyID] ?? nil else { throw DemoError("no reshared share") }
                return (signer.partyID, try share.additiveShare(signers: signers.map(\.partyID)))
            })
        }
        let publicKey = shares.values.first!.publicKey

        // AuxGen among all N holders (fresh Paillier and ring-Pedersen primes, proven with
        // Πmod, Πfac and Πprm).
        let aux: [PartyID: SigningAuxInfo] = try phase("AuxGen", "auxGen") {
            var sessions: [Session<AuxInfo>] = []
            for (index, identity) in identities.enumerated() {
                var generator = freshGenerator()
                let primes = AuxGenPrimes.generate(parameters: parameters, using: &generator, workers: 2) { step in
                    progress("party \(index + 1)/\(parties): \(step) done")
                }
                sessions.append(try AuxGen.makeSession(sessionID: Array("tss demo AuxGen".utf8), committee: committee,
                                                       signer: identity, parameters: parameters, primes: primes))
            }
            progress("running AuxGen (proof exchange)")
            let outputs = try simulate(sessions, freshGenerator)
            return try Dictionary(uniqueKeysWithValues: signers.map {
                ($0.partyID, try SigningAuxInfo(outputs[$0.partyID]!, signers: signers.map(\.partyID)))
            })
        }

        // Presigning among the signers.
        let slots: [PartyID: PresignatureSlot] = try phase("presign", "presign") {
            let sessions = try signers.map {
                try Presigning.makeSession(sessionID: Array("tss demo presign".utf8), keyShare: shares[$0.partyID]!,
                                           auxInfo: aux[$0.partyID]!, signer: $0, parameters: parameters)
            }
            return try simulate(sessions, freshGenerator)
        }

        // Signing.
        let digest = SHA256.hash(Array(message.utf8))
        let prehash = try Prehash(bytes: digest)
        let signatures: [PartyID: RecoverableSignature] = try phase("sign", "sign") {
            let sessions = try signers.map { signer throws -> Session<RecoverableSignature> in
                guard let presignature = slots[signer.partyID]?.take() else { throw DemoError("presignature missing") }
                return try Signing.makeSession(sessionID: Array("tss demo sign".utf8), presignature: presignature,
                                               keyShare: shares[signer.partyID]!, prehash: prehash, signer: signer)
            }
            return try simulate(sessions, freshGenerator)
        }
        guard Set(signatures.values).count == 1, let signature = signatures.values.first else {
            throw DemoError("the signers produced different signatures")
        }
        // Independent check with libsecp256k1: verify, and recover the key from r‖s‖v.
        let verified = signature.signature.isValid(for: prehash, publicKey: publicKey)
            && (try? signature.recoverPublicKey(from: prehash)) == publicKey

        let raw = signature.rawRepresentation
        if json {
            let object: [String: Any] = [
                "publicKey": hex(publicKey.compressedBytes), "messageHash": hex(digest), "signature": hex(raw),
                "verified": verified, "timings": timings,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("parties:     \(parties), signers: \(threshold), parameters: \(parameters.name)")
            print("public key:  \(hex(publicKey.compressedBytes))")
            print("message:     \(message)")
            print("prehash:     \(hex(digest)) (SHA-256)")
            print("signature:   \(hex(raw)) (r‖s‖v)")
            print("verified:    \(verified) (libsecp256k1 verify + public key recovery)")
            for key in ["keyInit", "auxGen", "presign", "sign"] {
                print("\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%.3f", timings[key] ?? 0)) s")
            }
        }
        if !verified { throw ExitCode.failure }
    }

    /// Runs every session to the end in one process, checking messages in parallel.
    private func simulate<Output: Sendable>(_ sessions: [Session<Output>],
                                            _ freshGenerator: () -> ChaChaRandom) throws -> [PartyID: Output] {
        var generators: [PartyID: ChaChaRandom] = [:]
        for session in sessions { generators[session.me] = freshGenerator() }
        var runner = SimulationRunner(sessions: sessions, generators: generators, parallelVerification: true)
        switch runner.run() {
        case .finished(let outputs): return outputs
        case .faulted(let faults): throw DemoError("faults: \(faults.values.map(\.description))")
        case .aborted(let reason): throw DemoError("aborted: \(reason)")
        case .stalled(let waiting): throw DemoError("stalled waiting for \(Set(waiting.values.joined()))")
        }
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data(("[tss demo] " + text + "\n").utf8))
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
