@_spi(Benchmarks) @testable import CGGMP
import Testing

/// The audit every protocol's rechecker must pass: no message of an honest party is proven a
/// violation. For each `(message, round)` case the evidence "this message broke `rule` in
/// `round`" (with `supporting` beside it) is never `.proven`; and when the message is an echo,
/// handing it to the rechecker as the round's only part fails with an incomplete view (an echo
/// is never a round's message), from the view a third party builds of `viewMessages`.
func expectHonestMessagesNotProven(
    _ honest: PartyID, cases: [(message: SignedMessage, round: Int)], rules: [String],
    supporting: [SignedMessage], viewMessages: [SignedMessage],
    publicData: SessionPublicData, rechecker: some EvidenceRechecker,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(!cases.isEmpty, sourceLocation: sourceLocation)
    for (message, round) in cases {
        for rule in rules {
            let evidence = Evidence(culprit: honest, round: round, reason: .violation(RoundViolation(rule: rule)),
                                    messages: [message] + supporting.filter { $0 != message })
            #expect(evidence.verdict(publicData: publicData, rechecker: rechecker) != .proven,
                    "round \(round), \(message.kind), rule \(rule)", sourceLocation: sourceLocation)
        }
        guard message.kind == .echo else { continue }
        var view = try evidenceView(honest, viewMessages, publicData)
        do {
            try rechecker.recheck(round: round, incoming: IncomingPayloads(sender: honest, parts: [.echo: message]), view: &view)
            Issue.record("round \(round): an echo passed as a round's message", sourceLocation: sourceLocation)
        } catch {
            #expect(error.rule == RoundViolation.incompleteViewRule, "round \(round): \(error)", sourceLocation: sourceLocation)
        }
    }
}
