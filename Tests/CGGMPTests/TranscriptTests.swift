import BigNum
import Foundation
import Secp256k1
import Testing
import TestSupport
@testable import CGGMP

@Suite struct TranscriptTests {
    let context = Fixtures.context

    private struct VectorFile: Decodable {
        struct Item: Decodable { let kind: String; let label: String; let value: String }
        struct Expected: Decodable { let bytes: String; let below: String; let signed256: String; let scalar: String }
        struct Case: Decodable {
            let tag: String
            let session_id: String
            let prover_id: String
            let parameters: String
            let items: [Item]
            let bound: String
            let expected: Expected
        }
        let cases: [Case]
    }

    @Test("challenges match an independent hashlib.shake_256 model (Vectors/transcript)")
    func matchesIndependentModel() throws {
        let file = try TestVectors.decode(VectorFile.self, from: TestVectors.local("transcript/transcript.json"))
        #expect(file.cases.count >= 2)
        for vector in file.cases {
            let parameters: SchemeParameters = try #require(
                [SchemeParameters.production112, .testing].first { $0.name == vector.parameters })
            var transcript = Transcript(
                proof: vector.tag,
                context: ProofContext(sessionID: hexBytes(vector.session_id), proverID: hexBytes(vector.prover_id)),
                parameters: parameters)
            for item in vector.items {
                switch item.kind {
                case "bytes": transcript.append(item.label, hexBytes(item.value))
                case "integer": transcript.append(item.label, try BigInt(decimal: item.value))
                default: transcript.append(item.label, try Scalar(rawRepresentation: hexBytes(item.value)))
                }
            }
            #expect(hexString(transcript.challengeBytes(40)) == vector.expected.bytes)
            #expect(transcript.challenge(below: try BigInt(hex: vector.bound)) == (try BigInt(hex: vector.expected.below)))
            #expect(transcript.challengeSigned(bits: 256) == (try BigInt(decimal: vector.expected.signed256)))
            #expect(transcript.challengeScalar().rawRepresentation == hexBytes(vector.expected.scalar))
        }
    }

    @Test("ambiguous concatenations give different challenges (TSSHOCK α-shuffle)")
    func ambiguousConcatenationsDiffer() {
        func challenge(_ build: (inout Transcript) -> Void) -> [UInt8] {
            var transcript = Transcript(proof: "test", context: context, parameters: .testing)
            build(&transcript)
            return transcript.challengeBytes(32)
        }
        let splits = [
            challenge { $0.append("a", [1, 2]); $0.append("b", [3]) },
            challenge { $0.append("a", [1]); $0.append("b", [2, 3]) },
            challenge { $0.append("a", [1, 2, 3]); $0.append("b", []) },
            challenge { $0.append("ab", [1, 2, 3]) },
            challenge { $0.append("a", [UInt8(ascii: "b"), 1, 2, 3]) },
        ]
        #expect(Set(splits).count == splits.count)
        // The same value absorbed as bytes, as an integer and as its negation must differ too.
        let kinds = [
            challenge { $0.append("x", [5]) },
            challenge { $0.append("x", BigInt(5)) },
            challenge { $0.append("x", BigInt(-5)) },
            challenge { $0.append("x", count: 5) },
        ]
        #expect(Set(kinds).count == kinds.count)
        // Identity and generator points are absorbed differently.
        #expect(challenge { $0.append("P", Point.identity) } != challenge { $0.append("P", Point.generator) })
    }

    @Test("tag, session, prover and parameter set each change the challenge")
    func headerIsBound() {
        func challenge(_ tag: String, _ context: ProofContext, _ parameters: SchemeParameters) -> Scalar {
            var transcript = Transcript(proof: tag, context: context, parameters: parameters)
            return transcript.challengeScalar()
        }
        let base = challenge("Πsch", context, .testing)
        #expect(base == challenge("Πsch", context, .testing))
        #expect(base != challenge("Πelog", context, .testing))
        #expect(base != challenge("Πsch", ProofContext(sessionID: [1], proverID: context.proverID), .testing))
        #expect(base != challenge("Πsch", ProofContext(sessionID: context.sessionID, proverID: [1]), .testing))
        #expect(base != challenge("Πsch", context, .production112))
        // Moving bytes between session id and prover id is not the same context.
        let shifted = ProofContext(sessionID: context.sessionID + context.proverID.prefix(1),
                                   proverID: Array(context.proverID.dropFirst()))
        #expect(base != challenge("Πsch", shifted, .testing))
    }

    @Test("successive challenges all differ: one continuing stream, not a re-hash (multi-party-sig Πmod)")
    func equalChallengesImpossible() throws {
        let n = Fixtures.testingKey.modulus
        var transcript = Transcript(proof: "Πmod", context: context, parameters: .testing)
        transcript.append("N", n)
        let units = (0..<112).map { _ in transcript.challengeUnit(modulo: n) }
        #expect(Set(units.map(\.hexString)).count == units.count)
        let scalars = (0..<64).map { _ in transcript.challengeScalar() }
        #expect(Set(scalars).count == scalars.count)
        let bits = transcript.challengeBits(256)
        #expect(bits.contains(true) && bits.contains(false))
    }

    @Test("bounded challenges stay in range and use the whole range")
    func challengeRanges() {
        var transcript = Transcript(proof: "ranges", context: context, parameters: .testing)
        let bound = BigInt(1000)
        let below = (0..<2000).map { _ in transcript.challenge(below: bound) }
        #expect(below.allSatisfy { $0.signum >= 0 && $0 < bound })
        #expect(below.contains { $0 >= BigInt(900) } && below.contains { $0 < BigInt(100) })
        let signed = (0..<2000).map { _ in transcript.challengeSigned(bits: 3) }
        #expect(signed.allSatisfy { $0 >= BigInt(-8) && $0 <= BigInt(8) })
        #expect(signed.contains(BigInt(-8)) && signed.contains(BigInt(8)))
        #expect(transcript.challenge(below: .one) == .zero)
    }
}
