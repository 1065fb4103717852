import ArgumentParser
import BigNum
import CGGMP
import CGGMPAdversary
import Dispatch
import Foundation
import Hashing
import Paillier
import Secp256k1

/// `tss demo --misbehave ACTION`: the adversary harness. KeyInit among T parties (a T-of-T key);
/// for T < N, KeyResharing from them to all N holders with threshold T; AuxGen among all N (fresh
/// primes, both cores); presigning among the last T holders (for T < N they include holders that
/// only got their share by resharing) and one signing round, all as raw CGGMP sessions under
/// `SimulationRunner`, with one party cheating through `ScriptedAdversary` in the action's phase.
extension Demo {
    /// The `--misbehave` checks of `validate()`: the culprit must take part in the action's phase.
    func validateMisbehaviour(_ misbehave: Misbehaviour) throws {
        if misbehave.phase == .keyResharing, signerCount == partyCount {
            throw ValidationError("\(misbehave.rawValue) needs a resharing: --threshold below --parties")
        }
        let index = culprit ?? defaultCulprit(for: misbehave.phase)
        guard participants(of: misbehave.phase).contains(index) else {
            throw ValidationError("party \(index) takes no part in \(misbehave.phase.rawValue); choose one of "
                                  + "\(participants(of: misbehave.phase).map(String.init).joined(separator: ", "))")
        }
    }

    /// Indices (in identity order) of the parties that run `phase`: KeyInit and resharing's dealers are
    /// the first T, presigning, signing and the refresh the last T.
    private func participants(of phase: Misbehaviour.Phase) -> Range<Int> {
        switch phase {
        case .keyInit, .keyResharing: 0..<signerCount
        case .keyRefresh, .presign, .sign: (partyCount - signerCount)..<partyCount
        }
    }

    private func defaultCulprit(for phase: Misbehaviour.Phase) -> Int {
        switch phase {
        case .keyInit, .keyResharing: signerCount - 1
        case .keyRefresh, .presign, .sign: partyCount - signerCount
        }
    }

