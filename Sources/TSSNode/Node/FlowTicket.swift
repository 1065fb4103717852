import BigNum
import Bytes
import CGGMP
import Foundation
import Secp256k1
import TSS

/// Everything a node needs to rebuild one of its flows after a restart, kept as the flow journal's
/// secret *entry* (`JournaledFlow`'s `entry`, encrypted in the store with the journal, wiped
/// when the flow finishes): the request's public inputs and the secret inputs the node could not
/// get back — its AuxGen primes, a dealt key share, a presignature taken from the pool.
///
/// JSON with hex fields; never logged, never returned.
struct FlowTicket: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        /// Distributed registration (`RegistrationFlow`).
        case registration
        /// AuxGen after a dealt share was accepted (`AuxGenFlow`); the share is in `dealtShare`.
        case dealer
        /// Presigning into the pool (`PresignFlow`).
        case presign
        /// Signing (`SigningFlow`).
        case sign
    }

    var kind: Kind
    var user: String
    var blockNumber: UInt64
    /// Registration: the committee; presigning and signing: the signers (hex ids).
    var parties: [String]
    var threshold: Int?
    /// The four AuxGen primes, hex (registration, dealer). Secret.
    var primes: [String]?
    /// `ThresholdKeyShare.encoded`, hex (dealer). Secret.
    var dealtShare: String?
    /// The registered key, compressed, hex (presign, sign).
    var publicKey: String?
    /// Its key epoch, hex (presign, sign).
    var epoch: String?
    var prehash: String?
    var derivationPath: String?
    var attempt: UInt64?
    var poolIndex: UInt64?
    /// `Presignature.encoded`, hex (sign with a pooled presignature). Secret.
    var presignature: String?
    /// The message as the user sent it, hex (sign: for the record only).
    var message: String?

    /// The flow id of this ticket's flow (public; the journal's id).
    static func flowID(kind: Kind, sessionID: SessionID) -> String {
        kind.rawValue + ":" + hexString(sessionID.rawRepresentation)
    }

    /// The kind a flow id names.
    static func kind(ofFlowID id: String) -> Kind? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        return Kind(rawValue: String(id[..<colon]))
    }

    var secretEntry: SecretBytes {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SecretBytes((try? Array(encoder.encode(self))) ?? [])
    }

    init(kind: Kind, user: [UInt8], blockNumber: UInt64, parties: [PartyID]) {
        self.kind = kind
        self.user = hexString(user)
        self.blockNumber = blockNumber
        self.parties = parties.map { hexString($0.rawRepresentation) }
    }

    /// Reads the entry of a journal.
    init(entry: SecretBytes?) throws(FlowError) {
        guard let entry else { throw .outOfOrder("the flow journal has no node ticket") }
        do {
            self = try JSONDecoder().decode(FlowTicket.self, from: Data(entry.unprotectedCopy))
        } catch {
            throw .outOfOrder("the flow journal's entry is not a node ticket")
        }
    }

    // MARK: Typed fields

    func userBytes() throws(FlowError) -> [UInt8] { try Self.hexField(user, "user") }

    func partyIDs() throws(FlowError) -> [PartyID] {
        var result: [PartyID] = []
        for text in parties {
            guard let id = try? PartyID(rawRepresentation: try Self.hexField(text, "parties")) else {
                throw .outOfOrder("ticket: bad party id")
            }
            result.append(id)
        }
        return result
    }

    func auxPrimes() throws(FlowError) -> AuxGenPrimes {
        guard let primes, primes.count == 4 else { throw .outOfOrder("ticket: no AuxGen primes") }
        var values: [BigInt] = []
        for text in primes {
            guard let value = try? BigInt(hex: text) else { throw .outOfOrder("ticket: bad prime") }
            values.append(value)
        }
        return AuxGenPrimes(paillierP: values[0], paillierQ: values[1], ringPedersenP: values[2], ringPedersenQ: values[3])
    }

    static func encodePrimes(_ primes: AuxGenPrimes) -> [String] {
        [primes.paillierP, primes.paillierQ, primes.ringPedersenP, primes.ringPedersenQ].map(\.hexString)
    }

    func point() throws(FlowError) -> Point {
        guard let publicKey, let point = try? Point(sec1Representation: Self.hexField(publicKey, "public_key")) else {
            throw .outOfOrder("ticket: bad public key")
        }
        return point
    }

    func keyEpoch() throws(FlowError) -> KeyEpoch {
        guard let epoch, let value = try? KeyEpoch(rawRepresentation: Self.hexField(epoch, "epoch")) else {
            throw .outOfOrder("ticket: bad key epoch")
        }
        return value
    }

    static func hexField(_ text: String, _ name: String) throws(FlowError) -> [UInt8] {
        guard let bytes = decodeHex(text) else { throw .outOfOrder("ticket: \(name) is not hex") }
        return bytes
    }
}
