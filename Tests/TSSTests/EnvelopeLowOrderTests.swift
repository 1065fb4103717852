import CGGMP
import Crypto
import Foundation
import Noise
import Testing
import TestSupport
@testable import TSS

/// RFC 9180 section 7.1.4: a DHKEM(X25519) DH whose output is all zeros must be refused. With a
/// low-order recipient key (seal) or encapsulated key (open) anyone can compute that output, so
/// the envelope would be readable by everyone while the API reported success.
@Suite struct EnvelopeLowOrderKeys {
    let sender = try! Ed25519Signer(seed: [UInt8](repeating: 1, count: 32))
    let recipient = try! X25519PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))

    @Test func sealRefusesEveryLowOrderRecipientKey() throws {
        for encoding in X25519LowOrderPoints.encodings {
            // swift-crypto itself takes these keys without complaint.
            _ = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: encoding)
            // The envelope API's key type does not: no low-order recipient key can be named.
            #expect(throws: NoiseError.invalidRemotePublicKey) { _ = try X25519PublicKey(rawRepresentation: encoding) }
            // And sealing refuses them below the key type too.
            #expect(throws: EnvelopeError.lowOrderRecipientKey) { _ = try Envelope.seal(plaintext: [1], toRawKey: encoding) }
        }
    }

    @Test func openRefusesEveryLowOrderEncapsulatedKey() throws {
        let genuine = try Envelope.seal([4, 5, 6], signer: sender, to: recipient.publicKey)
        #expect(try genuine.open(with: recipient).message == [4, 5, 6])
        for encoding in X25519LowOrderPoints.encodings {
            let hostile = Envelope(encapsulatedKey: encoding, ciphertext: genuine.ciphertext)
            #expect(throws: EnvelopeError.lowOrderEncapsulatedKey) { _ = try hostile.open(with: recipient) }
            // Through the wire encoding too: it decodes (32 bytes of base64), then opening refuses it.
            let decoded = try Envelope(encoded: hostile.encoded)
            #expect(throws: EnvelopeError.lowOrderEncapsulatedKey) { _ = try decoded.open(with: recipient) }
        }
    }

    /// The attack the check stops: with enc = a low-order point, the HPKE shared secret is a
    /// public function of enc alone. An attacker who knows nothing of the recipient's key seals an
    /// envelope under it (here by running DHKEM's key schedule on the all-zero DH output) that the
    /// unchecked HPKE layer opens: the check is what refuses it.
    @Test func anEnvelopeForgedWithoutTheRecipientKeyIsRefused() throws {
        let enc = X25519LowOrderPoints.encodings[0]
        let pkR = Array(recipient.publicKey.rawRepresentation)
        let forged = try sealWithZeroDH(plaintext: EnvelopePlaintext(signing: [7], with: sender, recipient: pkR).encoded,
                                        enc: enc, pkR: pkR)
        let envelope = Envelope(encapsulatedKey: enc, ciphertext: forged)
        #expect(throws: EnvelopeError.lowOrderEncapsulatedKey) { _ = try envelope.open(with: recipient) }
        // Whether swift-crypto's HPKE would have opened it is platform-dependent (BoringSSL's
        // X25519 reports the zero output, swift-crypto on Linux ignores it): print, do not assert.
        let swiftCryptoKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: recipient.rawRepresentation)
        var unchecked = try? HPKE.Recipient(privateKey: swiftCryptoKey, ciphersuite: Envelope.ciphersuite,
                                            info: Envelope.info, encapsulatedKey: Data(enc))
        let opened = try? unchecked?.open(forged, authenticating: Data())
        print("NOTE: unchecked swift-crypto HPKE \(opened == nil ? "refuses" : "opens") a zero-DH envelope on this platform")
    }

    @Test func wycheproofLowOrderKeysAreRefusedBySealAndOpen() throws {
        guard let cases = try X25519LowOrderPoints.wycheproofCases() else { return }
        let flagged = cases.filter { $0.flags.contains("LowOrderPublic") || $0.flags.contains("ZeroSharedSecret") }
        #expect(flagged.count >= 14)
        let genuine = try Envelope.seal([1], signer: sender, to: recipient.publicKey)
        for c in flagged {
            #expect(throws: NoiseError.invalidRemotePublicKey, "tcId \(c.tcId)") {
                _ = try X25519PublicKey(rawRepresentation: c.publicKey)
            }
            #expect(throws: EnvelopeError.lowOrderRecipientKey, "tcId \(c.tcId)") {
                _ = try Envelope.seal(plaintext: [1], toRawKey: c.publicKey)
            }
            #expect(throws: EnvelopeError.lowOrderEncapsulatedKey, "tcId \(c.tcId)") {
                _ = try Envelope(encapsulatedKey: c.publicKey, ciphertext: genuine.ciphertext).open(with: recipient)
            }
        }
        // Every key Wycheproof gives a non-zero shared secret for is a valid recipient.
        for c in cases where !c.hasZeroSharedSecret {
            let key = try X25519PublicKey(rawRepresentation: c.publicKey)
            let privateKey = try X25519PrivateKey(rawRepresentation: c.privateKey)
            if privateKey.publicKey.rawRepresentation == key.rawRepresentation { continue }
            _ = try Envelope.seal(plaintext: [1], to: key)
        }
    }

    /// RFC 9180 SealBase with a chosen enc whose DH output is all zeros: what an attacker who
    /// does not know skR can compute (section 4.1 DHKEM, 5.1 key schedule, ChaCha20-Poly1305).
    private func sealWithZeroDH(plaintext: [UInt8], enc: [UInt8], pkR: [UInt8]) throws -> [UInt8] {
        let kemSuite = Array("KEM".utf8) + [0x00, 0x20]
        let hpkeSuite = Array("HPKE".utf8) + [0x00, 0x20, 0x00, 0x01, 0x00, 0x03]
        func labeledExtract(_ suite: [UInt8], salt: [UInt8], label: String, ikm: [UInt8]) -> SymmetricKey {
            let prk = HMAC<SHA256>.authenticationCode(for: Array("HPKE-v1".utf8) + suite + Array(label.utf8) + ikm,
                                                      using: SymmetricKey(data: salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt))
            return SymmetricKey(data: Data(prk))
        }
        func labeledExpand(_ suite: [UInt8], prk: SymmetricKey, label: String, info: [UInt8], length: Int) -> [UInt8] {
            let labeled = [UInt8(length >> 8), UInt8(length & 0xff)] + Array("HPKE-v1".utf8) + suite + Array(label.utf8) + info
            return HKDF<SHA256>.expand(pseudoRandomKey: prk, info: labeled, outputByteCount: length)
                .withUnsafeBytes { Array($0) }
        }
        let dh = [UInt8](repeating: 0, count: 32)
        let eaePRK = labeledExtract(kemSuite, salt: [], label: "eae_prk", ikm: dh)
        let sharedSecret = labeledExpand(kemSuite, prk: eaePRK, label: "shared_secret", info: enc + pkR, length: 32)
        let pskIDHash = labeledExtract(hpkeSuite, salt: [], label: "psk_id_hash", ikm: [])
        let infoHash = labeledExtract(hpkeSuite, salt: [], label: "info_hash", ikm: Array(Envelope.info))
        let context = [0x00] + pskIDHash.withUnsafeBytes { Array($0) } + infoHash.withUnsafeBytes { Array($0) }
        let secret = labeledExtract(hpkeSuite, salt: sharedSecret, label: "secret", ikm: [])
        let key = labeledExpand(hpkeSuite, prk: secret, label: "key", info: context, length: 32)
        let nonce = labeledExpand(hpkeSuite, prk: secret, label: "base_nonce", info: context, length: 12)
        let box = try ChaChaPoly.seal(plaintext, using: SymmetricKey(data: key), nonce: ChaChaPoly.Nonce(data: nonce),
                                      authenticating: Data())
        return Array(box.ciphertext + box.tag)
    }
}

