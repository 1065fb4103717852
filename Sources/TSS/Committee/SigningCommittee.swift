import Bytes
import CGGMP
import Hashing

/// Deterministic choice of who signs: every server computes the same committee from public data,
/// so no coordinator is trusted to pick it.
public enum SigningCommittee {
    static let groupContext = DomainSeparation.committeeGroupMember
    static let anyContext = DomainSeparation.committeeAnyTOfN

    /// One member of each signing group, chosen from the message hash.
    ///
    /// For group `i` (members sorted by id, so the listing order does not matter) the index is
    /// SHA-512(context, messageHash, i) read as a 512-bit big-endian integer modulo the group size:
    /// a wide reduction, whose bias is below size/2^512.
    ///
    /// - Parameters:
    ///   - groups: the signing groups; each non-empty, no server in two places.
    ///   - messageHash: the 32-byte hash to be signed.
    /// - Returns: the chosen member of each group, in group order.
    /// - Throws: ``CommitteeError/wrongMessageHashLength(_:)``, ``CommitteeError/noGroups``,
    ///   ``CommitteeError/emptyGroup(index:)``, ``CommitteeError/duplicateMember(_:)`` (a server in
    ///   two places could be picked twice).
    public static func select(fromGroups groups: [[PartyID]], messageHash: [UInt8]) throws(CommitteeError) -> [PartyID] {
        guard messageHash.count == 32 else { throw .wrongMessageHashLength(messageHash.count) }
        guard !groups.isEmpty else { throw .noGroups }
        var seen = Set<PartyID>()
        for (index, group) in groups.enumerated() {
            guard !group.isEmpty else { throw .emptyGroup(index: index) }
            for member in group where !seen.insert(member).inserted { throw .duplicateMember(member) }
        }
        return groups.enumerated().map { index, group in
            var input = DomainSeparatedHash(domain: groupContext)
            input.appendField(messageHash)
            input.append(UInt64(index))
            return group.sorted()[reduce(input.sha512(), modulo: group.count)]
        }
    }

    /// Every committee ``select(fromGroups:messageHash:)`` can choose that includes `member`, in
    /// group order, at most `limit` of them (members taken in id order, the first group varying
    /// slowest). A server that keeps presignatures ready for the committees it may sit on (the
    /// node's pool filler) lists them with this.
    /// - Throws: the same ``CommitteeError``s as `select` for bad groups.
    public static func committees(fromGroups groups: [[PartyID]], including member: PartyID,
                                  limit: Int = 64) throws(CommitteeError) -> [[PartyID]] {
        guard !groups.isEmpty else { throw .noGroups }
        var seen = Set<PartyID>()
        for (index, group) in groups.enumerated() {
            guard !group.isEmpty else { throw .emptyGroup(index: index) }
            for party in group where !seen.insert(party).inserted { throw .duplicateMember(party) }
        }
        // The member's own group contributes only the member.
        let choices = groups.map { group in group.contains(member) ? [member] : group.sorted() }
        guard seen.contains(member), limit > 0 else { return [] }
        var result: [[PartyID]] = [[]]
        for options in choices {
            var next: [[PartyID]] = []
            extending: for prefix in result {
                for party in options {
                    next.append(prefix + [party])
                    if next.count == limit { break extending }
                }
            }
            result = next
        }
        return result
    }

    /// `threshold` distinct parties out of `parties`, chosen from a caller-given seed.
    ///
    /// A partial Fisher–Yates shuffle of the sorted parties, driven by SHAKE256(context, seed,
    /// threshold, count) with rejection sampling, so every `threshold`-subset is equally likely.
    ///
    /// - Parameters:
    ///   - threshold: how many to choose, 1 … `parties.count`.
    ///   - parties: the candidates, in any order, without duplicates.
    ///   - seed: public bytes every party agrees on (e.g. a session id).
    /// - Returns: the chosen parties, sorted by id.
    /// - Throws: ``CommitteeError/invalidThreshold(threshold:partyCount:)``,
    ///   ``CommitteeError/duplicateMember(_:)``.
    public static func selectAny(_ threshold: Int, of parties: [PartyID], seed: [UInt8]) throws(CommitteeError) -> [PartyID] {
        guard threshold >= 1, threshold <= parties.count else {
            throw .invalidThreshold(threshold: threshold, partyCount: parties.count)
        }
        var pool = parties.sorted()
        for index in pool.indices.dropFirst() where pool[index] == pool[index - 1] {
            throw .duplicateMember(pool[index])
        }
        var input = DomainSeparatedHash(domain: anyContext)
        input.appendField(seed)
        input.append(UInt64(threshold))
        input.append(UInt64(pool.count))
        var stream = SHAKE256()
        stream.update(input.input.bytes)
        for position in 0..<threshold {
            let offset = uniform(below: UInt64(pool.count - position), from: &stream)
            pool.swapAt(position, position + Int(offset))
        }
        return pool.prefix(threshold).sorted()
    }

    /// A big-endian integer modulo a small `modulus`, byte by byte: the running remainder is below
    /// the modulus < 2^56, so `remainder·256 + byte` never overflows 64 bits.
    static func reduce(_ bytes: [UInt8], modulo modulus: Int) -> Int {
        precondition(modulus > 0 && modulus < 1 << 56, "group size out of range")
        let m = UInt64(modulus)
        var remainder: UInt64 = 0
        for byte in bytes { remainder = (remainder << 8 | UInt64(byte)) % m }
        return Int(remainder)
    }

    /// Uniform in [0, bound): 8-byte big-endian draws, rejecting the lowest 2^64 mod bound values
    /// so the accepted range is a multiple of `bound`.
    static func uniform(below bound: UInt64, from stream: inout SHAKE256) -> UInt64 {
        let rejectBelow = (0 &- bound) % bound
        while true {
            let draw = stream.squeeze(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if draw >= rejectBelow { return draw % bound }
        }
    }
}

/// Why a committee could not be chosen.
public enum CommitteeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No signing groups were given.
    case noGroups
    /// The group at `index` has no members.
    case emptyGroup(index: Int)
    /// A party is listed more than once (in one group, in two groups, or among the candidates).
    case duplicateMember(PartyID)
    /// The message hash is not 32 bytes.
    case wrongMessageHashLength(Int)
    /// The threshold is not in 1 … the number of parties.
    case invalidThreshold(threshold: Int, partyCount: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noGroups: "no signing groups given"
        case .emptyGroup(let index): "signing group \(index) is empty"
        case .duplicateMember(let party): "\(party) is listed more than once"
        case .wrongMessageHashLength(let n): "message hash must be 32 bytes, got \(n)"
        case .invalidThreshold(let t, let n): "cannot choose \(t) of \(n) parties"
        }
    }
}
