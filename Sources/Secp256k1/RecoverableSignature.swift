import CSecp256k1

/// An ECDSA signature with its recovery id v ∈ {0, 1, 2, 3}: bit 0 is the parity of R's y
/// coordinate, bit 1 says that R's x coordinate was r + n rather than r (probability ≈ 2^-127).
/// Its raw form is the 65 bytes r‖s‖v used by Ethereum-style APIs (v not offset by 27).
public struct RecoverableSignature: Sendable, Hashable {
    /// The signature (r, s).
    public let signature: ECDSASignature
    /// v ∈ 0...3 (not offset by 27).
    public let recoveryID: UInt8

    /// A signature with a given recovery id.
    /// - Throws: ``SignatureError/invalidRecoveryID(_:)`` unless `recoveryID` ≤ 3.
    public init(signature: ECDSASignature, recoveryID: UInt8) throws(SignatureError) {
        guard recoveryID <= 3 else { throw .invalidRecoveryID(recoveryID) }
        self.signature = signature
        self.recoveryID = recoveryID
    }

    init(unchecked signature: ECDSASignature, recoveryID: UInt8) {
        self.signature = signature
        self.recoveryID = recoveryID
    }

    /// Decodes r‖s‖v (65 bytes; r, s in [1, n); v in 0...3).
    /// - Throws: ``SignatureError/wrongLength(expected:actual:)`` unless 65 bytes; the errors of
    ///   ``ECDSASignature/init(compactRepresentation:)``; ``SignatureError/invalidRecoveryID(_:)``.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(SignatureError) {
        let encoded = Array(bytes)
        guard encoded.count == 65 else { throw .wrongLength(expected: 65, actual: encoded.count) }
        try self.init(signature: ECDSASignature(compactRepresentation: encoded[0..<64]), recoveryID: encoded[64])
    }

    /// r‖s‖v, 65 bytes.
    public var rawRepresentation: [UInt8] { signature.compactRepresentation + [recoveryID] }

    /// Completes a signature that has no recovery id (as the threshold protocol produces) by
    /// finding the v for which `publicKey` is recovered. The signature is first normalised to
    /// low s, so the result is what a single signer (and Ethereum, EIP-2) would produce.
    /// - Throws: ``SignatureError/identityPublicKey``; ``SignatureError/noMatchingRecoveryID`` when the signature does not verify
    ///   under `publicKey`.
    public init(signature: ECDSASignature, publicKey: Point, prehash: Prehash) throws(SignatureError) {
        guard !publicKey.isIdentity else { throw .identityPublicKey }
        let low = signature.normalized
        for v in UInt8(0)...3 {
            let candidate = RecoverableSignature(unchecked: low, recoveryID: v)
            if let recovered = try? candidate.recoverPublicKey(from: prehash), recovered == publicKey {
                self = candidate
                return
            }
        }
        throw .noMatchingRecoveryID
    }

    /// The public key that this signature of `prehash` verifies under (high s is accepted).
    /// - Throws: ``SignatureError/recoveryFailed`` when no key exists (e.g. r + n ≥ p for v ≥ 2, or r is not an
    ///   x coordinate on the curve).
    public func recoverPublicKey(from prehash: Prehash) throws(SignatureError) -> Point {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let compact = signature.compactRepresentation
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(Secp256k1Context.shared.pointer, &recoverable,
                                                                  compact, Int32(recoveryID)) == 1 else {
            throw .recoveryFailed
        }
        var key = secp256k1_pubkey()
        let ok = prehash.rawRepresentation.withUnsafeBufferPointer { digest in
            secp256k1_ecdsa_recover(Secp256k1Context.shared.pointer, &key, &recoverable, digest.baseAddress!)
        }
        guard ok == 1 else { throw .recoveryFailed }
        return Point(.affine(key))
    }
}

extension RecoverableSignature: CustomStringConvertible {
    public var description: String { "RecoverableSignature(\(signature), v: \(recoveryID))" }
}
