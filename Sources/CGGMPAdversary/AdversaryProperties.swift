import CGGMP

/// The properties every simulated run must keep against a corrupt party, checked after the run.
///
/// - No honest party is named: no honest party's fault names one, and honest parties wait only for
///   the culprit or for parties that stopped on a fault of their own.
/// - Every fault an honest party detects is proven to a third party (`Evidence.verdict`), or
///   transport-only for bytes that are bad in themselves.
/// - Honest parties that finish agree on the output.
/// - When an honest party holds a proven fault, the run fails for every honest party once that
///   party's report reaches them (it verifies); a party that finished anyway had only the last
///   message left to receive — the one split no protocol without a broadcast channel can rule out
///   (docs/security.md, "Adversary model").
/// - A provably detectable action is detected; a harmless one (duplicates, delays) changes nothing.
/// - No evidence against an honest party verifies, whatever messages the adversary assembles
///   (`EvidenceForgery`).
public struct AdversaryRunCheck<Output: Sendable> {
    public let report: RunReport<Output>
    public let committee: [PartyID]
    public let culprit: PartyID
    public let publicData: SessionPublicData
    public let rechecker: any EvidenceRechecker
    public let sameOutput: (Output, Output) -> Bool

    public init(report: RunReport<Output>, committee: [PartyID], culprit: PartyID, publicData: SessionPublicData,
                rechecker: any EvidenceRechecker, sameOutput: @escaping (Output, Output) -> Bool) {
        self.report = report
        self.committee = committee
        self.culprit = culprit
        self.publicData = publicData
        self.rechecker = rechecker
        self.sameOutput = sameOutput
    }

    public var honest: [PartyID] { committee.filter { $0 != culprit } }

    /// Honest parties holding a fault against the culprit that a third party accepts as proven.
    public var provenAccusers: [PartyID] {
        honest.filter { party in
            guard let fault = report.faults[party], fault.culprit == culprit else { return false }
            return fault.evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven
        }
    }

    /// Honest parties that finished.
    public var finished: [PartyID] { honest.filter { report.outputs[$0] != nil } }

    /// The honest party at the end of `party`'s chain of waits, when the chain does not end at the
    /// culprit or at a party that stopped on a fault. (An honest party stuck waiting for the culprit
    /// holds up everyone waiting for it: a deployment's timeout must name the end of the chain.)
    func waitsOnAnHonestParty(_ party: PartyID) -> PartyID? {
        let stopped = Set(report.faults.keys).union(report.aborted.keys)
        var visited: Set<PartyID> = [party]
        var frontier = report.waiting[party] ?? []
        while let next = frontier.popLast() {
            guard next != culprit, !stopped.contains(next), visited.insert(next).inserted else { continue }
            guard let waits = report.waiting[next], !waits.isEmpty else { return next }
            frontier += waits
        }
        return nil
    }

    /// Every broken property, described; empty when the run kept them all.
    public func problems(for action: AdversaryAction) -> [String] {
        var problems: [String] = []
        for party in honest {
            if let abort = report.aborted[party] { problems.append("\(party) aborted: \(abort)") }
            if let fault = report.faults[party] {
                if fault.culprit != culprit { problems.append("\(party) named honest \(fault.culprit): \(fault.reason)") }
                let verdict = fault.evidence.verdict(publicData: publicData, rechecker: rechecker)
                if verdict != .proven, !fault.isTransportOnly {
                    problems.append("\(party)'s fault \(fault.reason) is \(verdict)")
                }
            }
            if let root = waitsOnAnHonestParty(party) {
                problems.append("\(party) waits, through a chain of waiting parties, on honest \(root)")
            }
        }
        let outputs = finished.compactMap { report.outputs[$0] }
        if let first = outputs.first, !outputs.dropFirst().allSatisfy({ sameOutput(first, $0) }) {
            problems.append("honest parties finished with different outputs")
        }
        if action.isProvablyDetectable, provenAccusers.isEmpty {
            problems.append("no honest party proved the culprit's fault")
        }
        if action.isHarmless, finished.count != honest.count {
            problems.append("a harmless action kept \(honest.count - finished.count) honest parties from finishing")
        }
        return problems
    }
}

/// Evidence a malicious accuser assembles against an honest party from every message it saw and
/// its own re-signed messages. None may prove anything.
public enum EvidenceForgery {
    /// The forged message sets for accusing `honest` of breaking round `round`: everything seen;
    /// everything seen with each of the accuser's own messages of earlier rounds re-signed with a
    /// damaged payload (one at a time); and everything seen without the accuser's echoes.
    ///
    /// `alternatives` are messages of another run of the same session (other randomness): the
    /// accuser's own messages there are well-formed substitutes for its real ones (a new ρ, a new
    /// K, a new δ), re-signed by it — the substitution a rechecker must not be fooled by.
    public static func messageSets(accusing honest: PartyID, round: Int, seen: [SignedMessage],
                                   alternatives: [SignedMessage] = [], accuser: some IdentitySigner) -> [[SignedMessage]] {
        let seen = unique(seen)
        var sets = [seen, seen.filter { !($0.sender == accuser.partyID && $0.kind == .echo) }]
        for (index, message) in seen.enumerated()
        where message.sender == accuser.partyID && message.round <= round && message.kind != .echo {
            var damaged = seen
            damaged[index] = message.replacingPayload(ScriptedAdversary.damaged(message.payload), signer: accuser)
            sets.append(damaged)
            if let other = alternatives.first(where: {
                $0.sender == accuser.partyID && $0.round == message.round && $0.kind == message.kind
                    && $0.recipient == message.recipient && $0.payload != message.payload
            }) {
                var substituted = seen
                substituted[index] = message.replacingPayload(other.payload, signer: accuser)
                sets.append(substituted)
            }
        }
        // Every own message of rounds up to `round` substituted at once.
        var allSubstituted = seen
        for (index, message) in seen.enumerated() where message.sender == accuser.partyID && message.round <= round {
            if let other = alternatives.first(where: {
                $0.sender == accuser.partyID && $0.round == message.round && $0.kind == message.kind
                    && $0.recipient == message.recipient
            }) {
                allSubstituted[index] = message.replacingPayload(other.payload, signer: accuser)
            }
        }
        sets.append(allSubstituted)
        return sets
    }

