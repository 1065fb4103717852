import ArgumentParser
import BigNum
import Bytes
@_spi(Adversary) import CGGMP
import Secp256k1

/// `Presign failure round δ` / `χ` in `tss bench protocol`: the per-party cost of presigning's
/// identifiable-abort rounds (round 5 for δ, round 6 for χ; `PresignFailureRound`).
///
/// A presigning among the first t holders in which the last signer (in committee order) cheats so
/// that the round is reached, as in `PresigningIdentifiableAbortTests`:
/// - δ: it announces δ_i + 1 to everyone in round 3 (its echo of round 3 carries the same lie, so
///   the echo step finds no equivocation), and its own session is shown another signer's δ_j + 1,
///   so it enters the failure round too, proving its real values;
/// - χ: the same with S_i + G and S_j + G.
/// Every party then proves (Πdec and t − 1 Πaff-g*, with a decryption and a randomness recovery
/// under its own key) and checks every other party's failure message (t − 1 Πaff-g* and a Πdec).
/// The culprit's Πdec does not match what it announced, so an honest party's check of it stops at
/// the first failing repetition: the honest parties' time is a real failure round's cost, and
/// with t = 2 (one honest peer: the culprit) it is below the worst case by up to one Πdec verify.
///
/// Timed, per honest party, by an instrumented copy of `SimulationRunner`'s loop: its
/// `makeMessages` of the failure round, its `check` + `accept` of every failure-round message it
/// receives (it checks all of them, even after naming the culprit), and its `finalize` in that
/// round. `seconds_per_party` is the mean over the honest parties; rounds 1–4 are not counted.
extension ProtocolBenchCase {
    static let presignFailureDelta = failureRound(.delta)
    static let presignFailureChi = failureRound(.chi)

    static func failureRound(_ kind: FailureRoundKind) -> ProtocolBenchCase {
        ProtocolBenchCase(name: "Presign failure round \(kind == .delta ? "δ" : "χ") (t parties)", runsAmongThreshold: true) {
            inputs, seed in
            let (signers, shares, aux) = try inputs.signingInputs()
            let culprit = signers[signers.count - 1], source = signers[0]
            let sessions = try signers.map {
                try Presigning.makeSession(sessionID: inputs.sessionID, keyShare: shares[$0.partyID]!,
                                           auxInfo: aux[$0.partyID]!, signer: $0, parameters: inputs.parameters)
            }
            let change: ([UInt8]) -> [UInt8] = { payload in
                switch kind {
                case .delta:
                    AdversaryPayloads.presignRound3(payload, delta: AdversaryPayloads.presignRound3Delta(payload).map { $0 + .one })!
                case .chi:
                    AdversaryPayloads.presignRound3(payload, shiftingS: true)!
                }
            }
            let tamper = FailureRoundTamper(round: 3, culprit: culprit, source: source, everyone: signers, change: change)
            var run = TimedSimulation(sessions: sessions, seed: seed, tamper: tamper.apply)
            try run.run()
            let round = kind.roundNumber
            let honest = signers.map(\.partyID).filter { $0 != culprit.partyID }
            guard run.sentRounds.contains(round) else {
                throw ValidationError("the simulated cheat did not reach presigning round \(round)")
            }
            guard honest.allSatisfy({ run.faults[$0]?.culprit == culprit.partyID && run.faults[$0]?.round == round }) else {
                throw ValidationError("the honest parties did not name the culprit in round \(round): \(run.faults)")
            }
            let perParty = honest.map { Double(run.work[$0]?[round] ?? 0) / 1e9 }
            let prove = honest.map { Double(run.sending[$0]?[round] ?? 0) / 1e9 }
            return ProtocolTraffic(messages: run.sent.count, bytes: run.sent.reduce(0) { $0 + $1.encoded.count },
                                   secondsPerParty: perParty.reduce(0, +) / Double(perParty.count),
                                   extra: ["failure_round": Double(round),
                                           "honest_prove_s": prove.reduce(0, +) / Double(prove.count),
                                           "honest_check_s": (perParty.reduce(0, +) - prove.reduce(0, +)) / Double(perParty.count)])
        }
    }

    enum FailureRoundKind: Sendable {
        case delta, chi
        var roundNumber: Int { self == .delta ? 5 : 6 }
    }
}

