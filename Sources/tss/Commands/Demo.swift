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
/// KeyInit (n-of-n) when T = N; for T < N a trusted dealer's T-of-N key until key resharing is
/// merged (then: KeyInit among T, reshare to N). Aux info: fresh Paillier (Blum) and ring-Pedersen
/// (safe) primes for every party, generated here until the AuxGen protocol is merged (so the
/// Πmod/Πfac/Πprm exchange is not run). Then presigning among the T signers and one signing round.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "KeyInit → aux info → presign → sign among simulated parties; verify the signature.")

    @Option(help: "Number of parties holding the key.") var parties: Int = 3
    @Option(help: "Number of signers needed (and used).") var threshold: Int = 2
    @Option(help: "The message; its SHA-256 digest is signed.") var message: String = "hello from swift-tss"
    @Option(help: "Parameter set: testing or production112.") var params: String = "production112"
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

        // Key generation.
        let signers = Array(identities.prefix(threshold))
        let shares: [PartyID: AdditiveKeyShare] = try phase("key generation", "keyInit") {
            if threshold == parties {
                progress("KeyInit among all \(parties) parties (\(parties)-of-\(parties) key)")
                let sessions = try identities.map {
                    try KeyInit.makeSession(sessionID: Array("tss demo KeyInit".utf8), committee: committee, signer: $0,
                                            parameters: parameters)
                }
                return try simulate(sessions, freshGenerator)
            }
            progress("NOTE: key resharing is not merged yet, so the \(threshold)-of-\(parties) key comes from a trusted "
                     + "dealer (DealerKeyGeneration), not from KeyInit among \(threshold) followed by resharing")
            var generator = freshGenerator()
            let dealt = try DealerKeyGeneration.deal(threshold: threshold, holders: committee, using: &generator)
            var result: [PartyID: AdditiveKeyShare] = [:]
            for signer in signers {
                let share = try ThresholdKeyShare(receiving: dealt.shares[signer.partyID]!, commitment: dealt.commitment,
                                                  threshold: threshold, holders: committee)
                result[signer.partyID] = try share.additiveShare(signers: signers.map(\.partyID))
            }
            return result
        }
        let publicKey = shares.values.first!.publicKey

        // Aux info for every party (AuxGen runs among all holders).
        let aux: [PartyID: SigningAuxInfo] = try phase("aux info", "auxGen") {
            progress("NOTE: the AuxGen protocol is not merged yet: each party generates its Paillier and ring-Pedersen "
                     + "primes locally; the Πmod/Πfac/Πprm exchange is not run")
            var secrets: [PartyID: PaillierSecretKey] = [:]
            var publicAux: [PartyID: PublicAuxInfo] = [:]
            for (index, party) in committee.enumerated() {
                var generator = freshGenerator()
                progress("party \(index + 1)/\(parties): generating two \(parameters.paillierPrimeBits)-bit Blum primes")
                let paillier = PaillierSecretKey.generate(modulusBits: parameters.modulusBits, using: &generator, workers: 2)
                progress("party \(index + 1)/\(parties): generating two \(parameters.paillierPrimeBits)-bit safe primes")
                let p = PrimeGenerator.safePrime(bits: parameters.paillierPrimeBits, using: &generator, workers: 2)
                var q = p
                while q == p { q = PrimeGenerator.safePrime(bits: parameters.paillierPrimeBits, using: &generator, workers: 2) }
                let ringPedersen = try RingPedersenSecret(p: p, q: q, using: &generator).parameters
                secrets[party] = paillier
                publicAux[party] = PublicAuxInfo(paillierKey: paillier.publicKey, ringPedersen: ringPedersen)
            }
            let signerAux = publicAux.filter { shares[$0.key] != nil }
            return try Dictionary(uniqueKeysWithValues: signers.map {
                ($0.partyID, try SigningAuxInfo(owner: $0.partyID, paillierSecret: secrets[$0.partyID]!, publicAux: signerAux))
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
