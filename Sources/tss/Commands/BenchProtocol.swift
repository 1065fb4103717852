import ArgumentParser
import BigNum
import CGGMP
import Foundation
import Paillier
import Secp256k1

/// `tss bench protocol`: whole protocols among N simulated parties in one process, reported as
/// wall-clock seconds per party (the simulation runs every party on one thread, so the total
/// divided by N is one party's computation; network time is not included).
struct BenchProtocol: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "CGGMP protocols among N simulated parties: seconds per party, messages and bytes.")

    @Option(help: "Number of parties.") var parties = 3
    @Option(help: "Threshold where a protocol needs one (default: a majority, at least 2).") var threshold: Int?
    @Option(help: "Runs per protocol (median is reported).") var samples = 3
    @OptionGroup var parameters: ParameterSetOptions
    @Option(help: "Only protocols whose name contains this text.") var only: String?
    @Option(help: "Folder holding blum-<bits>.json and safe-<bits>.json (AuxGen, KeyRefresh).") var primes = "Vectors/primes"
    @Flag(help: "Print JSON instead of a table.") var json = false

    /// Parties beyond this make a production run take hours; the simulation is one process.
    static let maximumParties = 64

    func validate() throws {
        try OptionCheck.require(parties, in: 2...Self.maximumParties, "--parties")
        if let threshold { try OptionCheck.require(threshold, in: 2...parties, "--threshold") }
        try OptionCheck.require(samples, in: OptionCheck.samples, "--samples")
    }

    func run() throws {
        parameters.warnIfDeprecated()
        let set = parameters.selected.parameters
        let threshold = self.threshold ?? max(2, parties / 2 + 1)
        let inputs = try ProtocolBenchInputs(parties: parties, threshold: threshold, parameters: set, primesFolder: primes)
        var results: [[String: Any]] = []
        let modexpBefore = ModexpReference.sampleMicros()
        var entryReference = EntryModexp()
        for benchCase in ProtocolBenchCase.all where only.map({ benchCase.name.contains($0) }) ?? true {
            var traffic = ProtocolTraffic(messages: 0, bytes: 0)
            var seconds: [Double] = []
            var timed: [Double] = []
            var extra: [String: [Double]] = [:]
            // Each sample between two short reference measurements; its ratio to their median.
            var references: [Double] = []
            var equivalents: [Double] = []
            for sample in 0..<samples {
                let (elapsed, reference) = try entryReference.around {
                    let start = BenchClock.now()
                    traffic = try benchCase.run(inputs, UInt64(sample))
                    return Double(BenchClock.now() - start) / 1e9
                }
                seconds.append(elapsed)
                if let perParty = traffic.secondsPerParty { timed.append(perParty) }
                for (key, value) in traffic.extra { extra[key, default: []].append(value) }
                let perParty = traffic.secondsPerParty
                    ?? elapsed / Double(benchCase.runsAmongThreshold ? threshold : parties)
                references.append(reference)
                equivalents.append(perParty * 1000 / reference)
            }
            var entry: [String: Any] = [
                "protocol": benchCase.name, "parties": parties, "threshold": threshold,
                "parameters": set.name, "seconds_per_party": timed.isEmpty
                    ? BenchClock.median(seconds) / Double(benchCase.runsAmongThreshold ? threshold : parties)
                    : BenchClock.median(timed),
                "messages": traffic.messages, "bytes": traffic.bytes]
            for (key, values) in extra { entry[key] = BenchClock.median(values) }
            entry["modexp_ms"] = BenchClock.median(references)
            entry["modexp_equivalents"] = BenchClock.median(equivalents)
            results.append(entry)
        }
        let modexp = ModexpReference(before: modexpBefore, after: ModexpReference.sampleMicros(), between: entryReference.all)
        if json {
            print(BenchOutput.json((["benchmarks": results] as [String: Any]).merging(modexp.jsonFields) { old, _ in old }))
        } else {
            print(modexp.tableLine)
            print(BenchOutput.table(
                ["protocol (\(set.name), n=\(parties), t=\(threshold))", "s/party", "modexp-eq", "messages", "bytes"],
                results.map { r in [r["protocol"] as! String, BenchOutput.fixed(r["seconds_per_party"] as! Double, 4),
                                    BenchOutput.fixed(r["modexp_equivalents"] as! Double, 1),
                                    String(r["messages"] as! Int), String(r["bytes"] as! Int)] }))
        }
    }
}

