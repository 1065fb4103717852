import ArgumentParser
import CGGMP
import Foundation
import Secp256k1
import Synchronization
import TSSClient

/// `tss demo --network`: the demo over real node processes instead of simulated parties.
///
/// `LocalCluster` starts N `tss node run` children of this executable on loopback; two users
/// register through `ThresholdClient` (one by distributed key generation, one with a key dealt
/// here), each signs a message (HPKE-sealed requests to the committee, polling) and the
/// signatures are checked again here with libsecp256k1. Then the fault: the first member of a
/// message's committee accepts the request and is killed (SIGKILL) before the others are asked;
/// the others, running with a short flow timeout, must report the request failed naming it as
/// unresponsive. The killed node is restarted on its data directory and signs again under the
/// same key. Every phase's wall time goes to stderr; the process exits non-zero unless every
/// signature verified and the fault was reported as expected.
extension Demo {
    /// The flow timeout of the committee members that wait for the killed node: the time the
    /// fault takes to be reported, so short; the rest of the demo uses ``networkFlowTimeout``.
    static let faultFlowTimeout = 10
    /// The node's flow timeout otherwise: registration at production112 on a loaded machine.
    static let networkFlowTimeout = 900

    func runNodeNetwork() async throws {
        let parameterSet = self.parameterSet ?? .production112
        var report = NodeNetworkReport()
        progress("network: \(partyCount) node processes, threshold \(signerCount), parameters \(parameterSet.rawValue)")
        let cluster = try report.timed("keys", progress) {
            try LocalCluster(nodes: partyCount, threshold: signerCount, parameterSet: parameterSet)
        }
        defer { cluster.shutdown() }
        do {
            try await run(on: cluster, report: &report)
        } catch {
            progress("failed: \(error)")
            report.problems.append("\(error)")
        }
        try report.print(json: json, parties: cluster.members.map(\.id), parameters: parameterSet.parameters,
                         signerCount: signerCount, message: messageText, progress: progress)
    }

    private func run(on cluster: LocalCluster, report: inout NodeNetworkReport) async throws {
        try await report.timedAsync("nodes", progress) {
            try await cluster.startAll(flowTimeout: Self.networkFlowTimeout)
        }
        let directory = try cluster.clientDirectory()
        var polling = PollingPolicy()
        polling.deadline = .seconds(Self.networkFlowTimeout)
        let killer = KillOnAccept()
        let transport = KillingTransport(killer: killer)
        var generator = SystemRandomNumberGenerator()
        let dkgUser = ThresholdClient(directory: directory, identity: Ed25519Signer(using: &generator), transport: transport,
                                      polling: polling)
        let dealerUser = ThresholdClient(directory: directory, identity: Ed25519Signer(using: &generator), transport: transport,
                                         polling: polling)
        let registrationTimeout = Duration.seconds(Self.networkFlowTimeout)

        // Registration: each path, until every node holds the key.
        try await report.timedAsync("registerDKG", progress) {
            _ = try await dkgUser.registerDKG(blockNumber: 7)
            try await cluster.waitRegistered(1, timeout: registrationTimeout)
        }
        let dealt = try await report.timedAsync("registerDealer", progress) {
            let result = try await dealerUser.registerDealer(blockNumber: 7)
            try await cluster.waitRegistered(2, timeout: registrationTimeout)
            return result
        }

        // One signature per user.
        let dkgSigned = try await report.timedAsync("signDKG", progress) {
            try await dkgUser.sign(message: Array(messageText.utf8), blockNumber: 9)
        }
        report.users.append(NodeNetworkReport.UserResult(mode: "dkg", result: dkgSigned, expectedKey: nil))
        report.signLatencyMs["dkg"] = report.timings["signDKG"]! * 1000
        let dealerSigned = try await report.timedAsync("signDealer", progress) {
            try await dealerUser.sign(message: Array(messageText.utf8), blockNumber: 9)
        }
        report.users.append(NodeNetworkReport.UserResult(mode: "dealer", result: dealerSigned, expectedKey: dealt.publicKey))
        report.signLatencyMs["dealer"] = report.timings["signDealer"]! * 1000

        // The fault: the first committee member of the message accepts and is killed; the others
        // (restarted with a short flow timeout) must name it.
        let faultMessage = Array((messageText + " (fault)").utf8)
        let committee = try Self.committee(of: faultMessage, dkgUser)
        guard let victimID = committee.first, let victim = cluster.index(of: victimID) else {
            throw DemoError("the fault message has no committee")
        }
        let survivors = committee.dropFirst().compactMap { cluster.index(of: $0) }
        var fault = NodeNetworkReport.Fault(killed: victimID, index: victim)
        try await report.timedAsync("faultSetup", progress) {
            for index in survivors { try await cluster.restart(index, flowTimeout: Self.faultFlowTimeout) }
        }
        progress("fault: node \(victim) (\(hexString(victimID.rawRepresentation).prefix(16))…) is killed once it accepts the request")
        try await report.timedAsync("fault", progress) {
            killer.arm(url: directory.member(victimID)!.httpEndpoint) { cluster.kill(victim) }
            do {
                _ = try await dkgUser.sign(message: faultMessage, blockNumber: 10)
                fault.clientError = "none: the signing succeeded"
            } catch {
                fault.clientError = "\(error)"
            }
            guard let requestID = killer.requestID else { throw DemoError("the victim never accepted the request") }
            fault.requestID = requestID
            // Every other committee member reports the request failed, naming the killed node.
            let deadline = ContinuousClock.now + .seconds(Self.faultFlowTimeout + 60)
            for index in survivors {
                fault.reports.append(try await Self.failure(of: requestID, at: index, in: cluster, until: deadline))
            }
        }

        // The killed node on its data directory; the others with the normal flow timeout again.
        try await report.timedAsync("restart", progress) {
            try await cluster.start(victim, flowTimeout: Self.networkFlowTimeout)
            for index in survivors { try await cluster.restart(index, flowTimeout: Self.networkFlowTimeout) }
        }
        // A message whose committee includes the restarted node (committees are chosen from the hash).
        var afterMessage = Array((messageText + " (after restart)").utf8)
        var attempt = 0
        while try !Self.committee(of: afterMessage, dkgUser).contains(victimID), attempt < 64 {
            attempt += 1
            afterMessage = Array((messageText + " (after restart \(attempt))").utf8)
        }
        let after = try await report.timedAsync("signAfterRestart", progress) {
            try await dkgUser.sign(message: afterMessage, blockNumber: 11)
        }
        report.signLatencyMs["afterRestart"] = report.timings["signAfterRestart"]! * 1000
        fault.afterRestart = NodeNetworkReport.UserResult(mode: "dkg", result: after, expectedKey: dkgSigned.publicKey)
        fault.restartedSigned = after.signers.contains(victimID)
        report.fault = fault
    }

