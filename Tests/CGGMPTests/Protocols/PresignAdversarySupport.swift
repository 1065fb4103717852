import BigNum
import Foundation
import Paillier
import Secp256k1
import TestSupport
import Testing
@_spi(Benchmarks) @testable import CGGMP

/// Three signers of a dealt 3-of-4 key with aux info from committed primes (cheap to build), and
/// helpers to run interactive signing or presigning with one corrupt party acting through the
/// runner's tamper closure (it re-signs what it changes with its own key).
struct PresignHarness: Sendable {
    typealias SignTamper = SimulationRunner<RecoverableSignature, ChaChaRandom>.Tamper
    typealias PresignTamper = SimulationRunner<PresignatureSlot, ChaChaRandom>.Tamper

    /// The three signers, sorted by party id.
    let signers: [Ed25519Signer]
    let shares: [PartyID: AdditiveKeyShare]
    let aux: [PartyID: SigningAuxInfo]
    let sessionID = Array("presign adversary".utf8)
    let prehash = testPrehash("adversary")

    static let shared: PresignHarness = {
        let all = makeSigners(4, offset: 40)
        let shares = try! SigningFixture.additiveShares(signers: all, threshold: 3, seed: 77)
        let signers = all.filter { shares[$0.partyID] != nil }.sorted { $0.partyID < $1.partyID }
        return PresignHarness(signers: signers, shares: shares,
                              aux: SigningFixture.auxInfos(for: signers.map(\.partyID), material: SigningFixture.testing))
    }()

    var committee: [PartyID] { signers.map(\.partyID) }
    /// The corrupt party: the last in committee order, so a tamper closure sees every honest message
    /// of a round before the culprit's (it rushes).
    var culprit: Ed25519Signer { signers[2] }
    var honest: [PartyID] { committee.filter { $0 != culprit.partyID } }
    var inputs: PresigningPublicInputs {
        PresigningPublicInputs(publicShares: shares.values.first!.publicShares, publicAux: aux.values.first!.publicAux)
    }

    func signPublicData(_ sessionID: [UInt8]? = nil) -> SessionPublicData {
        try! InteractiveSigning.publicData(sessionID: sessionID ?? self.sessionID, committee: committee)
    }
    func presignPublicData(_ sessionID: [UInt8]? = nil) -> SessionPublicData {
        try! Presigning.publicData(sessionID: sessionID ?? self.sessionID, committee: committee)
    }
    var signRechecker: any EvidenceRechecker {
        InteractiveSigning.evidenceRechecker(inputs: inputs, prehash: prehash, parameters: .testing)
    }
    var presignRechecker: any EvidenceRechecker { Presigning.evidenceRechecker(inputs: inputs, parameters: .testing) }
    var checkData: PresignCheckData { PresignCheckData(inputs: inputs, parameters: .testing, publicData: signPublicData()) }

    func interactive(seed: UInt64, sessionID: [UInt8]? = nil,
                     tamper: SignTamper? = nil) -> SimulationRunner<RecoverableSignature, ChaChaRandom> {
        simulation(interactiveSessions(sessionID: sessionID), seed: seed, tamper: tamper)
    }

    func interactiveSessions(sessionID: [UInt8]? = nil) -> [Session<RecoverableSignature>] {
        signers.map {
            try! InteractiveSigning.makeSession(
                sessionID: sessionID ?? self.sessionID, keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                prehash: prehash, signer: $0, parameters: .testing)
        }
    }

    func presigning(seed: UInt64, tamper: PresignTamper? = nil) -> SimulationRunner<PresignatureSlot, ChaChaRandom> {
        let sessions = signers.map {
            try! PresignContext.session(
                sessionID: sessionID, protocolTag: Presigning.protocolTag, keyShare: shares[$0.partyID]!,
                auxInfo: aux[$0.partyID]!, signer: $0, verifier: Ed25519Verifier(), parameters: .testing
            ) { material in .finished(PresignatureSlot(material)) }
        }
        return simulation(sessions, seed: seed, tamper: tamper)
    }
}

/// Tamper closures of the corrupt party (generic over the protocol's output).
enum PresignAdversary {
    typealias Tamper = @Sendable (SignedMessage, PartyID) -> SignedMessage

