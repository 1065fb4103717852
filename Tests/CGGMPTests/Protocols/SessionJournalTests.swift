import Bytes
import BigNum
import Secp256k1
import TestSupport
import Testing
@testable import CGGMP

/// KeyInit with party 0 journaled, persisted and restored between rounds, against the same run
/// uninterrupted (`keyInitRunner`, whose party 0 generator has the same seed).
@Suite struct SessionJournalTests {
    let signers = makeSigners(3)
    let runSeed: UInt64 = 21
    var committee: [PartyID] { signers.map(\.partyID) }

    /// The 32-byte seed `ChaChaRandom(testSeed:)` uses for party `index` in `keyInitRunner`.
    func seedBytes(party index: Int) -> [UInt8] {
        let value = runSeed &* 1000 &+ UInt64(index)
        return (0..<32).map { $0 < 8 ? UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) : 0 }
    }

    func makeSession(_ index: Int) throws -> Session<AdditiveKeyShare> {
        try KeyInit.makeSession(sessionID: keyInitSessionID, committee: committee, signer: signers[index],
                                parameters: .testing)
    }

    /// Runs KeyInit; after party 0 finalises each round in `restoreAfterRounds`, its journal is
    /// encoded, the live session dropped, and the session restored from the decoded bytes.
    /// Returns every party's output and party 0's messages in the order it sent them.
    func journaledRun(restoreAfterRounds: Set<Int>) throws -> (outputs: [PartyID: AdditiveKeyShare], sent: [[UInt8]], restores: Int,
                                                               final: SessionJournal) {
        var journaled: JournaledSession<AdditiveKeyShare>? = try JournaledSession(session: makeSession(0), seed: seedBytes(party: 0))
        var plain = try (1..<signers.count).map { try makeSession($0) }
        var generators = (1..<signers.count).map { ChaChaRandom(testSeed: runSeed &* 1000 &+ UInt64($0)) }
        var outputs: [PartyID: AdditiveKeyShare] = [:]
        var sent: [[UInt8]] = []
        var restores = 0
        for _ in 0..<20 where outputs.count < signers.count {
            var inbox: [[SignedMessage]] = Array(repeating: [], count: signers.count)
            func post(_ outgoing: [OutgoingMessage], from sender: Int) {
                for item in outgoing {
                    for recipient in signers.indices where item.recipients.contains(signers[recipient].partyID) {
                        inbox[recipient].append(item.message)
                    }
                }
            }
            if journaled!.hasMessagesToSend {
                let outgoing = try journaled!.makeMessages()
                sent += outgoing.map(\.message.encoded)
                post(outgoing, from: 0)
            }
            for index in plain.indices where plain[index].hasMessagesToSend {
                post(try plain[index].makeMessages(using: &generators[index]), from: index + 1)
            }
            for message in inbox[0] { try journaled!.receive(message, from: message.sender) }
            for index in plain.indices {
                for message in inbox[index + 1] { try plain[index].receive(message, from: message.sender) }
            }
            if journaled!.isReadyToFinalize {
                let round = journaled!.roundNumber
                if case .finished(let share) = try journaled!.finalize() { outputs[signers[0].partyID] = share }
                if restoreAfterRounds.contains(round) {
                    let bytes = journaled!.journal.encoded
                    let before = journaled!.journal
                    journaled = nil
                    let decoded = try SessionJournal(encoded: bytes)
                    #expect(decoded == before)
                    let restored = try JournaledSession.restore(journal: decoded) { try makeSession(0) }
                    #expect(restored.journal == decoded)
                    #expect(restored.roundNumber == round + 1)
                    #expect(restored.hasMessagesToSend)
                    journaled = restored
                    restores += 1
                }
            }
            for index in plain.indices where plain[index].isReadyToFinalize {
                if case .finished(let share) = try plain[index].finalize(using: &generators[index]) {
                    outputs[signers[index + 1].partyID] = share
                }
            }
        }
        return (outputs, sent, restores, journaled!.journal)
    }

    @Test func restoredSessionContinuesExactlyAsAnUninterruptedRun() throws {
        var reference = keyInitRunner(signers: signers, seed: runSeed)
        guard case .finished(let expected) = reference.run() else {
            Issue.record("reference KeyInit did not finish")
            return
        }
        let expectedSent = reference.sentMessages.filter { $0.sender == signers[0].partyID }.map(\.encoded)
        let run = try journaledRun(restoreAfterRounds: [1, 2])
        #expect(run.restores == 2)
        #expect(run.outputs.count == signers.count)
        let publicKey = try #require(expected[signers[0].partyID]).publicKey
        for (party, share) in run.outputs {
            #expect(share.publicKey == publicKey)
            #expect(share.secretShare == expected[party]?.secretShare)
        }
        // Includes the restored party's first messages after each restore (rounds 2 and 3).
        #expect(run.sent == expectedSent)
        #expect(run.sent.count == 5)  // three rounds, echoes after rounds 1 and 3
    }

    /// A journal taken mid-protocol, for the corruption tests.
    func journalAfterRoundOne() throws -> SessionJournal {
        var session = try JournaledSession(session: makeSession(0), seed: seedBytes(party: 0))
        var others = try (1..<3).map { try makeSession($0) }
        var generators = (1..<3).map { ChaChaRandom(testSeed: UInt64($0)) }
        var toZero: [SignedMessage] = []
        let fromZero = try session.makeMessages().map(\.message)
        for index in others.indices {
            toZero += try others[index].makeMessages(using: &generators[index]).map(\.message)
        }
        for message in toZero { try session.receive(message, from: message.sender) }
        _ = try session.makeMessages()  // the echo
        _ = fromZero
        #expect(session.journal.events.count == 4)
        return session.journal
    }

    @Test func corruptedJournalsAreRejected() throws {
        let journal = try journalAfterRoundOne()
        let bytes = journal.encoded
        #expect(try SessionJournal(encoded: bytes) == journal)
        #expect(!"\(journal)".contains(hexString(journal.seed!)))

        #expect(throws: SessionJournalDecodingError.malformed(DecodingError(field: "session journal", reason: .wrongMagic))) { try SessionJournal(encoded: [0x55] + bytes.dropFirst()) }
        var badVersion = bytes
        badVersion[6] = 3
        #expect(throws: SessionJournalDecodingError.malformed(DecodingError(field: "session journal", reason: .unsupportedVersion(3)))) { try SessionJournal(encoded: badVersion) }
        for length in [0, 5, 20, bytes.count - 1] {
            #expect(throws: SessionJournalDecodingError.self) { try SessionJournal(encoded: Array(bytes.prefix(length))) }
        }
        #expect(throws: SessionJournalDecodingError.malformed(DecodingError(field: "session journal", reason: .trailingBytes(count: 1)))) { try SessionJournal(encoded: bytes + [0]) }
        // The first event's tag follows magic, version, tag, session id, seed flag and seed, and the count.
        let firstEvent = 6 + 1 + 4 + KeyInit.protocolTag.utf8.count + 4 + keyInitSessionID.count + 1 + 32 + 4
        #expect(bytes[firstEvent] == 1)
        var unknownEvent = bytes
        unknownEvent[firstEvent] = 9
        #expect(throws: SessionJournalDecodingError.malformed(DecodingError(field: "event 0 tag", reason: .invalidValue("unknown event tag 9")))) { try SessionJournal(encoded: unknownEvent) }

        // Well-formed but not what the session did: a received message with another payload.
        var events = journal.events
        guard case .accepted(let message) = events[1] else {
            Issue.record("event 1 should be an accepted message")
            return
        }
        events[1] = .accepted(message.replacingPayload(message.payload.reversed(), signer: signers[1]))
        let forged = SessionJournal(protocolTag: journal.protocolTag, sessionID: journal.sessionID,
                                    seed: journal.seed!, events: events)
        #expect(throws: SessionJournalReplayError.self) {
            try JournaledSession.restore(journal: SessionJournal(encoded: forged.encoded)) { try makeSession(0) }
        }
        // Another seed makes other messages.
        var otherSeed = journal.seed!
        otherSeed[31] ^= 1
        let reseeded = SessionJournal(protocolTag: journal.protocolTag, sessionID: journal.sessionID,
                                      seed: otherSeed, events: journal.events)
        do {
            _ = try JournaledSession.restore(journal: reseeded) { try makeSession(0) }
            Issue.record("a journal with another seed replayed")
        } catch {
            guard case .diverged(let event, _) = error else {
                Issue.record("expected divergence, got \(error)")
                return
            }
            #expect(event == 0)
        }
        // Restoring into another party's session is refused too (its messages differ).
        #expect(throws: SessionJournalReplayError.self) {
            try JournaledSession.restore(journal: journal) { try makeSession(1) }
        }
        // And into another protocol run.
        do {
            _ = try JournaledSession.restore(journal: journal) {
                try KeyInit.makeSession(sessionID: Array("another".utf8), committee: committee,
                                        signer: signers[0], parameters: .testing)
            }
            Issue.record("a journal replayed into another session")
        } catch {
            guard case .wrongSession = error else {
                Issue.record("expected wrongSession, got \(error)")
                return
            }
        }
        #expect(throws: SessionJournalReplayError.self) {
            try JournaledSession(session: makeSession(0), seed: [1, 2, 3])
        }
    }
}