/// The corrupt party's lie in `round` (an echo-broadcast), told consistently (the port of
/// `PresignAdversary.replace` and `misleadCulprit` from the CGGMP tests):
/// - its echo-broadcast carries `change(payload)` to everyone, and its own echo of the round the
///   same, while the echoes it receives are shown holding its original (re-signed by their senders:
///   a simulation holds every key; this only lets the corrupt session carry on as a cheater's would);
/// - its own session is shown `source`'s echo-broadcast changed by `change` (in `source`'s message
///   and in every echo it receives), and its own echo attests `source`'s real message.
final class FailureRoundTamper: @unchecked Sendable {
    let round: Int
    let culprit: Ed25519Signer
    let source: Ed25519Signer
    let everyone: [Ed25519Signer]
    let change: ([UInt8]) -> [UInt8]
    private var culpritOriginal: [UInt8]?
    private var sourceReal: SignedMessage?

    init(round: Int, culprit: Ed25519Signer, source: Ed25519Signer, everyone: [Ed25519Signer],
         change: @escaping ([UInt8]) -> [UInt8]) {
        self.round = round
        self.culprit = culprit
        self.source = source
        self.everyone = everyone
        self.change = change
    }

    func apply(_ message: SignedMessage, to recipient: PartyID) -> SignedMessage {
        guard message.round == round else { return message }
        let me = culprit.partyID
        if message.kind == .echoBroadcast {
            if message.sender == me {
                culpritOriginal = message.payload
                return message.replacingPayload(change(message.payload), signer: culprit)
            }
            if message.sender == source.partyID {
                sourceReal = message
                return recipient == me ? message.replacingPayload(change(message.payload), signer: source) : message
            }
            return message
        }
        guard message.kind == .echo, let entries = Self.entries(of: message) else { return message }
        if message.sender == me {
            let patched = entries.map { entry -> SignedMessage in
                if entry.sender == me { return entry.replacingPayload(change(entry.payload), signer: culprit) }
                if entry.sender == source.partyID, let real = sourceReal { return real }
                return entry
            }
            return message.replacingPayload(Self.payload(patched), signer: culprit)
        }
        guard recipient == me, let original = culpritOriginal,
              let echoer = everyone.first(where: { $0.partyID == message.sender }) else { return message }
        let shown = entries.map { entry -> SignedMessage in
            if entry.sender == me { return entry.replacingPayload(original, signer: culprit) }
            if entry.sender == source.partyID { return entry.replacingPayload(change(entry.payload), signer: source) }
            return entry
        }
        return message.replacingPayload(Self.payload(shown), signer: echoer)
    }

    /// The echo step's payload: `count(u32) ‖ (len32 ‖ SignedMessage.encoded)*` (CGGMP's `EchoRound`).
    static func payload(_ messages: [SignedMessage]) -> [UInt8] {
        var writer = ByteWriter()
        writer.appendCount(messages.count)
        for message in messages { writer.appendLengthPrefixed(message.encoded) }
        return writer.bytes
    }

    static func entries(of echo: SignedMessage) -> [SignedMessage]? {
        var reader = ByteReader(echo.payload)
        guard let count = try? reader.readCount("echo count", minimumElementSize: 4) else { return nil }
        var entries: [SignedMessage] = []
        for _ in 0..<count {
            guard let bytes = try? reader.readLengthPrefixed("entry"), let entry = try? SignedMessage(encoded: bytes) else {
                return nil
            }
            entries.append(entry)
        }
        return entries
    }
}

/// `SimulationRunner.runToEnd`'s loop (sequential checks, no adversary beyond a per-delivery
/// rewrite), with every party's time recorded by round: `makeMessages`, `check` + `accept` of the
/// round's messages, `finalize`. A party that detects a fault stops, as in the runner, but first
/// checks the rest of that step's messages (so its time includes every check of the round).
struct TimedSimulation<Output: Sendable> {
    private var sessions: [PartyID: Session<Output>]
    private var generators: [PartyID: ChaChaRandom]
    let tamper: (SignedMessage, PartyID) -> SignedMessage
    /// Nanoseconds of all work per party and round number.
    private(set) var work: [PartyID: [Int: UInt64]] = [:]
    /// Nanoseconds of `makeMessages` per party and round number.
    private(set) var sending: [PartyID: [Int: UInt64]] = [:]
    private(set) var sent: [SignedMessage] = []
    private(set) var sentRounds: Set<Int> = []
    private(set) var faults: [PartyID: ProtocolFault] = [:]
    private(set) var stopped: Set<PartyID> = []