    /// Replaces the culprit's `kind` payload of `round` by `change(payload)` for `recipients` (nil:
    /// everyone). An echo-broadcast changed for everyone is a consistent lie: the culprit's echo of
    /// that round carries the changed message too, and the culprit's own session is shown echoes
    /// holding its original message (re-signed by their senders: only the corrupt party's session
    /// sees them, so that it carries on as a cheater's would). `change` must be deterministic.
    static func replace(round: Int, kind: MessageKind, culprit: Ed25519Signer, recipients: Set<PartyID>? = nil,
                        everyone: [Ed25519Signer] = PresignHarness.shared.signers,
                        _ change: @escaping @Sendable ([UInt8]) -> [UInt8]) -> Tamper {
        let original = Box<[UInt8]?>(nil)
        return { message, recipient in
            guard message.round == round else { return message }
            if message.sender == culprit.partyID, message.kind == kind {
                if kind == .echoBroadcast { original.with { $0 = message.payload } }
                guard recipients?.contains(recipient) ?? true else { return message }
                return message.replacingPayload(change(message.payload), signer: culprit)
            }
            guard message.kind == .echo, kind == .echoBroadcast, recipients == nil,
                  let entries = try? EchoRound.entries(of: message) else { return message }
            if message.sender == culprit.partyID {
                let patched = entries.map {
                    $0.sender == culprit.partyID ? $0.replacingPayload(change($0.payload), signer: culprit) : $0
                }
                return message.replacingPayload(EchoRound.payload(patched), signer: culprit)
            }
            guard recipient == culprit.partyID, let payload = original.with({ $0 }),
                  let sender = everyone.first(where: { $0.partyID == message.sender }) else { return message }
            let restored = entries.map {
                $0.sender == culprit.partyID ? $0.replacingPayload(payload, signer: culprit) : $0
            }
            return message.replacingPayload(EchoRound.payload(restored), signer: sender)
        }
    }

    /// Drops (replaces by a message the recipient ignores) the culprit's `kind` message of `round`
    /// to `recipient`: a replay of the same message under another session id.
    static func drop(round: Int, kind: MessageKind, culprit: Ed25519Signer, to target: PartyID) -> Tamper {
        { message, recipient in
            guard message.sender == culprit.partyID, message.round == round, message.kind == kind,
                  recipient == target else { return message }
            return SignedMessage(sessionID: Array("elsewhere".utf8), protocolTag: message.protocolTag, round: message.round,
                                 kind: message.kind, recipient: message.recipient, payload: message.payload, signer: culprit)
        }
    }

    /// Shows the culprit's own session `source`'s echo-broadcast of `round` changed by `change`
    /// (re-signed by `source`; every echo the culprit receives carries the changed entry too, and
    /// the culprit's own echo the real one), while every honest party sees the real message. A
    /// cheater runs otherwise honest code on whatever it chooses to believe: this makes the
    /// culprit's session see a consistency check fail that its lie makes fail for everyone else.
    /// The changed entry is signed with `source`'s key, which no real adversary holds: it only stands
    /// in for the corrupt party's choice to go on as if the check failed, so the culprit's own
    /// session's verdicts (it may name `source`) are no honest party's.
    static func misleadCulprit(round: Int, about source: Ed25519Signer, culprit: Ed25519Signer,
                               everyone: [Ed25519Signer] = PresignHarness.shared.signers,
                               _ change: @escaping @Sendable ([UInt8]) -> [UInt8]) -> Tamper {
        let real = Box<SignedMessage?>(nil)
        return { message, recipient in
            guard message.round == round else { return message }
            if message.sender == source.partyID, message.kind == .echoBroadcast {
                real.with { $0 = message }
                guard recipient == culprit.partyID else { return message }
                return message.replacingPayload(change(message.payload), signer: source)
            }
            guard message.kind == .echo, let entries = try? EchoRound.entries(of: message) else { return message }
            if message.sender == culprit.partyID {
                guard let original = real.with({ $0 }) else { return message }
                return message.replacingPayload(EchoRound.payload(entries.map { $0.sender == source.partyID ? original : $0 }),
                                                signer: culprit)
            }
            guard recipient == culprit.partyID, let echoer = everyone.first(where: { $0.partyID == message.sender }) else {
                return message
            }
            let shown = entries.map {
                $0.sender == source.partyID ? $0.replacingPayload(change($0.payload), signer: source) : $0
            }
            return message.replacingPayload(EchoRound.payload(shown), signer: echoer)
        }
    }

