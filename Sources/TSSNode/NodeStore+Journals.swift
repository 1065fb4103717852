import Bytes
import CGGMP
import TSS
import TSSStore

extension NodeStore {
    /// The key id every journal is stored under (its item id is the journal id).
    public static let journalKeyID = "#journals"

    /// The journal id of a CGGMP session: its protocol tag, "@", the lowercase hex of its session
    /// id. Both are public, and the id says which session a listed journal belongs to. Never fails
    /// (a tag and id too long for a record key are refused when used).
    public static func journalID(protocolTag: String, sessionID: [UInt8]) -> String {
        protocolTag + "@" + hex(sessionID)
    }

    /// Stores (replacing) a journal under `id`: `journal.encoded` under its type's
    /// `encodingVersion`. One-time journals (presigning, signing) are restored only through
    /// ``takeJournal(id:)``.
    /// - Parameters:
    ///   - journal: the journal (`SessionJournal`, or any versioned encoding a flow keeps).
    ///   - id: its id (``journalID(protocolTag:sessionID:)``); stored in clear, so never a secret.
    /// - Throws: ``NodeStoreError/store(_:)`` (`StoreError.invalidRecordKey` for a bad id).
    public func saveJournal<Journal: VersionedEncoding>(_ journal: Journal, id: String) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in try RecordKey.journal(keyID: Self.journalKeyID, journalID: id) }
        try put(journal, at: key)
    }

    /// Removes and returns the journal `id` (its version and bytes; check the version with
    /// `StoredRecord.payload(as:)`), or nil when there is none. Atomic: of concurrent takers (two
    /// processes on one file, a crash loop) at most one receives it.
    /// - Throws: ``NodeStoreError/store(_:)`` (authentication — the journal stays —, a bad id).
    public func takeJournal(id: String) throws(NodeStoreError) -> StoredRecord? {
        try record { () throws(StoreError) in try store.takeJournal(keyID: Self.journalKeyID, journalID: id) }
    }

    /// The ids of the stored journals, oldest first (metadata only).
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func journalIDs() throws(NodeStoreError) -> [String] {
        try record { () throws(StoreError) in try store.keys(kind: .journal, keyID: Self.journalKeyID) }.map(\.itemID)
    }
}

extension NodeStore: SessionJournalStore {
    /// Stores (replacing) the `SessionJournal` encoding `encoded` of (`protocolTag`, `sessionID`)
    /// under ``journalID(protocolTag:sessionID:)`` and `SessionJournal.encodingVersion`
    /// (`JournaledSession.save(to:)` calls this).
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func saveJournal(_ encoded: [UInt8], protocolTag: String, sessionID: [UInt8]) throws(NodeStoreError) {
        let key = try record { () throws(StoreError) in
            try RecordKey.journal(keyID: Self.journalKeyID, journalID: Self.journalID(protocolTag: protocolTag, sessionID: sessionID))
        }
        let stored = StoredRecord(version: UInt32(SessionJournal.encodingVersion), payload: encoded)
        try writing { generator throws(StoreError) in try store.put(stored, at: key, using: &generator) }
    }

    /// Removes and returns the journal of (`protocolTag`, `sessionID`), or nil. Atomic; a journal
    /// of another encoding version is refused and stays.
    /// - Throws: ``NodeStoreError/store(_:)`` (`StoreError.encodingVersionMismatch`, authentication).
    public func takeJournal(protocolTag: String, sessionID: [UInt8]) throws(NodeStoreError) -> [UInt8]? {
        try record { () throws(StoreError) in
            try store.takeJournal(keyID: Self.journalKeyID,
                                  journalID: Self.journalID(protocolTag: protocolTag, sessionID: sessionID)) { stored throws(StoreError) in
                try stored.payload(as: SessionJournal.self)
            }
        }
    }
}

extension NodeStore: FlowJournalStore {
    /// The store id of a flow journal: "flow:" and the journal's own id, apart from the CGGMP
    /// session journals' "tag@hex" ids.
    public static func flowJournalID(_ id: String) -> String { "flow:" + id }

    /// Stores (replacing) `journal` under ``flowJournalID(_:)`` and `FlowJournal.encodingVersion`.
    /// A server calls this for every `PartyDriver.Action.persist`.
    /// - Throws: ``NodeStoreError/store(_:)``.
    public func saveFlowJournal(_ journal: FlowJournal) throws(NodeStoreError) {
        try saveJournal(journal, id: Self.flowJournalID(journal.id))
    }

    /// Removes and returns the flow journal `id`, or nil. Atomic; a record of another encoding
    /// version or one that does not decode is refused and stays.
    /// - Throws: ``NodeStoreError/store(_:)`` (`StoreError.malformedRecord` for bytes that are no
    ///   flow journal, `.encodingVersionMismatch`).
    public func takeFlowJournal(id: String) throws(NodeStoreError) -> FlowJournal? {
        let key = try record { () throws(StoreError) in
            try RecordKey.journal(keyID: Self.journalKeyID, journalID: Self.flowJournalID(id))
        }
        return try record { () throws(StoreError) in
            try store.takeJournal(keyID: Self.journalKeyID, journalID: Self.flowJournalID(id)) { record throws(StoreError) in
                let payload = try record.payload(as: FlowJournal.self)
                do { return try FlowJournal(encoded: payload) } catch {
                    throw .malformedRecord(key, reason: "\(error)")
                }
            }
        }
    }
}
