/// A handshake pattern (Noise spec sections 7, 9, 18): pre-messages and message token lists,
/// with any psk modifiers already applied.
public struct HandshakePattern: Sendable, Hashable {
    /// A message token (spec section 7.1).
    public enum Token: String, Sendable, Hashable {
        /// The sender's ephemeral public key.
        case e
        /// The sender's static public key (encrypted once a key is set).
        case s
        /// DH(initiator's ephemeral, responder's ephemeral).
        case ee
        /// DH(initiator's ephemeral, responder's static).
        case es
        /// DH(initiator's static, responder's ephemeral).
        case se
        /// DH(initiator's static, responder's static).
        case ss
        /// Mixes the next pre-shared key (spec section 9).
        case psk
    }

    /// The pattern's full name, e.g. `XXpsk3` or `NNpsk0+psk2`.
    public let name: String
    /// The initiator's pre-message: keys the responder knows before the handshake (`s` or none).
    public let initiatorPreMessage: [Token]
    /// The responder's pre-message: keys the initiator knows before the handshake (`s` or none).
    public let responderPreMessage: [Token]
    /// Message `i` is written by the initiator when `i` is even.
    public let messages: [[Token]]

    /// One-way patterns (N, K, X): a single handshake message, then only the initiator sends.
    public var isOneWay: Bool { Self.oneWayNames.contains(baseName) }
    /// The pattern's name without modifiers, e.g. `XX` for `XXpsk3`.
    public let baseName: String
    /// The number of `psk` tokens: how many pre-shared keys ``HandshakeState`` needs.
    public var preSharedKeyCount: Int { messages.reduce(0) { $0 + $1.filter { $0 == .psk }.count } }
    /// Whether the pattern has any `psk` modifier (which also makes `e` tokens mix keys).
    public var isPSKHandshake: Bool { preSharedKeyCount > 0 }

    /// Parses `XX`, `XXpsk3`, `NNpsk0+psk2`, …
    /// - Throws: ``NoiseError/unknownPattern(_:)`` for a base pattern not in ``baseNames``;
    ///   ``NoiseError/unsupportedModifier(_:)`` for a modifier that is not `pskN`, is repeated, is
    ///   written non-canonically (`psk01`) or names a message the pattern does not have.
    public init(name: String) throws(NoiseError) {
        let firstModifier = name.firstIndex(where: { $0.isLowercase }) ?? name.endIndex
        let base = String(name[..<firstModifier])
        guard let table = Self.base[base] else { throw .unknownPattern(base) }
        var messages = table.messages
        if firstModifier != name.endIndex {
            var seen: Set<Int> = []
            for modifier in name[firstModifier...].split(separator: "+", omittingEmptySubsequences: false) {
                guard modifier.hasPrefix("psk"), let position = Int(modifier.dropFirst(3)),
                      String(position) == modifier.dropFirst(3), position <= messages.count,
                      seen.insert(position).inserted
                else { throw .unsupportedModifier(String(modifier)) }
                // psk0 opens the first message; pskN closes message N.
                if position == 0 { messages[0].insert(.psk, at: 0) } else { messages[position - 1].append(.psk) }
            }
        }
        self.name = name
        self.baseName = base
        self.initiatorPreMessage = table.initiatorPre
        self.responderPreMessage = table.responderPre
        self.messages = messages
    }

    /// Every base pattern this module knows: one-way, fundamental interactive, deferred.
    public static var baseNames: [String] { Array(base.keys).sorted() }

    private static let oneWayNames: Set<String> = ["N", "K", "X"]

    private struct Table: Sendable {
        let initiatorPre: [Token]
        let responderPre: [Token]
        let messages: [[Token]]
    }

