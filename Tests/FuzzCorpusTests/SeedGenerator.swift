import BigNum
import Foundation
@_spi(Benchmarks) @testable import CGGMP
@testable import FuzzSupport
@_spi(NoiseTesting) @testable import Noise
import Paillier
import Secp256k1
import Testing
import TestSupport
@testable import TSS
@testable import TSSStore

/// Writes seed inputs for every target from a seeded KeyInit run at `.testing` parameters, a
/// dealt key, the vectors and fixed-key Noise and store runs. Runs only with
/// `TSS_WRITE_FUZZ_SEEDS=<folder>` (docs/fuzzing.md: the seeds are then merged with libFuzzer's
/// `-merge=1` into the committed, minimised Fuzz/Corpus).
@Suite struct SeedGenerator {
    @Test func writeSeeds() throws {
        guard let folder = ProcessInfo.processInfo.environment["TSS_WRITE_FUZZ_SEEDS"] else { return }
        var seeds: [FuzzTarget: [[UInt8]]] = [:]
        func add(_ target: FuzzTarget, _ bytes: [UInt8]) {
            #expect(target.run(bytes), "seed for \(target.rawValue) does not decode")
            seeds[target, default: []].append(bytes)
        }

        // A seeded KeyInit among three parties.
        let signers = (0..<3).map { try! Ed25519Signer(seed: [UInt8](repeating: UInt8($0) + 1, count: 32)) }
        let committee = signers.map(\.partyID)
        let sessionID = Array("fuzz seed KeyInit".utf8)
        let sessions = signers.map {
            try! KeyInit.makeSession(sessionID: sessionID, committee: committee, signer: $0, parameters: .testing)
        }
        var generators: [PartyID: ChaChaRandom] = [:]
        for (index, signer) in signers.enumerated() { generators[signer.partyID] = ChaChaRandom(testSeed: 1000 + UInt64(index)) }
        var runner = SimulationRunner(machines: sessions, generators: generators, parallelVerification: false)
        _ = runner.run()
        var seenKinds: Set<String> = []
        for message in runner.sentMessages {
            let slot = "\(message.round)-\(message.kind)"
            guard seenKinds.insert(slot).inserted else { continue }
            add(.signedMessage, message.encoded)
            if message.kind == .echo { add(.echoPayload, message.payload) }
            for (index, type) in FuzzTarget.roundPayloadTypes.enumerated() where (try? type.init(encoded: message.payload)) != nil {
                add(.roundPayloads, [UInt8(index)] + message.payload)
            }
        }
        let messages = Array(runner.sentMessages.prefix(3))
        let publicData = try SessionPublicData(sessionID: sessionID, protocolTag: messages[0].protocolTag, committee: committee)
        let fault = ProtocolFault(culprit: committee[0], round: 1, reason: .violation(RoundViolation(rule: "fuzz", detail: "seed")),
                                  evidence: Evidence(culprit: committee[0], round: 1, reason: .violation(RoundViolation(rule: "fuzz", detail: "seed")),
                                                     messages: messages))
        add(.protocolFault, fault.encoded)
        let equivocation = ProtocolFault(culprit: committee[1], round: 1, reason: .equivocation,
                                         evidence: Evidence(culprit: committee[1], round: 1, reason: .equivocation, messages: messages))
        add(.protocolFault, equivocation.encoded)
        add(.flowFault, FlowFault(phase: .keyInit, context: FaultCheckContext(publicData: publicData, parameters: .testing, inputs: .keyInit),
                                 fault: fault).encoded)
        add(.faultCheckContext, FaultCheckContext(publicData: publicData, parameters: .testing, inputs: .keyInit).encoded)
        add(.faultCheckContext, FaultCheckContext(publicData: publicData, parameters: .testing, inputs: .auxGen).encoded)
        // Signing (presigning session id and commitments) and signed agreement (session id and configuration).
        let commitments = PresignatureCommitments(
            presigningSessionID: [UInt8](repeating: 4, count: 32), nonce: .generatorMultiple(Scalar(3)),
            nonceShares: [committee[0]: .generator, committee[1]: .generatorMultiple(Scalar(2))],
            keyNonceShares: [committee[0]: .generatorMultiple(Scalar(5)), committee[1]: .generatorMultiple(Scalar(7))])
        add(.faultCheckContext, FaultCheckContext(
            publicData: try Signing.publicData(sessionID: sessionID, committee: Array(committee.prefix(2))), parameters: .testing,
            inputs: .signing(commitments: commitments, prehash: try Prehash(rawRepresentation: [UInt8](repeating: 6, count: 32)))).encoded)
        let agreement = try SignedAgreementConfiguration(senders: Array(committee.prefix(2)), receivers: committee,
                                                         validity: .thresholdPublicKey(holders: Array(committee.prefix(2)), threshold: 2))
        add(.faultCheckContext, FaultCheckContext(
            publicData: try SignedAgreement.publicData(sessionID: sessionID, configuration: agreement), parameters: .testing,
            inputs: .signedAgreement(agreement, sessionID: sessionID)).encoded)

        var journal = SessionJournal(protocolTag: messages[0].protocolTag, sessionID: sessionID, seed: [UInt8](repeating: 9, count: 32))
        journal.events = [.madeMessages(round: 1, digest: [UInt8](repeating: 1, count: 32)), .accepted(messages[0]), .advanced(round: 1)]
        add(.sessionJournal, journal.encoded)

        // A dealt 2-of-3 key.
        var rng = ChaChaRandom(testSeed: 77)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: committee, using: &rng)
        let share = try ThresholdKeyShare(receiving: dealt.shares[committee[0]]!, commitment: dealt.commitment,
                                          threshold: 2, holders: committee)
        add(.thresholdKeyShare, share.encoded)
        add(.thresholdPublicKey, try ThresholdPublicKey(threshold: 2, publicShares: share.publicShares).encoded)
        add(.dealerPayload, DealerRegistrationPayload(user: Array("user".utf8), threshold: 2, committee: dealt.holders,
                                                      commitment: dealt.commitment, share: dealt.shares[committee[1]]!).encoded)
        func proofSeed(_ value: some WireCodable) {
            let index = FuzzTarget.proofTypes.firstIndex { $0 == type(of: value) }!
            add(.proofs, [UInt8(index)] + value.encoded)
        }
        proofSeed(dealt.commitment)
        proofSeed(dealt.shares[committee[2]]!)
        let x = Scalar.random(using: &rng)
        let statement = SchnorrProof.Statement(publicPoint: .generatorMultiple(x))
        proofSeed(statement)
        proofSeed(SchnorrProof.prove(secret: x, statement: statement, context: ProofContext(sessionID: sessionID, proverID: committee[0].rawRepresentation),
                                     parameters: .testing, using: &rng))

