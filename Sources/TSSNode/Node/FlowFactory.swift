import Bytes
import CGGMP
import Paillier
import Secp256k1
import TSS

/// Builds a node's flows from their tickets (``FlowTicket``, the journal's entry), the same way
/// when a flow starts and when it is restored from its journal after a restart.
struct FlowFactory: Sendable {
    let identity: Ed25519Signer
    let store: NodeStore
    let parameters: SchemeParameters
    /// Every loaded registration's ring-Pedersen parameters go through this cache, so a peer's
    /// committer tables are built once per process rather than once per presigning.
    let ringPedersenCache: RingPedersenParametersCache

    func registration() -> JournaledFlow<RegistrationFlow>.MakeFlow {
        { [identity, parameters] registry, entry throws(FlowError) in
            let ticket = try FlowTicket(entry: entry)
            let plan = try RegistrationPlan(committee: ticket.partyIDs(), threshold: ticket.threshold ?? 0,
                                            user: ticket.userBytes(), blockNumber: ticket.blockNumber)
            return try RegistrationFlow(plan: plan, signer: identity, parameters: parameters, primes: ticket.auxPrimes(),
                                        usedSessionIDs: registry)
        }
    }

    func dealerAuxGen() -> JournaledFlow<AuxGenFlow>.MakeFlow {
        { [identity, parameters] registry, entry throws(FlowError) in
            let ticket = try FlowTicket(entry: entry)
            return try AuxGenFlow(committee: ticket.partyIDs(), user: ticket.userBytes(), blockNumber: ticket.blockNumber,
                                  signer: identity, parameters: parameters, primes: ticket.auxPrimes(), usedSessionIDs: registry)
        }
    }

    func presign() -> JournaledFlow<PresignFlow>.MakeFlow {
        { [identity, parameters, store, ringPedersenCache] registry, entry throws(FlowError) in
            let ticket = try FlowTicket(entry: entry)
            let registered = try Self.registration(ticket, store: store, cache: ringPedersenCache)
            return try PresignFlow(user: ticket.userBytes(), blockNumber: ticket.blockNumber,
                                   derivationPath: ticket.derivationPath ?? "m", signers: ticket.partyIDs(),
                                   poolIndex: ticket.poolIndex ?? 0, keyShare: registered.keyShare,
                                   auxInfo: registered.auxInfo, usedSessionIDs: registry, signer: identity,
                                   parameters: parameters)
        }
    }

    func signing() -> JournaledFlow<SigningFlow>.MakeFlow {
        { [identity, parameters, store, ringPedersenCache] registry, entry throws(FlowError) in
            let ticket = try FlowTicket(entry: entry)
            let registered = try Self.registration(ticket, store: store, cache: ringPedersenCache)
            let request = try Self.signingRequest(ticket)
            var slot: PresignatureSlot?
            if let text = ticket.presignature {
                let bytes = try FlowTicket.hexField(text, "presignature")
                guard let presignature = try? Presignature(encoded: bytes, parameters: parameters) else {
                    throw .outOfOrder("ticket: the presignature does not decode")
                }
                slot = PresignatureSlot(presignature)
            }
            return try SigningFlow(request: request, keyShare: registered.keyShare, auxInfo: registered.auxInfo,
                                   presignature: slot, usedSessionIDs: registry, signer: identity, parameters: parameters)
        }
    }

    static func signingRequest(_ ticket: FlowTicket) throws(FlowError) -> SigningRequest {
        guard let text = ticket.prehash, let prehash = try? Prehash(rawRepresentation: FlowTicket.hexField(text, "prehash")) else {
            throw .outOfOrder("ticket: bad prehash")
        }
        return try SigningRequest(user: ticket.userBytes(), blockNumber: ticket.blockNumber, prehash: prehash,
                                  derivationPath: ticket.derivationPath ?? "m", signers: ticket.partyIDs(),
                                  attempt: ticket.attempt ?? 0)
    }

    /// The pool a presigning ticket fills (its child key, epoch and signers).
    static func presignPool(_ ticket: FlowTicket) throws(FlowError) -> String {
        let key = try ticket.point()
        let child: Point
        do throws(BIP32Error) {
            let root = try ExtendedPublicKey(publicKey: key, chainCode: SigningFlow.chainCode(for: key))
            child = try root.derive(path: ticket.derivationPath ?? "m").key.publicKey
        } catch {
            throw .setupFailed(phase: nil, .keyDerivation(error))
        }
        return PresignaturePool.keyID(publicKey: child, epoch: try ticket.keyEpoch(), signers: try ticket.partyIDs())
    }

    static func registration(_ ticket: FlowTicket, store: NodeStore,
                             cache: RingPedersenParametersCache) throws(FlowError) -> RegistrationOutput {
        let publicKey = try ticket.point(), epoch = try ticket.keyEpoch()
        let loaded: RegistrationOutput?
        do { loaded = try store.loadRegistration(publicKey: publicKey, epoch: epoch) } catch {
            throw .outOfOrder("the registration could not be loaded: \(error)")
        }
        guard let loaded else { throw .outOfOrder("no registration for the ticket's key") }
        return RegistrationOutput(keyShare: loaded.keyShare, auxInfo: loaded.auxInfo.sharingRingPedersenParameters(cache))
    }
}
