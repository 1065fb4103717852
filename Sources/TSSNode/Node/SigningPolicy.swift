/// The "program" a node runs before it signs: given the message a user asks to have signed and
/// the user, it says whether this node takes part. Each node asks its own policy; a signature
/// needs every signer of the committee to agree.
///
/// A chain client would implement this by fetching the user's program from the chain and
/// running it (docs/deployment.md, "Where a chain client plugs in").
public protocol SigningPolicy: Sendable {
    /// Whether this node may sign `message` (the message as the user sent it, before hashing) for
    /// `user` (the user's 32-byte identity key).
    func allows(message: [UInt8], user: [UInt8]) async -> Bool
}

/// The default policy: every request of a registered user is allowed.
public struct AllowAllPolicy: SigningPolicy {
    /// The policy.
    public init() {}

    /// Always true.
    public func allows(message: [UInt8], user: [UInt8]) async -> Bool { true }
}
