import BigNum
import Paillier
import TestSupport
import Testing
@testable import CGGMP
@testable import Secp256k1

/// Finding "secrets printed": `description`, `debugDescription` (`String(reflecting:)`) and `dump`
/// (reflection) of every secret-holding type show no secret. Each test renders a value all three
/// ways and searches the output for the secret's hex and, for scalars, the decimal of the first
/// 64-bit limb (what a default `dump` of `Scalar` printed).
func renderings<T>(_ value: T) -> String {
    var dumped = ""
    dump(value, to: &dumped)
    return dumped + "\n" + "\(value)" + "\n" + String(reflecting: value)
}

/// Expects that `text` holds none of the forms of `secret` a leak would show.
func expectNoLeak(of secret: Scalar, in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!text.contains(hexString(secret.rawRepresentation)), "hex of a secret scalar printed", sourceLocation: sourceLocation)
    #expect(!text.contains(String(secret.l0)), "first limb of a secret scalar printed", sourceLocation: sourceLocation)
    #expect(!text.contains(String(secret.l3)), "last limb of a secret scalar printed", sourceLocation: sourceLocation)
}

func expectNoLeak(of secret: BigInt, in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!text.lowercased().contains(secret.hexString.lowercased()), "hex of a secret integer printed", sourceLocation: sourceLocation)
    #expect(!text.contains(secret.decimalString), "decimal of a secret integer printed", sourceLocation: sourceLocation)
}

func expectNoLeak(of secret: [UInt8], in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!text.contains(hexString(secret)), "secret bytes printed as hex", sourceLocation: sourceLocation)
    // What `description` ("[200, 201, …]") and `dump` ("- 200" per line, indented) of an array
    // print: compare with the whitespace removed.
    let squeezed = text.filter { !$0.isWhitespace }
    let prefix = secret.prefix(8).map(String.init)
    #expect(!squeezed.contains(prefix.joined(separator: ",")), "secret bytes printed as a list", sourceLocation: sourceLocation)
    #expect(!squeezed.contains("-" + prefix.joined(separator: "-")), "secret bytes dumped element by element",
            sourceLocation: sourceLocation)
}

@Suite struct RedactionTests {
    /// A scalar whose limbs are all large and distinct, so their decimals are unmistakable.
    let secret = try! Scalar(rawRepresentation: (0..<32).map { UInt8(truncatingIfNeeded: 0x91 + $0 * 7) })

    @Test func testScalarDoesNotPrintItsValue() {
        expectNoLeak(of: secret, in: renderings(secret))
        expectNoLeak(of: secret, in: renderings([secret]))
    }

    @Test func testBigIntDoesNotPrintItsValue() throws {
        let value = BigInt(magnitudeBytes: secret.rawRepresentation)
        expectNoLeak(of: value, in: renderings(value))
    }

    @Test func testChaChaRandomDoesNotPrintItsSeed() {
        let seed = (0..<32).map { UInt8(truncatingIfNeeded: 200 + $0) }
        let generator = ChaChaRandom(seed: seed)
        expectNoLeak(of: seed, in: renderings(generator))
    }

    func additiveShares() throws -> [PartyID: AdditiveKeyShare] {
        try SigningFixture.additiveShares(signers: makeSigners(3), threshold: 2, seed: 81)
    }

    @Test func testThresholdKeyShareDoesNotPrintItsSecret() throws {
        let holders = makeSigners(3).map(\.partyID)
        var generator = ChaChaRandom(testSeed: 82)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let share = try ThresholdKeyShare(receiving: dealt.shares[holders[0]]!, commitment: dealt.commitment,
                                          threshold: 2, holders: holders)
        expectNoLeak(of: share.secretShare, in: renderings(share))
        // The dealer's output and the dealt share hold the same secret.
        expectNoLeak(of: share.secretShare, in: renderings(dealt.shares[holders[0]]!))
        expectNoLeak(of: share.secretShare, in: renderings(dealt))
    }

    @Test func testAdditiveKeyShareDoesNotPrintItsSecret() throws {
        let share = try additiveShares().values.first!
        expectNoLeak(of: share.secretShare, in: renderings(share))
    }

