import Bytes
import BigNum
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// The storage encoding of `Presignature`: round trip, then sign; corrupted records refused.
@Suite struct PresignatureEncodingTests {
    let all = makeSigners(3, offset: 0x71)

    /// A dealt 2-of-3 key, BIP32-tweaked by `tweak` when given, as additive shares of the first two
    /// (sorted) holders.
    func shares(seed: UInt64, tweak: Scalar? = nil) throws -> [PartyID: AdditiveKeyShare] {
        var generator = ChaChaRandom(testSeed: seed)
        let holders = all.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let chosen = Array(holders.sorted().prefix(2))
        var result: [PartyID: AdditiveKeyShare] = [:]
        for party in chosen {
            var share = try ThresholdKeyShare(receiving: dealt.shares[party]!, commitment: dealt.commitment,
                                              threshold: 2, holders: holders)
            if let tweak { share = try share.tweaked(by: tweak) }
            result[party] = try share.additiveShare(signers: chosen)
        }
        return result
    }

    func signers(_ shares: [PartyID: AdditiveKeyShare]) -> [Ed25519Signer] {
        all.filter { shares[$0.partyID] != nil }
    }

    /// Every signer's presignature, already encoded (which consumes it).
    func presignAndEncode(_ shares: [PartyID: AdditiveKeyShare], seed: UInt64) throws -> [PartyID: [UInt8]] {
        let signers = signers(shares)
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try signers.map {
            try Presigning.makeSession(sessionID: Array("stored presign \(seed)".utf8), keyShare: shares[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: seed)
        guard case .finished(let slots) = runner.run() else { throw SigningFixture.FixtureError.keyInitFailed }
        return try slots.mapValues { slot in
            guard let presignature = slot.take() else { throw SigningFixture.FixtureError.keyInitFailed }
            return presignature.encoded
        }
    }

    @Test func roundTripThenSign() throws {
        let shares = try shares(seed: 1)
        let stored = try presignAndEncode(shares, seed: 1)
        let prehash = testPrehash("signed with a stored presignature")
        var sessions: [Session<RecoverableSignature>] = []
        for signer in signers(shares) {
            let bytes = try #require(stored[signer.partyID])
            // Canonical: decoding and re-encoding gives the same bytes.
            let again = try Presignature(encoded: bytes, parameters: .testing)
            let reencoded = again.encoded
            #expect(reencoded == bytes)
            let decoded = try Presignature(encoded: bytes, parameters: .testing)
            #expect(decoded.owner == signer.partyID)
            #expect(decoded.publicKey == shares[signer.partyID]!.publicKey)
            #expect(decoded.signers == shares[signer.partyID]!.signers)
            sessions.append(try Signing.makeSession(sessionID: Array("sign stored".utf8), presignature: decoded,
                                                    keyShare: shares[signer.partyID]!, prehash: prehash, signer: signer))
        }
        var runner = simulation(sessions, seed: 9)
        guard case .finished(let signatures) = runner.run() else {
            Issue.record("signing with decoded presignatures did not finish")
            return
        }
        #expect(Set(signatures.values).count == 1)
        try expectValidSignature(signatures.values.first!, prehash: prehash, publicKey: shares.values.first!.publicKey)
    }

    @Test func truncatedAndMisframedEncodingsAreRejected() throws {
        let shares = try shares(seed: 2)
        let bytes = try #require(try presignAndEncode(shares, seed: 2).values.first)
        for length in 0..<bytes.count {
            #expect(throws: PresignatureDecodingError.self) {
                _ = try Presignature(encoded: Array(bytes.prefix(length)), parameters: .testing)
            }
        }
        do throws(PresignatureDecodingError) {
            _ = try Presignature(encoded: bytes + [0], parameters: .testing)
            Issue.record("a trailing byte was accepted")
        } catch {
            #expect(error == .malformedEncoding(DecodingError(field: "presignature", reason: .trailingBytes(count: 1))))
        }
        var foreign = bytes
        foreign[0] ^= 0x20
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "presignature", reason: .wrongMagic))) {
            _ = try Presignature(encoded: foreign, parameters: .testing)
        }
        #expect(bytes[Presignature.encodingHeader.magic.count] == 3)
        var future = bytes
        future[Presignature.encodingHeader.magic.count] = 4
        #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "presignature", reason: .unsupportedVersion(4)))) {
            _ = try Presignature(encoded: future, parameters: .testing)
        }
        // Version 1 had no key epoch, version 2 no presigning session id (so no presignature id):
        // refused, not guessed.
        for version: UInt8 in [1, 2] {
            var old = bytes
            old[Presignature.encodingHeader.magic.count] = version
            #expect(throws: PresignatureDecodingError.malformedEncoding(DecodingError(field: "presignature", reason: .unsupportedVersion(version)))) {
                _ = try Presignature(encoded: old, parameters: .testing)
            }
        }
        #expect(throws: PresignatureDecodingError.parameterSetMismatch(expected: SchemeParameters.production112.name,
                                                                       found: SchemeParameters.testing.name)) {
            _ = try Presignature(encoded: bytes, parameters: .production112)
        }
    }

    /// Every single-bit flip is refused: by decoding, or (a flipped id of another signer, or a
    /// flipped key epoch, which no relation of the commitments binds) by signing, which finds
    /// another signer set or another epoch; or it makes another presignature id (a flipped
    /// presigning session id), which every other signer's σ message contradicts.
    @Test func everyBitFlipIsRefused() throws {
        let shares = try shares(seed: 3)
        let stored = try presignAndEncode(shares, seed: 3)
        let signer = signers(shares)[0]
        let bytes = try #require(stored[signer.partyID])
        let originalID = try Presignature(encoded: bytes, parameters: .testing).id
        var refusedBySigning = 0, anotherID = 0
        for index in bytes.indices {
            var flipped = bytes
            flipped[index] ^= 0x01
            let decoded: Presignature
            do {
                decoded = try Presignature(encoded: flipped, parameters: .testing)
            } catch {
                continue
            }
            let id = decoded.id
            do throws(SigningSetupError) {
                _ = try Signing.makeSession(sessionID: [1], presignature: decoded, keyShare: shares[signer.partyID]!,
                                            prehash: testPrehash("m"), signer: signer)
                #expect(id != originalID, "byte \(index) flipped: the same presignature was accepted for signing")
                anotherID += 1
            } catch {
                refusedBySigning += 1
                #expect(error == .presignatureForAnotherSignerSet || error == .presignatureForAnotherEpoch, "byte \(index)")
            }
        }
        // Only the other signer's id bytes and the epoch bytes (32 each) decode and are refused by
        // signing; only the 32 presigning-session bytes decode into another presignature id.
        #expect(refusedBySigning <= 64)
        #expect(anotherID <= 32)
    }

    /// Well-formed encodings of inconsistent material name what is wrong.
    @Test func inconsistentMaterialIsRejected() throws {
        let shares = try shares(seed: 4)
        let stored = try presignAndEncode(shares, seed: 4)
        let owner = signers(shares)[0].partyID
        let original = try Presignature(encoded: stored[owner]!, parameters: .testing).material
        let other = original.signers.first { $0 != owner }!
        func encoding(_ change: (inout Fields) -> Void) -> [UInt8] {
            var fields = Fields(original)
            change(&fields)
            let presignature = Presignature(material: fields.material)
            return presignature.encoded
        }
        func decode(_ bytes: [UInt8]) throws { _ = try Presignature(encoded: bytes, parameters: .testing) }

        #expect(throws: PresignatureDecodingError.secretsDoNotMatchCommitments) {
            try decode(encoding { $0.kTilde = $0.kTilde + .one })
        }
        #expect(throws: PresignatureDecodingError.secretsDoNotMatchCommitments) {
            try decode(encoding { $0.chiTilde = $0.chiTilde + .one })
        }
        #expect(throws: PresignatureDecodingError.inconsistentCommitments("Σ Δ̃_j ≠ G")) {
            try decode(encoding { $0.nonceShares[other] = $0.nonceShares[other]! + .generator })
        }
        #expect(throws: PresignatureDecodingError.inconsistentCommitments("Σ S̃_j ≠ the public key")) {
            try decode(encoding { $0.keyNonceShares[other] = $0.keyNonceShares[other]! + .generator })
        }
        // Another public key (a derived one): the binding is re-checked against the commitments.
        #expect(throws: PresignatureDecodingError.inconsistentCommitments("Σ S̃_j ≠ the public key")) {
            try decode(encoding { $0.publicKey = $0.publicKey + .generator })
        }
        #expect(throws: PresignatureDecodingError.ownerNotASigner) {
            try decode(encoding { $0.owner = makeSigners(1, offset: 0x99)[0].partyID })
        }
        #expect(throws: PresignatureDecodingError.signersNotInIncreasingOrder) {
            try decode(encoding { $0.signers.reverse() })
        }
        #expect(throws: PresignatureDecodingError.notEnoughSigners(1)) {
            try decode(encoding { $0.signers = [owner] })
        }
        #expect(throws: PresignatureDecodingError.identityPoint("nonce Γ")) {
            try decode(encoding { $0.nonce = .identity })
        }
        // The presigning session's bound id has 32 bytes.
        #expect(throws: PresignatureDecodingError.malformedEncoding(
            DecodingError(field: "presigning-session", reason: .invalidValue("31 bytes, expected 32")))) {
            try decode(encoding { $0.presigningSessionID.removeLast() })
        }
        // The unchanged fields still decode (the helper itself changes nothing else).
        try decode(encoding { _ in })
    }

    /// A stored presignature for a derived key still refuses the root key and another derivation.
    @Test func decodedPresignatureRefusesAnotherDerivedKey() throws {
        let derived = try shares(seed: 5, tweak: Scalar(1234))
        let stored = try presignAndEncode(derived, seed: 5)
        let root = try shares(seed: 5)
        let signer = signers(derived)[0]
        #expect(root[signer.partyID]!.publicKey != derived[signer.partyID]!.publicKey)
        #expect(throws: SigningSetupError.presignatureForAnotherKey) {
            try Signing.makeSession(sessionID: [1], presignature: try Presignature(encoded: stored[signer.partyID]!,
                                                                                   parameters: .testing),
                                    keyShare: root[signer.partyID]!, prehash: testPrehash("m"), signer: signer)
        }
        let sibling = try shares(seed: 5, tweak: Scalar(1235))
        #expect(throws: SigningSetupError.presignatureForAnotherKey) {
            try Signing.makeSession(sessionID: [1], presignature: try Presignature(encoded: stored[signer.partyID]!,
                                                                                   parameters: .testing),
                                    keyShare: sibling[signer.partyID]!, prehash: testPrehash("m"), signer: signer)
        }
        // The matching derived share is accepted.
        _ = try Signing.makeSession(sessionID: [1], presignature: try Presignature(encoded: stored[signer.partyID]!,
                                                                                   parameters: .testing),
                                    keyShare: derived[signer.partyID]!, prehash: testPrehash("m"), signer: signer)
    }
}

