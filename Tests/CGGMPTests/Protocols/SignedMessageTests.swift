import Bytes
import Testing
@testable import CGGMP

@Suite struct SignedMessageTests {
    let signer = makeSigners(1)[0]
    let recipient = makeSigners(1, offset: 50)[0].partyID

    func sample() -> SignedMessage {
        SignedMessage(sessionID: [1, 2, 3], protocolTag: "test", round: 2, kind: .direct, recipient: recipient,
                      payload: [9, 8, 7], signer: signer)
    }

    @Test func encodingRoundTripsAndSignatureVerifies() throws {
        let message = sample()
        let decoded = try SignedMessage(encoded: message.encoded)
        #expect(decoded == message)
        #expect(decoded.hasValidSignature(Ed25519Verifier()))
        #expect(decoded.encoded.first == SignedMessage.encodingVersion)
    }

    @Test func everySignedFieldIsCovered() throws {
        let message = sample()
        let altered = [
            SignedMessage(sessionID: [1, 2, 4], protocolTag: "test", round: 2, kind: .direct, recipient: recipient, payload: [9, 8, 7], signer: signer),
            SignedMessage(sessionID: [1, 2, 3], protocolTag: "tesu", round: 2, kind: .direct, recipient: recipient, payload: [9, 8, 7], signer: signer),
            SignedMessage(sessionID: [1, 2, 3], protocolTag: "test", round: 3, kind: .direct, recipient: recipient, payload: [9, 8, 7], signer: signer),
            SignedMessage(sessionID: [1, 2, 3], protocolTag: "test", round: 2, kind: .direct, recipient: signer.partyID, payload: [9, 8, 7], signer: signer),
            SignedMessage(sessionID: [1, 2, 3], protocolTag: "test", round: 2, kind: .direct, recipient: recipient, payload: [9, 8, 6], signer: signer),
        ]
        for other in altered {
            // The original signature does not carry over to any changed field.
            #expect(!other.replacingSignature(message.signature).hasValidSignature(Ed25519Verifier()))
        }
    }

    @Test func malformedEncodingsAreRejected() throws {
        let bytes = sample().encoded
        #expect(throws: MessageDecodingError.malformed(DecodingError(field: "signed message", reason: .unsupportedVersion(2)))) { try SignedMessage(encoded: [2] + bytes.dropFirst()) }
        #expect(throws: MessageDecodingError.self) { try SignedMessage(encoded: Array(bytes.dropLast())) }
        #expect(throws: MessageDecodingError.malformed(DecodingError(field: "signed message", reason: .trailingBytes(count: 1)))) { try SignedMessage(encoded: bytes + [0]) }
        #expect(throws: MessageDecodingError.self) { try SignedMessage(encoded: []) }
        // Kind byte sits after version, two length-prefixed fields and the round.
        var badKind = bytes
        badKind[1 + 4 + 3 + 4 + 4 + 2] = 9
        #expect(throws: MessageDecodingError.malformed(DecodingError(field: "kind", reason: .invalidValue("unknown message kind 9")))) { try SignedMessage(encoded: badKind) }
        #expect(throws: MessageDecodingError.wrongPartyIDLength(31)) { try PartyID(rawRepresentation: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func signerDescriptionHidesTheSecret() {
        #expect("\(signer)".hasPrefix("Ed25519Signer(Party("))
    }
}