    /// The committee that signs `message` (SHA-256), as every node chooses it.
    static func committee(of message: [UInt8], _ client: ThresholdClient) throws -> [PartyID] {
        try client.committee(forMessageHash: try MessageHashing.sha256.prehash(of: message).rawRepresentation)
    }

    /// Polls `/signer/signature` of node `index` until the request is no longer pending; its
    /// failure report (a signed or missing request is a problem the report shows).
    private static func failure(of requestID: String, at index: Int, in cluster: LocalCluster,
                                until deadline: ContinuousClock.Instant) async throws -> NodeNetworkReport.SurvivorReport {
        let body = Array(#"{"request_id":"\#(requestID)"}"#.utf8)
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            if let (status, data) = await cluster.post(index, "/signer/signature", body), status == 200,
               let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
                last = object
                if object["status"] as? String != "pending" { break }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        let failure = last["failure"] as? [String: Any]
        return NodeNetworkReport.SurvivorReport(node: cluster.members[index].id, status: last["status"] as? String ?? "no answer",
                                                reason: failure?["reason"] as? String,
                                                unresponsive: failure?["unresponsive"] as? [String] ?? [],
                                                culprit: failure?["culprit"] as? String)
    }
}

/// Where the demo's transport kills a node: armed with a node's endpoint, it runs its action once,
/// right after that node accepted a signing request (`/user/sign_tx` answered 2xx), and keeps
/// the request id from the answer.
final class KillOnAccept: Sendable {
    private struct State {
        var url: URL?
        var action: (@Sendable () -> Void)?
        var requestID: String?
    }
    private let state = Mutex(State())

    func arm(url: URL, action: @escaping @Sendable () -> Void) {
        state.withLock { $0 = State(url: url, action: action, requestID: nil) }
    }

    var requestID: String? { state.withLock { $0.requestID } }

    func accepted(_ url: URL, answer: HTTPAnswer) {
        guard url.path.hasSuffix("/user/sign_tx"), (200..<300).contains(answer.status) else { return }
        let action: (@Sendable () -> Void)? = state.withLock { state in
            guard let armed = state.url, url.host == armed.host, url.port == armed.port, let action = state.action else { return nil }
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            state.requestID = object?["request_id"] as? String
            state.action = nil
            return action
        }
        action?()
    }
}

/// `URLSessionTransport` with a ``KillOnAccept`` looking at every answer.
struct KillingTransport: ClientTransport {
    let killer: KillOnAccept
    let inner = URLSessionTransport()

    func post(_ url: URL, body: [UInt8]) async throws -> HTTPAnswer {
        let answer = try await inner.post(url, body: body)
        killer.accepted(url, answer: answer)
        return answer
    }
}