/// Messages sent in one run (a broadcast counts once) and their encoded bytes.
struct ProtocolTraffic: Sendable {
    let messages: Int
    let bytes: Int
    /// Set by a case that times only part of the run itself (the failure rounds): its seconds per
    /// party, reported instead of the run's wall-clock time ÷ parties.
    var secondsPerParty: Double? = nil
    /// Further figures of the run, reported (median over samples) under these JSON keys.
    var extra: [String: Double] = [:]
}

/// What the protocol benchmarks share: identities, the threshold, the parameters and a dealt
/// t-of-n key for protocols that start from one.
struct ProtocolBenchInputs: Sendable {
    let signers: [Ed25519Signer]
    let threshold: Int
    let parameters: SchemeParameters
    let thresholdShares: [PartyID: ThresholdKeyShare]
    /// Each party's AuxGen primes from the committed files, or why they could not be read.
    let auxPrimes: Result<[AuxGenPrimes], ValidationError>
    let sessionID = Array("bench-protocol".utf8)

    var committee: [PartyID] { signers.map(\.partyID) }

    init(parties: Int, threshold: Int, parameters: SchemeParameters, primesFolder: String) throws {
        signers = try (0..<parties).map { try Ed25519Signer(seed: [UInt8](repeating: UInt8(truncatingIfNeeded: $0 + 1), count: 32)) }
        self.threshold = threshold
        self.parameters = parameters
        var generator = ChaChaRandom(testSeed: 0x70726f746f636f6c)
        let holders = signers.map(\.partyID)
        let dealt = try DealerKeyGeneration.deal(threshold: threshold, holders: holders, using: &generator)
        var shares: [PartyID: ThresholdKeyShare] = [:]
        for holder in holders {
            shares[holder] = try ThresholdKeyShare(receiving: dealt.shares[holder]!, commitment: dealt.commitment,
                                                   threshold: threshold, holders: holders)
        }
        thresholdShares = shares
        auxPrimes = Result { () throws(ValidationError) in
            try Self.committedAuxPrimes(parties: parties, bits: parameters.paillierPrimeBits, folder: primesFolder)
        }
    }

    /// Party i gets Blum primes 2i, 2i+1 and safe primes 2i, 2i+1, reused cyclically when the files
    /// hold fewer parties' worth (the work per party is the same; the moduli then repeat, which
    /// AuxGen does not check and which only a benchmark may do).
    static func committedAuxPrimes(parties: Int, bits: Int, folder: String) throws(ValidationError) -> [AuxGenPrimes] {
        func load(_ kind: String) throws(ValidationError) -> [BigInt] {
            let url = URL(fileURLWithPath: folder).appendingPathComponent("\(kind)-\(bits).json")
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let hex = object["primes"] as? [String], hex.count >= 2,
                  let primes = try? hex.map({ try BigInt(hex: $0) })
            else { throw ValidationError("cannot read primes from \(url.path) (run from the repository root)") }
            return primes
        }
        let blum = try load("blum"), safe = try load("safe")
        let pairs = min(blum.count, safe.count) / 2
        return (0..<parties).map { party in
            let k = party % pairs
            return AuxGenPrimes(paillierP: blum[2 * k], paillierQ: blum[2 * k + 1],
                                ringPedersenP: safe[2 * k], ringPedersenQ: safe[2 * k + 1])
        }
    }

    /// Runs `sessions` to completion with seeded generators.
    func simulate<Output: Sendable>(_ sessions: [Session<Output>], seed: UInt64) throws -> ProtocolTraffic {
        var generators: [PartyID: ChaChaRandom] = [:]
        for (index, session) in sessions.enumerated() {
            generators[session.me] = ChaChaRandom(testSeed: seed &* 1000 &+ UInt64(index))
        }
        var runner = SimulationRunner(machines: sessions, generators: generators)
        guard case .finished = runner.run() else { throw ValidationError("the simulated run did not finish") }
        return ProtocolTraffic(messages: runner.sentMessages.count,
                               bytes: runner.sentMessages.reduce(0) { $0 + $1.encoded.count })
    }
}

