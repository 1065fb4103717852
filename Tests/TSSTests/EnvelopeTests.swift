import BigNum
import CGGMP
import Crypto
import Foundation
import Testing
import TestSupport
@testable import TSS

private func signer(_ label: UInt8) throws -> Ed25519Signer {
    try Ed25519Signer(seed: [UInt8](repeating: label, count: 32))
}

private func x25519(_ label: UInt8) throws -> X25519PrivateKey {
    try X25519PrivateKey(rawRepresentation: [UInt8](repeating: label, count: 32))
}

private func expectError(_ expected: EnvelopeError, _ body: () throws(EnvelopeError) -> some Any) {
    do {
        _ = try body()
        Issue.record("expected \(expected), but it succeeded")
    } catch {
        #expect(error == expected)
    }
}

@Suite struct EnvelopeRoundTrip {
    @Test func boundEnvelopeOpensWithTheRecipientKey() throws {
        let sender = try signer(1), recipient = try x25519(2)
        let message = Array("sign this for me".utf8)
        let envelope = try Envelope.seal(message, signer: sender, to: recipient.publicKey)
        let decoded = try Envelope(encoded: envelope.encoded)
        #expect(decoded == envelope)
        let opened = try decoded.open(with: recipient)
        #expect(opened.message == message)
        #expect(opened.sender == sender.partyID)
        #expect(opened.isRecipientBound)
    }

    @Test func unboundEmptyMessageOpens() throws {
        let sender = try signer(3), recipient = try x25519(4)
        let envelope = try Envelope.seal([], signer: sender, to: recipient.publicKey, bindRecipient: false)
        let opened = try Envelope(encoded: envelope.encoded).open(with: recipient)
        #expect(opened.message.isEmpty)
        #expect(!opened.isRecipientBound)
    }

    @Test func twoSealsOfOneMessageDiffer() throws {
        // Fresh HPKE ephemeral each time: equal ciphertexts would mean a reused ephemeral.
        let sender = try signer(1), recipient = try x25519(2)
        let a = try Envelope.seal([1, 2, 3], signer: sender, to: recipient.publicKey)
        let b = try Envelope.seal([1, 2, 3], signer: sender, to: recipient.publicKey)
        #expect(a.encapsulatedKey != b.encapsulatedKey)
        #expect(a.ciphertext != b.ciphertext)
    }

    @Test func wrongKeyCannotDecrypt() throws {
        let envelope = try Envelope.seal([9], signer: try signer(1), to: try x25519(2).publicKey)
        expectError(.decryptionFailed) { () throws(EnvelopeError) in try envelope.open(with: try! x25519(5)) }
    }

    @Test func envelopeSignedForAnotherRecipientIsRejected() throws {
        // Signed and addressed to key 7, then re-encrypted to key 2 by whoever held it.
        let sender = try signer(1), us = try x25519(2), them = try x25519(7)
        let forwarded = EnvelopePlaintext(signing: [42], with: sender, recipient: Array(them.publicKey.rawRepresentation))
        let envelope = try Envelope.seal(plaintext: forwarded.encoded, to: us.publicKey)
        expectError(.wrongRecipient) { () throws(EnvelopeError) in try envelope.open(with: us) }
    }
}

@Suite struct EnvelopeTampering {
    let sender: Ed25519Signer
    let recipient: X25519PrivateKey
    let plaintext: EnvelopePlaintext

    init() throws {
        sender = try signer(11)
        recipient = try x25519(12)
        plaintext = EnvelopePlaintext(signing: Array("transfer 5 to alice".utf8), with: sender,
                                      recipient: Array(recipient.publicKey.rawRepresentation))
    }

    @Test func everyByteFlipOfTheEncapsulatedKeyOrCiphertextFails() throws {
        let envelope = try Envelope.seal(plaintext: plaintext.encoded, to: recipient.publicKey)
        #expect(try envelope.open(with: recipient).message == plaintext.message)
        for index in envelope.encapsulatedKey.indices {
            var key = envelope.encapsulatedKey
            key[index] ^= 0x01
            let tampered = Envelope(encapsulatedKey: key, ciphertext: envelope.ciphertext)
            expectError(.decryptionFailed) { () throws(EnvelopeError) in try tampered.open(with: recipient) }
        }
        for index in envelope.ciphertext.indices {
            var ciphertext = envelope.ciphertext
            ciphertext[index] ^= 0x80
            let tampered = Envelope(encapsulatedKey: envelope.encapsulatedKey, ciphertext: ciphertext)
            expectError(.decryptionFailed) { () throws(EnvelopeError) in try tampered.open(with: recipient) }
        }
    }