    /// Descriptions of every forged accusation of an honest party that a third party would accept
    /// (empty when the library holds): violations in every round the party sent, its echoes as
    /// invalid echoes, and pairs of its messages as equivocation.
    public static func acceptedForgeries(seen: [SignedMessage], alternatives: [SignedMessage] = [], honest: [PartyID],
                                         accuser: some IdentitySigner, publicData: SessionPublicData,
                                         rechecker: any EvidenceRechecker) -> [String] {
        var accepted: [String] = []
        // What the accuser holds: every broadcast, and the direct messages to or from it.
        let seen = unique(seen).filter { $0.kind != .direct || $0.recipient == accuser.partyID || $0.sender == accuser.partyID }
        for party in honest {
            let own = seen.filter { $0.sender == party }
            for round in Set(own.filter { $0.kind != .echo }.map(\.round)).sorted() {
                for messages in messageSets(accusing: party, round: round, seen: seen, alternatives: alternatives,
                                            accuser: accuser) {
                    if case .success(let violation?) = Evidence.violation(
                        culprit: party, round: round, messages: messages, publicData: publicData, rechecker: rechecker) {
                        accepted.append("\(party) round \(round): \(violation.rule)")
                    }
                }
            }
            for echo in own where echo.kind == .echo {
                let evidence = Evidence(culprit: party, round: echo.round, reason: .invalidEcho("forged"), messages: [echo])
                if evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven {
                    accepted.append("\(party)'s echo of round \(echo.round) as invalid")
                }
            }
            for (first, second) in zip(own, own.dropFirst()) {
                let evidence = Evidence(culprit: party, round: first.round, reason: .equivocation, messages: [first, second])
                if evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven {
                    accepted.append("\(party)'s round-\(first.round) messages as equivocation")
                }
            }
        }
        return accepted
    }

    /// Accusations a malicious accuser can hand-build against each honest party from `seen` and
    /// `substitutes` (its own messages re-signed with other values): for every message an honest
    /// party sent, every reason — each of `rules` as a violation, equivocation, an invalid echo, an
    /// unexpected and a duplicate message — supported by everything seen, by everything seen with the
    /// substitutes in place of the accuser's real messages (same slot), by the substitutes alone, and
    /// by the accused's own messages. Also the accused's message paired, as equivocation, with another
    /// party's message (real or substituted) of the same round and kind.
    /// - Returns: the accepted ones, described (empty when the library holds), and how many were tried.
    public static func acceptedAccusations(seen: [SignedMessage], substitutes: [SignedMessage], honest: [PartyID],
                                           rules: [String], publicData: SessionPublicData,
                                           rechecker: any EvidenceRechecker) -> (accepted: [String], tried: Int) {
        func sameSlot(_ a: SignedMessage, _ b: SignedMessage) -> Bool {
            a.sender == b.sender && a.round == b.round && a.kind == b.kind && a.recipient == b.recipient
        }
        let substituted = seen.filter { message in !substitutes.contains { sameSlot($0, message) } } + substitutes
        let reasons: [FaultReason] = rules.map { .violation(RoundViolation(rule: $0)) }
            + [.equivocation, .invalidEcho("forged"), .unexpectedMessage("forged"), .duplicateMessage]
        var accepted: [String] = []
        var tried = 0
        for party in honest {
            for offending in seen where offending.sender == party {
                for supporting in [seen, substituted, substitutes, seen.filter { $0.sender == party }] {
                    for reason in reasons {
                        let evidence = Evidence(culprit: party, round: offending.round, reason: reason,
                                                messages: [offending] + supporting.filter { $0 != offending })
                        if evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven {
                            accepted.append("\(reason) against \(party) in round \(offending.round)")
                        }
                        tried += 1
                    }
                }
                for other in substituted
                where other.sender != party && other.round == offending.round && other.kind == offending.kind {
                    let evidence = Evidence(culprit: party, round: offending.round, reason: .equivocation,
                                            messages: [offending, other])
                    if evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven {
                        accepted.append("equivocation against \(party) paired with \(other.sender)'s message, round \(offending.round)")
                    }
                }
            }
        }
        return (accepted, tried)
    }

    private static func unique(_ messages: [SignedMessage]) -> [SignedMessage] {
        var seen: Set<SignedMessage> = []
        return messages.filter { seen.insert($0).inserted }
    }
}
