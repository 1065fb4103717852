import BigNum
import Bytes
import CGGMP
import Dispatch
import Foundation
import Hashing
import Secp256k1
import TSS
import TSSNode

/// The honest `tss demo`: the network's flows, each party through its own `PartyDriver` with its
/// own encrypted `NodeStore`, over `DemoNetwork`.
///
/// Registration run: identities (seeds kept in the stores) → `RegistrationFlow` among all N with
/// threshold T (founders chosen by the plan; AuxGen primes generated first and carried as the
/// journal's entry, so a crashed party gets them back from its store) → every party saves its
/// `RegistrationOutput` → `demo.json` (with `--data`) → two `PresignFlow`s (pool indices 0 and 1)
/// among the signers, the last T parties in identity order, into their pools → `SigningFlow` from
/// a pooled presignature (the journal's entry) → verified with libsecp256k1.
///
/// `--sign MESSAGE`: reads `demo.json`, opens every party's store, and signs from the stores
/// alone: the lowest presignature id present in every signer's pool, or presigning on demand
/// inside the signing flow when there is none.
extension Demo {
    /// The account the demo registers its key for.
    static let user = "tss demo"
    /// Registration takes block 1, the pool block 2, the first signing block 3.
    private static let registrationBlock: UInt64 = 1, poolBlock: UInt64 = 2, firstSigningBlock: UInt64 = 3

    func runFlows() throws {
        var report: FlowReport
        if let sign, let data {
            report = try signAgain(message: sign, directory: DemoDirectory.forSigning(data))
        } else {
            report = try register()
        }
        try report.print(json: json, progress: progress)
    }

    // MARK: Registration run

    private func register() throws -> FlowReport {
        let parameterSet = self.parameterSet ?? .production112
        let parameters = parameterSet.parameters
        let directory = try data.map { (path) throws(DemoDataError) in try DemoDirectory.forRegistration(path) }
        var system = SystemRandomNumberGenerator()

        // Identities: seeds drawn here, kept in each party's store; party i is the i-th in identity order.
        let seeds = try (0..<partyCount).map { _ in
            let seed = SecretBytes(randomBytes(32, using: &system))
            return (party: try Ed25519Signer(seed: seed.unprotectedCopy).partyID, seed: seed)
        }.sorted { $0.party < $1.party }
        var parties: [DemoParty] = []
        for (index, entry) in seeds.enumerated() {
            let store = try directory?.createStore(index: index, parameters: parameters)
                ?? DemoDirectory.memoryStore(parameters: parameters)
            try store.saveIdentitySeed(entry.seed)
            guard let identity = try store.loadIdentitySigner() else { throw DemoError("party \(index): no identity stored") }
            parties.append(DemoParty(index: index, identity: identity, store: store))
        }
        let signers = Array(parties.suffix(signerCount))
        let user = Array(Self.user.utf8)
        let plan = try RegistrationPlan(committee: parties.map(\.party), threshold: signerCount, user: user,
                                        blockNumber: Self.registrationBlock)
        let network = DemoNetwork(parties: parties, progress: demoProgress)
        var report = FlowReport(parties: parties.map(\.party), signerCount: signerCount, parameters: parameters,
                                message: messageText, directory: directory?.path)
        if let crashAfter {
            // The crashing party sends in the phase: a founder in registration, a signer after.
            let crashing = RegistrationFlow.phases.contains(crashAfter)
                ? parties.first { $0.party == plan.founders.last }! : signers.last!
            crashing.crashAfter = crashAfter
            progress("party \(crashing.index) will crash after its first \(crashAfter.rawValue) message")
        }

        // AuxGen primes, per party (both cores each).
        let primes = report.timed("AuxGen primes", "primes", progress) {
            parties.map { party in
                var generator = ChaChaRandom(seed: randomBytes(32, using: &system))
                return AuxGenPrimes.generate(parameters: parameters, using: &generator, workers: 2) { step in
                    progress("party \(party.index + 1)/\(parties.count): \(step) done")
                }
            }
        }

        // Registration: KeyInit among the founders → old-key handover → KeyResharing → AuxGen.
        progress("registration: \(partyCount) parties, threshold \(signerCount), founders "
                 + plan.founders.map { founder in String(parties.firstIndex { $0.party == founder }!) }.joined(separator: ", "))
        try report.timed("registration", "registration", progress) {
            for party in parties {
                let partyPrimes = primes[party.index]
                let flow = try JournaledFlow(id: "registration", seed: Self.flowSeed(), entry: DemoPrimes.encode(partyPrimes),
                                             usedSessionIDs: party.store,
                                             makeFlow: Self.registration(plan, party.identity, partyPrimes, parameters))
                try network.start(flow, on: party, phases: plan.routes) { party in
                    guard let journal = try party.store.takeFlowJournal(id: "registration") else {
                        throw DemoError("party \(party.index): no registration journal to restore")
                    }
                    let primes = try DemoPrimes.decode(journal.entry)
                    let restored = try JournaledFlow<RegistrationFlow>.restore(
                        journal, makeFlow: Self.registration(plan, party.identity, primes, parameters))
                    return (restored.journal.events.count, try party.driver.start(restored))
                }
            }
            try network.run()
        }
        var publicKey: Point?
        for party in parties {
            guard let output = party.driver.output(of: "registration", as: RegistrationFlow.self) else {
                throw DemoError("party \(party.index): registration gave no output")
            }
            try party.store.save(output)
            party.driver.removeOutput(of: "registration")
            if let publicKey, publicKey != output.keyShare.publicKey {
                throw DemoError("the parties registered different keys")
            }
            publicKey = output.keyShare.publicKey
        }
        guard let publicKey else { throw DemoError("no registration") }
        report.publicKey = publicKey
        try directory?.writeManifest(DemoManifest(
            parties: parties.map { hex($0.party.rawRepresentation) }, threshold: signerCount, params: parameterSet.rawValue,
            user: Self.user, publicKey: hex(publicKey.compressedRepresentation),
            signers: signers.map { hex($0.party.rawRepresentation) },
            nextBlock: Self.firstSigningBlock + 1, nextPoolIndex: UInt64(Self.poolSize)))

        // The presignature pool: the signers run PresignFlow for pool indices 0 and 1 at once.
        try report.timed("presign (pool of \(Self.poolSize))", "presign", progress) {
            try fillPool(signers: signers, publicKey: publicKey, user: user, network: network, parameters: parameters)
        }
        try sign(messageText, blockNumber: Self.firstSigningBlock, user: user, publicKey: publicKey, signers: signers,
                 network: network, parameters: parameters, into: &report)
        report.recovery = parties.compactMap(\.recovery).first
        if let crashAfter, report.recovery == nil {
            throw DemoError("--crash-after \(crashAfter.rawValue): the party never sent a message in that phase")
        }
        return report
    }

