import Bytes
import CGGMP
import CGGMPAdversary
import Foundation
import Secp256k1
import Testing
import TSS
@testable import TSSNode

/// A node started with a misbehaviour from the test-support module (`Configuration.outgoingTamper`
/// built by `Misbehaviour.outgoingCheat`) is named by the honest signer with a proven,
/// self-contained fault report; the same evidence convicts no honest node, and the report without
/// its context (the old version) or with another context proves nothing.
@Suite struct NodeMisbehaviourTests {
    @Test(arguments: Misbehaviour.outgoingCheats)
    func aCheatingSignerIsNamedWithAProvenReport(_ misbehaviour: Misbehaviour) async throws {
        let request = SignatureRequest(user: apiUser.partyID.rawRepresentation, blockNumber: 40,
                                       message: Array("cheat \(misbehaviour.rawValue)".utf8))
        let signers = try committee(for: request)
        let cheater = nodeServers[0]
        #expect(signers.contains(cheater.partyID), "server 0 is in every committee")
        let honestSigner = try #require(signers.first { $0 != cheater.partyID })
        let cheat = try #require(misbehaviour.outgoingCheat(signer: cheater))
        let cluster = try await NodeCluster(flowTimeout: .seconds(20), seedRegistrations: true, tampers: [0: cheat])
        let honest = cluster.index(of: honestSigner)

        let status: [String: Any] = try await cluster.withClients { clients in
            var requestID = ""
            for index in [honest, 0] {
                let response = try await post(clients[index], "/user/sign_tx", try sealedRequest(request, to: index))
                #expect(response.status == .accepted)
                requestID = try #require(try jsonObject(response)["request_id"] as? String)
            }
            return try await pollSignature(clients[honest], requestID: requestID)
        }
        await cluster.stopAll()

        #expect(status["status"] as? String == "failed", "\(status)")
        let failure = try #require(status["failure"] as? [String: Any], "\(status)")
        #expect(failure["culprit"] as? String == hexOf(cheater.partyID.rawRepresentation), "\(failure)")
        let expectedPhase: FlowPhase = misbehaviour.phase == .sign ? .sign : .presign
        #expect(failure["phase"] as? String == expectedPhase.rawValue)
        let encoded = try #require((failure["fault"] as? String).flatMap { Data(base64Encoded: $0) }, "\(failure)")
        let report = try FlowFault(encoded: Array(encoded))
        print("NodeMisbehaviourTests: \(misbehaviour.rawValue): report \(encoded.count) bytes, of which context "
              + "\(report.context.encoded.count) bytes, evidence \(report.fault.encoded.count) bytes")

        // Self-contained: decoded from the API's bytes alone, the verdict is proven.
        #expect(report.culprit == cheater.partyID)
        #expect(report.phase == expectedPhase)
        #expect(report.context.publicData.committee == signers)
        #expect(report.verdict() == .proven)
        #expect(report.verdict() == report.context.verdict(of: report.fault), "one function for the node and a third party")
        // No honest node is convicted by the same evidence.
        for innocent in nodeServers.map(\.partyID) where innocent != cheater.partyID {
            #expect(report.context.verdict(of: report.fault.accusing(innocent)) != .proven, "\(innocent)")
        }

        // Without the context the report cannot be rechecked: version 1 (public data, no inputs)
        // is refused.
        var old = ByteWriter(header: EncodingHeader(name: "flow fault", magic: FlowFault.encodingHeader.magic, version: 1))
        old.write("phase", bytes: Array(report.phase.rawValue.utf8))
        ReportEncoding.write(report.publicData, to: &old)
        old.write("fault", bytes: report.fault.encoded)
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "flow fault", reason: .unsupportedVersion(1)))) {
            try FlowFault(encoded: old.bytes)
        }
        // In another session's context the evidence proves nothing.
        let otherSession = try SessionPublicData(sessionID: report.publicData.sessionID.reversed(),
                                                 protocolTag: report.publicData.protocolTag, committee: report.publicData.committee)
        let moved = FlowFault(phase: report.phase, context: FaultCheckContext(
            publicData: otherSession, parameters: report.context.parameters, inputs: report.context.inputs), fault: report.fault)
        #expect(moved.verdict() != .proven)
        #expect(try FlowFault(encoded: moved.encoded).verdict() != .proven)
        // Signing: the commitments of another presignature do not judge this σ.
        if case .signing(let commitments, let prehash) = report.context.inputs {
            let other = PresignatureCommitments(presigningSessionID: commitments.presigningSessionID.reversed(),
                                                nonce: commitments.nonce, nonceShares: commitments.nonceShares,
                                                keyNonceShares: commitments.keyNonceShares)
            let swapped = FaultCheckContext(publicData: report.publicData, parameters: report.context.parameters,
                                            inputs: .signing(commitments: other, prehash: prehash))
            #expect(swapped.verdict(of: report.fault) != .proven)
        }
    }
}
