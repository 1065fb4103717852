import Hashing

/// What was wrong with a BIP32 derivation request.
public enum BIP32Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hardened index (≥ 2^31) needs the parent secret key, which no single party holds for a
    /// threshold key; only non-hardened public derivation is supported.
    case hardenedIndex(UInt32)
    /// The chain code must be 32 bytes.
    case wrongChainCodeLength(Int)
    /// The parent public key is the identity.
    case identityKey
    /// The path text is not `m/i/j/…` with decimal indices below 2^31.
    case malformedPath(String)
    /// BIP32's "invalid child" case (I_L ≥ n or a child at infinity, probability < 2^-127): the
    /// caller should skip this index.
    case invalidChild(index: UInt32)

    /// A one-line English description with the offending index or text.
    public var description: String {
        switch self {
        case let .hardenedIndex(index): "hardened index \(index) cannot be derived from a public key"
        case let .wrongChainCodeLength(count): "chain code must be 32 bytes, got \(count)"
        case .identityKey: "parent public key is the identity point"
        case let .malformedPath(text): "malformed BIP32 path \"\(text)\""
        case let .invalidChild(index): "BIP32 child \(index) is invalid; use the next index"
        }
    }
}

/// A public key with its BIP32 chain code: the root of non-hardened derivation for a threshold
/// key, whose secret key exists only as shares.
public struct ExtendedPublicKey: Sendable, Hashable {
    /// The public key (never the identity).
    public let publicKey: Point
    /// 32 bytes.
    public let chainCode: [UInt8]

    /// An extended key from its parts.
    /// - Throws: ``BIP32Error/identityKey`` for the identity; ``BIP32Error/wrongChainCodeLength(_:)``
    ///   unless the chain code has 32 bytes.
    public init(publicKey: Point, chainCode: some Collection<UInt8>) throws(BIP32Error) {
        guard !publicKey.isIdentity else { throw .identityKey }
        guard chainCode.count == 32 else { throw .wrongChainCodeLength(chainCode.count) }
        self.publicKey = publicKey
        self.chainCode = Array(chainCode)
    }

    /// The result of deriving along a path.
    public struct Derivation: Sendable, Hashable {
        /// The child extended public key.
        public let key: ExtendedPublicKey
        /// The sum of the per-step tweaks I_L mod n: child public key = parent + tweak·G. A holder
        /// of the parent secret x derives the child secret x + tweak; with Shamir shares every
        /// share adds the tweak (Lagrange coefficients sum to one), with additive shares exactly
        /// one party does.
        public let tweak: Scalar
    }

    /// CKDpub along `path` (each index < 2^31).
    /// - Throws: ``BIP32Error/hardenedIndex(_:)`` for any index ≥ 2^31,
    ///   ``BIP32Error/invalidChild(index:)`` in BIP32's negligible invalid case.
    public func derive(path: [UInt32]) throws(BIP32Error) -> Derivation {
        if let hardened = path.first(where: { $0 >= 0x8000_0000 }) { throw .hardenedIndex(hardened) }
        var current = self
        var tweak = Scalar.zero
        for index in path {
            let (child, step) = try current.childKey(index)
            current = child
            tweak += step
        }
        return Derivation(key: current, tweak: tweak)
    }

    /// CKDpub along a textual path such as "m/0/1/2" (also without the leading "m/").
    /// - Throws: the errors of ``parse(path:)`` and ``derive(path:)-([UInt32])``.
    public func derive(path text: String) throws(BIP32Error) -> Derivation {
        try derive(path: ExtendedPublicKey.parse(path: text))
    }

    /// Parses "m/0/1/2" ("m" alone is the empty path).
    /// - Throws: ``BIP32Error/hardenedIndex(_:)`` for a hardened marker (', h or H);
    ///   ``BIP32Error/malformedPath(_:)`` for anything that is not decimal indices below 2^31.
    public static func parse(path text: String) throws(BIP32Error) -> [UInt32] {
        var components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.first == "m" { components.removeFirst() }
        if text == "m" { return [] }
        var indices: [UInt32] = []
        for component in components {
            var digits = component
            var hardened = false
            if let last = digits.last, "'hH".contains(last) {
                hardened = true
                digits.removeLast()
            }
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = UInt32(digits), value < 0x8000_0000 else {
                throw .malformedPath(text)
            }
            if hardened { throw .hardenedIndex(value | 0x8000_0000) }
            indices.append(value)
        }
        return indices
    }

    /// One CKDpub step: I = HMAC-SHA512(c, ser_P(K) ‖ ser_32(i)); K_i = I_L·G + K, c_i = I_R.
    private func childKey(_ index: UInt32) throws(BIP32Error) -> (ExtendedPublicKey, Scalar) {
        let message = publicKey.compressedRepresentation + [UInt8(index >> 24), UInt8((index >> 16) & 0xFF),
                                                            UInt8((index >> 8) & 0xFF), UInt8(index & 0xFF)]
        let i = HMAC<SHA512>.authenticationCode(key: chainCode, message: message)
        guard let step = try? Scalar(rawRepresentation: i[0..<32]) else { throw .invalidChild(index: index) }
        let child = Point.generatorMultiple(step) + publicKey
        guard !child.isIdentity else { throw .invalidChild(index: index) }
        return (ExtendedPublicKey(unchecked: child, chainCode: Array(i[32..<64])), step)
    }

    private init(unchecked publicKey: Point, chainCode: [UInt8]) {
        self.publicKey = publicKey
        self.chainCode = chainCode
    }
}
