import BigNum
import Foundation
import Hashing
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

@Suite struct DealerKeyGenerationTests {
    let holders = makeSigners(5).map(\.partyID)

    func receivedShares(_ dealt: DealtKey) throws -> [PartyID: ThresholdKeyShare] {
        var shares: [PartyID: ThresholdKeyShare] = [:]
        for holder in dealt.holders {
            shares[holder] = try ThresholdKeyShare(receiving: dealt.shares[holder]!, commitment: dealt.commitment,
                                                   threshold: dealt.threshold, holders: dealt.holders)
        }
        return shares
    }

    /// Every `size`-subset of `items`.
    func subsets<T>(_ items: [T], size: Int) -> [[T]] {
        guard size > 0 else { return [[]] }
        guard items.count >= size else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(rest, size: size - 1).map { [items[0]] + $0 } + subsets(rest, size: size)
    }

    @Test func everyThresholdSubsetRecombinesToTheKey() throws {
        var generator = ChaChaRandom(testSeed: 1)
        let secret = Scalar.random(using: &generator)
        let dealt = try DealerKeyGeneration.deal(secretKey: secret, threshold: 3, holders: holders, using: &generator)
        #expect(dealt.commitment.publicKey == Point.generatorMultiple(secret))
        let shares = try receivedShares(dealt)
        for signers in subsets(holders, size: 3) + subsets(holders, size: 4) {
            let additive = try signers.map { try shares[$0]!.additiveShare(signers: signers) }
            #expect(additive.reduce(Scalar.zero) { $0 + $1.secretShare } == secret)
            for share in additive {
                #expect(share.publicKey == Point.generatorMultiple(secret))
                #expect(Point.generatorMultiple(share.secretShare) == share.publicShares[share.owner])
            }
        }
        // Fewer than t signers: refused.
        #expect(throws: KeyShareError.notEnoughSigners(needed: 3, got: 2)) {
            try shares[holders[0]]!.additiveShare(signers: Array(holders.prefix(2)))
        }
    }

    @Test func tamperedShareFailsTheCommitmentCheck() throws {
        var generator = ChaChaRandom(testSeed: 2)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let honest = dealt.shares[holders[1]]!
        let tampered = DealtShare(holder: honest.holder, secretShare: honest.secretShare + .one)
        #expect(throws: KeyShareError.shareDoesNotMatchCommitments(holders[1])) {
            try ThresholdKeyShare(receiving: tampered, commitment: dealt.commitment, threshold: 2, holders: dealt.holders)
        }
        // A share sent to the wrong holder is also caught.
        let misrouted = DealtShare(holder: holders[2], secretShare: honest.secretShare)
        #expect(throws: KeyShareError.shareDoesNotMatchCommitments(holders[2])) {
            try ThresholdKeyShare(receiving: misrouted, commitment: dealt.commitment, threshold: 2, holders: dealt.holders)
        }
        // The share survives its wire encoding.
        let decoded = try DealtShare(encoded: honest.encoded)
        #expect(decoded.holder == honest.holder && decoded.secretShare == honest.secretShare)
        #expect(try FeldmanCommitment(encoded: dealt.commitment.encoded) == dealt.commitment)
    }

    @Test func dealerRejectsBadParameters() throws {
        var generator = ChaChaRandom(testSeed: 3)
        #expect(throws: KeyShareError.thresholdExceedsPartyCount(threshold: 6, parties: 5)) {
            try DealerKeyGeneration.deal(threshold: 6, holders: holders, using: &generator)
        }
        #expect(throws: KeyShareError.thresholdTooSmall(1)) {
            try DealerKeyGeneration.deal(threshold: 1, holders: holders, using: &generator)
        }
        #expect(throws: KeyShareError.thresholdTooSmall(0)) {
            try DealerKeyGeneration.deal(threshold: 0, holders: holders, using: &generator)
        }
        #expect(throws: KeyShareError.duplicateParty(holders[0])) {
            try DealerKeyGeneration.deal(threshold: 2, holders: holders + [holders[0]], using: &generator)
        }
        #expect(throws: KeyShareError.zeroSecret) {
            try DealerKeyGeneration.deal(secretKey: .zero, threshold: 2, holders: holders, using: &generator)
        }
        let dealt = try DealerKeyGeneration.deal(threshold: 3, holders: holders, using: &generator)
        let short = FeldmanCommitment(coefficients: Array(dealt.commitment.coefficients.prefix(2)))
        #expect(throws: KeyShareError.commitmentCountMismatch(expected: 3, got: 2)) {
            try ThresholdKeyShare(receiving: dealt.shares[holders[0]]!, commitment: short, threshold: 3, holders: holders)
        }
    }

    @Test func publicSharesOffThePolynomialAreRejected() throws {
        var generator = ChaChaRandom(testSeed: 4)
        let dealt = try DealerKeyGeneration.deal(threshold: 2, holders: holders, using: &generator)
        let share = try receivedShares(dealt)[holders[0]]!
        // The first t holders (by identity) fix the polynomial; move the last one off it.
        let moved = share.holders.last!
        var publicShares = share.publicShares
        publicShares[moved] = publicShares[moved]! + .generator
        #expect(throws: KeyShareError.inconsistentPublicShares(moved)) {
            try ThresholdKeyShare(owner: holders[0], threshold: 2, secretShare: share.secretShare, publicShares: publicShares)
        }
    }

    struct BIP32Case: Decodable {
        let parentSecretKey: String
        let parentPublicKey: String
        let parentChainCode: String
        let childSecretKey: String
        let childPublicKey: String
        let path: [UInt32]
    }

    /// Shares of a BIP32 parent key, tweaked by the non-hardened child tweak
    /// IL = HMAC-SHA512(chain code, parent public key ‖ index)[0..<32], recombine to the child key
    /// the independent (python) implementation derived.
    @Test func bip32TweakedSharesMatchTheDerivedKey() throws {
        struct File: Decodable { let cases: [BIP32Case] }
        let file = try TestVectors.decode(File.self, from: TestVectors.local("secp256k1/bip32.json"))
        let cases = file.cases.filter { $0.path.count == 1 && $0.path[0] < 0x8000_0000 }
        try #require(!cases.isEmpty)
        var generator = ChaChaRandom(testSeed: 5)
        for vector in cases {
            let parent = try Scalar(rawRepresentation: hexBytes(vector.parentSecretKey))
            let index = vector.path[0]
            let data = hexBytes(vector.parentPublicKey) + [UInt8(index >> 24), UInt8(index >> 16 & 0xFF),
                                                           UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)]
            let tweak = try Scalar(rawRepresentation: HMAC<SHA512>.authenticationCode(key: hexBytes(vector.parentChainCode), message: data).prefix(32))
            let childPublic = try Point(sec1Representation: hexBytes(vector.childPublicKey))

            let dealt = try DealerKeyGeneration.deal(secretKey: parent, threshold: 2, holders: holders, using: &generator)
            let tweaked = try receivedShares(dealt).mapValues { try $0.tweaked(by: tweak) }
            let signers = [holders[3], holders[1]]
            let additive = try signers.map { try tweaked[$0]!.additiveShare(signers: signers) }
            let sum = additive.reduce(Scalar.zero) { $0 + $1.secretShare }
            #expect(hexString(sum.rawRepresentation) == vector.childSecretKey)
            for share in tweaked.values {
                #expect(share.publicKey == childPublic)
                #expect(Point.generatorMultiple(share.secretShare) == share.publicShares[share.owner])
            }
        }
    }
}
