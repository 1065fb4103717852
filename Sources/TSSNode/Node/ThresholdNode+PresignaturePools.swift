import CGGMP
import Secp256k1
import TSS

/// The presignature pool filler.
///
/// With ``ThresholdNode/Configuration/presignaturePoolTarget`` above 0, every
/// ``ThresholdNode/Configuration/poolCheckInterval`` the node looks at each pool it can sign
/// from — every registered key (root path "m"), every committee of the directory's signing groups
/// that includes it (`SigningCommittee.committees(fromGroups:including:)`) — and, for a pool
/// below the target with no fill under way, fills it at the pool's lowest unclaimed index.
///
/// How the signers agree on the index without a coordinator or an extra message:
/// - every signer of a pool fills one presigning at a time, at the lowest index it has not
///   claimed (`NodeStore.isSessionIDUsed`), so signers that took part in the same presignings
///   pick the same next index;
/// - a fill first opens the presigning session's channels to every other signer and claims the
///   index (creates the flow, whose session id the store's registry then never lets run again)
///   only once they are up. A signer that is down or busy makes the others wait at that index,
///   however long: a fill whose channels did not open within
///   ``ThresholdNode/Configuration/poolChannelWait`` claimed nothing and tries the same index
///   again. So no signer moves on to a new index alone;
/// - a presigning that fails after its channels opened does so on every signer (a fault, or a
///   timeout), and each has claimed its index, so all move to the next one. A restored fill
///   (after a restart) had its channels open and was claimed by every signer.
///
/// How the pools stay in step: a signing takes each signer's oldest presignature. If a signing
/// reached only some signers (a node was down), their pools are one short and the next pooled
/// signing names different presignatures — it fails, unattributed
/// (`FlowError.differentPresignatures`), and every signer of it drains the pool: all its
/// presignatures are dropped and the filler starts again from the same index on every signer.
/// The client's retry (next attempt) presigns interactively.
extension ThresholdNode {
    /// One look at the pools: starts the fills that are due and updates the gauge.
    func fillPools() {
        guard isRunning, configuration.presignaturePoolTarget > 0 else { return }
        let committees: [[PartyID]]
        do { committees = try SigningCommittee.committees(fromGroups: directory.signingGroups, including: me) } catch {
            logger.error("pool filler: no committees", metadata: ["error": "\(error)"])
            return
        }
        // The counts read here are the gauge's: no second pass over the store.
        var pooled = 0
        defer { metrics.presignaturesPooled.set(Double(pooled)) }
        for registration in userKeys.values.sorted(by: { $0.user < $1.user }) {
            guard let user = decodeHex(registration.user) else { continue }
            let childKey: Point, epoch: KeyEpoch
            do {
                childKey = try childPublicKey(registration, path: "m")
                epoch = try Self.epoch(registration)
            } catch {
                logger.warning("pool filler: cannot fill", metadata: ["user": "\(registration.user)", "error": "\(error)"])
                continue
            }
            for signers in committees {
                do {
                    let pool = PresignaturePool.keyID(publicKey: childKey, epoch: epoch, signers: signers)
                    let count = try store.presignatureCount(pool: pool)
                    pooled += count
                    guard count < configuration.presignaturePoolTarget, poolFills[pool] == nil else { continue }
                    let index = try nextPoolIndex(pool: pool, user: user, signers: signers, childKey: childKey, epoch: epoch,
                                                  blockNumber: registration.blockNumber)
                    let sessionID = try SessionID(kind: .presigning(publicKey: childKey, epoch: epoch, poolIndex: index),
                                                  participants: signers, user: user, blockNumber: registration.blockNumber)
                    let marker = "opening:\(index)"
                    poolFills[pool] = marker
                    poolOpenings[pool] = Task {
                        await self.openThenFill(pool: pool, marker: marker, user: user, signers: signers, index: index,
                                                sessionID: sessionID)
                    }
                } catch {
                    logger.warning("pool filler: cannot fill", metadata: ["user": "\(registration.user)", "error": "\(error)"])
                }
            }
        }
    }

