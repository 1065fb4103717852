import ArgumentParser

/// A benchmarked proof's prover (giving the encoded proof) and verifier (of encoded proofs).
typealias BenchClosures = (prove: () -> [UInt8], verify: ([UInt8]) throws -> Void)

// Issue #13: every proof whose fast path uses a factorisation (CRT) or simultaneous
// multi-exponentiation is also timed on the oracle path (full width, separate powers), interleaved
// sample by sample with the fast path on the same inputs.
extension ProofBenchCase {
    /// "reference_prove_ms", "reference_verify_ms" (medians of the oracle path) and
    /// "paired_prove_ms", "paired_verify_ms" (the fast path's medians from the same interleaved
    /// samples, so the two are comparable under the same load).
    /// - Throws: when the two paths give different proofs or either proof does not verify on
    ///   both paths.
    static func referenceFields(_ name: String, fast: BenchClosures, reference: BenchClosures,
                                samples: Int) throws -> [String: Any] {
        let fastProof = fast.prove(), referenceProof = reference.prove()
        guard fastProof == referenceProof else { throw ValidationError("\(name): the oracle path gave another proof") }
        guard (try? fast.verify(fastProof)) != nil, (try? reference.verify(fastProof)) != nil else {
            throw ValidationError("\(name): a fresh proof did not verify on both paths")
        }
        var proveFast: [Double] = [], proveReference: [Double] = []
        var verifyFast: [Double] = [], verifyReference: [Double] = []
        func time(_ body: () -> Void) -> Double {
            let start = BenchClock.now()
            body()
            return Double(BenchClock.now() - start) / 1e6
        }
        for _ in 0..<samples {
            proveFast.append(time { _ = fast.prove() })
            proveReference.append(time { _ = reference.prove() })
            verifyFast.append(time { try! fast.verify(fastProof) })
            verifyReference.append(time { try! reference.verify(fastProof) })
        }
        return ["reference_prove_ms": BenchClock.median(proveReference),
                "reference_verify_ms": BenchClock.median(verifyReference),
                "paired_prove_ms": BenchClock.median(proveFast),
                "paired_verify_ms": BenchClock.median(verifyFast)]
    }
}
