import BigNum
import Foundation
import Hashing
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// Seeded regression transcripts (`Vectors/cggmp/`): KeyInit (n = 3), AuxGen (n = 3), KeyResharing
/// (2-of-3 → 2-of-3 among the same holders) and InteractiveSigning by two, and by all three, of the
/// new holders, with the AuxGen output as their aux info — every protocol at `testing` with the committed
/// 512-bit primes, fixed ChaCha seeds and fixed Ed25519 identity seeds.
///
/// `TSS_REGENERATE_VECTORS=1 swift test --filter RegressionVectorTests` rewrites the files;
/// otherwise each run is compared with its file round by round. Regenerate only for an intended
/// change to a wire format or protocol, and say so in the commit.
@Suite(.serialized) struct RegressionVectorTests {
    static let regenerate = ProcessInfo.processInfo.environment["TSS_REGENERATE_VECTORS"] == "1"

    /// Party k's identity seed: 32 bytes of 0x51 + k (distinct from the other tests' identities).
    static let identitySeeds: [[UInt8]] = (0..<3).map { [UInt8](repeating: 0x51 + UInt8($0), count: 32) }
    static let identities = identitySeeds.map { try! Ed25519Signer(seed: $0) }

    static func seeds(_ base: UInt64, _ count: Int) -> [UInt64] { (0..<UInt64(count)).map { base + $0 } }

    static func parties(_ signers: [Ed25519Signer], seeds: [UInt64]) -> [RegressionTranscript.Party] {
        zip(signers, seeds).map { signer, seed in
            let index = identities.firstIndex { $0.partyID == signer.partyID }!
            return RegressionTranscript.Party(identitySeed: hexString(identitySeeds[index]),
                                              partyID: hexString(signer.partyID.rawRepresentation), rngSeed: seed)
        }
    }

    static func runner<Output>(_ sessions: [Session<Output>], _ signers: [Ed25519Signer], seeds: [UInt64])
        -> SimulationRunner<Output, ChaChaRandom> {
        var generators: [PartyID: ChaChaRandom] = [:]
        for (signer, seed) in zip(signers, seeds) { generators[signer.partyID] = ChaChaRandom(testSeed: seed) }
        return SimulationRunner(machines: sessions, generators: generators)
    }

    static func finished<Output>(_ outcome: SimulationRunner<Output, ChaChaRandom>.Outcome) throws -> [PartyID: Output] {
        guard case .finished(let outputs) = outcome else { throw RegressionError.didNotFinish("\(outcome)") }
        return outputs
    }

    enum RegressionError: Error { case didNotFinish(String), viewsDisagree(String) }