    /// Waits until every other signer opened the presigning session's channels, then claims the
    /// index and starts the presigning. Nothing is claimed when the channels do not open in time:
    /// the next look tries the same index.
    private func openThenFill(pool: String, marker: String, user: [UInt8], signers: [PartyID], index: UInt64,
                              sessionID: SessionID) async {
        defer { poolOpenings[pool] = nil }
        do {
            try await transport.openSession(sessionID, committee: signers.sorted(),
                                            deadline: .now + configuration.poolChannelWait)
        } catch {
            if poolFills[pool] == marker { poolFills[pool] = nil }
            await transport.closeSession(sessionID)
            logger.info("pool filler: signers not there yet; the same index again later",
                        metadata: ["pool": "\(pool)", "index": "\(index)", "error": "\(error)"])
            return
        }
        guard isRunning, poolFills[pool] == marker else { return }
        poolFills[pool] = nil
        do {
            let id = try startPresigning(user: user, signers: signers, poolIndex: index, derivationPath: "m",
                                         channelWait: configuration.flowTimeout)
            poolCursors[pool] = index + 1
            logger.info("pool filler: presigning", metadata: ["pool": "\(pool)", "index": "\(index)", "flow": "\(id)"])
        } catch {
            logger.warning("pool filler: cannot start", metadata: ["pool": "\(pool)", "index": "\(index)", "error": "\(error)"])
        }
    }

    /// The lowest pool index this node has not claimed, from the cached cursor on.
    private func nextPoolIndex(pool: String, user: [UInt8], signers: [PartyID], childKey: Point, epoch: KeyEpoch,
                               blockNumber: UInt64) throws -> UInt64 {
        var index = poolCursors[pool] ?? 0
        while true {
            let sessionID = try SessionID(kind: .presigning(publicKey: childKey, epoch: epoch, poolIndex: index),
                                          participants: signers, user: user, blockNumber: blockNumber)
            if try !store.isSessionIDUsed(sessionID) { break }
            index += 1
        }
        poolCursors[pool] = index
        return index
    }

    /// Drops every presignature of `pool`: the signers' pools were out of step (see above).
    func drain(pool: String) {
        do {
            var dropped = 0
            while let taken = try store.takeOldestPresignature(pool: pool) {
                _ = taken.slot.take()
                dropped += 1
            }
            logger.notice("pool drained: signers used different presignatures", metadata: ["pool": "\(pool)", "dropped": "\(dropped)"])
        } catch {
            logger.error("cannot drain a pool", metadata: ["pool": "\(pool)", "error": "\(error)"])
        }
        updatePooledGauge()
    }

    /// Recounts the presignatures in the pools the filler keeps (`tss_presignatures_pooled`);
    /// after a drain (rare). A take or a finished presigning moves it by one (``poolGaugeMoved(by:)``).
    func updatePooledGauge() {
        guard configuration.presignaturePoolTarget > 0,
              let committees = try? SigningCommittee.committees(fromGroups: directory.signingGroups, including: me) else { return }
        var pooled = 0
        for registration in userKeys.values {
            guard let childKey = try? childPublicKey(registration, path: "m"), let epoch = try? Self.epoch(registration) else { continue }
            for signers in committees {
                pooled += (try? store.presignatureCount(pool: PresignaturePool.keyID(publicKey: childKey, epoch: epoch,
                                                                                     signers: signers))) ?? 0
            }
        }
        metrics.presignaturesPooled.set(Double(pooled))
    }

    /// One presignature more (+1) or fewer (−1) in a pool, without recounting (a signing's path).
    func poolGaugeMoved(by change: Int) {
        guard configuration.presignaturePoolTarget > 0 else { return }
        metrics.presignaturesPooled.increment(by: Double(change))
    }
}
