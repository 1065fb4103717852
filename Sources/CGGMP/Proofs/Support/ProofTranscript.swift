extension Transcript {
    /// A Paillier/curve proof's transcript: tag, context and parameter set, then the statement and,
    /// for proofs with ring-Pedersen commitments, the verifier's setup. Prover and verifier both
    /// start here, so they cannot bind different inputs.
    init(proof tag: String, statement: some WireCodable, setup: PedersenGroup? = nil,
         context: ProofContext, parameters: SchemeParameters) {
        self.init(proof: tag, context: context, parameters: parameters)
        append("statement", statement)
        setup?.bind(into: &self)
    }
}