    /// Makes the culprit's session enter the δ (round 5) or χ (round 6) failure round with its real
    /// values: it is shown another party's δ_j + 1 (or S_j + G) in round 3.
    static func culpritEntersFailureRound(_ kind: PresignFailureView.Kind, culprit: Ed25519Signer,
                                          everyone: [Ed25519Signer] = PresignHarness.shared.signers) -> Tamper {
        let source = everyone.first { $0.partyID != culprit.partyID }!
        return misleadCulprit(round: 3, about: source, culprit: culprit, everyone: everyone,
                              kind == .delta ? deltaPlusOne : sPlusGenerator)
    }

    /// A round-3 echo-broadcast with δ + 1.
    static let deltaPlusOne: @Sendable ([UInt8]) -> [UInt8] = { payload in
        let m = try! PresignRound3Echo(encoded: payload)
        return PresignRound3Echo(delta: m.delta + .one, bigDelta: m.bigDelta, s: m.s).encoded
    }

    /// A round-3 echo-broadcast with S + G.
    static let sPlusGenerator: @Sendable ([UInt8]) -> [UInt8] = { payload in
        let m = try! PresignRound3Echo(encoded: payload)
        return PresignRound3Echo(delta: m.delta, bigDelta: m.bigDelta, s: m.s + .generator).encoded
    }

    /// The culprit announces δ_i + 1 to everyone and enters the δ failure round with its real δ_i,
    /// where its Πdec cannot match the announced value.
    static func wrongDelta(culprit: Ed25519Signer, everyone: [Ed25519Signer] = PresignHarness.shared.signers) -> Tamper {
        chain([replace(round: 3, kind: .echoBroadcast, culprit: culprit, everyone: everyone, deltaPlusOne),
               culpritEntersFailureRound(.delta, culprit: culprit, everyone: everyone)])
    }

    /// The culprit announces S_i + G to everyone and enters the χ failure round with its real S_i.
    static func wrongS(culprit: Ed25519Signer, everyone: [Ed25519Signer] = PresignHarness.shared.signers) -> Tamper {
        chain([replace(round: 3, kind: .echoBroadcast, culprit: culprit, everyone: everyone, sPlusGenerator),
               culpritEntersFailureRound(.chi, culprit: culprit, everyone: everyone)])
    }

    static func chain(_ tampers: [Tamper]) -> Tamper {
        { message, recipient in tampers.reduce(message) { $1($0, recipient) } }
    }
}

/// A forged Πdec: the honest prover's algorithm run with any witness (no range precondition), as
/// a cheater would run it for y + N.
func forgedDecProof(_ statement: DecProof.Statement, x: BigInt, y: BigInt, rho: BigInt, context: ProofContext,
                    parameters: SchemeParameters, seed: UInt64) -> DecProof {
    var rng = ChaChaRandom(testSeed: seed)
    let n0 = PaillierGroup(modulus: statement.key.modulus)
    let count = Challenge.binaryRepetitions(parameters)
    let wBits = DecProof.responseBits(partyCount: statement.partyCount, parameters: parameters)
    var masks: [(alpha: BigInt, beta: BigInt, r: BigInt)] = []
    var commitments: [(a: BigInt, b: Point, c: Point)] = []
    for _ in 0..<count {
        let alpha = BigInt.random(signedBits: parameters.ell + parameters.epsilon, using: &rng)
        let beta = BigInt.random(signedBits: wBits, using: &rng)
        let r = n0.randomRandomizer(using: &rng)
        masks.append((alpha, beta, r))
        commitments.append((a: n0.add(n0.scaleSecret(statement.k.value, by: -alpha), n0.encrypt(beta, randomizer: r)),
                            b: statement.gamma * CurveBridge.scalar(beta), c: Point.generator * CurveBridge.scalar(alpha)))
    }
    var transcript = Transcript(proof: DecProof.transcriptTag, statement: statement, context: context, parameters: parameters)
    transcript.append("repetitions", count: count)
    for (a, b, c) in commitments {
        transcript.append("A", a)
        transcript.append("B", b)
        transcript.append("C", c)
    }
    let bits = transcript.challengeBits(count)
    var repetitions: [DecProof.Repetition] = []
    for j in 0..<count {
        let e = bits[j] ? BigInt.one : BigInt.zero
        repetitions.append(DecProof.Repetition(
            ciphertextA: commitments[j].a, pointB: commitments[j].b, pointC: commitments[j].c,
            z: masks[j].alpha + e * x, w: masks[j].beta + e * y,
            nu: n0.maskRandomizer(masks[j].r, secret: rho, exponent: e)))
    }
    return DecProof(repetitions: repetitions)
}

