import Bytes
import BigNum
import Paillier

/// One party's public auxiliary data: its Paillier key N_j and its ring-Pedersen parameters
/// (N̂_j, s_j, t_j), both proven well-formed during AuxGen (Πmod, Πfac, Πprm).
public struct PublicAuxInfo: Sendable, Hashable, CustomStringConvertible {
    /// The party's Paillier public key N_j.
    public let paillierKey: PaillierPublicKey
    /// The party's ring-Pedersen parameters (N̂_j, s_j, t_j).
    public let ringPedersen: RingPedersenParameters

    /// Pairs a Paillier key with ring-Pedersen parameters. Checks nothing: the values are trusted only
    /// after AuxGen's proofs, and ``AuxInfo`` decoding re-checks the stored ones.
    public init(paillierKey: PaillierPublicKey, ringPedersen: RingPedersenParameters) {
        self.paillierKey = paillierKey
        self.ringPedersen = ringPedersen
    }

    /// The modulus size only.
    public var description: String { "PublicAuxInfo(N: \(paillierKey.modulus.bitLength) bits)" }
}

/// The output of AuxGen (or of the aux part of KeyRefresh) for one party: its own Paillier secret
/// key and ring-Pedersen trapdoor, and every party's `PublicAuxInfo`. The signing protocols take
/// this together with a key share.
///
/// `description` prints no secret. `encoded` is a versioned binary form for storage; it holds
/// secrets, so store it as such.
public struct AuxInfo: Sendable, CustomStringConvertible {
    /// The party these secrets belong to.
    public let owner: PartyID
    /// The name of the `SchemeParameters` the keys were made and proven for.
    public let parameterSetName: String
    /// The owner's Paillier secret key (p, q of N_owner). Secret.
    public let paillierSecretKey: PaillierSecretKey
    /// The owner's ring-Pedersen trapdoor. Secret.
    public let ringPedersenSecret: RingPedersenSecret
    /// Every party's public data, the owner's included.
    public let publicInfo: [PartyID: PublicAuxInfo]
    /// The safe primes of N̂_owner, as stored (`RingPedersenSecret` keeps them too, but only
    /// package-internally, for its CRT path).
    let ringPedersenPrimes: (p: BigInt, q: BigInt)

    /// - Throws: when the owner's public entry is missing or does not match its secrets, or fewer
    ///   than two parties are present.
    init(owner: PartyID, parameters: SchemeParameters, paillierSecretKey: PaillierSecretKey,
         ringPedersenSecret: RingPedersenSecret, ringPedersenPrimes: (p: BigInt, q: BigInt),
         publicInfo: [PartyID: PublicAuxInfo]) throws(AuxInfoError) {
        try self.init(owner: owner, parameterSetName: parameters.name, paillierSecretKey: paillierSecretKey,
                      ringPedersenSecret: ringPedersenSecret, ringPedersenPrimes: ringPedersenPrimes,
                      publicInfo: publicInfo)
    }

    private init(owner: PartyID, parameterSetName: String, paillierSecretKey: PaillierSecretKey,
                 ringPedersenSecret: RingPedersenSecret, ringPedersenPrimes: (p: BigInt, q: BigInt),
                 publicInfo: [PartyID: PublicAuxInfo]) throws(AuxInfoError) {
        guard publicInfo.count >= 2 else { throw .notEnoughParties(publicInfo.count) }
        guard let own = publicInfo[owner] else { throw .ownerMissing }
        guard own.paillierKey == paillierSecretKey.publicKey, own.ringPedersen == ringPedersenSecret.parameters,
              ringPedersenPrimes.p * ringPedersenPrimes.q == ringPedersenSecret.parameters.modulus
        else { throw .secretsDoNotMatchPublicInfo }
        self.owner = owner
        self.parameterSetName = parameterSetName
        self.paillierSecretKey = paillierSecretKey
        self.ringPedersenSecret = ringPedersenSecret
        self.ringPedersenPrimes = ringPedersenPrimes
        self.publicInfo = publicInfo
    }

