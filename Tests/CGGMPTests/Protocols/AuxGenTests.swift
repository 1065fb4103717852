import Bytes
import BigNum
import Paillier
import TestSupport
import Testing
import CGGMPAdversary
@_spi(Benchmarks) @testable import CGGMP

@Suite struct AuxGenHonestTests {
    /// Checks one run's outputs independently of the protocol's own bookkeeping.
    func checkOutputs(_ outputs: [PartyID: AuxInfo], signers: [Ed25519Signer], parameters: SchemeParameters) throws {
        #expect(outputs.count == signers.count)
        let reference = try #require(outputs[signers[0].partyID])
        for (index, signer) in signers.enumerated() {
            let info = try #require(outputs[signer.partyID])
            let primes = committedAuxPrimes(index: index, bits: parameters.paillierPrimeBits)
            #expect(info.owner == signer.partyID)
            #expect(info.publicInfo == reference.publicInfo)
            #expect(Set(info.parties) == Set(signers.map(\.partyID)))
            // Each party's published N is the product of its own primes; N̂ that of its safe primes.
            #expect(info.publicInfo[signer.partyID]!.paillierKey.modulus == primes.paillierP * primes.paillierQ)
            #expect(info.publicInfo[signer.partyID]!.ringPedersen.modulus == primes.ringPedersenP * primes.ringPedersenQ)
            #expect(info.publicInfo[signer.partyID]!.paillierKey.modulus.bitLength == parameters.modulusBits)
            // The ring-Pedersen trapdoor works: s = t^λ mod N̂.
            let rp = info.ringPedersenSecret.parameters
            #expect(try rp.t.powerVariableTime(info.ringPedersenSecret.lambda, modulo: rp.modulus) == rp.s)
            // Someone else can encrypt to this party and it decrypts.
            var generator = ChaChaRandom(testSeed: 99)
            let message = BigInt(123456789)
            let (ciphertext, _) = reference.publicInfo[signer.partyID]!.paillierKey.encrypt(message, using: &generator)
            #expect(try info.paillierSecretKey.decrypt(ciphertext) == message)
            #expect(!"\(info)".contains(primes.paillierP.hexString))
        }
    }

    @Test(arguments: [2, 3])
    func honestRunAtTestingParameters(parties: Int) throws {
        let signers = makeSigners(parties)
        var runner = auxGenRunner(signers: signers, seed: UInt64(parties))
        let outcome = runner.run()
        guard case .finished(let outputs) = outcome else {
            Issue.record("AuxGen did not finish: \(outcome)")
            return
        }
        try checkOutputs(outputs, signers: signers, parameters: .testing)
        // Rounds: 1 echo-broadcast + echo, 2 echo-broadcast + broadcast + echo, 3 echo-broadcast
        // (Πmod digest) + broadcast + direct + echo.
        #expect(runner.sentMessages.count == parties * (2 + 3 + 3 + (parties - 1)))
    }

    @Test func honestRunAtProduction112() throws {
        let signers = makeSigners(2)
        var runner = auxGenRunner(signers: signers, seed: 112, parameters: .production112)
        guard case .finished(let outputs) = runner.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        try checkOutputs(outputs, signers: signers, parameters: .production112)
    }

    @Test func seededRunsAreReproducible() throws {
        let signers = makeSigners(2)
        var first = auxGenRunner(signers: signers, seed: 5)
        var second = auxGenRunner(signers: signers, seed: 5)
        var third = auxGenRunner(signers: signers, seed: 6)
        guard case .finished(let a) = first.run(), case .finished(let b) = second.run(),
              case .finished(let c) = third.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        #expect(first.sentMessages.map(\.encoded) == second.sentMessages.map(\.encoded))
        #expect(first.sentMessages.map(\.encoded) != third.sentMessages.map(\.encoded))
        let party = signers[0].partyID
        #expect(a[party]!.publicInfo == b[party]!.publicInfo)
        // The same primes, other randomness: same N, other (s, t).
        #expect(a[party]!.publicInfo[party]!.paillierKey == c[party]!.publicInfo[party]!.paillierKey)
        #expect(a[party]!.publicInfo[party]!.ringPedersen != c[party]!.publicInfo[party]!.ringPedersen)
    }