/// What every adversary test asserts about a run with one corrupt party.
struct PresignRunProperties {
    let harness: PresignHarness
    let publicData: SessionPublicData
    let rechecker: any EvidenceRechecker

    /// - all honest parties end alike (all finish with one output, or none finishes);
    /// - no honest party is ever named, and every fault names the culprit with `.proven` evidence,
    ///   not proven under another session id nor with an honest party as culprit;
    /// - a stalled run: honest parties wait only for the culprit or for honest parties that wait.
    /// - Returns: the faults, for further checks.
    @discardableResult
    func check<Output>(_ outcome: SimulationRunner<Output, ChaChaRandom>.Outcome,
                       _ runner: SimulationRunner<Output, ChaChaRandom>, expectFault: Bool? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [PartyID: ProtocolFault] {
        let culprit = harness.culprit.partyID
        let honest = harness.honest
        let finished = honest.filter { runner.machines[$0]!.isFinished }
        switch outcome {
        case .finished:
            #expect(expectFault != true, "expected a fault, the run finished", sourceLocation: sourceLocation)
            return [:]
        case .failed(let failures) where outcome.faults == nil:
            Issue.record("aborted: \(failures)", sourceLocation: sourceLocation)
            return [:]
        case .stalled(let waiting):
            #expect(expectFault != true, "expected a fault, the run stalled: \(waiting)", sourceLocation: sourceLocation)
            #expect(finished.isEmpty, "\(finished) finished while others stalled", sourceLocation: sourceLocation)
            let stuck = Set(waiting.keys)
            for party in honest {
                let waits = waiting[party] ?? []
                #expect(waits.allSatisfy { $0 == culprit || stuck.contains($0) },
                        "\(party) waits for \(waits)", sourceLocation: sourceLocation)
            }
            #expect(honest.contains { waiting[$0] == [culprit] }, "no honest party waits for the culprit alone",
                    sourceLocation: sourceLocation)
            return [:]
        case .failed:
            let all = outcome.faults ?? [:]
            // The corrupt party's own session may complain too (it sees its lies); that is no
            // honest party's verdict.
            let faults = all.filter { $0.key != culprit }
            #expect(!faults.isEmpty, "only the culprit's session complained: \(all)", sourceLocation: sourceLocation)
            #expect(expectFault != false, "unexpected faults \(faults)", sourceLocation: sourceLocation)
            #expect(finished.isEmpty, "\(finished) finished while others faulted", sourceLocation: sourceLocation)
            let other = try! SessionPublicData(sessionID: Array("another session".utf8),
                                               protocolTag: publicData.protocolTag, committee: publicData.committee)
            for (accuser, fault) in faults {
                #expect(honest.contains(accuser), sourceLocation: sourceLocation)
                #expect(fault.culprit == culprit, "\(accuser) named \(fault.culprit): \(fault)", sourceLocation: sourceLocation)
                let evidence = fault.evidence
                #expect(evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven,
                        "\(fault): \(evidence.verdict(publicData: publicData, rechecker: rechecker))",
                        sourceLocation: sourceLocation)
                #expect(evidence.verdict(publicData: other, rechecker: rechecker) != .proven, sourceLocation: sourceLocation)
                for party in honest {
                    let moved = Evidence(culprit: party, round: evidence.round, reason: evidence.reason,
                                         messages: evidence.messages)
                    #expect(moved.verdict(publicData: publicData, rechecker: rechecker) != .proven,
                            "evidence against honest \(party) verifies", sourceLocation: sourceLocation)
                }
            }
            return faults
        }
    }
}

