import Synchronization

/// What the API reads about registrations and signing requests, behind its own lock rather than
/// the node actor: a poll of `/signer/signature` or `/healthz` answers at once even while the
/// actor is busy verifying a round's proofs (seconds at the production parameter sets). The
/// actor writes it; anyone reads it. Public data only (statuses, reports, counts).
final class StatusBoard: Sendable {
    private struct Tables {
        var registrations: [String: RegistrationStatus] = [:]
        var signatures: [String: SignatureStatus] = [:]
        var requestsByHash: [String: String] = [:]
        var runningFlows = 0
        var registeredUsers = 0
        var isRunning = false
    }

    private let tables = Mutex(Tables())

    func registration(_ user: String) -> RegistrationStatus? { tables.withLock { $0.registrations[user] } }

    func setRegistration(_ user: String, _ state: RegistrationStatus) { tables.withLock { $0.registrations[user] = state } }

    func signature(_ requestID: String) -> SignatureStatus? { tables.withLock { $0.signatures[requestID] } }

    /// The latest request of a message hash.
    func signature(messageHash: String) -> SignatureStatus? {
        tables.withLock { tables in tables.requestsByHash[messageHash].flatMap { tables.signatures[$0] } }
    }

    /// Records `status`; a new request id also becomes its message hash's latest.
    func setSignature(_ status: SignatureStatus) {
        tables.withLock { tables in
            if tables.signatures[status.requestID] == nil { tables.requestsByHash[status.messageHash] = status.requestID }
            tables.signatures[status.requestID] = status
        }
    }

    var counts: (isRunning: Bool, runningFlows: Int, registeredUsers: Int) {
        tables.withLock { ($0.isRunning, $0.runningFlows, $0.registeredUsers) }
    }

    func setCounts(isRunning: Bool, runningFlows: Int, registeredUsers: Int) {
        tables.withLock {
            $0.isRunning = isRunning
            $0.runningFlows = runningFlows
            $0.registeredUsers = registeredUsers
        }
    }
}