    static func hexMap(_ values: [PartyID: Point]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: values.map { (hexString($0.key.rawRepresentation), hexString($0.value.compressedRepresentation)) })
    }

    // MARK: Scenarios

    static func keyInit() throws -> RegressionTranscript {
        let signers = identities
        let seeds = seeds(0x1001, 3)
        let sessionID = Array("regression KeyInit n=3".utf8)
        let committee = signers.map(\.partyID)
        let sessions = try signers.map {
            try KeyInit.makeSession(sessionID: sessionID, committee: committee, signer: $0, parameters: .testing)
        }
        var runner = runner(sessions, signers, seeds: seeds)
        let shares = try finished(runner.run())
        let reference = shares[committee[0]]!
        guard shares.values.allSatisfy({ $0.publicShares == reference.publicShares && $0.publicKey == reference.publicKey })
        else { throw RegressionError.viewsDisagree("KeyInit public shares") }
        return RegressionTranscript(
            scenario: "KeyInit, n = 3", protocolTag: KeyInit.protocolTag, parameterSet: SchemeParameters.testing.name,
            sessionID: hexString(sessionID), parties: parties(signers, seeds: seeds), inputs: [:],
            rounds: RegressionTranscript.rounds(runner.sentMessages),
            outputs: .init(publicKey: hexString(reference.publicKey.compressedRepresentation),
                           publicShares: hexMap(reference.publicShares)))
    }

    static func auxGen() throws -> (RegressionTranscript, [PartyID: AuxInfo]) {
        let signers = identities
        let seeds = seeds(0x2001, 3)
        let sessionID = Array("regression AuxGen n=3".utf8)
        let committee = signers.map(\.partyID)
        let sessions = try signers.enumerated().map { index, signer in
            try AuxGen.makeSession(sessionID: sessionID, committee: committee, signer: signer, parameters: .testing,
                                   primes: committedAuxPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits))
        }
        var runner = runner(sessions, signers, seeds: seeds)
        let infos = try finished(runner.run())
        let reference = infos[committee[0]]!.publicInfo
        guard infos.values.allSatisfy({ $0.publicInfo == reference }) else {
            throw RegressionError.viewsDisagree("AuxGen public info")
        }
        let transcript = RegressionTranscript(
            scenario: "AuxGen, n = 3, committed 512-bit primes (party k: blum[2k], blum[2k+1], safe[2k], safe[2k+1])",
            protocolTag: AuxGen.protocolTag, parameterSet: SchemeParameters.testing.name,
            sessionID: hexString(sessionID), parties: parties(signers, seeds: seeds), inputs: [:],
            rounds: RegressionTranscript.rounds(runner.sentMessages),
            outputs: .init(
                paillierModuli: Dictionary(uniqueKeysWithValues: reference.map {
                    (hexString($0.key.rawRepresentation), $0.value.paillierKey.modulus.hexString) }),
                ringPedersenModuli: Dictionary(uniqueKeysWithValues: reference.map {
                    (hexString($0.key.rawRepresentation), $0.value.ringPedersen.modulus.hexString) })))
        return (transcript, infos)
    }

    /// A known test secret, dealt 2-of-3, reshared 2-of-3 to the same holders by the first two.
    static let resharedSecret = Scalar(0x5EC2E7_0001)

    static func keyResharing() throws -> (RegressionTranscript, [PartyID: ThresholdKeyShare]) {
        let signers = identities
        let holders = signers.map(\.partyID).sorted()
        let dealSeed: UInt64 = 0x3000
        let old = try dealtShares(secret: resharedSecret, threshold: 2, holders: holders, seed: dealSeed)
        let dealers = Array(holders.prefix(2))
        let configuration = try KeyResharingConfiguration(oldKey: old[holders[0]]!.publicPart, dealers: dealers,
                                                          newHolders: holders, newThreshold: 2)
        let seeds = seeds(0x3001, 3)
        let sessionID = Array("regression KeyResharing 2-of-3 to 2-of-3".utf8)
        let sessions = try signers.map {
            try KeyResharing.makeSession(sessionID: sessionID, configuration: configuration,
                                         oldShare: dealers.contains($0.partyID) ? old[$0.partyID] : nil, signer: $0)
        }
        var runner = runner(sessions, signers, seeds: seeds)
        let new = try finished(runner.run()).compactMapValues { $0 }
        guard new.count == 3, let reference = new[holders[0]],
              new.values.allSatisfy({ $0.publicShares == reference.publicShares }) else {
            throw RegressionError.viewsDisagree("KeyResharing public shares")
        }
        let transcript = RegressionTranscript(
            scenario: "KeyResharing, dealt 2-of-3 → 2-of-3, same holders, the first two (sorted) dealing",
            protocolTag: KeyResharing.protocolTag, parameterSet: "none (KeyResharing takes no Paillier parameters)",
            sessionID: hexString(sessionID), parties: parties(signers, seeds: seeds),
            inputs: ["testSecretKey": hexString(resharedSecret.rawRepresentation),
                     "dealerRngSeed": String(dealSeed),
                     "oldPublicShares": hexMap(old[holders[0]]!.publicShares).sorted { $0.key < $1.key }
                        .map { "\($0.key):\($0.value)" }.joined(separator: ","),
                     "dealers": dealers.map { hexString($0.rawRepresentation) }.joined(separator: ",")],
            rounds: RegressionTranscript.rounds(runner.sentMessages),
            outputs: .init(publicKey: hexString(reference.publicKey.compressedRepresentation), threshold: reference.threshold,
                           publicShares: hexMap(reference.publicShares)))
        return (transcript, new)
    }

    static let signedText = "swift-tss regression vector: interactive signing"

    /// Some of the three reshared holders (by sorted position) sign with their reshared shares and
    /// AuxGen's aux info.
    static func interactiveSigning(positions: [Int], shares: [PartyID: ThresholdKeyShare], aux: [PartyID: AuxInfo])
        throws -> RegressionTranscript {
        let sorted = identities.sorted { $0.partyID < $1.partyID }
        let signers = positions.map { sorted[$0] }
        let chosen = signers.map(\.partyID)
        let seeds = seeds(0x4001 + 0x100 * UInt64(signers.count), signers.count)
        let sessionID = Array("regression InteractiveSigning \(signers.count) of 3".utf8)
        let prehash = try Prehash(rawRepresentation: SHA256.hash(Array(signedText.utf8)))
        let sessions = try signers.map {
            try InteractiveSigning.makeSession(
                sessionID: sessionID, keyShare: try shares[$0.partyID]!.additiveShare(signers: chosen),
                auxInfo: try SigningAuxInfo(aux[$0.partyID]!, signers: chosen), prehash: prehash, signer: $0,
                parameters: .testing)
        }
        var runner = runner(sessions, signers, seeds: seeds)
        let signatures = try finished(runner.run())
        guard Set(signatures.values).count == 1, let signature = signatures.values.first else {
            throw RegressionError.viewsDisagree("signatures")
        }
        let publicKey = shares[chosen[0]]!.publicKey
        return RegressionTranscript(
            scenario: "InteractiveSigning by \(signers.count) of the 3 reshared holders of the 2-of-3 key "
                + "(sorted positions \(positions)), AuxGen's aux info",
            protocolTag: InteractiveSigning.protocolTag, parameterSet: SchemeParameters.testing.name,
            sessionID: hexString(sessionID), parties: parties(signers, seeds: seeds), inputs: [:],
            rounds: RegressionTranscript.rounds(runner.sentMessages),
            outputs: .init(publicKey: hexString(publicKey.compressedRepresentation), signers: chosen.map { hexString($0.rawRepresentation) },
                           message: signedText, prehash: hexString(prehash.rawRepresentation),
                           signature: hexString(signature.rawRepresentation)))
    }

    // MARK: Tests

    /// Writes (when regenerating) or compares every scenario's transcript with its file.
    static func record(_ transcript: RegressionTranscript, file: String) throws {
        let url = TestVectors.local("cggmp/\(file)")
        if regenerate {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try transcript.jsonData().write(to: url)
            print("wrote regression vectors \(url.path)")
            return
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing \(url.path): run with TSS_REGENERATE_VECTORS=1 to create it")
            return
        }
        let expected = try TestVectors.decode(RegressionTranscript.self, from: url)
        let differences = transcript.differences(from: expected)
        #expect(differences.isEmpty, "\(file) differs from this run:\n\(differences.joined(separator: "\n"))")
    }

    @Test func seededTranscriptsMatchTheRecordedVectors() throws {
        try Self.record(try Self.keyInit(), file: "keyinit-n3.json")
        let (auxTranscript, aux) = try Self.auxGen()
        try Self.record(auxTranscript, file: "auxgen-n3.json")
        let (resharingTranscript, shares) = try Self.keyResharing()
        try Self.record(resharingTranscript, file: "keyresharing-2of3.json")
        for (positions, file) in [([0, 2], "interactive-signing-2of3.json"),
                                  ([0, 1, 2], "interactive-signing-2of3-all-holders.json")] {
            let signing = try Self.interactiveSigning(positions: positions, shares: shares, aux: aux)
            // The signature is also checked here, so a regenerated file never holds a bad one.
            let signature = try RecoverableSignature(rawRepresentation: hexBytes(signing.outputs.signature!))
            let prehash = try Prehash(rawRepresentation: hexBytes(signing.outputs.prehash!))
            #expect(signature.signature.isValid(for: prehash, publicKey: Point.generatorMultiple(Self.resharedSecret)))
            try Self.record(signing, file: file)
        }
    }

    /// The independent check: coincurve (libsecp256k1 through python) verifies the recorded
    /// signature and recomputes the recorded public keys from the shares and the test secret.
    @Test func pythonChecksTheRecordedSignatureAndKeys() throws {
        let script = TestVectors.local("cggmp/check_signatures.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            print("SKIP: cannot run python3 (\(error)); the recorded signature was not checked independently")
            return
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Exit status 77 means python3 runs but coincurve is missing: an honest skip.
        if process.terminationStatus == 77 || process.terminationStatus == 127 {
            print("SKIP: \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(process.terminationStatus == 0, "check_signatures.py failed:\n\(output)")
    }
}