/// Evidence a corrupt accuser can assemble against an honest party of `round`: the victim's real
/// messages of the round and everything it signed before, plus the accuser's own earlier messages
/// re-signed with new values (and other parties' messages). None may prove anything.
func presignSubstitutedEvidence(victim: PartyID, accuser: Ed25519Signer, round: Int, sent: [SignedMessage],
                         inputs: PresigningPublicInputs, rules: [String], allOrders: Bool = true) -> [Evidence] {
    let accuserKey = inputs.publicAux[accuser.partyID]!.paillierKey
    func square(_ c: PaillierCiphertext, _ modulusSquared: BigInt) -> PaillierCiphertext {
        PaillierCiphertext(value: (c.value * c.value) % modulusSquared)
    }
    var substitutes: [SignedMessage] = []
    for message in sent where message.sender == accuser.partyID && message.round < round && message.kind == .echoBroadcast {
        let payload: [UInt8]
        switch message.round {
        case 1:
            let m = try! PresignRound1Echo(encoded: message.payload)
            payload = PresignRound1Echo(k: square(m.k, accuserKey.modulusSquared), g: m.g, y: m.y, a1: m.a1 + .generator,
                                        a2: m.a2, b1: m.b1, b2: m.b2 + .generator).encoded
        case 2:
            let m = try! PresignRound2Echo(encoded: message.payload)
            payload = PresignRound2Echo(gamma: m.gamma + .generator, f: m.f, fHat: m.fHat,
                                        d: m.d.map { PaillierCiphertext(value: $0.value + 1) }, dHat: m.dHat).encoded
        case 3:
            let m = try! PresignRound3Echo(encoded: message.payload)
            payload = PresignRound3Echo(delta: m.delta + .one, bigDelta: m.bigDelta + .generator,
                                        s: m.s + .generator).encoded
        default:
            continue
        }
        substitutes.append(message.replacingPayload(payload, signer: accuser))
    }
    let offending = sent.filter {
        $0.sender == victim && $0.round == round && $0.kind != .echo && ($0.kind != .direct || $0.recipient == accuser.partyID)
    }
    let victimEarlier = sent.filter { $0.sender == victim && $0.round < round && ($0.kind != .direct || $0.recipient == accuser.partyID) }
    let others = sent.filter { $0.sender != victim && $0.sender != accuser.partyID && $0.round < round && $0.kind != .direct }
    var evidence: [Evidence] = []
    for rule in rules {
        let reason = FaultReason.violation(RoundViolation(rule: rule))
        // With the substitutes first, then after the real messages, then with the accuser's real ones too.
        let orders = [offending + substitutes + victimEarlier + others, offending + victimEarlier + substitutes,
                      offending + substitutes]
        for messages in allOrders ? orders : [orders[0]] {
            evidence.append(Evidence(culprit: victim, round: round, reason: reason, messages: messages))
        }
    }
    // Other reasons: the victim's message with a copy from another run is no equivocation; its echo
    // is well-formed.
    if let first = offending.first {
        evidence.append(Evidence(culprit: victim, round: round, reason: .equivocation, messages: [first, first]))
        evidence.append(Evidence(culprit: victim, round: round, reason: .unexpectedMessage("late"), messages: [first]))
        evidence.append(Evidence(culprit: victim, round: round, reason: .invalidSignature, messages: [first]))
    }
    if let echo = sent.first(where: { $0.sender == victim && $0.round == round && $0.kind == .echo }) {
        evidence.append(Evidence(culprit: victim, round: round, reason: .invalidEcho("forged"), messages: [echo]))
    }
    return evidence
}

/// Every rule the presigning and signing checks can report, by round.
let presignRules: [Int: [String]] = [
    1: ["malformed-round1-echo", "malformed-round1-proofs", "invalid-enc-elg-K", "invalid-enc-elg-G"],
    2: ["malformed-round2-echo", "wrong-mta-count", "invalid-aff-g", "invalid-aff-g-hat", "invalid-elog-gamma"],
    3: ["malformed-round3-echo", "invalid-elog-delta"],
    4: ["invalid-signature-share", "malformed-signature-share"],
    5: ["invalid-dec", "invalid-aff-g-star", "wrong-aff-g-star-count"],
    6: ["invalid-dec", "invalid-aff-g-star"],
]