    @Test func testPresignatureDoesNotPrintItsSecrets() throws {
        let shares = try additiveShares()
        let signers = makeSigners(3).filter { shares[$0.partyID] != nil }
        let aux = SigningFixture.auxInfos(for: signers.map(\.partyID).sorted(), material: SigningFixture.testing)
        let sessions = try signers.map {
            try Presigning.makeSession(sessionID: Array("redaction".utf8), keyShare: shares[$0.partyID]!,
                                       auxInfo: aux[$0.partyID]!, signer: $0, parameters: .testing)
        }
        var runner = simulation(sessions, seed: 83)
        guard case .finished(let slots) = runner.run() else { Issue.record("presigning failed"); return }
        let slot = slots[signers[0].partyID]!
        let text = renderings(slot)
        let presignature = slot.take()!
        let material = presignature.material
        expectNoLeak(of: material.kTilde, in: text)
        expectNoLeak(of: material.chiTilde, in: text)
        let materialText = renderings(material)
        expectNoLeak(of: material.kTilde, in: materialText)
        expectNoLeak(of: material.chiTilde, in: materialText)
        _ = presignature.encoded
    }

    @Test func testPaillierSecretKeyDoesNotPrintItsPrimes() {
        let key = SigningFixture.testing.secrets[0]
        expectNoLeak(of: key.p, in: renderings(key))
        expectNoLeak(of: key.q, in: renderings(key))
    }

    @Test func testSigningAuxInfoDoesNotPrintItsSecrets() {
        let aux = SigningFixture.auxInfos(for: makeSigners(2).map(\.partyID).sorted(), material: SigningFixture.testing)
        let info = aux.values.first!
        expectNoLeak(of: info.paillierSecret.p, in: renderings(info))
    }

    @Test func testAuxInfoAndRingPedersenSecretDoNotPrintTheirSecrets() throws {
        var runner = auxGenRunner(signers: makeSigners(2), seed: 84)
        guard case .finished(let outputs) = runner.run() else { Issue.record("AuxGen failed"); return }
        let info = outputs.values.first!
        let text = renderings(info)
        expectNoLeak(of: info.paillierSecretKey.p, in: text)
        expectNoLeak(of: info.ringPedersenSecret.lambda, in: text)
        expectNoLeak(of: info.ringPedersenPrimes.p, in: text)
        expectNoLeak(of: info.ringPedersenSecret.lambda, in: renderings(info.ringPedersenSecret))
        let primes = committedAuxPrimes(index: 0, bits: SchemeParameters.testing.paillierPrimeBits)
        expectNoLeak(of: primes.paillierP, in: renderings(primes))
    }

    @Test func testRoundSecretsDoNotPrint() {
        let nonceSeed = (0..<32).map { UInt8(truncatingIfNeeded: 150 + $0) }
        let secrets = KeyInitSecrets(
            x: secret, nonceSeed: nonceSeed,
            decommitment: KeyInitDecommitment(rho: [1], publicShare: Point.generatorMultiple(secret),
                                              schnorrCommitment: .generator, blinding: [2]))
        expectNoLeak(of: secret, in: renderings(secrets))
        expectNoLeak(of: nonceSeed, in: renderings(secrets))
        let beta = BigInt(magnitudeBytes: secret.rawRepresentation.reversed())
        let mta = MtASecrets(beta: beta, betaHat: beta, r: beta, rHat: beta, s: beta, sHat: beta)
        expectNoLeak(of: beta, in: renderings(mta))
    }

    @Test func testIdentitySignerDoesNotPrintItsKey() throws {
        let seed = (0..<32).map { UInt8(truncatingIfNeeded: 100 + $0) }
        let signer = try Ed25519Signer(seed: seed)
        expectNoLeak(of: seed, in: renderings(signer))
    }

    @Test func testSessionJournalAndJournaledSessionDoNotPrintTheSeed() throws {
        let seed = (0..<32).map { UInt8(truncatingIfNeeded: 170 + $0) }
        let signers = makeSigners(2)
        let session = try KeyInit.makeSession(sessionID: keyInitSessionID, committee: signers.map(\.partyID),
                                              signer: signers[0], parameters: .testing)
        var journaled = try JournaledSession(session: session, seed: seed)
        _ = try journaled.makeMessages()
        expectNoLeak(of: seed, in: renderings(journaled))
        expectNoLeak(of: seed, in: renderings(journaled.journal))
    }
}