/// Finding "a journal brings a spent presignature back": a finished journal is refused, its seed
/// is gone, and one-time (presigning/signing) journals are restored only by taking them.
@Suite struct SessionJournalOneTimeTests {
    let base = SessionJournalTests()

    @Test func testFinishedJournalCannotBeRestored() throws {
        let seed = base.seedBytes(party: 0)
        let run = try base.journaledRun(restoreAfterRounds: [])
        #expect(run.outputs.count == 3)
        let finished = run.final
        // The journal records the end and keeps no seed, in memory and encoded.
        #expect(finished.isFinished)
        #expect(finished.events.last == .finished)
        #expect(finished.seed == nil)
        let bytes = finished.encoded
        #expect(!hexString(bytes).contains(hexString(seed)))
        let decoded = try SessionJournal(encoded: bytes)
        #expect(decoded == finished)
        #expect(decoded.isFinished && decoded.seed == nil)
        // Restoring it (directly, or by taking it from a store) is refused: it would re-create the output.
        do {
            _ = try JournaledSession.restore(journal: decoded) { try base.makeSession(0) }
            Issue.record("a finished journal was restored")
        } catch {
            guard case .finished = error else { Issue.record("expected .finished, got \(error)"); return }
        }
        let store = InMemorySessionJournalStore()
        store.saveJournal(bytes, protocolTag: KeyInit.protocolTag, sessionID: keyInitSessionID)
        do {
            _ = try JournaledSession.restore(takingFrom: store) { try base.makeSession(0) }
            Issue.record("a finished journal was restored from a store")
        } catch {
            guard case .finished = error else { Issue.record("expected .finished, got \(error)"); return }
        }
        // A finished journal with a seed smuggled back in, or one whose `finished` is not last, is malformed.
        let flagOffset = 6 + 1 + 4 + KeyInit.protocolTag.utf8.count + 4 + keyInitSessionID.count
        #expect(bytes[flagOffset] == 0)
        var withSeed = Array(bytes[..<flagOffset]) + [1] + seed + Array(bytes[(flagOffset + 1)...])
        #expect(throws: SessionJournalDecodingError.self) { try SessionJournal(encoded: withSeed) }
        withSeed = bytes
        withSeed[flagOffset] = 2
        #expect(throws: SessionJournalDecodingError.self) { try SessionJournal(encoded: withSeed) }
        // Version 1 journals (no `finished` event) are refused.
        var version1 = bytes
        version1[6] = 1
        #expect(throws: SessionJournalDecodingError.malformed(DecodingError(field: "session journal", reason: .unsupportedVersion(1)))) { try SessionJournal(encoded: version1) }
    }

