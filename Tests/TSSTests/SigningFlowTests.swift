import BigNum
import Crypto
import Foundation
import Secp256k1
import Testing
import TestSupport
import TSSStore
@testable import CGGMP
@testable import TSS

private func prehash(_ text: String) throws -> Prehash {
    try Prehash(rawRepresentation: Array(Crypto.SHA256.hash(data: Data(text.utf8))))
}

/// Runs the signing flow among `signers` and checks the result independently: libsecp256k1
/// verifies r‖s under the BIP32 child key and recovers that key from v; every identity signature
/// verifies.
private func signAndVerify(servers: [Ed25519Signer], registrations: [PartyID: RegistrationOutput],
                           signers: [PartyID], path: String, message: String, seed: UInt64) throws {
    let request = try SigningRequest(user: flowUser, blockNumber: 50, prehash: try prehash(message),
                                     derivationPath: path, signers: signers)
    let signing = servers.filter { signers.contains($0.partyID) }
    let flows = try signing.map { server in
        try SigningFlow(request: request, keyShare: registrations[server.partyID]!.keyShare,
                        auxInfo: registrations[server.partyID]!.auxInfo, usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing)
    }
    var runner = FlowRunner(machines: flows, generators: flowGenerators(signing, seed: seed))
    guard case .finished(let outputs) = runner.run() else { Issue.record("signing did not finish"); return }
    let output = outputs[signers[0]]!
    #expect(Set(outputs.values) == [output])
    #expect(output.signature.count == 65)

    let root = registrations[signers[0]]!.keyShare.publicKey
    let child = try ExtendedPublicKey(publicKey: root, chainCode: SigningFlow.chainCode(for: root)).derive(path: path).key.publicKey
    #expect(output.publicKey == child)
    #expect((path == "m") == (child == root))
    let signature = try RecoverableSignature(rawRepresentation: output.signature)
    #expect(signature.signature.isValid(for: request.prehash, publicKey: child))
    #expect(try signature.recoverPublicKey(from: request.prehash) == child)
    #expect(!signature.signature.isValid(for: try prehash(message + "!"), publicKey: child))
    for signer in signers { #expect(output.hasValidIdentitySignature(of: signer)) }
    #expect(Set(output.identitySignatures.keys) == Set(signers))
}

@Suite struct SigningFlowTests {
    @Test func distributedRegistrationThenSigning() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 21)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let committee = servers.map(\.partyID)
        // Signers chosen from public data; include a server that only got its share by resharing
        // when the founders are not all of them.
        let signers = try SigningCommittee.selectAny(2, of: committee, seed: Array("request 1".utf8))
        try signAndVerify(servers: servers, registrations: outputs, signers: signers, path: "m/0/7",
                          message: "transfer 1 token", seed: 22)
        let plan = registration.machines.values.first!.plan
        let newcomer = committee.first { !plan.founders.contains($0) }!
        try signAndVerify(servers: servers, registrations: outputs, signers: [plan.founders[0], newcomer], path: "m",
                          message: "second request", seed: 23)
    }

    @Test func dealerRegistrationThenSigning() throws {
        let servers = flowServers()
        let committee = servers.map(\.partyID)
        let dealer = try Ed25519Signer(seed: [UInt8](repeating: 0x77, count: 32))
        let serverKeys = try (0..<3).map {
            try X25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x60 + UInt8($0), count: 32))
        }
        var generator = ChaChaRandom(testSeed: 31)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: committee, using: &generator)
        let envelopes = try DealerRegistration.seal(dealt, user: flowUser, dealer: dealer,
                                                    recipientKeys: Dictionary(uniqueKeysWithValues: zip(committee, serverKeys.map(\.publicKey))))
        // The dealer design gives key shares only; aux info comes from an AuxGen run among the servers.
        let plan = try RegistrationPlan(committee: committee, threshold: 2, user: flowUser, blockNumber: 60)
        let sessions = try servers.enumerated().map { index, server in
            try AuxGen.makeSession(sessionID: plan.auxiliaryInfoID.rawRepresentation, committee: committee, signer: server,
                                   parameters: .testing, primes: committedPrimes(index: index, bits: SchemeParameters.testing.paillierPrimeBits))
        }
        var auxRunner = SimulationRunner(machines: sessions, generators: flowGenerators(servers, seed: 32))
        guard case .finished(let aux) = auxRunner.run() else { Issue.record("AuxGen failed"); return }
        var registrations: [PartyID: RegistrationOutput] = [:]
        for (index, server) in servers.enumerated() {
            let share = try DealerRegistration.open(
                envelopes[server.partyID]!, recipientKey: serverKeys[index],
                expecting: DealerRegistrationExpectation(me: server.partyID, dealer: dealer.partyID, user: flowUser,
                                                         committee: committee, threshold: 2))
            registrations[server.partyID] = RegistrationOutput(keyShare: share, auxInfo: aux[server.partyID]!)
        }
        #expect(registrations.values.allSatisfy { $0.keyShare.publicKey == dealt.commitment.publicKey })
        try signAndVerify(servers: servers, registrations: registrations, signers: [committee[0], committee[2]],
                          path: "m/1", message: "dealer key signs", seed: 33)
    }

    @Test func aForgedIdentitySignatureNamesItsSigner() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 21)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let signers = [servers[0].partyID, servers[1].partyID]
        let culprit = servers[1]
        let request = try SigningRequest(user: flowUser, blockNumber: 51, prehash: try prehash("x"), derivationPath: "m/3",
                                         signers: signers)
        let flows = try servers.prefix(2).map { server in
            try SigningFlow(request: request, keyShare: outputs[server.partyID]!.keyShare,
                            auxInfo: outputs[server.partyID]!.auxInfo, usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing)
        }
        var runner = FlowRunner(machines: flows, generators: flowGenerators(Array(servers.prefix(2)), seed: 24)) { message, _ in
            guard message.protocolTag == SigningFlow.attestationProtocolTag, message.sender == culprit.partyID else { return message }
            // A validly signed message whose identity signature covers another signature.
            let wrong = culprit.sign(SigningOutput.attestedBytes(sessionID: request.sessionID, signature: [UInt8](repeating: 1, count: 65)))
            return message.replacingPayload(wrong, signer: culprit)
        }
        guard case .failed(let errors) = runner.run() else { Issue.record("the forged attestation went unnoticed"); return }
        let error = try #require(errors[servers[0].partyID])
        #expect(error.culprit == culprit.partyID)
        guard case .badFlowMessage(_, let phase, _, let message) = error else { Issue.record("\(error)"); return }
        #expect(phase == .identitySignatures && message.hasValidSignature(Ed25519Verifier()))
    }

    @Test func aStoredPresignatureIsUsedOnceAndSkipsPresigning() throws {
        let servers = flowServers()
        var registration = try registrationRunner(servers, seed: 21)
        guard case .finished(let outputs) = registration.run() else { Issue.record("registration failed"); return }
        let signing = [servers[0], servers[2]]
        let signers = signing.map(\.partyID)
        let request = try SigningRequest(user: flowUser, blockNumber: 52, prehash: try prehash("stored"), derivationPath: "m/5",
                                         signers: signers)
        // Presign ahead of time for the child key's additive shares (as a server would, then store).
        let childShares = try signing.map { server in
            try SigningFlow(request: request, keyShare: outputs[server.partyID]!.keyShare,
                            auxInfo: outputs[server.partyID]!.auxInfo, usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing).keyShare
        }
        let sessions = try zip(signing, childShares).map { server, share in
            try Presigning.makeSession(sessionID: Array("presign ahead".utf8), keyShare: share,
                                       auxInfo: try SigningAuxInfo(outputs[server.partyID]!.auxInfo, signers: signers),
                                       signer: server, parameters: .testing)
        }
        var presigning = SimulationRunner(machines: sessions, generators: flowGenerators(signing, seed: 41))
        guard case .finished(let freshSlots) = presigning.run() else { Issue.record("presigning failed"); return }
        // Each server stores its presignature encrypted at rest, then takes it back for this request.
        var storeRandom = ChaChaRandom(testSeed: 43)
        var slots: [PartyID: PresignatureSlot] = [:]
        for server in signing {
            let store = try ShareStore.create(backend: InMemoryRecordBackend(), masterKey: MasterKey.random(using: &storeRandom),
                                              using: &storeRandom)
            guard let fresh = freshSlots[server.partyID]!.take() else { Issue.record("slot already taken"); return }
            try store.addPresignature(fresh, keyID: "user-key", presignatureID: "p1", using: &storeRandom)
            let taken = try #require(try store.takePresignature(keyID: "user-key"))
            #expect(try store.takePresignature(keyID: "user-key") == nil)
            slots[server.partyID] = PresignatureSlot(try Presignature(encoded: taken.record.payload(as: Presignature.self), parameters: .testing))
        }
        let flows = try signing.map { server in
            try SigningFlow(request: request, keyShare: outputs[server.partyID]!.keyShare, auxInfo: outputs[server.partyID]!.auxInfo,
                            presignature: slots[server.partyID]!, usedSessionIDs: UsedSessionIDs(), signer: server, parameters: .testing)
        }
        #expect(flows.allSatisfy { $0.phase == .sign })
        var runner = FlowRunner(machines: flows, generators: flowGenerators(signing, seed: 42))
        guard case .finished(let results) = runner.run() else { Issue.record("signing failed"); return }
        #expect(!runner.sentMessages.contains { $0.protocolTag == Presigning.protocolTag })
        let output = results[signers[0]]!
        let signature = try RecoverableSignature(rawRepresentation: output.signature)
        #expect(signature.signature.isValid(for: request.prehash, publicKey: childShares[0].publicKey))
        // The slot is spent: a second flow with it is refused.
        #expect(throws: FlowError.self) {
            try SigningFlow(request: request, keyShare: outputs[signers[0]]!.keyShare, auxInfo: outputs[signers[0]]!.auxInfo,
                            presignature: slots[signers[0]]!, usedSessionIDs: UsedSessionIDs(), signer: signing[0], parameters: .testing)
        }
    }
}