    @Test func storageEncodingRoundTripsAndRejectsDamage() throws {
        let signers = makeSigners(3)
        var runner = auxGenRunner(signers: signers, seed: 31)
        guard case .finished(let outputs) = runner.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        let info = try #require(outputs[signers[1].partyID])
        let encoded = info.encoded
        let decoded = try AuxInfo(encoded: encoded, parameters: .testing)
        #expect(decoded.owner == info.owner)
        #expect(decoded.publicInfo == info.publicInfo)
        #expect(decoded.paillierSecretKey.p == info.paillierSecretKey.p)
        #expect(decoded.ringPedersenSecret.lambda == info.ringPedersenSecret.lambda)
        #expect(decoded.ringPedersenSecret.parameters == info.ringPedersenSecret.parameters)
        #expect(decoded.encoded == encoded)

        // Two decodings through one cache share their ring-Pedersen values (and so the committer's
        // tables), and nothing else changes.
        let cache = RingPedersenParametersCache(capacity: 8)
        let first = decoded.sharingRingPedersenParameters(cache)
        let second = try AuxInfo(encoded: encoded, parameters: .testing).sharingRingPedersenParameters(cache)
        #expect(first.publicInfo == info.publicInfo && second.publicInfo == info.publicInfo)
        #expect(first.encoded == encoded && second.encoded == encoded)
        #expect(cache.count == info.publicInfo.count)
        for party in info.parties {
            #expect(first.publicInfo[party]!.ringPedersen.sharesCommitterTables(with: second.publicInfo[party]!.ringPedersen))
            #expect(!decoded.publicInfo[party]!.ringPedersen.sharesCommitterTables(
                with: try AuxInfo(encoded: encoded, parameters: .testing).publicInfo[party]!.ringPedersen))
        }

        #expect(throws: AuxInfoError.parameterSetMismatch(expected: "production112", found: "testing-UNSAFE")) {
            try AuxInfo(encoded: encoded, parameters: .production112)
        }
        var badVersion = encoded
        badVersion[6] = 2
        #expect(throws: AuxInfoError.malformedEncoding(DecodingError(field: "aux info", reason: .unsupportedVersion(2)))) {
            try AuxInfo(encoded: badVersion, parameters: .testing)
        }
        #expect(throws: AuxInfoError.malformedEncoding(DecodingError(field: "aux info", reason: .trailingBytes(count: 1)))) {
            try AuxInfo(encoded: encoded + [0], parameters: .testing)
        }
        #expect(throws: AuxInfoError.malformedEncoding(DecodingError(field: "aux info", reason: .wrongMagic))) {
            try AuxInfo(encoded: Array("TSSPRE".utf8) + encoded.dropFirst(6), parameters: .testing)
        }
        #expect(throws: AuxInfoError.self) { try AuxInfo(encoded: Array(encoded.dropLast()), parameters: .testing) }
        #expect(throws: AuxInfoError.self) { try AuxInfo(encoded: encoded + [0], parameters: .testing) }
        #expect(throws: AuxInfoError.self) { try AuxInfo(encoded: Array("TSSAUX".utf8), parameters: .testing) }
        // Every single-byte change in the body is rejected or decodes to different data.
        for position in stride(from: 7, to: encoded.count, by: 97) {
            var damaged = encoded
            damaged[position] ^= 0x10
            if let other = try? AuxInfo(encoded: damaged, parameters: .testing) {
                #expect(other.encoded != encoded)
            }
        }

        let restricted = try info.restricted(to: [signers[1].partyID, signers[2].partyID])
        #expect(restricted.parties == [signers[1].partyID, signers[2].partyID].sorted())
        #expect(throws: AuxInfoError.ownerMissing) { try info.restricted(to: [signers[0].partyID, signers[2].partyID]) }
    }

    @Test func setupRejectsUnusablePrimes() throws {
        let signers = makeSigners(2)
        let good = committedAuxPrimes(index: 0, bits: 512)
        func setup(_ primes: AuxGenPrimes) throws(AuxGenSetupError) {
            _ = try AuxGen.makeSession(sessionID: auxGenSessionID, committee: signers.map(\.partyID), signer: signers[0],
                                       parameters: .testing, primes: primes)
        }
        #expect(throws: AuxGenSetupError.primeSize(expected: 512, got: 256)) {
            try setup(committedAuxPrimes(index: 0, bits: 256))
        }
        #expect(throws: AuxGenSetupError.self) {
            try setup(AuxGenPrimes(paillierP: good.paillierP, paillierQ: good.paillierP,
                                   ringPedersenP: good.ringPedersenP, ringPedersenQ: good.ringPedersenQ))
        }
        // A Blum prime that is not a safe prime cannot serve for N̂.
        #expect(throws: AuxGenSetupError.ringPedersenPrimeNotSafe) {
            try setup(AuxGenPrimes(paillierP: good.paillierP, paillierQ: good.paillierQ,
                                   ringPedersenP: good.paillierP, ringPedersenQ: good.ringPedersenQ))
        }
    }
}