    /// A sender (not HPKE) changing any signed field must break the signature.
    @Test func everyByteFlipOfEachSignedFieldFailsTheSignature() throws {
        func sealAndOpen(_ altered: EnvelopePlaintext) throws -> Result<OpenedEnvelope, EnvelopeError> {
            let envelope = try Envelope.seal(plaintext: altered.encoded, to: recipient.publicKey)
            return Result { () throws(EnvelopeError) in try envelope.open(with: recipient) }
        }
        for index in plaintext.message.indices {
            var altered = plaintext
            altered.message[index] ^= 0x01
            #expect(try sealAndOpen(altered) == .failure(.badSignature))
        }
        for index in plaintext.signature.indices {
            var altered = plaintext
            altered.signature[index] ^= 0x01
            #expect(try sealAndOpen(altered) == .failure(.badSignature))
        }
        for index in plaintext.sender.rawRepresentation.indices {
            var bytes = plaintext.sender.rawRepresentation
            bytes[index] ^= 0x01
            var altered = plaintext
            altered.sender = try PartyID(rawRepresentation: bytes)
            #expect(try sealAndOpen(altered) == .failure(.badSignature))
        }
        for index in 0..<32 {
            var altered = plaintext
            altered.recipient![index] ^= 0x01
            #expect(try sealAndOpen(altered) == .failure(.badSignature))
        }
        var stripped = plaintext
        stripped.recipient = nil
        #expect(try sealAndOpen(stripped) == .failure(.badSignature))
    }
}

@Suite struct EnvelopeDecoding {
    @Test func malformedEncodingsAreTypedErrors() throws {
        let envelope = try Envelope.seal([1], signer: try signer(1), to: try x25519(2).publicKey)
        let key = Data(envelope.encapsulatedKey).base64EncodedString()
        let ct = Data(envelope.ciphertext).base64EncodedString()
        func decode(_ text: String) -> EnvelopeError? {
            do { _ = try Envelope(encoded: Array(text.utf8)); return nil } catch { return error }
        }
        #expect(decode(#"{"version":1,"encapsulated_key":"\#(key)","ciphertext":"\#(ct)"}"#) == nil)
        #expect(decode("not json") == .malformedEnvelope("not a JSON object with an integer version"))
        #expect(decode(#"{"encapsulated_key":"\#(key)","ciphertext":"\#(ct)"}"#) == .malformedEnvelope("not a JSON object with an integer version"))
        #expect(decode(#"{"version":2,"encapsulated_key":"\#(key)","ciphertext":"\#(ct)"}"#) == .unsupportedVersion(2))
        #expect(decode(#"{"version":1,"ciphertext":"\#(ct)"}"#) == .malformedEnvelope("missing or non-string encapsulated_key or ciphertext"))
        #expect(decode(#"{"version":1,"encapsulated_key":"\#(key)","ciphertext":"***"}"#) == .malformedEnvelope("ciphertext is not canonical base64"))
        #expect(decode(#"{"version":1,"encapsulated_key":"AAAA","ciphertext":"\#(ct)"}"#) == .malformedEnvelope("encapsulated_key is not 32 bytes of canonical base64"))
        #expect(decode(#"{"version":1,"encapsulated_key":"\#(key)","ciphertext":"AAAA"}"#) == .malformedEnvelope("ciphertext shorter than its 16-byte tag"))
        // Base64 without its padding is not canonical.
        #expect(decode(#"{"version":1,"encapsulated_key":"\#(key.dropLast())","ciphertext":"\#(ct)"}"#) == .malformedEnvelope("encapsulated_key is not 32 bytes of canonical base64"))
    }