    func runMisbehaving() throws {
        let parameters: SchemeParameters = params == "testing" ? .testing : .production112
        var system = SystemRandomNumberGenerator()
        func freshGenerator() -> ChaChaRandom {
            ChaChaRandom(seed: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &system) })
        }
        let identities = try (0..<partyCount).map { _ in
            try Ed25519Signer(seed: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &system) })
        }.sorted { $0.partyID < $1.partyID }
        let committee = identities.map(\.partyID)
        let cheater = misbehave.map { (action: $0, party: identities[culprit ?? defaultCulprit(for: $0.phase)]) }
        var report = DemoReport(parties: committee, parameters: parameters)
        func phase<T>(_ name: String, _ key: String, _ body: () throws -> T) rethrows -> T {
            progress("\(name): started")
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            report.timings[key] = seconds
            progress("\(name): finished in \(String(format: "%.3f", seconds)) s")
            return result
        }
        /// The adversary for `phase`, when the cheat happens there.
        func adversary(_ phase: Misbehaviour.Phase, victimKey: ((PartyID, PartyID) -> PaillierPublicKey)? = nil,
                       culpritModulus: ((PartyID) -> PaillierPublicKey)? = nil,
                       participants: [PartyID]) -> ScriptedAdversary? {
            guard let cheater, cheater.action.phase == phase else { return nil }
            let me = cheater.party.partyID
            let others = participants.filter { $0 != me }
            let victim = others[0]
            return ScriptedAdversary(culprit: cheater.party, victim: victim, action: cheater.action.action(
                culprit: me, culpritModulus: culpritModulus.map { Scalar(reducing: $0(me).modulus) }, victim: victim,
                victimIndex: 0, victimKey: victimKey?(me, victim)))
        }

        do {
            // Key generation: KeyInit (n-of-n) among T parties; for T < N, resharing to all N with threshold T.
            let founders = Array(identities.prefix(signerCount))
            let signers = Array(identities.suffix(signerCount))
            let shares: [PartyID: AdditiveKeyShare] = try phase("key generation", "keyInit") {
                progress("KeyInit among \(signerCount) parties (\(signerCount)-of-\(signerCount) key)")
                let sessionID = Array("tss demo KeyInit".utf8)
                let keyInitSessions = try founders.map {
                    try KeyInit.makeSession(sessionID: sessionID, committee: founders.map(\.partyID),
                                            signer: $0, parameters: parameters)
                }
                let additive = try simulate(keyInitSessions, freshGenerator,
                                            adversary: adversary(.keyInit, participants: founders.map(\.partyID))) {
                    FaultCheckContext(publicData: try KeyInit.publicData(sessionID: sessionID, committee: founders.map(\.partyID)),
                                      parameters: parameters, inputs: .keyInit)
                }
                if signerCount == partyCount { return additive }
                progress("KeyResharing from the \(signerCount) KeyInit parties to all \(partyCount) (threshold \(signerCount))")
                let old = try additive.mapValues { try ThresholdKeyShare(additive: $0) }
                let configuration = try KeyResharingConfiguration(
                    oldKey: old.values.first!.publicPart, dealers: founders.map(\.partyID), newHolders: committee,
                    newThreshold: signerCount)
                let reshareID = Array("tss demo reshare".utf8)
                let resharingSessions = try identities.map {
                    try KeyResharing.makeSession(sessionID: reshareID, configuration: configuration,
                                                 oldShare: old[$0.partyID], signer: $0)
                }
                let reshared = try simulate(resharingSessions, freshGenerator,
                                            adversary: adversary(.keyResharing, participants: committee)) {
                    FaultCheckContext(publicData: try KeyResharing.publicData(sessionID: reshareID, configuration: configuration),
                                      parameters: parameters, inputs: .keyResharing(configuration))
                }
                progress("signing with the last \(signerCount) holders")
                return try Dictionary(uniqueKeysWithValues: signers.map { signer in
                    guard let share = reshared[signer.partyID] ?? nil else { throw DemoError("no reshared share") }
                    return (signer.partyID, try share.additiveShare(signers: signers.map(\.partyID)))
                })
            }
            let publicKey = shares.values.first!.publicKey
            report.publicKey = publicKey

            // AuxGen among all N holders (fresh Paillier and ring-Pedersen primes, proven with
            // Πmod, Πfac and Πprm).
            func primes(_ index: Int) -> AuxGenPrimes {
                var generator = freshGenerator()
                return AuxGenPrimes.generate(parameters: parameters, using: &generator, workers: 2) { step in
                    progress("party \(index + 1)/\(partyCount): \(step) done")
                }
            }
            var aux: [PartyID: SigningAuxInfo] = try phase("AuxGen", "auxGen") {
                var sessions: [Session<AuxInfo>] = []
                for (index, identity) in identities.enumerated() {
                    sessions.append(try AuxGen.makeSession(sessionID: Array("tss demo AuxGen".utf8), committee: committee,
                                                           signer: identity, parameters: parameters, primes: primes(index)))
                }
                progress("running AuxGen (proof exchange)")
                let outputs = try simulate(sessions, freshGenerator)
                return try Dictionary(uniqueKeysWithValues: signers.map {
                    ($0.partyID, try SigningAuxInfo(outputs[$0.partyID]!, signers: signers.map(\.partyID)))
                })
            }
            var signingShares = shares

            // KeyRefresh among the signers: only when the cheat is in it (it is not part of signing).
            if let cheater, cheater.action.phase == .keyRefresh {
                try phase("KeyRefresh", "keyRefresh") {
                    let sessionID = Array("tss demo refresh".utf8)
                    let sessions = try signers.enumerated().map { index, signer in
                        try KeyRefresh.makeSession(sessionID: sessionID, keyShare: shares[signer.partyID]!, signer: signer,
                                                   parameters: parameters, primes: primes(partyCount - signerCount + index))
                    }
                    let refreshed = try simulate(sessions, freshGenerator,
                                                 adversary: adversary(.keyRefresh, participants: signers.map(\.partyID))) {
                        FaultCheckContext(publicData: try KeyRefresh.publicData(sessionID: sessionID,
                                                                                committee: signers.map(\.partyID)),
                                          parameters: parameters, inputs: .keyRefresh)
                    }
                    signingShares = refreshed.mapValues(\.keyShare)
                    aux = try refreshed.mapValues { try SigningAuxInfo($0.auxInfo, signers: signers.map(\.partyID)) }
                }
            }

            // Presigning among the signers.
            let signingAux = aux
            let presignInputs = PresigningPublicInputs(publicShares: signingShares.values.first!.publicShares,
                                                       publicAux: signingAux.values.first!.publicAux)
            let slots: [PartyID: PresignatureSlot] = try phase("presign", "presign") {
                let sessionID = Array("tss demo presign".utf8)
                let sessions = try signers.map {
                    try Presigning.makeSession(sessionID: sessionID, keyShare: signingShares[$0.partyID]!,
                                               auxInfo: signingAux[$0.partyID]!, signer: $0, parameters: parameters)
                }
                return try simulate(sessions, freshGenerator, adversary: adversary(
                    .presign, victimKey: { signingAux[$0]!.publicAux[$1]!.paillierKey },
                    culpritModulus: { signingAux[$0]!.publicAux[$0]!.paillierKey }, participants: signers.map(\.partyID))) {
                    FaultCheckContext(publicData: try Presigning.publicData(sessionID: sessionID, committee: signers.map(\.partyID)),
                                      parameters: parameters, inputs: .presigning(presignInputs))
                }
            }

            // Signing.
            let digest = SHA256.hash(Array(messageText.utf8))
            let prehash = try Prehash(rawRepresentation: digest)
            report.messageHash = digest
            let commitments = slots.values.first!.commitments
            let signatures: [PartyID: RecoverableSignature] = try phase("sign", "sign") {
                let sessionID = Array("tss demo sign".utf8)
                let sessions = try signers.map { signer throws -> Session<RecoverableSignature> in
                    guard let presignature = slots[signer.partyID]?.take() else { throw DemoError("presignature missing") }
                    return try Signing.makeSession(sessionID: sessionID, presignature: presignature,
                                                   keyShare: signingShares[signer.partyID]!, prehash: prehash, signer: signer)
                }
                return try simulate(sessions, freshGenerator, adversary: adversary(.sign, participants: signers.map(\.partyID))) {
                    FaultCheckContext(publicData: try Signing.publicData(sessionID: sessionID, committee: signers.map(\.partyID)),
                                      parameters: parameters, inputs: .signing(commitments: commitments, prehash: prehash))
                }
            }
            guard Set(signatures.values).count == 1, let signature = signatures.values.first else {
                throw DemoError("the signers produced different signatures")
            }
            // Independent check with libsecp256k1: verify, and recover the key from r‖s‖v.
            report.verified = signature.signature.isValid(for: prehash, publicKey: publicKey)
                && (try? signature.recoverPublicKey(from: prehash)) == publicKey
            report.signature = signature.rawRepresentation
        } catch let fault as DemoFault {
            report.fault = fault
        }
        try finish(report, cheater: cheater.map { ($0.action, $0.party.partyID) })
    }

    /// Prints the report; the exit status says whether the library behaved correctly.
    private func finish(_ report: DemoReport, cheater: (action: Misbehaviour, party: PartyID)?) throws {
        var correct = report.verified
        var faultObject: Any = NSNull()
        if let fault = report.fault {
            let verdict = fault.context.verdict(of: fault.fault)
            let honestNotConvicted = report.parties.filter { $0 != fault.fault.culprit }.allSatisfy {
                fault.context.verdict(of: fault.fault.accusing($0)) != .proven
            }
            correct = cheater != nil && fault.fault.culprit == cheater?.party && verdict == .proven && honestNotConvicted
                && fault.accusers.allSatisfy { fault.all[$0]?.culprit == cheater?.party }
            faultObject = [
                "culprit": hex(fault.fault.culprit.rawRepresentation), "reason": "\(fault.fault.reason)", "round": fault.fault.round,
                "report": Data(fault.fault.encoded).base64EncodedString(),
                "publicData": Data(fault.context.encoded).base64EncodedString(),
                "verdict": verdict.name, "accusers": fault.accusers.map { hex($0.rawRepresentation) },
            ] as [String: Any]
            progress("fault: \(fault.fault) — verdict \(verdict); honest parties not convicted by the same evidence: "
                     + "\(honestNotConvicted)")
        } else if cheater != nil {
            progress("the cheating went unnoticed")
            correct = false
        }
        if json {
            var object: [String: Any] = [
                "parties": report.parties.map { hex($0.rawRepresentation) }, "verified": report.verified, "timings": report.timings,
                "fault": faultObject,
                "publicKey": report.publicKey.map { hex($0.compressedRepresentation) } ?? NSNull(),
                "messageHash": report.messageHash.map(hex) ?? NSNull(),
                "signature": report.signature.map(hex) ?? NSNull(),
            ]
            if let cheater {
                object["misbehave"] = cheater.action.rawValue
                object["culprit"] = hex(cheater.party.rawRepresentation)
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("parties:     \(partyCount), signers: \(signerCount), parameters: \(report.parameters.name)")
            if let publicKey = report.publicKey { print("public key:  \(hex(publicKey.compressedRepresentation))") }
            if let fault = report.fault {
                print("fault:       \(fault.fault)")
                print("culprit:     \(hex(fault.fault.culprit.rawRepresentation))")
                print("report:      \(Data(fault.fault.encoded).base64EncodedString())")
                print("public data: \(Data(fault.context.encoded).base64EncodedString())")
            } else {
                print("message:     \(messageText)")
                print("prehash:     \(report.messageHash.map(hex) ?? "") (SHA-256)")
                print("signature:   \(report.signature.map(hex) ?? "") (r‖s‖v)")
                print("verified:    \(report.verified) (libsecp256k1 verify + public key recovery)")
            }
            for key in ["keyInit", "auxGen", "keyRefresh", "presign", "sign"] where report.timings[key] != nil {
                print("\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%.3f", report.timings[key]!)) s")
            }
        }
        if !correct { throw ExitCode.failure }
    }

    /// Runs every session to the end in one process, checking messages in parallel; with an
    /// adversary, a detected fault ends the demo (`DemoFault`).
    private func simulate<Output: Sendable>(_ sessions: [Session<Output>], _ freshGenerator: () -> ChaChaRandom,
                                            adversary: ScriptedAdversary? = nil,
                                            context: () throws -> FaultCheckContext = { throw DemoError("no context") })
        throws -> [PartyID: Output] {
        var generators: [PartyID: ChaChaRandom] = [:]
        for session in sessions { generators[session.me] = freshGenerator() }
        var runner = SimulationRunner(machines: sessions, generators: generators, parallelVerification: true)
        guard var adversary else {
            switch runner.run() {
            case .finished(let outputs): return outputs
            case .failed(let failures): throw DemoError("failed: \(failures.values.map(\.description))")
            case .stalled(let waiting): throw DemoError("stalled waiting for \(Set(waiting.values.joined()))")
            }
        }
        let result = runner.runToEnd(adversary: &adversary)
        let cheater = adversary.culprit.partyID
        // The honest parties' faults (the cheater runs honest code and may complain too).
        let honestFaults = result.faults.filter { $0.key != cheater }
        if let accuser = honestFaults.keys.sorted().first {
            throw DemoFault(fault: honestFaults[accuser]!, context: try context(), accusers: honestFaults.keys.sorted(),
                            all: honestFaults)
        }
        if !result.waiting.isEmpty {
            throw DemoError("no fault detected; stalled waiting for \(Set(result.waiting.values.joined()))")
        }
        if result.outputs.count == sessions.count { return result.outputs }
        throw DemoError("parties aborted: \(result.aborted)")
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// What `tss demo` prints.
struct DemoReport {
    let parties: [PartyID]
    let parameters: SchemeParameters
    var timings: [String: Double] = [:]
    var publicKey: Point?
    var messageHash: [UInt8]?
    var signature: [UInt8]?
    var verified = false
    var fault: DemoFault?
}

/// A fault an honest party detected in a phase with a cheater, with what a third party needs.
struct DemoFault: Error {
    let fault: ProtocolFault
    let context: FaultCheckContext
    let accusers: [PartyID]
    let all: [PartyID: ProtocolFault]
}