    private func fillPool(signers: [DemoParty], publicKey: Point, user: [UInt8], network: DemoNetwork,
                          parameters: SchemeParameters) throws {
        let signerIDs = signers.map(\.party)
        var sessionIDs: [UInt64: SessionID] = [:]
        for poolIndex in 0..<UInt64(Self.poolSize) {
            let id = "presign-\(poolIndex)"
            for party in signers {
                let registration = try Self.loadRegistration(party, publicKey)
                let flow = try JournaledFlow(id: id, seed: Self.flowSeed(), usedSessionIDs: party.store,
                                             makeFlow: Self.presign(poolIndex, signerIDs, user, registration, party.identity,
                                                                    parameters))
                sessionIDs[poolIndex] = flow.flow.sessionID
                try network.start(flow, on: party, phases: Dictionary(uniqueKeysWithValues: flow.routes.map { ($0, .presign) })) {
                    party in
                    let registration = try Self.loadRegistration(party, publicKey)
                    let restored = try JournaledFlow<PresignFlow>.restore(
                        takingFrom: party.store, id: id,
                        makeFlow: Self.presign(poolIndex, signerIDs, user, registration, party.identity, parameters))
                    return (restored.journal.events.count, try party.driver.start(restored))
                }
            }
        }
        try network.run()
        for poolIndex in 0..<UInt64(Self.poolSize) {
            for party in signers {
                guard let slot = party.driver.output(of: "presign-\(poolIndex)", as: PresignFlow.self),
                      let sessionID = sessionIDs[poolIndex] else {
                    throw DemoError("party \(party.index): presigning \(poolIndex) gave no presignature")
                }
                try party.store.addPresignature(slot, id: NodeStore.presignatureID(sessionID: sessionID))
                party.driver.removeOutput(of: "presign-\(poolIndex)")
            }
        }
    }

    // MARK: --sign run