/// One protocol to benchmark: `run` builds every party's session and runs them once. Adding a
/// protocol (AuxGen, presigning, signing) is one more entry in `all`.
struct ProtocolBenchCase: Sendable {
    let name: String
    /// Whether only t of the n parties take part (signing), so time is divided by t.
    var runsAmongThreshold = false
    let run: @Sendable (ProtocolBenchInputs, UInt64) throws -> ProtocolTraffic

    static let all: [ProtocolBenchCase] = [keyInit, keyResharing, auxGen, keyRefresh, presign, interactiveSigning,
                                           presignFailureDelta, presignFailureChi]

    /// KeyInit among all n parties.
    static let keyInit = ProtocolBenchCase(name: "KeyInit") { inputs, seed in
        try inputs.simulate(inputs.signers.map {
            try KeyInit.makeSession(sessionID: inputs.sessionID, committee: inputs.committee, signer: $0,
                                    parameters: inputs.parameters)
        }, seed: seed)
    }

    /// KeyResharing of the dealt t-of-n key to the same n parties and threshold, t of them dealing.
    static let keyResharing = ProtocolBenchCase(name: "KeyResharing") { inputs, seed in
        let holders = inputs.committee.sorted()
        let configuration = try KeyResharingConfiguration(
            oldKey: inputs.thresholdShares[holders[0]]!.publicPart, dealers: Array(holders.prefix(inputs.threshold)),
            newHolders: holders, newThreshold: inputs.threshold)
        return try inputs.simulate(inputs.signers.map { signer in
            try KeyResharing.makeSession(
                sessionID: inputs.sessionID, configuration: configuration,
                oldShare: configuration.dealers.contains(signer.partyID) ? inputs.thresholdShares[signer.partyID] : nil,
                signer: signer)
        }, seed: seed)
    }

    /// AuxGen among all n parties, primes from the committed files (prime generation excluded).
    static let auxGen = ProtocolBenchCase(name: "AuxGen") { inputs, seed in
        let primes = try inputs.auxPrimes.get()
        return try inputs.simulate(inputs.signers.enumerated().map { index, signer in
            try AuxGen.makeSession(sessionID: inputs.sessionID, committee: inputs.committee, signer: signer,
                                   parameters: inputs.parameters, primes: primes[index])
        }, seed: seed)
    }

    /// KeyRefresh of an n-of-n additive key (the dealt key's additive form over all n).
    static let keyRefresh = ProtocolBenchCase(name: "KeyRefresh") { inputs, seed in
        let primes = try inputs.auxPrimes.get()
        let everyone = inputs.committee
        return try inputs.simulate(inputs.signers.enumerated().map { index, signer in
            try KeyRefresh.makeSession(sessionID: inputs.sessionID,
                                       keyShare: inputs.thresholdShares[signer.partyID]!.additiveShare(signers: everyone),
                                       signer: signer, parameters: inputs.parameters, primes: primes[index])
        }, seed: seed)
    }

    /// Presigning among the first t holders (additive shares of the dealt key), aux info built
    /// from the committed primes for each run. Only the sessions are timed: loading the key
    /// material (the primes' checks in `PaillierSecretKey` and `RingPedersenSecret`, a node's
    /// store read) is reported apart as `setup_seconds_per_party`. Every run starts from freshly
    /// built aux info, so the committer's ring-Pedersen tables are built inside the timing.
    /// The JSON also carries where the time goes, per party (mean) and round: `round_<r>_make_s`
    /// (`makeMessages`) and `round_<r>_check_s` (checking and accepting that round's messages,
    /// finalising included), from a second, instrumented run of the same sessions (its own
    /// generators, so the same messages).
    static let presign = ProtocolBenchCase(name: "Presign (t parties)", runsAmongThreshold: true) { inputs, seed in
        var traffic = try inputs.timedSigningSessions(seed: seed) { signer, share, aux in
            try Presigning.makeSession(sessionID: inputs.sessionID, keyShare: share, auxInfo: aux, signer: signer,
                                       parameters: inputs.parameters)
        }
        let (signers, shares, aux) = try inputs.signingInputs()
        var run = TimedSimulation(sessions: try signers.map {
            try Presigning.makeSession(sessionID: inputs.sessionID, keyShare: shares[$0.partyID]!, auxInfo: aux[$0.partyID]!,
                                       signer: $0, parameters: inputs.parameters)
        }, seed: seed, tamper: { message, _ in message })
        try run.run()
        let parties = Double(signers.count)
        let rounds = Set(signers.flatMap { run.work[$0.partyID]?.keys.map { $0 } ?? [] }).sorted()
        for round in rounds {
            let make = signers.reduce(0.0) { $0 + Double(run.sending[$1.partyID]?[round] ?? 0) } / 1e9 / parties
            let all = signers.reduce(0.0) { $0 + Double(run.work[$1.partyID]?[round] ?? 0) } / 1e9 / parties
            traffic.extra["round_\(round)_make_s"] = make
            traffic.extra["round_\(round)_check_s"] = all - make
        }
        return traffic
    }

