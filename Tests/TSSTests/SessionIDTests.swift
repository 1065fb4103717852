import CGGMP
import Testing
@testable import TSS

func party(_ label: UInt8) -> PartyID { try! PartyID(rawRepresentation: [UInt8](repeating: label, count: 32)) }

@Suite struct SessionIDDerivation {
    let parties = [party(3), party(1), party(2)]
    let user = Array("user account".utf8)
    let hash = [UInt8](repeating: 0xab, count: 32)

    func id(_ kind: SessionID.Kind? = nil, parties: [PartyID]? = nil, user: [UInt8]? = nil, block: UInt64 = 100) throws -> SessionID {
        try SessionID(kind: kind ?? .signing(messageHash: hash, derivationPath: "m", attempt: 0), participants: parties ?? self.parties,
                      user: user ?? self.user, blockNumber: block)
    }

    @Test func deterministicAndIndependentOfParticipantOrder() throws {
        #expect(try id() == id())
        #expect(try id(parties: [party(1), party(2), party(3)]) == id())
        #expect(try id().rawRepresentation.count == 32)
    }

    @Test func everyInputChangesTheID() throws {
        var hashB = hash
        hashB[31] ^= 1
        let variants = try [
            id(),
            id(.keyGeneration), id(.reshare), id(.auxiliaryInfo), id(.signing(messageHash: hashB, derivationPath: "m", attempt: 0)),
            id(parties: [party(1), party(2)]), id(parties: [party(1), party(2), party(4)]),
            id(parties: parties + [party(4)]),
            id(user: []), id(user: user + [0]),
            id(block: 101), id(block: 0), id(block: .max),
        ]
        #expect(Set(variants).count == variants.count)
    }

    @Test func kindsAreDomainSeparatedFromEachOther() throws {
        // Same participants, user and block: only the kind differs.
        let ids = try [SessionID.Kind.keyGeneration, .reshare, .auxiliaryInfo].map { try id($0) }
        #expect(Set(ids).count == 3)
    }

    @Test func badInputsAreTypedErrors() {
        #expect(throws: SessionIDError.noParticipants) { try id(parties: []) }
        #expect(throws: SessionIDError.duplicateParticipant(party(1))) { try id(parties: [party(1), party(2), party(1)]) }
        #expect(throws: SessionIDError.wrongMessageHashLength(31)) { try id(.signing(messageHash: [UInt8](repeating: 0, count: 31), derivationPath: "m", attempt: 0)) }
        #expect(throws: SessionIDError.wrongLength(5)) { try SessionID(rawRepresentation: [1, 2, 3, 4, 5]) }
    }
}

@Suite struct CommitteeSelection {
    let groups: [[PartyID]] = [
        (1...4).map { party($0) }, (10...12).map { party($0) }, [party(20)], (30...36).map { party($0) },
    ]
    let hash = [UInt8](repeating: 7, count: 32)