    private static let base: [String: Table] = {
        func t(_ i: [Token], _ r: [Token], _ m: [[Token]]) -> Table {
            Table(initiatorPre: i, responderPre: r, messages: m)
        }
        func t(_ m: [[Token]]) -> Table { Table(initiatorPre: [], responderPre: [], messages: m) }
        return [
            // One-way (section 7.4)
            "N": t([], [.s], [[.e, .es]]),
            "K": t([.s], [.s], [[.e, .es, .ss]]),
            "X": t([], [.s], [[.e, .es, .s, .ss]]),
            // Fundamental interactive (section 7.5)
            "NN": t([[.e], [.e, .ee]]),
            "NK": t([], [.s], [[.e, .es], [.e, .ee]]),
            "NX": t([[.e], [.e, .ee, .s, .es]]),
            "KN": t([.s], [], [[.e], [.e, .ee, .se]]),
            "KK": t([.s], [.s], [[.e, .es, .ss], [.e, .ee, .se]]),
            "KX": t([.s], [], [[.e], [.e, .ee, .se, .s, .es]]),
            "XN": t([[.e], [.e, .ee], [.s, .se]]),
            "XK": t([], [.s], [[.e, .es], [.e, .ee], [.s, .se]]),
            "XX": t([[.e], [.e, .ee, .s, .es], [.s, .se]]),
            "IN": t([[.e, .s], [.e, .ee, .se]]),
            "IK": t([], [.s], [[.e, .es, .s, .ss], [.e, .ee, .se]]),
            "IX": t([[.e, .s], [.e, .ee, .se, .s, .es]]),
            // Deferred (section 18.2)
            "NK1": t([], [.s], [[.e], [.e, .ee, .es]]),
            "NX1": t([[.e], [.e, .ee, .s], [.es]]),
            "X1N": t([[.e], [.e, .ee], [.s], [.se]]),
            "X1K": t([], [.s], [[.e, .es], [.e, .ee], [.s], [.se]]),
            "XK1": t([], [.s], [[.e], [.e, .ee, .es], [.s, .se]]),
            "X1K1": t([], [.s], [[.e], [.e, .ee, .es], [.s], [.se]]),
            "X1X": t([[.e], [.e, .ee, .s, .es], [.s], [.se]]),
            "XX1": t([[.e], [.e, .ee, .s], [.es, .s, .se]]),
            "X1X1": t([[.e], [.e, .ee, .s], [.es, .s], [.se]]),
            "K1N": t([.s], [], [[.e], [.e, .ee], [.se]]),
            "K1K": t([.s], [.s], [[.e, .es], [.e, .ee], [.se]]),
            "KK1": t([.s], [.s], [[.e], [.e, .ee, .se, .es]]),
            "K1K1": t([.s], [.s], [[.e], [.e, .ee, .es], [.se]]),
            "K1X": t([.s], [], [[.e], [.e, .ee, .s, .es], [.se]]),
            "KX1": t([.s], [], [[.e], [.e, .ee, .se, .s], [.es]]),
            "K1X1": t([.s], [], [[.e], [.e, .ee, .s], [.se, .es]]),
            "I1N": t([[.e, .s], [.e, .ee], [.se]]),
            "I1K": t([], [.s], [[.e, .es, .s], [.e, .ee], [.se]]),
            "IK1": t([], [.s], [[.e, .s], [.e, .ee, .se, .es]]),
            "I1K1": t([], [.s], [[.e, .s], [.e, .ee, .es], [.se]]),
            "I1X": t([[.e, .s], [.e, .ee, .s, .es], [.se]]),
            "IX1": t([[.e, .s], [.e, .ee, .se, .s], [.es]]),
            "I1X1": t([[.e, .s], [.e, .ee, .s], [.se, .es]]),
        ]
    }()
}

/// `Noise_<pattern>_<dh>_<cipher>_<hash>`, parsed.
public struct NoiseProtocolName: Sendable, Hashable, CustomStringConvertible {
    /// The handshake pattern, modifiers applied.
    public let pattern: HandshakePattern
    /// Only `25519` is supported.
    public let dhName: String
    /// The AEAD cipher.
    public let cipher: NoiseCipher
    /// The hash function.
    public let hash: NoiseHash
    /// The full name as given, e.g. `Noise_XK_25519_ChaChaPoly_BLAKE2s`.
    public let name: String

    /// DHLEN for X25519: public keys and DH outputs are 32 bytes.
    public static let dhLength = 32

    /// Parses a full protocol name.
    /// - Throws: ``NoiseError/malformedProtocolName(_:)`` unless the name is ASCII and has the five
    ///   non-empty parts `Noise_<pattern>_<dh>_<cipher>_<hash>`; the pattern's errors (see
    ///   ``HandshakePattern/init(name:)``); ``NoiseError/unknownDHFunction(_:)``,
    ///   ``NoiseError/unknownCipherFunction(_:)``, ``NoiseError/unknownHashFunction(_:)``.
    public init(_ name: String) throws(NoiseError) {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "Noise", parts.allSatisfy({ !$0.isEmpty }),
              name.allSatisfy({ $0.isASCII })
        else { throw .malformedProtocolName(name) }
        pattern = try HandshakePattern(name: parts[1])
        guard parts[2] == "25519" else { throw .unknownDHFunction(parts[2]) }
        dhName = parts[2]
        guard let cipher = NoiseCipher(rawValue: parts[3]) else { throw .unknownCipherFunction(parts[3]) }
        guard let hash = NoiseHash(rawValue: parts[4]) else { throw .unknownHashFunction(parts[4]) }
        self.cipher = cipher
        self.hash = hash
        self.name = name
    }

    /// The full name.
    public var description: String { name }
}