    /// The same aux info with every party's ring-Pedersen parameters replaced by `cache`'s equal
    /// value, so that provers committing with them share the tables built for earlier sessions
    /// (issue #13). Nothing else changes: the values are equal.
    public func sharingRingPedersenParameters(_ cache: RingPedersenParametersCache) -> AuxInfo {
        let shared = publicInfo.mapValues {
            PublicAuxInfo(paillierKey: $0.paillierKey, ringPedersen: cache.shared($0.ringPedersen))
        }
        // Equal values, so the checks of the first construction hold again.
        return try! AuxInfo(owner: owner, parameterSetName: parameterSetName, paillierSecretKey: paillierSecretKey,
                            ringPedersenSecret: ringPedersenSecret, ringPedersenPrimes: ringPedersenPrimes,
                            publicInfo: shared)
    }

    /// The parties, sorted.
    public var parties: [PartyID] { publicInfo.keys.sorted() }

    /// The same aux info for a subset of its parties (the signers of one signing session).
    /// - Throws: `.ownerMissing`, `.unknownParty`, `.notEnoughParties`.
    public func restricted(to parties: some Sequence<PartyID>) throws(AuxInfoError) -> AuxInfo {
        var subset: [PartyID: PublicAuxInfo] = [:]
        for party in parties {
            guard let info = publicInfo[party] else { throw .unknownParty(party) }
            subset[party] = info
        }
        return try AuxInfo(owner: owner, parameterSetName: parameterSetName, paillierSecretKey: paillierSecretKey,
                           ringPedersenSecret: ringPedersenSecret, ringPedersenPrimes: ringPedersenPrimes,
                           publicInfo: subset)
    }

    /// Owner and party count: no secret.
    public var description: String { "AuxInfo(owner: \(owner), parties: \(publicInfo.count))" }

    // MARK: Storage encoding

    /// The storage form: magic and version (`EncodingHeader.auxInfo`), then the parameter-set
    /// name, the owner, the Paillier primes, the ring-Pedersen primes, t and λ, and every party's
    /// (id, N, N̂, s, t) in party order.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        writer.write("parameters", bytes: Array(parameterSetName.utf8))
        writer.write("owner", bytes: owner.rawRepresentation)
        writer.write("paillier-p", paillierSecretKey.p)
        writer.write("paillier-q", paillierSecretKey.q)
        writer.write("ring-pedersen-p", ringPedersenPrimes.p)
        writer.write("ring-pedersen-q", ringPedersenPrimes.q)
        writer.write("t", ringPedersenSecret.parameters.t)
        writer.write("lambda", ringPedersenSecret.lambda)
        writer.appendCount(publicInfo.count)
        for party in parties {
            let info = publicInfo[party]!
            writer.write("party", bytes: party.rawRepresentation)
            writer.write("N", info.paillierKey.modulus)
            writer.write("N-hat", info.ringPedersen.modulus)
            writer.write("s", info.ringPedersen.s)
            writer.write("t", info.ringPedersen.t)
        }
        return writer.bytes
    }

    /// Reads `encoded` output made for `parameters`, re-checking what it can: the parameter set,
    /// the primes (Baillie–PSW), every modulus size and ring-Pedersen parameter, the owner's
    /// secrets against its public entry, and the party order.
    /// - Throws: `AuxInfoError` saying what was wrong (`.malformedEncoding` with the field for
    ///   bytes that are not an AuxInfo encoding).
    public init(encoded bytes: [UInt8], parameters: SchemeParameters) throws(AuxInfoError) {
        let fields: StoredFields
        do throws(DecodingError) { fields = try StoredFields(bytes) } catch { throw .malformedEncoding(error) }
        guard fields.name == parameters.name else {
            throw .parameterSetMismatch(expected: parameters.name, found: fields.name)
        }
        var publicInfo: [PartyID: PublicAuxInfo] = [:]
        for (party, n, nHat, s, t) in fields.parties {
            do throws(PaillierError) {
                publicInfo[party] = PublicAuxInfo(
                    paillierKey: try PaillierPublicKey(modulus: n, expectedBits: parameters.modulusBits),
                    ringPedersen: try RingPedersenParameters(modulus: nHat, s: s, t: t, expectedBits: parameters.modulusBits))
            } catch {
                throw .invalidPublicInfo(party, error)
            }
        }
        let paillier: PaillierSecretKey
        let ringPedersen: RingPedersenSecret
        do throws(PaillierError) {
            paillier = try PaillierSecretKey(p: fields.paillierP, q: fields.paillierQ)
            ringPedersen = try RingPedersenSecret(p: fields.rpP, q: fields.rpQ, t: fields.t, lambda: fields.lambda)
        } catch {
            throw .invalidSecret(error)
        }
        try self.init(owner: fields.owner, parameterSetName: fields.name, paillierSecretKey: paillier,
                      ringPedersenSecret: ringPedersen, ringPedersenPrimes: (fields.rpP, fields.rpQ), publicInfo: publicInfo)
    }

    /// The fields of an encoding, read but not yet checked against the parameter set.
    private struct StoredFields {
        let name: String
        let owner: PartyID
        let paillierP: BigInt, paillierQ: BigInt, rpP: BigInt, rpQ: BigInt, t: BigInt, lambda: BigInt
        var parties: [(PartyID, BigInt, BigInt, BigInt, BigInt)] = []

        init(_ bytes: [UInt8]) throws(DecodingError) {
            var reader = try ByteReader(bytes, header: AuxInfo.encodingHeader)
            name = try reader.readString("parameters")
            owner = try reader.readPartyID("owner")
            paillierP = try reader.readBigInt("paillier-p")
            paillierQ = try reader.readBigInt("paillier-q")
            rpP = try reader.readBigInt("ring-pedersen-p")
            rpQ = try reader.readBigInt("ring-pedersen-q")
            t = try reader.readBigInt("t")
            lambda = try reader.readBigInt("lambda")
            let count = try reader.readCount("parties", minimumElementSize: 5 * 5)
            for _ in 0..<count {
                let party = try reader.readPartyID("party")
                if let previous = parties.last?.0, !(previous < party) {
                    throw DecodingError(field: "party", reason: .nonCanonical("parties not in strictly increasing order"))
                }
                parties.append((party, try reader.readBigInt("N"), try reader.readBigInt("N-hat"),
                                try reader.readBigInt("s"), try reader.readBigInt("t")))
            }
            try reader.finish(AuxInfo.encodingHeader.name)
        }
    }
}