/// docs/wire-formats.md, opening step 6: `recipient` is absent or canonical base64 of 32 bytes;
/// `"recipient": null` is malformed, not an unbound envelope.
@Suite struct EnvelopePlaintextRecipientMember {
    let sender = try! Ed25519Signer(seed: [UInt8](repeating: 1, count: 32))
    let recipient = try! X25519PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))

    private func plaintextJSON(recipientMember: String?) -> [UInt8] {
        let unbound = EnvelopePlaintext(signing: [9], with: sender, recipient: nil)
        var members = [
            #""message":"\#(Base64Field.encode(unbound.message))""#,
            #""sender":"\#(Base64Field.encode(unbound.sender.rawRepresentation))""#,
            #""signature":"\#(Base64Field.encode(unbound.signature))""#,
        ]
        if let recipientMember { members.append(#""recipient":\#(recipientMember)"#) }
        return Array("{\(members.joined(separator: ","))}".utf8)
    }

    @Test func nullRecipientIsMalformed() throws {
        #expect(throws: EnvelopeError.self) { _ = try EnvelopePlaintext(encoded: plaintextJSON(recipientMember: "null")) }
        do {
            _ = try EnvelopePlaintext(encoded: plaintextJSON(recipientMember: "null"))
        } catch {
            guard case .malformedPlaintext = error else { Issue.record("got \(error)"); return }
        }
        // End to end: sealed and opened, still malformed rather than an unbound envelope.
        let envelope = try Envelope.seal(plaintext: plaintextJSON(recipientMember: "null"), to: recipient.publicKey)
        do {
            _ = try envelope.open(with: recipient)
            Issue.record("opened a plaintext with \"recipient\": null")
        } catch {
            guard case .malformedPlaintext = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func absentRecipientStillOpensAsUnbound() throws {
        let envelope = try Envelope.seal(plaintext: plaintextJSON(recipientMember: nil), to: recipient.publicKey)
        let opened = try envelope.open(with: recipient)
        #expect(opened.message == [9])
        #expect(!opened.isRecipientBound)
    }

    @Test func nonStringRecipientsAreMalformed() throws {
        for member in ["0", "true", "[]", "{}", #""""#, #""AAAA""#] {
            do {
                _ = try EnvelopePlaintext(encoded: plaintextJSON(recipientMember: member))
                Issue.record("accepted recipient \(member)")
            } catch {
                guard case .malformedPlaintext = error else { Issue.record("got \(error)"); return }
            }
        }
    }

    @Test func encodingOmitsAnAbsentRecipient() throws {
        let unbound = EnvelopePlaintext(signing: [9], with: sender, recipient: nil)
        #expect(!String(decoding: unbound.encoded, as: UTF8.self).contains("recipient"))
        #expect(try EnvelopePlaintext(encoded: unbound.encoded) == unbound)
        let bound = EnvelopePlaintext(signing: [9], with: sender, recipient: [UInt8](repeating: 3, count: 32))
        #expect(try EnvelopePlaintext(encoded: bound.encoded) == bound)
    }
}