    @Test func malformedPlaintextIsReported() throws {
        let recipient = try x25519(2)
        let envelope = try Envelope.seal(plaintext: Array(#"{"message":"AA=="}"#.utf8), to: recipient.publicKey)
        do {
            _ = try envelope.open(with: recipient)
            Issue.record("opened a plaintext without sender and signature")
        } catch {
            guard case .malformedPlaintext = error else { Issue.record("got \(error)"); return }
        }
    }
}

/// Envelopes sealed by pyhpke and signed by python `cryptography` (Vectors/hpke/generate.py).
@Suite struct EnvelopeInterop {
    struct Vectors: Decodable {
        struct Case: Decodable {
            let name: String
            let envelope: String
            let expect: String
            let message: String?
            let recipient_bound: Bool?
        }
        let recipient_secret_key: String
        let sender_identity: String
        let cases: [Case]
    }

    @Test func pythonSealedEnvelopesOpenOrFailAsExpected() throws {
        let vectors = try TestVectors.decode(Vectors.self, from: TestVectors.local("hpke/envelopes.json"))
        let key = try X25519PrivateKey(rawRepresentation: hexBytes(vectors.recipient_secret_key))
        #expect(vectors.cases.count >= 9)
        for testCase in vectors.cases {
            let result = Result { () throws(EnvelopeError) in
                try Envelope(encoded: Array(testCase.envelope.utf8)).open(with: key)
            }
            switch (testCase.expect, result) {
            case ("ok", .success(let opened)):
                #expect(opened.message == hexBytes(testCase.message ?? "x"), "\(testCase.name)")
                #expect(opened.sender.rawRepresentation == hexBytes(vectors.sender_identity), "\(testCase.name)")
                #expect(opened.isRecipientBound == testCase.recipient_bound, "\(testCase.name)")
            case ("badSignature", .failure(.badSignature)), ("wrongRecipient", .failure(.wrongRecipient)),
                 ("decryptionFailed", .failure(.decryptionFailed)), ("unsupportedVersion", .failure(.unsupportedVersion(2))),
                 ("malformedPlaintext", .failure(.malformedPlaintext)):
                break
            default:
                Issue.record("\(testCase.name): expected \(testCase.expect), got \(result)")
            }
        }
    }

    /// Our seal, opened by pyhpke + python `cryptography` (the generator's `open` subcommand).
    @Test func ourEnvelopeOpensInPython() throws {
        guard let python = PythonOpener.available() else { return }
        let sender = try signer(21), recipient = try x25519(22)
        let message = Array("sealed by swift-crypto".utf8) + [0, 255]
        for bind in [true, false] {
            let envelope = try Envelope.seal(message, signer: sender, to: recipient.publicKey, bindRecipient: bind)
            let output = try python.open(envelope.encoded, key: Array(recipient.rawRepresentation))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect(object["message"] as? String == Data(message).base64EncodedString())
            #expect(object["sender"] as? String == hexString(sender.partyID.rawRepresentation))
            #expect(object["recipient_bound"] as? Bool == bind)
        }
        // And python refuses what it should: the same envelope under another key.
        let envelope = try Envelope.seal(message, signer: sender, to: recipient.publicKey)
        #expect(throws: (any Error).self) { try python.open(envelope.encoded, key: Array(try x25519(23).rawRepresentation)) }
    }
}

/// Runs `python3 Vectors/hpke/generate.py open`, when python3 with pyhpke and cryptography exists.
struct PythonOpener {
    struct Rejected: Error { let reason: String }
    let executable: String

    static func available() -> PythonOpener? {
        for candidate in ["/usr/bin/env"] {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: candidate)
            probe.arguments = ["python3", "-c", "import pyhpke, cryptography, Crypto"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            do { try probe.run() } catch { break }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return PythonOpener(executable: candidate) }
        }
        print("SKIP: python3 with pyhpke, cryptography and pycryptodome not found; our-seal-opens-in-python not checked")
        return nil
    }

    func open(_ envelope: [UInt8], key: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["python3", TestVectors.local("hpke/generate.py").path, "open", "--key", hexString(key)]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(envelope))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Rejected(reason: String(decoding: err, as: UTF8.self)) }
        return String(decoding: out, as: UTF8.self)
    }
}
