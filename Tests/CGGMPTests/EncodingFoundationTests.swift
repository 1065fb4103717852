import BigNum
import Bytes
import Hashing
import Paillier
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// CGGMP on the `Bytes` foundation: every versioned type uses its header from Identifiers.swift,
/// round-trips `init(encoded:) ∘ encoded`, and every decoder family reports a malformed input as a
/// typed `DecodingError` that names the field.
@Suite struct EncodingFoundationTests {
    let signers = makeSigners(3, offset: 0x51)
    var parties: [PartyID] { signers.map(\.partyID).sorted() }

    // MARK: Fixtures (cheap: no protocol runs)

    func keyShare() throws -> ThresholdKeyShare {
        var generator = ChaChaRandom(testSeed: 0xe1)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: parties, using: &generator)
        var publicShares: [PartyID: Point] = [:]
        for (party, share) in dealt.shares { publicShares[party] = .generatorMultiple(share.secretShare) }
        return try ThresholdKeyShare(owner: parties[0], threshold: 2, secretShare: dealt.shares[parties[0]]!.secretShare,
                                     publicShares: publicShares)
    }

    func auxInfo() throws -> AuxInfo {
        let bits = SchemeParameters.testing.paillierPrimeBits
        let blum = CommittedPrimes.hex(kind: "blum", bits: bits).map { try! BigInt(hex: $0) }
        let safe = CommittedPrimes.hex(kind: "safe", bits: bits).map { try! BigInt(hex: $0) }
        var rng = ChaChaRandom(testSeed: 0xe2)
        var publicInfo: [PartyID: PublicAuxInfo] = [:]
        var owner: (PaillierSecretKey, RingPedersenSecret, (p: BigInt, q: BigInt))?
        for (k, party) in parties.prefix(2).enumerated() {
            let paillier = try PaillierSecretKey(p: blum[2 * k], q: blum[2 * k + 1])
            let ringPedersen = try RingPedersenSecret(p: safe[2 * k], q: safe[2 * k + 1], using: &rng)
            publicInfo[party] = PublicAuxInfo(paillierKey: paillier.publicKey, ringPedersen: ringPedersen.parameters)
            if k == 0 { owner = (paillier, ringPedersen, (safe[0], safe[1])) }
        }
        return try AuxInfo(owner: parties[0], parameters: .testing, paillierSecretKey: owner!.0,
                           ringPedersenSecret: owner!.1, ringPedersenPrimes: owner!.2, publicInfo: publicInfo)
    }

    /// A presignature that satisfies every relation `Presignature(encoded:)` re-checks.
    func presignatureMaterial() -> PresignatureMaterial {
        var rng = ChaChaRandom(testSeed: 0xe3)
        let signers = Array(parties.prefix(2))
        let owner = signers[0], other = signers[1]
        let nonce = Point.generatorMultiple(.random(using: &rng))
        let kTilde = Scalar.random(using: &rng), chiTilde = Scalar.random(using: &rng)
        let ownerDelta = kTilde * nonce, ownerS = chiTilde * nonce
        let otherS = Point.generatorMultiple(.random(using: &rng))
        let commitments = PresignatureCommitments(
            presigningSessionID: [UInt8](repeating: 0x5e, count: 32), nonce: nonce, nonceShares: [owner: ownerDelta, other: .generator + -ownerDelta],
            keyNonceShares: [owner: ownerS, other: otherS])
        return PresignatureMaterial(owner: owner, signers: signers, parameterSetName: SchemeParameters.testing.name,
                                    publicKey: ownerS + otherS, epoch: try! KeyEpoch(rawRepresentation: [UInt8](repeating: 7, count: 32)),
                                    kTilde: kTilde, chiTilde: chiTilde, commitments: commitments)
    }

    func signedMessage() -> SignedMessage {
        SignedMessage(sessionID: [1, 2, 3], protocolTag: KeyInit.protocolTag, round: 1, kind: .direct,
                      recipient: signers[1].partyID, payload: [4, 5, 6], signer: signers[0])
    }

    func fault() -> ProtocolFault {
        let reason = FaultReason.violation(RoundViolation(rule: "rule", detail: "detail"))
        return ProtocolFault(culprit: signers[0].partyID, round: 1, reason: reason,
                             evidence: Evidence(culprit: signers[0].partyID, round: 1, reason: reason, messages: [signedMessage()]))
    }

    func faultCheckContext() throws -> FaultCheckContext {
        FaultCheckContext(publicData: try KeyInit.publicData(sessionID: [9], committee: parties),
                          parameters: .testing, inputs: .keyInit)
    }

    // MARK: Headers and round trips

    /// The header of `type`, and `bytes` start with its magic and version.
    func expectHeader<T: VersionedEncoding & ~Copyable>(_ type: T.Type, _ expected: EncodingHeader, _ bytes: [UInt8]) {
        #expect(T.encodingHeader == expected)
        #expect(T.encodingVersion == expected.version)
        #expect(Array(bytes.prefix(expected.magic.count + 1)) == expected.magic + [expected.version])
    }

    @Test func everyVersionedTypeUsesItsIdentifierHeaderAndRoundTrips() throws {
        let share = try keyShare()
        expectHeader(ThresholdKeyShare.self, .keyShare, share.encoded)
        #expect(try ThresholdKeyShare(encoded: share.encoded).encoded == share.encoded)

        let publicKey = share.publicPart
        expectHeader(ThresholdPublicKey.self, .thresholdPublicKey, publicKey.encoded)
        #expect(try ThresholdPublicKey(encoded: publicKey.encoded) == publicKey)

        let aux = try auxInfo()
        expectHeader(AuxInfo.self, .auxInfo, aux.encoded)
        let decodedAux = try AuxInfo(encoded: aux.encoded, parameters: .testing)
        #expect(decodedAux.encoded == aux.encoded && decodedAux.publicInfo == aux.publicInfo)

        let presignature = Presignature(material: presignatureMaterial())
        let presignatureBytes = presignature.encoded
        expectHeader(Presignature.self, .presignature, presignatureBytes)
        let decodedPresignature = try Presignature(encoded: presignatureBytes, parameters: .testing)
        #expect(decodedPresignature.encoded == presignatureBytes)

        let message = signedMessage()
        expectHeader(SignedMessage.self, .signedMessage, message.encoded)
        #expect(try SignedMessage(encoded: message.encoded) == message)

        let fault = fault()
        expectHeader(ProtocolFault.self, .protocolFault, fault.encoded)
        #expect(try ProtocolFault(encoded: fault.encoded).encoded == fault.encoded)

        let context = try faultCheckContext()
        expectHeader(FaultCheckContext.self, .faultCheckContext, context.encoded)
        #expect(try FaultCheckContext(encoded: context.encoded).encoded == context.encoded)

        let journal = SessionJournal(protocolTag: KeyInit.protocolTag, sessionID: [1], seed: [UInt8](repeating: 3, count: 32),
                                     events: [.madeMessages(round: 1, digest: [UInt8](repeating: 4, count: 32)),
                                              .accepted(message), .advanced(round: 1)])
        expectHeader(SessionJournal.self, .sessionJournal, journal.encoded)
        #expect(try SessionJournal(encoded: journal.encoded) == journal)

        let proof = SchnorrProof(commitment: .generator, response: .one)
        #expect(Array(proof.encoded.prefix(1)) == [EncodingHeader.protocolPayload.version])
        #expect(try SchnorrProof(encoded: proof.encoded) == proof)
    }

    // MARK: Typed errors, one decoder family at a time

    @Test func truncatedOrForeignPresignaturesNameTheField() {
        let material = presignatureMaterial()
        let presignature = Presignature(material: material)
        let bytes = presignature.encoded
        // Cut inside the owner field (after the header and the parameter-set name): in its length
        // prefix, then in its bytes.
        let ownerStart = 7 + 4 + SchemeParameters.testing.name.utf8.count
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "owner", reason: .truncated))) {
            _ = try Presignature(encoded: Array(bytes.prefix(ownerStart + 2)), parameters: .testing)
        }
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "owner", reason: .lengthExceedsInput(32)))) {
            _ = try Presignature(encoded: Array(bytes.prefix(ownerStart + 10)), parameters: .testing)
        }
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "presignature", reason: .truncated))) {
            _ = try Presignature(encoded: Array(bytes.prefix(3)), parameters: .testing)
        }
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "presignature", reason: .wrongMagic))) {
            _ = try Presignature(encoded: Array("TSSKEY".utf8) + bytes.dropFirst(6), parameters: .testing)
        }
        // The last field is the final key-nonce share: dropping a byte leaves its length prefix
        // longer than the input.
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "key-nonce-share", reason: .lengthExceedsInput(33)))) {
            _ = try Presignature(encoded: Array(bytes.dropLast()), parameters: .testing)
        }
    }

    @Test func keySharesAndPublicKeysNameTheField() throws {
        let share = try keyShare()
        let bytes = share.encoded
        #expect(throws: KeyShareError.malformedEncoding(DecodingError(field: "key share", reason: .wrongMagic))) {
            try ThresholdKeyShare(encoded: share.publicPart.encoded)
        }
        #expect(throws: KeyShareError.malformedEncoding(DecodingError(field: "key share", reason: .unsupportedVersion(9)))) {
            try ThresholdKeyShare(encoded: Array(bytes.prefix(6)) + [9] + bytes.dropFirst(7))
        }
        #expect(throws: KeyShareError.malformedEncoding(DecodingError(field: "share", reason: .truncated))) {
            try ThresholdKeyShare(encoded: Array(bytes.prefix(7 + 4 + 32 + 10)))
        }
        #expect(throws: KeyShareError.malformedEncoding(DecodingError(field: "threshold public key", reason: .trailingBytes(count: 2)))) {
            try ThresholdPublicKey(encoded: share.publicPart.encoded + [0, 0])
        }
        // A holder id of the wrong length.
        var writer = ByteWriter(header: .thresholdPublicKey)
        writer.appendCount(2)
        writer.appendCount(1)
        writer.write("holder", bytes: [1, 2, 3])
        #expect(throws: KeyShareError.malformedEncoding(DecodingError(field: "holder", reason: .invalidValue("a party id has 32 bytes, got 3")))) {
            try ThresholdPublicKey(encoded: writer.bytes + [UInt8](repeating: 0, count: 64))
        }
    }

    @Test func auxInfoNamesTheField() throws {
        let bytes = try auxInfo().encoded
        #expect(throws: AuxInfoError.malformedEncoding(DecodingError(field: "aux info", reason: .wrongMagic))) {
            try AuxInfo(encoded: Array("TSSJNL".utf8) + bytes.dropFirst(6), parameters: .testing)
        }
        #expect(throws: AuxInfoError.malformedEncoding(DecodingError(field: "owner", reason: .lengthExceedsInput(32)))) {
            try AuxInfo(encoded: Array(bytes.prefix(7 + 4 + SchemeParameters.testing.name.utf8.count + 6)), parameters: .testing)
        }
        #expect(throws: AuxInfoError.parameterSetMismatch(expected: SchemeParameters.production112.name,
                                                          found: SchemeParameters.testing.name)) {
            try AuxInfo(encoded: bytes, parameters: .production112)
        }
    }

    @Test func messagesFaultsAndJournalsNameTheFieldAndTheNestedPath() throws {
        let message = signedMessage().encoded
        #expect(throws: MessageDecodingError.malformed(DecodingError(field: "signed message", reason: .truncated))) {
            try SignedMessage(encoded: [])
        }
        #expect(throws: MessageDecodingError.malformed(DecodingError(field: "signature", reason: .lengthExceedsInput(64)))) {
            try SignedMessage(encoded: Array(message.dropLast()))
        }

        // A fault whose evidence message is cut: the error names the message and its field.
        var writer = ByteWriter(header: .protocolFault)
        writer.write("culprit", bytes: signers[0].partyID.rawRepresentation)
        writer.appendCount(1)
        writer.appendCount(0)
        writer.appendCount(1)
        writer.write("message", bytes: Array(message.dropLast()))
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "message 0/signature", reason: .lengthExceedsInput(64)))) {
            try ProtocolFault(encoded: writer.bytes)
        }
        #expect(throws: FaultDecodingError.malformed(DecodingError(field: "protocol fault", reason: .wrongMagic))) {
            try ProtocolFault(encoded: try faultCheckContext().encoded)
        }

        let journal = SessionJournal(protocolTag: KeyInit.protocolTag, sessionID: [1], seed: [UInt8](repeating: 3, count: 32),
                                     events: [.accepted(signedMessage())])
        var damaged = journal.encoded
        let kindOffset = damaged.count - message.count + 1 + 4 + 3 + 4 + KeyInit.protocolTag.utf8.count + 2
        damaged[kindOffset] = 9
        #expect(throws: SessionJournalDecodingError.malformed(
            DecodingError(field: "event 0 message/kind", reason: .invalidValue("unknown message kind 9")))) {
            try SessionJournal(encoded: damaged)
        }
    }

    @Test func proofsAndPayloadsThrowTheDecodingErrorAndProofErrorWrapsIt() {
        let proof = SchnorrProof(commitment: .generator, response: .one)
        var bytes = proof.encoded
        bytes[1 + 4] = 0x05  // the commitment's SEC1 prefix byte: not a compressed point
        #expect(throws: DecodingError.self) { _ = try SchnorrProof(encoded: bytes) }
        do throws(DecodingError) {
            _ = try SchnorrProof(encoded: bytes)
            Issue.record("a non-compressed point was accepted")
        } catch {
            #expect(error.field == "A")
            #expect(ProofError.malformedEncoding(error).description.contains("A:"))
        }
        #expect(throws: DecodingError(field: "rho", reason: .invalidValue("must be 32 bytes"))) {
            var writer = ByteWriter(header: .protocolPayload)
            writer.write("rho", bytes: [1])
            writer.write("X", Point.generator)
            writer.write("A", Point.generator)
            writer.write("u", bytes: [UInt8](repeating: 0, count: 32))
            _ = try KeyInitDecommitment(encoded: writer.bytes)
        }
    }

    // MARK: Hashing rules

    /// SHA-512(u64be(35) ‖ "swift-tss/CGGMP/evaluation-point/v1" ‖ u64be(32) ‖ 00 01 … 1f) mod q,
    /// computed with Python's hashlib (the rule check_signatures.py uses), not with this library.
    @Test func evaluationPointIsTheDomainSeparatedSHA512() throws {
        let party = try PartyID(rawRepresentation: Array(0..<32))
        #expect(hexString(party.evaluationPoint.rawRepresentation) == "ba045a65b2e7614a9eb384103b2ddc679f0dea6070909cf4517da096e972187c")
    }

    @Test func cggmpUsesTheIdentifierConstants() {
        #expect(Transcript.domain == DomainSeparation.fiatShamirTranscript)
        #expect(SignedMessage.signatureDomain == Array(DomainSeparation.signedMessage.utf8))
        #expect(ModulusProof.tag == ProofTag.modulus && SchnorrProof.tag == ProofTag.schnorr)
        #expect(AffGProof.transcriptTag == ProofTag.affG && DecProof.transcriptTag == ProofTag.dec)
        #expect(KeyInit.protocolTag == ProtocolTag.keyInit && Presigning.protocolTag == ProtocolTag.presign)
        #expect(ModulusProofDigest.domain == DomainSeparation.modulusProofDigest)
    }
}
