import CGGMP
import Testing
import TestSupport
@testable import TSS

/// `FlowError`'s set-up cases carry the typed error of the layer below, not a string.
@Suite struct FlowErrorCases {
    let servers = flowServers()

    @Test func aThresholdOutsideTwoToNIsItsOwnCase() throws {
        let committee = servers.map(\.partyID)
        do {
            _ = try RegistrationPlan(committee: committee, threshold: 1, user: flowUser, blockNumber: 1)
            Issue.record("accepted threshold 1")
        } catch {
            guard case .invalidThreshold(threshold: 1, committeeSize: 3) = error else { Issue.record("got \(error)"); return }
            #expect(error.description == "threshold 1 of 3 servers: need 2 ≤ t ≤ n")
            #expect(error.culprit == nil)
        }
    }

    @Test func aDuplicateServerCarriesTheSessionIDError() throws {
        let committee = servers.map(\.partyID)
        let duplicated = committee + [committee[0]]
        do {
            _ = try RegistrationPlan(committee: duplicated, threshold: 2, user: flowUser, blockNumber: 1)
            Issue.record("accepted a duplicate server")
        } catch {
            guard case .setupFailed(phase: nil, .sessionID(.duplicateParticipant(let party))) = error else {
                Issue.record("got \(error)"); return
            }
            #expect(party == committee[0])
            #expect(error.description.hasPrefix("set-up: session id: "))
        }
    }

    @Test func aServerOutsideTheCommitteeIsNotAMember() throws {
        let plan = try RegistrationPlan(committee: servers.map(\.partyID), threshold: 2, user: flowUser, blockNumber: 2)
        let outsider = try Ed25519Signer(seed: [UInt8](repeating: 0x7f, count: 32))
        let primes = committedPrimes(index: 0, bits: SchemeParameters.testing.paillierPrimeBits)
        do {
            _ = try RegistrationFlow(plan: plan, signer: outsider, parameters: .testing, primes: primes, usedSessionIDs: UsedSessionIDs())
            Issue.record("an outsider joined the flow")
        } catch {
            guard case .notAMember(let party) = error else { Issue.record("got \(error)"); return }
            #expect(party == outsider.partyID)
        }
    }

    @Test func descriptionsOfTheSetUpCases() {
        let phase = FlowError.setupFailed(phase: .presign, .signing(.signerSetMismatch))
        #expect(phase.description.hasPrefix("set-up of presign: signing: "))
        #expect(FlowError.aborted(phase: .keyInit, reason: "x").description == "keyInit aborted: x")
        #expect(FlowError.presignatureAlreadyUsed.description == "the presignature was already used")
    }
}