    init(sessions: [Session<Output>], seed: UInt64, tamper: @escaping (SignedMessage, PartyID) -> SignedMessage) {
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.me, $0) })
        var generators: [PartyID: ChaChaRandom] = [:]
        for (index, session) in sessions.enumerated() {
            generators[session.me] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
        }
        self.generators = generators
        self.tamper = tamper
    }

    private mutating func charge(_ party: PartyID, _ round: Int, since start: UInt64) {
        work[party, default: [:]][round, default: 0] += BenchClock.now() - start
    }

    mutating func run() throws {
        let parties = sessions.keys.sorted()
        var deferred: [PartyID: [Delivery]] = [:]
        for _ in 0..<SimulationRunner<Output, ChaChaRandom>.maximumSteps {
            guard parties.contains(where: { !stopped.contains($0) }) else { return }
            var progressed = false
            var deliveries: [Delivery] = []
            for party in parties where !stopped.contains(party) && sessions[party]!.hasMessagesToSend {
                progressed = true
                let round = sessions[party]!.roundNumber
                let start = BenchClock.now()
                let items = try sessions[party]!.makeMessages(using: &generators[party]!)
                sending[party, default: [:]][round, default: 0] += BenchClock.now() - start
                charge(party, round, since: start)
                for item in items {
                    sent.append(item.message)
                    sentRounds.insert(item.message.round)
                    for recipient in item.recipients {
                        let message = tamper(item.message, recipient)
                        deliveries.append(Delivery(message: message, recipient: recipient, deliverer: message.sender))
                    }
                }
            }
            var inboxes = deferred
            deferred = [:]
            for delivery in deliveries {
                inboxes[delivery.recipient, default: []].append(delivery)
                progressed = true
            }
            for recipient in parties where !stopped.contains(recipient) {
                let inbox = inboxes[recipient] ?? []
                var lastIndex: [PartyID: Int] = [:]
                for (index, delivery) in inbox.enumerated() { lastIndex[delivery.message.sender] = index }
                let passes = [inbox.indices.filter { lastIndex[inbox[$0].message.sender] != $0 },
                              inbox.indices.filter { lastIndex[inbox[$0].message.sender] == $0 }]
                for pass in passes {
                    var checked: [(Int, Result<MessageCheck, SessionError>)] = []
                    for index in pass {
                        let message = inbox[index].message
                        let start = BenchClock.now()
                        let result: Result<MessageCheck, SessionError>
                        do { result = .success(try sessions[recipient]!.check(message, from: inbox[index].deliverer)) } catch {
                            result = .failure(error)
                        }
                        charge(recipient, message.round, since: start)
                        checked.append((index, result))
                    }
                    for (index, result) in checked where faults[recipient] == nil {
                        let start = BenchClock.now()
                        do {
                            switch try result.get() {
                            case .verified(let checked): try sessions[recipient]!.accept(checked)
                            case .setAside(.deferred): deferred[recipient, default: []].append(inbox[index])
                            case .setAside: break
                            }
                        } catch .fault(let fault) {
                            faults[recipient] = fault
                        } catch {
                            throw ValidationError("\(recipient) could not accept a message: \(error)")
                        }
                        charge(recipient, inbox[index].message.round, since: start)
                    }
                }
                if faults[recipient] != nil { stopped.insert(recipient) }
            }
            for party in parties where !stopped.contains(party) && sessions[party]!.isReadyToFinalize {
                progressed = true
                let round = sessions[party]!.roundNumber
                let start = BenchClock.now()
                do throws(SessionError) {
                    if case .finished = try sessions[party]!.finalize(using: &generators[party]!) { stopped.insert(party) }
                } catch .aborted {
                    stopped.insert(party)
                } catch {
                    throw ValidationError("\(party) could not finalise: \(error)")
                }
                charge(party, round, since: start)
            }
            guard progressed else { return }
        }
    }
}
