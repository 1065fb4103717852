import CGGMP
import Foundation
import TSS
import TSSStore

/// A user's registration as a node records it: which key (and epoch) the user signs with. Public.
public struct UserRegistration: Sendable, Equatable, Codable {
    /// The user's identity key, hex.
    public let user: String
    /// The registered key, compressed, hex.
    public let publicKey: String
    /// Its key epoch, hex.
    public let epoch: String
    /// The block the registration was requested at.
    public let blockNumber: UInt64

    /// A record from its parts.
    public init(user: String, publicKey: String, epoch: String, blockNumber: UInt64) {
        self.user = user
        self.publicKey = publicKey
        self.epoch = epoch
        self.blockNumber = blockNumber
    }

    enum CodingKeys: String, CodingKey {
        case user, publicKey = "public_key", epoch, blockNumber = "block_number"
    }
}

extension NodeStore {
    /// The key id prefix of user records (kind `publicKey`, key id `user-<user hex>`, apart from
    /// the registrations' `key-…` ids that ``registeredKeys()`` lists).
    static let userKeyIDPrefix = "user-"
    /// The key id of signing results (kind `journal`, item id the request id).
    static let resultsKeyID = "#results"
    /// The record version of the server's JSON records (user registrations, signing results).
    static let serverRecordVersion: UInt32 = 1

    /// Records which key `registration.user` signs with (replacing an earlier one).
    /// - Throws: ``NodeStoreError/store(_:)``.
    func saveUserRegistration(_ registration: UserRegistration) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in try RecordKey.publicKey(keyID: Self.userKeyIDPrefix + registration.user) }
        try putJSON(registration, at: key)
    }

    /// Every user registration recorded.
    /// - Throws: ``NodeStoreError/store(_:)``, ``NodeStoreError/inconsistentRecord(_:reason:)``.
    func userRegistrations() throws(NodeStoreError) -> [UserRegistration] {
        let keys = try record { () throws(StoreError) in try store.keys(kind: .publicKey) }
        var result: [UserRegistration] = []
        for key in keys where key.keyID.hasPrefix(Self.userKeyIDPrefix) {
            if let value = try getJSON(UserRegistration.self, at: key) { result.append(value) }
        }
        return result
    }

    /// Stores (replacing) a signing result under its request id.
    /// - Throws: ``NodeStoreError/store(_:)``.
    func saveSignatureStatus(_ status: SignatureStatus) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in
            try RecordKey.journal(keyID: Self.resultsKeyID, journalID: status.requestID)
        }
        try putJSON(status, at: key)
    }

    /// Every signing result stored, oldest first.
    /// - Throws: ``NodeStoreError/store(_:)``, ``NodeStoreError/inconsistentRecord(_:reason:)``.
    func signatureStatuses() throws(NodeStoreError) -> [SignatureStatus] {
        let keys = try record { () throws(StoreError) in try store.keys(kind: .journal, keyID: Self.resultsKeyID) }
        var result: [SignatureStatus] = []
        for key in keys {
            if let value = try getJSON(SignatureStatus.self, at: key) { result.append(value) }
        }
        return result
    }

    private func putJSON(_ value: some Encodable, at key: RecordKey) throws(NodeStoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let bytes = try? Array(encoder.encode(value)) else {
            throw .inconsistentRecord(key, reason: "the value does not encode as JSON")
        }
        let stored = StoredRecord(version: Self.serverRecordVersion, payload: bytes)
        try writing { generator throws(StoreError) in try store.put(stored, at: key, using: &generator) }
    }

    private func getJSON<Value: Decodable>(_: Value.Type, at key: RecordKey) throws(NodeStoreError) -> Value? {
        guard let stored = try get(key) else { return nil }
        guard stored.version == Self.serverRecordVersion else {
            throw .inconsistentRecord(key, reason: "record version \(stored.version), expected \(Self.serverRecordVersion)")
        }
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(stored.payload)) else {
            throw .inconsistentRecord(key, reason: "the record does not decode")
        }
        return value
    }
}