    private func signAgain(message: String, directory: DemoDirectory) throws -> FlowReport {
        var manifest = try directory.readManifest()
        let facts = try manifest.checked(path: directory.manifestPath)
        let parameters = facts.parameterSet.parameters
        var parties: [DemoParty] = []
        for (index, expected) in facts.parties.enumerated() {
            let store = try directory.openStore(index: index, parameters: parameters)
            guard let identity = try store.loadIdentitySigner(), identity.partyID == expected else {
                throw DemoDataError.mismatch("\(directory.storePath(index)) does not hold party \(index)'s identity "
                                             + "from \(DemoDirectory.manifestName)")
            }
            parties.append(DemoParty(index: index, identity: identity, store: store))
        }
        let signers = facts.signers.map { signer in parties.first { $0.party == signer }! }
        // Reserve this run's block before anything claims a session id under it.
        let blockNumber = manifest.nextBlock
        manifest.nextBlock += 1
        try directory.writeManifest(manifest)
        progress("signing with the demo in \(directory.path): \(facts.parties.count) parties, signers "
                 + signers.map { String($0.index) }.joined(separator: ", ") + ", block \(blockNumber)")
        var report = FlowReport(parties: facts.parties, signerCount: facts.threshold, parameters: parameters, message: message,
                                directory: directory.path)
        report.publicKey = facts.publicKey
        try sign(message, blockNumber: blockNumber, user: facts.user, publicKey: facts.publicKey, signers: signers,
                 network: DemoNetwork(parties: parties, progress: demoProgress), parameters: parameters, into: &report)
        return report
    }

    // MARK: Signing (both runs)

    /// Signs `message` (its SHA-256) with `signers`: every signer takes the same pooled presignature
    /// — the lowest id present in every signer's pool — into its signing journal's entry, or, when
    /// there is none, the signing flow presigns first. Verifies the result.
    private func sign(_ message: String, blockNumber: UInt64, user: [UInt8], publicKey: Point, signers: [DemoParty],
                      network: DemoNetwork, parameters: SchemeParameters, into report: inout FlowReport) throws {
        let prehash = try Prehash(rawRepresentation: SHA256.hash(Array(message.utf8)))
        let request = try SigningRequest(user: user, blockNumber: blockNumber, prehash: prehash, derivationPath: "m",
                                         signers: signers.map(\.party))
        report.messageHash = prehash.rawRepresentation
        let registrations = try signers.map { try Self.loadRegistration($0, publicKey) }
        let share = registrations[0].keyShare
        let pool = PresignaturePool.keyID(publicKey: share.publicKey, epoch: share.epoch, signers: request.signers)
        var common: Set<String>?
        for party in signers {
            let ids = Set(try party.store.presignatureIDs(pool: pool))
            common = common.map { $0.intersection(ids) } ?? ids
        }
        let chosen = common?.min()
        report.presignatureFromPool = chosen != nil
        progress(chosen == nil ? "the pool is empty: presigning on demand" : "taking presignature \(chosen!.prefix(12))… from the pool")
        let id = "sign-\(blockNumber)"
        try report.timed(chosen == nil ? "presign + sign" : "sign", "sign", progress) {
            for (party, registration) in zip(signers, registrations) {
                var entry: SecretBytes?
                if let chosen {
                    guard let pooled = try party.store.takePresignature(pool: pool, id: chosen),
                          let presignature = pooled.slot.take() else {
                        throw DemoError("party \(party.index): presignature \(chosen) is gone from its pool")
                    }
                    entry = SecretBytes(presignature.encoded)
                }
                let flow = try JournaledFlow(id: id, seed: Self.flowSeed(), entry: entry, usedSessionIDs: party.store,
                                             makeFlow: Self.signing(request, registration, party.identity, parameters))
                try network.start(flow, on: party, phases: Self.signingPhases(flow.routes)) { party in
                    let registration = try Self.loadRegistration(party, publicKey)
                    let restored = try JournaledFlow<SigningFlow>.restore(
                        takingFrom: party.store, id: id,
                        makeFlow: Self.signing(request, registration, party.identity, parameters))
                    return (restored.journal.events.count, try party.driver.start(restored))
                }
            }
            try network.run()
        }
        let outputs = try signers.map { party in
            guard let output = party.driver.output(of: id, as: SigningFlow.self) else {
                throw DemoError("party \(party.index): signing gave no output")
            }
            return output
        }
        guard Set(outputs.map(\.signature)).count == 1, let output = outputs.first else {
            throw DemoError("the signers produced different signatures")
        }
        report.signature = output.signature
        report.presignaturesLeft = try signers[0].store.presignatureCount(pool: pool)
        // Independent check with libsecp256k1: verify, and recover the key from r‖s‖v; and every
        // signer's identity signature over the result.
        let signature = try RecoverableSignature(rawRepresentation: output.signature)
        report.verified = signature.signature.isValid(for: prehash, publicKey: publicKey)
            && (try? signature.recoverPublicKey(from: prehash)) == publicKey
            && output.publicKey == publicKey
            && outputs.allSatisfy { out in request.signers.allSatisfy { out.hasValidIdentitySignature(of: $0) } }
    }