extension AuxInfo: VersionedEncoding {
    public static var encodingHeader: EncodingHeader { .auxInfo }
}

/// Why an `AuxInfo` could not be made or decoded. Never carries a secret value.
public enum AuxInfoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not an AuxInfo encoding; the error names the field.
    case malformedEncoding(DecodingError)
    /// The stored aux info was made for another parameter set than the one asked for.
    case parameterSetMismatch(expected: String, found: String)
    /// Fewer than two parties' public entries (the count found).
    case notEnoughParties(Int)
    /// The owner has no public entry.
    case ownerMissing
    /// A party asked for has no aux info.
    case unknownParty(PartyID)
    /// The owner's secrets do not give its public entry.
    case secretsDoNotMatchPublicInfo
    /// A stored secret (Paillier primes, ring-Pedersen primes and λ) fails its own checks; the
    /// Paillier error says which.
    case invalidSecret(PaillierError)
    /// A party's stored public aux info (its Paillier modulus or ring-Pedersen parameters) fails
    /// its checks; the Paillier error says which.
    case invalidPublicInfo(PartyID, PaillierError)

    /// The reason in words; never a secret value.
    public var description: String {
        switch self {
        case .malformedEncoding(let error): "malformed AuxInfo encoding: \(error)"
        case .parameterSetMismatch(let expected, let found): "AuxInfo is for parameter set \(found), expected \(expected)"
        case .notEnoughParties(let count): "AuxInfo needs at least two parties, got \(count)"
        case .ownerMissing: "the owner has no public entry"
        case .unknownParty(let party): "\(party) has no aux info"
        case .secretsDoNotMatchPublicInfo: "the owner's secrets do not match its public entry"
        case .invalidSecret(let what): "stored secret is invalid: \(what)"
        case .invalidPublicInfo(let party, let what): "public aux info of \(party) is invalid: \(what)"
        }
    }
}
