import Bytes
@_spi(Benchmarks) @testable import CGGMP
import Secp256k1
import Testing

/// A fault report and its `FaultCheckContext` travel as bytes to a third party (`tss fault verify`):
/// the decoded pair must give the live verdict, and the same evidence must not convict an honest party.
@Suite struct FaultCheckContextTests {
    let signers = makeSigners(3)

    @Test func decodedReportAndContextProveTheFaultAndOnlyAgainstTheCulprit() throws {
        let culprit = signers[1]
        var runner = keyInitRunner(signers: signers, seed: 61) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3 else { return message }
            let proof = try! SchnorrProof(encoded: message.payload)
            return message.replacingPayload(SchnorrProof(commitment: proof.commitment, response: proof.response + .one)
                .encoded, signer: culprit)
        }
        guard let faults = runner.run().faults, let fault = faults.values.first else {
            Issue.record("expected a fault")
            return
        }
        let context = FaultCheckContext(
            publicData: try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID)),
            parameters: .testing, inputs: .keyInit)
        let decodedFault = try ProtocolFault(encoded: fault.encoded)
        let decodedContext = try FaultCheckContext(encoded: context.encoded)
        #expect(decodedContext.verdict(of: decodedFault) == .proven)
        for honest in signers where honest.partyID != culprit.partyID {
            #expect(decodedContext.verdict(of: decodedFault.accusing(honest.partyID)).name == "not-proven")
        }
    }

    @Test func malformedContextsAreRefusedWithTypedErrors() throws {
        let context = FaultCheckContext(
            publicData: try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID)),
            parameters: .testing, inputs: .keyInit)
        let bytes = context.encoded
        #expect(throws: FaultDecodingError.self) { try FaultCheckContext(encoded: []) }
        #expect(throws: FaultDecodingError.self) { try FaultCheckContext(encoded: Array(bytes.dropLast())) }
        #expect(throws: FaultDecodingError.self) { try FaultCheckContext(encoded: bytes + [0]) }
        var wrongVersion = bytes
        wrongVersion[6] = 9
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "fault check context", reason: .unsupportedVersion(9)))) {
            try FaultCheckContext(encoded: wrongVersion)
        }
        // Version 1 (no presigning session id in the signing inputs, no session id in the signed
        // agreement's) is refused.
        #expect(bytes[6] == 2)
        var versionOne = bytes
        versionOne[6] = 1
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "fault check context", reason: .unsupportedVersion(1)))) {
            try FaultCheckContext(encoded: versionOne)
        }
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "fault check context", reason: .trailingBytes(count: 1)))) {
            try FaultCheckContext(encoded: bytes + [0])
        }
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "fault check context", reason: .wrongMagic))) {
            try FaultCheckContext(encoded: Array("TSSFLT".utf8) + bytes.dropFirst(6))
        }
        // Every truncation fails cleanly (no trap).
        for length in 0..<bytes.count {
            #expect(throws: FaultDecodingError.self) { try FaultCheckContext(encoded: Array(bytes.prefix(length))) }
        }
    }
}