/// Each test makes `culprit` misbehave; every honest party must name it and the evidence must
/// convince a third party holding public data only.
@Suite struct AuxGenMisbehaviourTests {
    let signers = makeSigners(3)
    var culprit: Ed25519Signer { signers[1] }

    func expectCulpritNamed(_ outcome: SimulationRunner<AuxInfo, ChaChaRandom>.Outcome, rule: String? = nil,
                            reason: ((FaultReason) -> Bool)? = nil, culprit: Ed25519Signer? = nil) throws {
        let culprit = culprit ?? self.culprit
        guard let faults = (outcome).faults else {
            Issue.record("expected a fault, got \(outcome)")
            return
        }
        #expect(Set(signers.map(\.partyID)).subtracting(faults.keys) == [culprit.partyID] || faults.count == signers.count)
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID))
        let rechecker = AuxGen.evidenceRechecker(parameters: .testing)
        for (accuser, fault) in faults {
            #expect(fault.culprit == culprit.partyID, "\(accuser) blamed \(fault.culprit): \(fault)")
            if let rule {
                guard case .violation(let violation) = fault.reason else {
                    Issue.record("expected a violation, got \(fault.reason)")
                    continue
                }
                #expect(violation.rule == rule, "\(violation)")
            }
            if let reason { #expect(reason(fault.reason), "unexpected reason \(fault.reason)") }
            #expect(throws: Never.self) { try fault.evidence.verify(publicData: publicData, rechecker: rechecker) }
            let other = try AuxGen.publicData(sessionID: Array("other".utf8), committee: signers.map(\.partyID))
            #expect(throws: EvidenceError.self) { try fault.evidence.verify(publicData: other, rechecker: rechecker) }
            for innocent in signers.map(\.partyID) where innocent != fault.culprit {
                let swapped = Evidence(culprit: innocent, round: fault.round, reason: fault.reason, messages: fault.evidence.messages)
                #expect(swapped.verdict(publicData: publicData, rechecker: rechecker) != .proven)
            }
        }
    }

    @Test func wrongPaillierModulusSizeIsBlamed() throws {
        // N from two 256-bit Blum primes: 512 bits where the parameters require 1024.
        let small = committedAuxPrimes(index: 0, bits: 256)
        var runner = auxGenRunner(signers: signers, seed: 41, tamper: auxGenCommittedCheat(
            .substitutePaillierModulus(small.paillierP * small.paillierQ), culprit: culprit, signers: signers, seed: 41))
        try expectCulpritNamed(runner.run(), rule: "paillier-modulus-size")
    }

    @Test func primePaillierModulusIsBlamed() throws {
        // A 1024-bit prime as N (no Πmod could be made for it; the size and primality checks catch it first).
        let prime = try BigInt(hex: CommittedPrimes.hex(kind: "blum", bits: 1024)[0])
        var runner = auxGenRunner(signers: signers, seed: 42, tamper: auxGenCommittedCheat(
            .substitutePaillierModulus(prime), culprit: culprit, signers: signers, seed: 42))
        try expectCulpritNamed(runner.run(), rule: "paillier-modulus-invalid")
    }

    @Test func badRingPedersenProofIsBlamed() throws {
        var runner = auxGenRunner(signers: signers, seed: 43, tamper: auxGenCommittedCheat(
            .corruptRingPedersenProof, culprit: culprit, signers: signers, seed: 43))
        try expectCulpritNamed(runner.run(), rule: "invalid-prm-proof")
    }

    @Test func badModulusProofIsBlamed() throws {
        // Πmod with a w of Jacobi symbol +1 (the CVE-2025-66016 check), with a matching digest — re-signed by the culprit.
        let culprit = self.culprit
        let sid = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID)).boundSessionID
        let bad = forgedModulusProof().encoded
        var runner = auxGenRunner(signers: signers, seed: 44) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3 else { return message }
            switch message.kind {
            case .broadcast: return message.replacingPayload(bad, signer: culprit)
            case .echoBroadcast:
                return message.replacingPayload(auxGenDigestPayload(sid: sid, prover: culprit.partyID, proof: bad),
                                                signer: culprit)
            default: return message
            }
        }
        try expectCulpritNamed(runner.run(), rule: "invalid-mod-proof")
    }

    @Test func modulusProofNotMatchingItsDigestIsBlamed() throws {
        let culprit = self.culprit
        var runner = auxGenRunner(signers: signers, seed: 49) { message, _ in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .broadcast else { return message }
            return message.replacingPayload(forgedModulusProof().encoded, signer: culprit)
        }
        try expectCulpritNamed(runner.run(), rule: "mod-proof-digest-mismatch")
    }

    /// Finding 5: parties 0 and 1 publish the same N (both use party 0's primes, so both can prove
    /// it). Every other party names the later of the two in committee order, with proven evidence.
    @Test func repeatedPaillierModulusIsRefused() throws {
        let committee = signers.map(\.partyID).sorted()
        let later = committee.firstIndex(of: signers[0].partyID)! > committee.firstIndex(of: signers[1].partyID)! ? signers[0] : signers[1]
        var runner = auxGenRunner(signers: signers, seed: 50, primeIndices: [0, 0, 2])
        let outcome = runner.run()
        try expectCulpritNamed(outcome, rule: "repeated-paillier-modulus", culprit: later)
        guard let faults = (outcome).faults else { return }
        // The honest party names it; the earlier of the two does not name itself or anyone honest.
        #expect(faults[signers[2].partyID]?.culprit == later.partyID)
    }

    /// Finding 3: the culprit sends one honest party a valid Πmod and the other an invalid one.
    /// The second names it with proven evidence; the first does not finish alone (the echo step
    /// after round 3 waits for the second's echo, which never comes).
    @Test func splitRound3ProofNamesTheCheaterAndNoHonestPartyFinishesAlone() throws {
        let culprit = self.culprit
        let victim = signers[2].partyID
        let run = runAdversarially(auxGenSessions(signers: signers), generators: seededGenerators(signers, seed: 51)) { message, recipient in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .broadcast, recipient == victim else {
                return [(message, 0)]
            }
            return [(message.replacingPayload(forgedModulusProof().encoded, signer: culprit), 0)]
        }
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID))
        let rechecker = AuxGen.evidenceRechecker(parameters: .testing)
        let fault = try #require(run.faults[victim])
        #expect(fault.culprit == culprit.partyID)
        #expect(fault.evidence.verdict(publicData: publicData, rechecker: rechecker) == .proven)
        for signer in signers where signer.partyID != culprit.partyID {
            #expect(run.outputs[signer.partyID] == nil, "\(signer.partyID) finished while \(victim) holds a proven fault")
            if let fault = run.faults[signer.partyID] { #expect(fault.culprit == culprit.partyID) }
        }
    }

    @Test func badFactorProofIsBlamed() throws {
        let culprit = self.culprit
        let victim = signers[2].partyID
        var runner = auxGenRunner(signers: signers, seed: 45) { message, recipient in
            guard message.sender == culprit.partyID, message.round == 3, message.kind == .direct, recipient == victim
            else { return message }
            let proof = try! auxGenFactorProof(message.payload)
            let bad = NoSmallFactorProof(P: proof.P, Q: proof.Q, A: proof.A, B: proof.B, T: proof.T, sigma: proof.sigma,
                                         z1: proof.z1 + .one, z2: proof.z2, w1: proof.w1, w2: proof.w2, v: proof.v)
            return message.replacingPayload(bad.serializedAsAuxGenDirect, signer: culprit)
        }
        guard let faults = (runner.run()).faults else {
            Issue.record("expected a fault")
            return
        }
        // Only the victim received the bad proof.
        #expect(Array(faults.keys) == [victim])
        try expectCulpritNamedByVictim(faults, victim: victim)
    }

    func expectCulpritNamedByVictim(_ faults: [PartyID: ProtocolFault], victim: PartyID) throws {
        let fault = try #require(faults[victim])
        #expect(fault.culprit == culprit.partyID)
        guard case .violation(let violation) = fault.reason else {
            Issue.record("expected a violation")
            return
        }
        #expect(violation.rule == "invalid-fac-proof")
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID))
        #expect(throws: Never.self) {
            try fault.evidence.verify(publicData: publicData, rechecker: AuxGen.evidenceRechecker(parameters: .testing))
        }
    }

    @Test func inconsistentEchoBroadcastIsBlamed() throws {
        // The culprit sends the victim another V: the echo step shows everyone both signed versions.
        let culprit = self.culprit
        let victim = signers[2].partyID
        var runner = auxGenRunner(signers: signers, seed: 46) { message, recipient in
            guard message.sender == culprit.partyID, message.kind == .echoBroadcast, message.round == 1,
                  recipient == victim else { return message }
            var writer = ByteWriter()
            writer.write("V", bytes: [UInt8](repeating: 0xAB, count: 32))
            return message.replacingPayload(writer.bytes, signer: culprit)
        }
        try expectCulpritNamed(runner.run(), reason: { $0 == .equivocation })
    }

    /// Finding 1: an honest party's echo, offered as the "offending" part of any round (or of a round
    /// AuxGen does not have), breaks no rule: a third party finds nothing proven.
    @Test func honestEchoMessageIsNotProvenAsViolation() throws {
        var runner = auxGenRunner(signers: signers, seed: 52)
        guard case .finished = runner.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        let honest = signers[0].partyID
        let cases = try [(1, 1), (2, 2), (2, 3), (2, 4), (1, 0)].map { echoRound, claimedRound in
            (message: try #require(runner.sentMessages.first { $0.sender == honest && $0.round == echoRound && $0.kind == .echo }),
             round: claimedRound)
        }
        try expectHonestMessagesNotProven(
            honest, cases: cases, rules: ["unexpected-message"], supporting: [], viewMessages: cases.map(\.message),
            publicData: try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID)),
            rechecker: AuxGen.evidenceRechecker(parameters: .testing))
    }

    /// Finding 2: a malicious accuser re-signs its own round-2 echo-broadcast with other ring-Pedersen
    /// parameters (under which the honest party's Πfac fails) and offers it with the honest party's
    /// real round-3 messages. The recheck reads the parameters from the honest party's own echo.
    @Test func accuserCannotSubstituteItsOwnEarlierMessage() throws {
        var runner = auxGenRunner(signers: signers, seed: 53)
        guard case .finished = runner.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        let honest = signers[0].partyID
        let accuser = signers[2]
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID))
        let own = try #require(runner.sentMessages.first { $0.sender == accuser.partyID && $0.round == 2 && $0.kind == .echoBroadcast })
        let reveal = try auxGenReveal(own.payload)
        let other = try #require(runner.sentMessages.first { $0.sender == signers[1].partyID && $0.round == 2 && $0.kind == .echoBroadcast })
        let otherReveal = try auxGenReveal(other.payload)
        // Party 1's ring-Pedersen parameters in place of the accuser's.
        let substitute = own.replacingPayload(auxGenRevealPayload(AuxRevealEcho(paillierModulus: reveal.paillierModulus,
                                                                                ringPedersen: otherReveal.ringPedersen, rho: reveal.rho)),
                                              signer: accuser)
        let honestMessages = runner.sentMessages.filter {
            $0.sender == honest && ($0.kind != .direct || $0.recipient == accuser.partyID)
        }
        let round3 = honestMessages.filter { $0.round == 3 && $0.kind != .echo }
        let evidence = Evidence(culprit: honest, round: 3, reason: .violation(RoundViolation(rule: "invalid-fac-proof")),
                                messages: round3 + [substitute] + honestMessages.filter { $0.round < 3 })
        #expect(evidence.verdict(publicData: publicData, rechecker: AuxGen.evidenceRechecker(parameters: .testing)) != .proven)
        // Under the substituted parameters the honest Πfac does fail: a check that read the accuser's
        // message would have "proven" it.
        let direct = try #require(round3.first { $0.kind == .direct })
        let proof = try auxGenFactorProof(direct.payload)
        let echo = try #require(honestMessages.first { $0.round == 2 && $0.kind == .echo })
        let reveals = try EchoRound.entries(of: echo).map { try auxGenReveal($0.payload) }
        let modulus = try #require(reveals.first { $0 != reveal && $0 != otherReveal }).paillierModulus
        #expect(throws: RoundViolation.self) {
            try AuxChecks.factorProof(proof, sender: honest, modulus: modulus, verifierParameters: otherReveal.ringPedersen,
                                      rho: AuxChecks.jointRandomness(reveals.map(\.rho)), sid: publicData.boundSessionID,
                                      parameters: .testing)
        }
    }

    @Test func evidenceAgainstAnHonestPartyDoesNotVerify() throws {
        var runner = auxGenRunner(signers: signers, seed: 47)
        guard case .finished = runner.run() else {
            Issue.record("AuxGen did not finish")
            return
        }
        let honest = signers[0].partyID
        let round3 = runner.sentMessages.filter { $0.sender == honest && $0.round == 3 }
        let round2 = runner.sentMessages.filter { $0.sender == honest && $0.round == 2 && ($0.kind == .broadcast || $0.kind == .echo) }
        let reason = FaultReason.violation(RoundViolation(rule: "invalid-fac-proof"))
        let evidence = Evidence(culprit: honest, round: 3, reason: reason, messages: round3 + round2)
        let publicData = try AuxGen.publicData(sessionID: auxGenSessionID, committee: signers.map(\.partyID))
        #expect(evidence.verdict(publicData: publicData, rechecker: AuxGen.evidenceRechecker(parameters: .testing)).name
                == "not-proven")
    }
}
