import CSecp256k1

/// ECDSA over secp256k1 with a single secret key (threshold signing lives in CGGMP).
public enum ECDSA {
    /// Signs `prehash` with RFC 6979 deterministic nonces (libsecp256k1's default nonce
    /// function). The result is always low-s.
    /// - Throws: ``SignatureError/zeroSecretKey`` for a zero key (every other scalar is a valid key).
    public static func sign(_ prehash: Prehash, secretKey: Scalar) throws(SignatureError) -> ECDSASignature {
        guard !secretKey.isZero else { throw .zeroSecretKey }
        var signature = secp256k1_ecdsa_signature()
        let ok = secretKey.withUnsafeBigEndianBytes { key in
            prehash.rawRepresentation.withUnsafeBufferPointer { digest in
                secp256k1_ecdsa_sign(Secp256k1Context.shared.pointer, &signature, digest.baseAddress!,
                                     key.baseAddress!, nil, nil)
            }
        }
        // With a valid key, RFC 6979 retries internally until it finds a usable nonce.
        precondition(ok == 1, "secp256k1_ecdsa_sign failed for a valid key")
        return ECDSASignature(unchecked: compactScalar(of: signature, at: 0), compactScalar(of: signature, at: 32))
    }

    /// Signs `prehash` like ``sign(_:secretKey:)`` and also returns the recovery id.
    /// - Throws: ``SignatureError/zeroSecretKey``.
    public static func signRecoverable(_ prehash: Prehash, secretKey: Scalar) throws(SignatureError) -> RecoverableSignature {
        guard !secretKey.isZero else { throw .zeroSecretKey }
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = secretKey.withUnsafeBigEndianBytes { key in
            prehash.rawRepresentation.withUnsafeBufferPointer { digest in
                secp256k1_ecdsa_sign_recoverable(Secp256k1Context.shared.pointer, &signature, digest.baseAddress!,
                                                 key.baseAddress!, nil, nil)
            }
        }
        precondition(ok == 1, "secp256k1_ecdsa_sign_recoverable failed for a valid key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(Secp256k1Context.shared.pointer, &compact,
                                                                   &recoveryID, &signature)
        let r = try! Scalar(rawRepresentation: compact[0..<32])
        let s = try! Scalar(rawRepresentation: compact[32..<64])
        return RecoverableSignature(unchecked: ECDSASignature(unchecked: r, s), recoveryID: UInt8(recoveryID))
    }

    private static func compactScalar(of signature: secp256k1_ecdsa_signature, at offset: Int) -> Scalar {
        let compact = ECDSASignature.compact(of: signature)
        // libsecp256k1 only produces r, s in [1, n).
        return try! Scalar(rawRepresentation: compact[offset..<(offset + 32)])
    }
}
