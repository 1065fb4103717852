import CSecp256k1

/// How strictly ``ECDSASignature/isValid(for:publicKey:mode:)`` treats the malleable "high s" form.
public enum ECDSAVerificationMode: Sendable, Hashable {
    /// Only low-s signatures (s ≤ n/2) verify, as Bitcoin (BIP 62/146) and Ethereum (EIP-2) require.
    case strict
    /// A high-s signature verifies when its low-s twin (r, n − s) does, as in plain ECDSA.
    case lenient
}

/// An ECDSA signature (r, s) over secp256k1, with r and s in [1, n).
///
/// Signature components are public, so they are held as `Scalar`s only for convenient arithmetic.
public struct ECDSASignature: Sendable, Hashable {
    /// r: the x coordinate of the nonce point, mod n (never zero).
    public let r: Scalar
    /// s (never zero; either half unless normalised).
    public let s: Scalar

    /// A signature from its components.
    /// - Throws: ``SignatureError/zeroComponent`` when r or s is zero.
    public init(r: Scalar, s: Scalar) throws(SignatureError) {
        guard !r.isZero, !s.isZero else { throw .zeroComponent }
        self.r = r
        self.s = s
    }

    // MARK: Encodings

    /// The 64-byte compact (IEEE P1363) encoding r‖s, each 32 bytes big-endian.
    /// - Throws: ``SignatureError/wrongLength(expected:actual:)`` unless 64 bytes;
    ///   ``SignatureError/componentOutOfRange`` for r or s ≥ n; ``SignatureError/zeroComponent``.
    public init(compactRepresentation bytes: some Collection<UInt8>) throws(SignatureError) {
        let encoded = Array(bytes)
        guard encoded.count == 64 else { throw .wrongLength(expected: 64, actual: encoded.count) }
        let r: Scalar, s: Scalar
        do {
            r = try Scalar(rawRepresentation: encoded[0..<32])
            s = try Scalar(rawRepresentation: encoded[32..<64])
        } catch {
            throw .componentOutOfRange
        }
        try self.init(r: r, s: s)
    }

    /// The 64-byte compact encoding r‖s.
    public var compactRepresentation: [UInt8] { r.rawRepresentation + s.rawRepresentation }

    /// Strict DER (`SEQUENCE { INTEGER r, INTEGER s }`, minimal lengths and integers, no trailing
    /// bytes, as libsecp256k1 checks it); then r and s must lie in [1, n).
    /// - Throws: ``SignatureError/malformedDER``; ``SignatureError/componentOutOfRange`` for a
    ///   negative or too large integer; ``SignatureError/zeroComponent``.
    public init(derRepresentation bytes: some Collection<UInt8>) throws(SignatureError) {
        let encoded = Array(bytes)
        var parsed = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(Secp256k1Context.shared.pointer, &parsed, encoded, encoded.count) == 1,
              let (rContent, sContent) = ECDSASignature.derIntegers(encoded) else {
            throw .malformedDER
        }
        // libsecp256k1 accepts well-formed integers of any size or sign and stores an out-of-range
        // one as zero, so the range is checked here from the integers themselves.
        func component(_ content: [UInt8]) throws(SignatureError) -> Scalar {
            // A set top bit is a negative integer; otherwise drop the (single, minimal) sign pad.
            guard content[0] & 0x80 == 0 else { throw .componentOutOfRange }
            let magnitude = content.count > 1 && content[0] == 0 ? Array(content.dropFirst()) : content
            guard magnitude.count <= 32 else { throw .componentOutOfRange }
            do {
                return try Scalar(rawRepresentation: [UInt8](repeating: 0, count: 32 - magnitude.count) + magnitude)
            } catch {
                throw .componentOutOfRange
            }
        }
        try self.init(r: component(rContent), s: component(sContent))
    }

    /// The strict DER encoding (at most 72 bytes).
    public var derRepresentation: [UInt8] {
        var signature = libsecp256k1Signature
        var output = [UInt8](repeating: 0, count: 72)
        var length = output.count
        _ = secp256k1_ecdsa_signature_serialize_der(Secp256k1Context.shared.pointer, &output, &length, &signature)
        return Array(output[0..<length])
    }

    // MARK: Low s

    /// Whether s ≤ n/2.
    public var isLowS: Bool { !s.isHigh }

    /// The low-s form: (r, n − s) when s is high, else self. Both verify under lenient rules.
    public var normalized: ECDSASignature {
        isLowS ? self : ECDSASignature(unchecked: r, -s)
    }

    // MARK: Verification

    /// Whether this is a valid signature of `prehash` under `publicKey`. The identity is never a
    /// valid key. Never throws: every failure is `false`.
    public func isValid(for prehash: Prehash, publicKey: Point, mode: ECDSAVerificationMode = .strict) -> Bool {
        guard var key = publicKey.publicKey else { return false }
        if mode == .strict && !isLowS { return false }
        var signature = normalized.libsecp256k1Signature
        return prehash.rawRepresentation.withUnsafeBufferPointer { digest in
            secp256k1_ecdsa_verify(Secp256k1Context.shared.pointer, &signature, digest.baseAddress!, &key) == 1
        }
    }

    // MARK: Internals

    init(unchecked r: Scalar, _ s: Scalar) {
        self.r = r
        self.s = s
    }

    var libsecp256k1Signature: secp256k1_ecdsa_signature {
        var signature = secp256k1_ecdsa_signature()
        var compact: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (r.l3.bigEndian, r.l2.bigEndian, r.l1.bigEndian, r.l0.bigEndian,
             s.l3.bigEndian, s.l2.bigEndian, s.l1.bigEndian, s.l0.bigEndian)
        let ok = withUnsafeBytes(of: &compact) { raw in
            secp256k1_ecdsa_signature_parse_compact(Secp256k1Context.shared.pointer, &signature,
                                                    raw.bindMemory(to: UInt8.self).baseAddress!)
        }
        precondition(ok == 1, "r and s are below n by construction")
        return signature
    }

    static func compact(of signature: secp256k1_ecdsa_signature) -> [UInt8] {
        var signature = signature
        var output = [UInt8](repeating: 0, count: 64)
        _ = secp256k1_ecdsa_signature_serialize_compact(Secp256k1Context.shared.pointer, &output, &signature)
        return output
    }

    /// The two INTEGER contents (two's complement, as encoded) of a DER signature that
    /// libsecp256k1 has already accepted as well-formed.
    private static func derIntegers(_ der: [UInt8]) -> ([UInt8], [UInt8])? {
        var index = 0
        func readLength() -> Int? {
            guard index < der.count else { return nil }
            let first = Int(der[index]); index += 1
            if first < 0x80 { return first }
            let count = first & 0x7F
            guard count >= 1, count <= 4, index + count <= der.count else { return nil }
            var length = 0
            for _ in 0..<count { length = (length << 8) | Int(der[index]); index += 1 }
            return length
        }
        func readInteger() -> [UInt8]? {
            guard index < der.count, der[index] == 0x02 else { return nil }
            index += 1
            guard let length = readLength(), length >= 1, index + length <= der.count else { return nil }
            let content = Array(der[index..<(index + length)])
            index += length
            return content
        }
        guard der.first == 0x30 else { return nil }
        index = 1
        guard readLength() != nil, let r = readInteger(), let s = readInteger() else { return nil }
        return (r, s)
    }
}

extension ECDSASignature: CustomStringConvertible {
    public var description: String {
        "ECDSASignature(" + compactRepresentation.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined() + ")"
    }
}