    // MARK: The flows' entry inputs

    private static func registration(_ plan: RegistrationPlan, _ identity: Ed25519Signer, _ primes: AuxGenPrimes,
                                     _ parameters: SchemeParameters) -> JournaledFlow<RegistrationFlow>.MakeFlow {
        { registry, _ throws(FlowError) in
            try RegistrationFlow(plan: plan, signer: identity, parameters: parameters, primes: primes, usedSessionIDs: registry)
        }
    }

    private static func presign(_ poolIndex: UInt64, _ signers: [PartyID], _ user: [UInt8], _ registration: RegistrationOutput,
                                _ identity: Ed25519Signer, _ parameters: SchemeParameters) -> JournaledFlow<PresignFlow>.MakeFlow {
        { registry, _ throws(FlowError) in
            try PresignFlow(user: user, blockNumber: poolBlock, signers: signers, poolIndex: poolIndex,
                            keyShare: registration.keyShare, auxInfo: registration.auxInfo, usedSessionIDs: registry,
                            signer: identity, parameters: parameters)
        }
    }

    /// The signing flow; the journal's entry, when there is one, is the pooled presignature.
    private static func signing(_ request: SigningRequest, _ registration: RegistrationOutput, _ identity: Ed25519Signer,
                                _ parameters: SchemeParameters) -> JournaledFlow<SigningFlow>.MakeFlow {
        { registry, entry throws(FlowError) in
            var slot: PresignatureSlot?
            if let entry {
                guard let presignature = try? Presignature(encoded: entry.unprotectedCopy, parameters: parameters) else {
                    throw .presignatureAlreadyUsed
                }
                slot = PresignatureSlot(presignature)
            }
            return try SigningFlow(request: request, keyShare: registration.keyShare, auxInfo: registration.auxInfo,
                                   presignature: slot, usedSessionIDs: registry, signer: identity, parameters: parameters)
        }
    }

    /// A signing flow's routes by phase (one session id, three protocol tags).
    private static func signingPhases(_ routes: Set<MessageRoute>) -> [MessageRoute: FlowPhase] {
        let byTag: [String: FlowPhase] = [Presigning.protocolTag: .presign, Signing.protocolTag: .sign,
                                          SigningFlow.attestationProtocolTag: .identitySignatures]
        return Dictionary(uniqueKeysWithValues: routes.compactMap { route in byTag[route.protocolTag].map { (route, $0) } })
    }

    private static func loadRegistration(_ party: DemoParty, _ publicKey: Point) throws -> RegistrationOutput {
        guard let registration = try party.store.loadRegistration(publicKey: publicKey) else {
            throw DemoDataError.mismatch("party \(party.index)'s store holds no registration of the demo's key")
        }
        return registration
    }

    /// A flow's 32-byte seed, from the system generator.
    private static func flowSeed() -> SecretBytes {
        var system = SystemRandomNumberGenerator()
        return SecretBytes(randomBytes(32, using: &system))
    }
}

private func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// AuxGen primes as a registration journal's entry (an input the party could not get back after a
/// crash): four times a u32 big-endian length and the prime's big-endian magnitude. Secret; it
/// lives only in the encrypted journal and is wiped when the flow finishes.
enum DemoPrimes {
    static func encode(_ primes: AuxGenPrimes) -> SecretBytes {
        var bytes: [UInt8] = []
        for prime in [primes.paillierP, primes.paillierQ, primes.ringPedersenP, primes.ringPedersenQ] {
            let magnitude = prime.magnitudeBytes()
            withUnsafeBytes(of: UInt32(magnitude.count).bigEndian) { bytes += $0 }
            bytes += magnitude
        }
        defer { for index in bytes.indices { bytes[index] = 0 } }
        return SecretBytes(bytes)
    }

    static func decode(_ entry: SecretBytes?) throws -> AuxGenPrimes {
        guard let entry else { throw DemoError("the registration journal carries no primes") }
        let primes = entry.withUnsafeBytes { raw -> [BigInt]? in
            var offset = 0
            var primes: [BigInt] = []
            for _ in 0..<4 {
                guard raw.count - offset >= 4 else { return nil }
                let length = raw[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
                offset += 4
                guard raw.count - offset >= length else { return nil }
                primes.append(BigInt(magnitudeBytes: raw[offset..<offset + length]))
                offset += length
            }
            return offset == raw.count ? primes : nil
        }
        guard let primes else { throw DemoError("the registration journal's entry is not four primes") }
        return AuxGenPrimes(paillierP: primes[0], paillierQ: primes[1], ringPedersenP: primes[2], ringPedersenQ: primes[3])
    }
}
