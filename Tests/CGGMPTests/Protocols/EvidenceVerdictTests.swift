import Testing
@testable import CGGMP

/// Review #11, "forgeable evidence": evidence whose reason rests on the receiving channel or on the
/// network's behaviour must never convict, whoever it names and whatever message it carries.
@Suite struct EvidenceVerdictTests {
    let signers = makeSigners(3)

    /// An honest KeyInit run's messages: what a malicious accuser has to forge with.
    func honestMessages() -> [SignedMessage] {
        var runner = keyInitRunner(signers: signers, seed: 91)
        _ = runner.run()
        return runner.sentMessages
    }

    @Test func forgeableEvidenceReasonsAreNeverProven() throws {
        let publicData = try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID))
        let rechecker = KeyInit.evidenceRechecker(parameters: .testing)
        let messages = honestMessages()
        let honest = signers[0].partyID
        let garbage = messages[0].replacingSignature([UInt8](repeating: 7, count: 64))
        let fromElsewhere: SignedMessage = {
            var other = keyInitRunner(signers: signers, seed: 92, sessionID: Array("another session".utf8))
            _ = other.run()
            return other.sentMessages.first { $0.sender == honest }!
        }()
        let ownMessage = messages.first { $0.sender == honest }!
        let forgeries: [(FaultReason, [SignedMessage])] = [
            (.invalidSignature, [garbage]),                 // any garbage, any member named
            (.senderMismatch, [messages.first { $0.sender != honest }!]),  // anyone's message
            (.wrongSession, [fromElsewhere]),               // the victim's message of another session
            (.unexpectedMessage("round is over"), [ownMessage]), // any in-session message
            (.duplicateMessage, [ownMessage, ownMessage]),
        ]
        for (reason, evidenceMessages) in forgeries {
            let evidence = Evidence(culprit: honest, round: evidenceMessages[0].round, reason: reason, messages: evidenceMessages)
            let verdict = evidence.verdict(publicData: publicData, rechecker: rechecker)
            #expect(verdict != .proven, "\(reason) convicted an honest party")
            #expect(throws: EvidenceError.self, "\(reason) verified") {
                try evidence.verify(publicData: publicData, rechecker: rechecker)
            }
        }
        // Bad bytes are at most transport-only: the receiving channel alone can attribute them.
        let badSignature = Evidence(culprit: honest, round: 1, reason: .invalidSignature, messages: [garbage])
        #expect(badSignature.verdict(publicData: publicData).name == "transport-only")
    }

    @Test func everyHonestMessageAsEveryViolationIsNotProven() throws {
        let publicData = try KeyInit.publicData(sessionID: keyInitSessionID, committee: signers.map(\.partyID))
        let rechecker = KeyInit.evidenceRechecker(parameters: .testing)
        let messages = honestMessages()
        for message in messages {
            for rule in ["unexpected-message", "invalid-schnorr-proof", "decommitment-mismatch", "malformed"] {
                let evidence = Evidence(culprit: message.sender, round: message.round,
                                        reason: .violation(RoundViolation(rule: rule)), messages: [message] + messages)
                #expect(evidence.verdict(publicData: publicData, rechecker: rechecker) != .proven,
                        "\(message.kind) of round \(message.round) proven as \(rule)")
            }
        }
    }
}