    /// A presigning party journaled through round 1 (its messages made and every peer's accepted).
    func presigningJournal() throws -> (journal: SessionJournal, makeSession: () throws -> Session<PresignatureSlot>) {
        let all = makeSigners(2)
        let shares = try SigningFixture.additiveShares(signers: all, threshold: 2, seed: 61)
        let aux = SigningFixture.auxInfos(for: all.map(\.partyID).sorted(), material: SigningFixture.testing)
        func make(_ index: Int) throws -> Session<PresignatureSlot> {
            try Presigning.makeSession(sessionID: Array("journaled presign".utf8), keyShare: shares[all[index].partyID]!,
                                       auxInfo: aux[all[index].partyID]!, signer: all[index], parameters: .testing)
        }
        var journaled = try JournaledSession(session: make(0), seed: [UInt8](repeating: 7, count: 32))
        var other = try make(1)
        var generator = ChaChaRandom(testSeed: 62)
        _ = try journaled.makeMessages()
        for item in try other.makeMessages(using: &generator) { try journaled.receive(item.message, from: item.message.sender) }
        #expect(!journaled.journal.isFinished && journaled.journal.isOneTime)
        return (journaled.journal, { try make(0) })
    }

    @Test func testOneTimeJournalIsRestoredOnlyByTakingIt() throws {
        let (journal, makeSession) = try presigningJournal()
        // Not from a copy the caller keeps: a presigning journal must come out of a store.
        do {
            _ = try JournaledSession.restore(journal: journal, makeSession: makeSession)
            Issue.record("a presigning journal was restored from a copy")
        } catch {
            guard case .oneTimeJournalMustBeTaken(Presigning.protocolTag) = error else {
                Issue.record("expected .oneTimeJournalMustBeTaken, got \(error)"); return
            }
        }
        let store = InMemorySessionJournalStore()
        store.saveJournal(journal.encoded, protocolTag: journal.protocolTag, sessionID: journal.sessionID)
        let restored = try JournaledSession.restore(takingFrom: store, makeSession: makeSession)
        #expect(restored.journal == journal)
        #expect(store.count == 0)
        // A second restore of the same stored journal (crash loop, failover) finds nothing.
        do {
            _ = try JournaledSession.restore(takingFrom: store, makeSession: makeSession)
            Issue.record("one journal was restored twice")
        } catch {
            guard case .noJournal = error else { Issue.record("expected .noJournal, got \(error)"); return }
        }
        // Saving it again (the live session after its next step) works; a finished one is refused.
        try restored.save(to: store)
        #expect(store.count == 1)
    }
}