    @Test func oneMemberOfEachGroupDeterministically() throws {
        let chosen = try SigningCommittee.select(fromGroups: groups, messageHash: hash)
        #expect(chosen.count == groups.count)
        for (member, group) in zip(chosen, groups) { #expect(group.contains(member)) }
        #expect(try SigningCommittee.select(fromGroups: groups, messageHash: hash) == chosen)
        // Listing order within a group does not matter.
        let reordered = groups.map { Array($0.reversed()) }
        #expect(try SigningCommittee.select(fromGroups: reordered, messageHash: hash) == chosen)
    }

    @Test func theCommitteesAMemberMaySitOnAreExactlyThoseSelectCanChoose() throws {
        let member = groups[1][1]
        let listed = try SigningCommittee.committees(fromGroups: groups, including: member)
        // 4 · 1 · 1 · 7 committees include a given member of the second group.
        #expect(listed.count == 28)
        #expect(Set(listed.map { $0.map(\.rawRepresentation) }).count == 28)
        for signers in listed {
            #expect(signers[1] == member)
            for (chosen, group) in zip(signers, groups) { #expect(group.contains(chosen)) }
        }
        // Every committee `select` picks for some hash is listed for each of its members.
        for i in 0..<64 {
            var h = hash
            h[3] = UInt8(i)
            let chosen = try SigningCommittee.select(fromGroups: groups, messageHash: h)
            for party in chosen {
                #expect(try SigningCommittee.committees(fromGroups: groups, including: party, limit: 1000).contains(chosen))
            }
        }
        #expect(try SigningCommittee.committees(fromGroups: groups, including: party(99)).isEmpty)
        #expect(try SigningCommittee.committees(fromGroups: groups, including: member, limit: 5).count == 5)
        // The member of the one-member group sits on all 4 · 3 · 1 · 7 = 84; the default lists 64.
        #expect(try SigningCommittee.committees(fromGroups: groups, including: groups[2][0]).count == 64)
        #expect(try SigningCommittee.committees(fromGroups: groups, including: groups[2][0], limit: 1000).count == 84)
        #expect(throws: CommitteeError.emptyGroup(index: 1)) {
            try SigningCommittee.committees(fromGroups: [[member], []], including: member)
        }
    }

    @Test func differentHashesSpreadTheChoice() throws {
        // Over 200 hashes every member of the 4-member group must be picked, roughly evenly.
        var counts: [PartyID: Int] = [:]
        for i in 0..<200 {
            var h = hash
            h[0] = UInt8(i)
            counts[try SigningCommittee.select(fromGroups: groups, messageHash: h)[0], default: 0] += 1
        }
        #expect(counts.count == 4)
        #expect(counts.values.allSatisfy { $0 > 25 })
    }

    @Test func groupIndexIsDomainSeparated() throws {
        // Two identical groups must not always get the same index.
        let group = (1...8).map { party($0) }
        var differ = false
        for i in 0..<20 {
            var h = hash
            h[5] = UInt8(i)
            let chosen = try SigningCommittee.select(fromGroups: [group, group.map { party($0.rawRepresentation[0] + 100) }], messageHash: h)
            if chosen[0].rawRepresentation[0] + 100 != chosen[1].rawRepresentation[0] { differ = true }
        }
        #expect(differ)
    }

    @Test func reductionMatchesBigIntegerRemainder() {
        // 0x0102 mod 7 = 258 mod 7 = 6; 2^16 − 1 mod 255 = 0.
        #expect(SigningCommittee.reduce([0x01, 0x02], modulo: 7) == 6)
        #expect(SigningCommittee.reduce([0xff, 0xff], modulo: 255) == 0)
        #expect(SigningCommittee.reduce([UInt8](repeating: 0xff, count: 64), modulo: 1) == 0)
    }

    @Test func badGroupsAreTypedErrors() {
        #expect(throws: CommitteeError.noGroups) { try SigningCommittee.select(fromGroups: [], messageHash: hash) }
        #expect(throws: CommitteeError.emptyGroup(index: 1)) { try SigningCommittee.select(fromGroups: [[party(1)], []], messageHash: hash) }
        #expect(throws: CommitteeError.duplicateMember(party(1))) { try SigningCommittee.select(fromGroups: [[party(1)], [party(1)]], messageHash: hash) }
        #expect(throws: CommitteeError.wrongMessageHashLength(3)) { try SigningCommittee.select(fromGroups: groups, messageHash: [1, 2, 3]) }
    }

    @Test func anyTOfNIsDeterministicDistinctAndSeedDependent() throws {
        let parties = (1...9).map { party($0) }
        let seed = Array("block 12345".utf8)
        let chosen = try SigningCommittee.selectAny(4, of: parties, seed: seed)
        #expect(chosen.count == 4)
        #expect(Set(chosen).count == 4)
        #expect(chosen == chosen.sorted())
        #expect(chosen.allSatisfy(parties.contains))
        #expect(try SigningCommittee.selectAny(4, of: parties.reversed(), seed: seed) == chosen)
        var subsets = Set<[PartyID]>()
        for i in 0..<50 { subsets.insert(try SigningCommittee.selectAny(4, of: parties, seed: seed + [UInt8(i)])) }
        #expect(subsets.count > 30)  // 126 possible subsets; a constant or near-constant choice fails
        #expect(try SigningCommittee.selectAny(9, of: parties, seed: seed) == parties)
    }

    @Test func anyTOfNRejectsBadThresholds() {
        let parties = (1...3).map { party($0) }
        #expect(throws: CommitteeError.invalidThreshold(threshold: 0, partyCount: 3)) { try SigningCommittee.selectAny(0, of: parties, seed: []) }
        #expect(throws: CommitteeError.invalidThreshold(threshold: 4, partyCount: 3)) { try SigningCommittee.selectAny(4, of: parties, seed: []) }
        #expect(throws: CommitteeError.duplicateMember(party(2))) { try SigningCommittee.selectAny(2, of: parties + [party(2)], seed: []) }
    }
}