    /// Presigning and the signing round in one session, among the first t holders (timed as
    /// ``presign``).
    static let interactiveSigning = ProtocolBenchCase(name: "InteractiveSigning (t parties)", runsAmongThreshold: true) { inputs, seed in
        let prehash = try Prehash(rawRepresentation: [UInt8](repeating: 0x5a, count: 32))
        return try inputs.timedSigningSessions(seed: seed) { signer, share, aux in
            try InteractiveSigning.makeSession(sessionID: inputs.sessionID, keyShare: share, auxInfo: aux,
                                               prehash: prehash, signer: signer, parameters: inputs.parameters)
        }
    }
}

extension ProtocolBenchInputs {
    /// Builds the signing inputs (untimed), then times making and running one session per signer.
    func timedSigningSessions<Output: Sendable>(
        seed: UInt64, _ makeSession: (Ed25519Signer, AdditiveKeyShare, SigningAuxInfo) throws -> Session<Output>
    ) throws -> ProtocolTraffic {
        let setupStart = BenchClock.now()
        let (signers, shares, aux) = try signingInputs()
        let start = BenchClock.now()
        var traffic = try simulate(signers.map { try makeSession($0, shares[$0.partyID]!, aux[$0.partyID]!) }, seed: seed)
        let end = BenchClock.now()
        traffic.secondsPerParty = Double(end - start) / 1e9 / Double(signers.count)
        traffic.extra["setup_seconds_per_party"] = Double(start - setupStart) / 1e9 / Double(signers.count)
        return traffic
    }

    /// The first t holders, their additive shares of the dealt key, and aux info from the committed
    /// primes (as AuxGen would leave it, without running it).
    func signingInputs() throws -> ([Ed25519Signer], [PartyID: AdditiveKeyShare], [PartyID: SigningAuxInfo]) {
        let signers = Array(self.signers.sorted { $0.partyID < $1.partyID }.prefix(threshold))
        let ids = signers.map(\.partyID)
        let primes = try auxPrimes.get()
        var generator = ChaChaRandom(testSeed: 0x7369676e)
        var secrets: [PartyID: PaillierSecretKey] = [:]
        var trapdoors: [PartyID: RingPedersenSecret] = [:]
        var publicAux: [PartyID: PublicAuxInfo] = [:]
        for (index, party) in ids.enumerated() {
            let paillier = try PaillierSecretKey(p: primes[index].paillierP, q: primes[index].paillierQ)
            let ringPedersen = try RingPedersenSecret(p: primes[index].ringPedersenP, q: primes[index].ringPedersenQ,
                                                      using: &generator)
            secrets[party] = paillier
            trapdoors[party] = ringPedersen
            publicAux[party] = PublicAuxInfo(paillierKey: paillier.publicKey, ringPedersen: ringPedersen.parameters)
        }
        var shares: [PartyID: AdditiveKeyShare] = [:]
        var aux: [PartyID: SigningAuxInfo] = [:]
        for party in ids {
            shares[party] = try thresholdShares[party]!.additiveShare(signers: ids)
            // With the owner's trapdoor, as a node's aux info from AuxGen carries it.
            aux[party] = try SigningAuxInfo(owner: party, paillierSecret: secrets[party]!, publicAux: publicAux,
                                            ringPedersenSecret: trapdoors[party]!)
        }
        return (signers, shares, aux)
    }
}