/// A mutable copy of a presignature's material, for building inconsistent ones.
private struct Fields {
    var owner: PartyID
    var signers: [PartyID]
    var parameterSetName: String
    var publicKey: Point
    var epoch: KeyEpoch
    var kTilde: Scalar
    var chiTilde: Scalar
    var presigningSessionID: [UInt8]
    var nonce: Point
    var nonceShares: [PartyID: Point]
    var keyNonceShares: [PartyID: Point]

    init(_ material: PresignatureMaterial) {
        owner = material.owner
        signers = material.signers
        parameterSetName = material.parameterSetName
        publicKey = material.publicKey
        epoch = material.epoch
        kTilde = material.kTilde
        chiTilde = material.chiTilde
        presigningSessionID = material.commitments.presigningSessionID
        nonce = material.commitments.nonce
        nonceShares = material.commitments.nonceShares
        keyNonceShares = material.commitments.keyNonceShares
    }

    var material: PresignatureMaterial {
        PresignatureMaterial(owner: owner, signers: signers, parameterSetName: parameterSetName, publicKey: publicKey,
                             epoch: epoch, kTilde: kTilde, chiTilde: chiTilde,
                             commitments: PresignatureCommitments(presigningSessionID: presigningSessionID, nonce: nonce,
                                                                  nonceShares: nonceShares, keyNonceShares: keyNonceShares))
    }
}