        // Paillier: the fixed key, a ciphertext under it, ring-Pedersen parameters from two primes.
        let key = FuzzTarget.paillierKey
        add(.paillier, [0] + key.encoded)
        add(.paillier, [2] + PaillierCiphertext(value: BigInt(2)).encoded(for: key))
        let safe = CommittedPrimes.hex(kind: "safe", bits: 512).map { try! BigInt(hex: $0) }
        add(.paillier, [1] + (try RingPedersenSecret(p: safe[0], q: safe[1], using: &rng)).parameters.encoded)

        // Envelopes from the HPKE vectors, and a plaintext and subscribe message of our own.
        let vectors = try TestVectors.json(TestVectors.local("hpke/envelopes.json")) as! [String: Any]
        for case let entry as [String: Any] in vectors["cases"] as! [Any] {
            if let text = entry["envelope"] as? String, entry["expect"] as? String == "ok" { add(.envelope, Array(text.utf8)) }
        }
        add(.envelopePlaintext, EnvelopePlaintext(signing: Array("hello".utf8), with: signers[0], recipient: nil).encoded)
        add(.envelopePlaintext, EnvelopePlaintext(signing: [], with: signers[1], recipient: [UInt8](repeating: 5, count: 32)).encoded)
        add(.subscribeMessage, SubscribeMessage(sessionID: try SessionID(rawRepresentation: [UInt8](repeating: 3, count: 32)), signer: signers[0]).encoded)

        // Noise: the genuine XK handshake messages and transport messages under the fixed keys.
        for (stage, message) in NoiseFuzz.genuine.enumerated() { add(.noiseHandshake, [UInt8(stage)] + message) }
        var channel = NoiseFuzz.transports()
        add(.noiseTransport, [0] + (try channel.initiator.writeMessage(Array("hello".utf8))))
        var chunker = NoiseFuzz.transports()
        add(.noiseTransport, [1] + (try chunker.initiator.writeChunked([UInt8](repeating: 1, count: 65_520))))
        add(.noiseTransport, [2] + Array("plaintext".utf8))
        add(.noiseTransport, [3] + (try NoiseFraming.frame(Array("frame".utf8))) + (try NoiseFraming.frame([])))

        // Store: a valid header and a sealed record, in the fuzz layouts of StoreFuzz.
        let (backend, store) = StoreFuzz.store()
        let header = try backend.loadHeader()!
        add(.storeHeader, [0, 0, 0, 1, UInt8(header.storeID.count)] + header.storeID + [0, UInt8(header.checkTag.count)] + header.checkTag)
        let recordKey = try RecordKey.keyShare(keyID: "k1")
        var storeRNG = StoreFuzz.Counter()
        try store.put(StoredRecord(version: 1, payload: share.encoded), at: recordKey, using: &storeRNG)
        let sealed = try backend.load(recordKey)!
        add(.storeRecord, [recordKey.kind.rawValue, 2] + Array("k1".utf8) + [0, 0, 0, 0, 1, UInt8(sealed.nonce.count)]
            + sealed.nonce + sealed.ciphertext)
        add(.storeRecord, [0xFF] + Array("payload".utf8))

        // Payloads of the AuxGen and presigning runs CGGMPTests' FuzzSeedExport wrote (run it first):
        // each decoding round payload, and every proof inside one (found by reflection).
        let root = URL(fileURLWithPath: folder)
        let payloadDir = root.appendingPathComponent("_payloads")
        var proofKinds: Set<String> = []
        func collectProofs(_ value: Any, depth: Int) {
            guard depth < 4 else { return }
            for child in Mirror(reflecting: value).children {
                if let proof = child.value as? any WireCodable,
                   let index = FuzzTarget.proofTypes.firstIndex(where: { $0 == type(of: proof) }),
                   proofKinds.insert("\(index)").inserted {
                    add(.proofs, [UInt8(index)] + proof.encoded)
                }
                collectProofs(child.value, depth: depth + 1)
            }
        }
        var payloadKinds: Set<Int> = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: payloadDir.path)) ?? []).sorted() {
            let payload = Array(try Data(contentsOf: payloadDir.appendingPathComponent(name)))
            for (index, type) in FuzzTarget.roundPayloadTypes.enumerated() {
                guard let value = try? type.init(encoded: payload), payloadKinds.insert(index).inserted else { continue }
                add(.roundPayloads, [UInt8(index)] + payload)
                collectProofs(value, depth: 0)
            }
        }
        for (target, inputs) in seeds {
            let dir = root.appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (index, input) in inputs.enumerated() {
                try Data(input).write(to: dir.appendingPathComponent("seed-\(index)"))
            }
        }
        print("wrote seeds for \(seeds.count) targets to \(folder)")
    }
}
