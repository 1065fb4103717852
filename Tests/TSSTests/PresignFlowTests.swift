import BigNum
import Crypto
import Foundation
import Secp256k1
import Testing
import TestSupport
import TSSStore
@testable import CGGMP
@testable import TSS

@Suite struct PresignFlowTests {
    /// Presigns twice into each signer's own pool (the store key of PresignaturePool), then signs
    /// with a presignature taken from the pool: the signature verifies, the two pool indices had
    /// different session ids, and the pool shrinks from 2 to 1 (a presignature is taken once).
    @Test func presignIntoThePoolThenSignFromIt() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 21)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let signing = [servers[0], servers[2]]
        let signers = signing.map(\.partyID)
        let path = "m/4"

        var storeRandom = ChaChaRandom(testSeed: 61)
        var stores: [PartyID: ShareStore] = [:]
        for server in signing {
            stores[server.partyID] = try ShareStore.create(backend: InMemoryRecordBackend(),
                                                           masterKey: MasterKey.random(using: &storeRandom), using: &storeRandom)
        }
        let registries = Dictionary(uniqueKeysWithValues: signers.map { ($0, UsedSessionIDs()) })
        var sessionIDs: [SessionID] = []
        var poolKeyID: String?
        for poolIndex: UInt64 in [0, 1] {
            let flows = try signing.map { server in
                try PresignFlow(user: flowUser, blockNumber: 70, derivationPath: path, signers: signers, poolIndex: poolIndex,
                                keyShare: outputs[server.partyID]!.keyShare, auxInfo: outputs[server.partyID]!.auxInfo,
                                usedSessionIDs: registries[server.partyID]!, signer: server, parameters: .testing)
            }
            #expect(Set(flows.map(\.sessionID)).count == 1)
            #expect(Set(flows.map(\.poolKeyID)).count == 1)
            sessionIDs.append(flows[0].sessionID)
            if let poolKeyID { #expect(flows[0].poolKeyID == poolKeyID) }
            poolKeyID = flows[0].poolKeyID
            var runner = FlowRunner(machines: flows, generators: flowGenerators(signing, seed: 62 + poolIndex))
            guard case .finished(let slots) = runner.run() else { Issue.record("presigning \(poolIndex) failed"); return }
            #expect(runner.sentMessages.allSatisfy { $0.protocolTag == Presigning.protocolTag })
            for server in signing {
                let slot = slots[server.partyID]!
                #expect(PresignaturePool.keyID(of: slot, signers: signers) == poolKeyID)
                guard let presignature = slot.take() else { Issue.record("slot already taken"); return }
                #expect(slot.isTaken)
                let presignatureID = flows[0].sessionID.rawRepresentation.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                try stores[server.partyID]!.addPresignature(presignature, keyID: poolKeyID!, presignatureID: presignatureID,
                                                            using: &storeRandom)
            }
        }
        let pool = try #require(poolKeyID)
        #expect(sessionIDs[0] != sessionIDs[1])
        for server in signing { #expect(try stores[server.partyID]!.presignatureCount(keyID: pool) == 2) }
        // Running pool index 0 again on the same server is refused.
        #expect(throws: FlowError.self) {
            try PresignFlow(user: flowUser, blockNumber: 70, derivationPath: path, signers: signers, poolIndex: 0,
                            keyShare: outputs[signers[0]]!.keyShare, auxInfo: outputs[signers[0]]!.auxInfo,
                            usedSessionIDs: registries[signers[0]]!, signer: signing[0], parameters: .testing)
        }

        let request = try SigningRequest(user: flowUser, blockNumber: 71,
                                         prehash: try Prehash(rawRepresentation: Array(Crypto.SHA256.hash(data: Data("pooled".utf8)))),
                                         derivationPath: path, signers: signers)
        var slots: [PartyID: PresignatureSlot] = [:]
        var takenIDs: Set<String> = []
        for server in signing {
            let taken = try #require(try stores[server.partyID]!.takePresignature(keyID: pool))
            takenIDs.insert(taken.key.itemID)
            slots[server.partyID] = PresignatureSlot(try Presignature(encoded: taken.record.payload(as: Presignature.self),
                                                                      parameters: .testing))
        }
        #expect(takenIDs.count == 1)
        let flows = try signing.map { server in
            try SigningFlow(request: request, keyShare: outputs[server.partyID]!.keyShare, auxInfo: outputs[server.partyID]!.auxInfo,
                            presignature: slots[server.partyID]!, usedSessionIDs: registries[server.partyID]!, signer: server,
                            parameters: .testing)
        }
        #expect(flows.allSatisfy { $0.phase == .sign })
        var runner = FlowRunner(machines: flows, generators: flowGenerators(signing, seed: 65))
        guard case .finished(let results) = runner.run() else { Issue.record("signing failed"); return }
        #expect(!runner.sentMessages.contains { $0.protocolTag == Presigning.protocolTag })
        let output = results[signers[0]]!
        #expect(Set(results.values) == [output])
        let root = outputs[signers[0]]!.keyShare.publicKey
        let child = try ExtendedPublicKey(publicKey: root, chainCode: SigningFlow.chainCode(for: root)).derive(path: path).key.publicKey
        #expect(output.publicKey == child)
        let signature = try RecoverableSignature(rawRepresentation: output.signature)
        #expect(signature.signature.isValid(for: request.prehash, publicKey: child))
        for signer in signers { #expect(output.hasValidIdentitySignature(of: signer)) }
        for server in signing { #expect(try stores[server.partyID]!.presignatureCount(keyID: pool) == 1) }
    }

    @Test func poolKeysSeparateKeysEpochsAndSignerSets() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 21)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let share = outputs[servers[0].partyID]!.keyShare
        let a = [servers[0].partyID, servers[1].partyID], b = [servers[0].partyID, servers[2].partyID]
        let key = PresignaturePool.keyID(publicKey: share.publicKey, epoch: share.epoch, signers: a)
        #expect(key == PresignaturePool.keyID(publicKey: share.publicKey, epoch: share.epoch, signers: a.reversed()))
        #expect(key != PresignaturePool.keyID(publicKey: share.publicKey, epoch: share.epoch, signers: b))
        #expect(key != PresignaturePool.keyID(publicKey: Point.generator, epoch: share.epoch, signers: a))
        let otherEpoch = try KeyEpoch(rawRepresentation: [UInt8](repeating: 7, count: KeyEpoch.byteCount))
        #expect(key != PresignaturePool.keyID(publicKey: share.publicKey, epoch: otherEpoch, signers: a))
        #expect(key.utf8.count <= RecordKey.maximumIDByteCount)
    }
}
