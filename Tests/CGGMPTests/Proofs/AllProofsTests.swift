import Testing
@testable import CGGMP

/// Properties every proof must have, run over `ProofCase.all`.
@Suite struct AllProofsTests {
    @Test("a valid proof verifies and round-trips its encoding (testing set)", arguments: ProofCase.all)
    func validProofVerifies(_ proofCase: ProofCase) throws {
        let proof = proofCase.make(.testing, Fixtures.context)
        try proof.verify(Fixtures.context).get()
        #expect(proof.roundTrips())
    }

    @Test("a valid proof verifies at production112 (committed 1024-bit primes)", arguments: ProofCase.all)
    func validProofVerifiesAtProduction112(_ proofCase: ProofCase) throws {
        let proof = proofCase.make(.production112, Fixtures.context)
        try proof.verify(Fixtures.context).get()
    }

    @Test("changing any single proof field makes verification fail", arguments: ProofCase.all)
    func everyProofFieldMatters(_ proofCase: ProofCase) {
        let proof = proofCase.make(.testing, Fixtures.context)
        #expect(!proof.proofFieldNames.isEmpty)
        for (index, name) in proof.proofFieldNames.enumerated() {
            let result = proof.verifyWithPerturbedProofField(index)
            #expect(throws: ProofError.self, "\(proofCase.name): field \(index) (\(name)) changed yet accepted") {
                try result.get()
            }
        }
    }

    @Test("changing any single public input makes verification fail", arguments: ProofCase.all)
    func everyStatementFieldMatters(_ proofCase: ProofCase) {
        let proof = proofCase.make(.testing, Fixtures.context)
        #expect(!proof.statementFieldNames.isEmpty)
        for (index, name) in proof.statementFieldNames.enumerated() {
            let result = proof.verifyWithPerturbedStatementField(index)
            #expect(throws: ProofError.self, "\(proofCase.name): public input \(index) (\(name)) changed yet accepted") {
                try result.get()
            }
        }
    }

    @Test("another session id or prover id makes verification fail", arguments: ProofCase.all)
    func contextIsBound(_ proofCase: ProofCase) {
        let proof = proofCase.make(.testing, Fixtures.context)
        let otherSession = ProofContext(sessionID: Fixtures.context.sessionID + [0], proverID: Fixtures.context.proverID)
        let otherProver = ProofContext(sessionID: Fixtures.context.sessionID, proverID: Array("party-2".utf8))
        #expect(throws: ProofError.self, "\(proofCase.name): other session accepted") { try proof.verify(otherSession).get() }
        #expect(throws: ProofError.self, "\(proofCase.name): other prover accepted") { try proof.verify(otherProver).get() }
    }
}
