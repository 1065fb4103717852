import Bytes
import CSodium

/// Signs a party's outgoing messages with its long-term identity key.
///
/// Signatures make faults provable: a message the sender signed can be shown to anyone holding
/// the sender's `PartyID`.
public protocol IdentitySigner: Sendable {
    /// The identity whose key signs.
    var partyID: PartyID { get }
    /// The signature of `message`.
    func sign(_ message: [UInt8]) -> [UInt8]
}

/// Checks identity signatures. Must be deterministic: the same inputs always give the same answer,
/// so a third party re-verifying evidence reaches the verdict the accuser reached.
public protocol IdentitySignatureVerifier: Sendable {
    /// Whether `signature` is `signer`'s signature of `message`. Returns false (never traps) for a
    /// signature of the wrong length or any other malformed input.
    func isValidSignature(_ signature: [UInt8], of message: [UInt8], by signer: PartyID) -> Bool
}

/// Ed25519 identity keys through libsodium's `crypto_sign`.
///
/// The 64-byte secret key lives in a heap block that is wiped (`sodium_memzero`) when the last copy
/// of the signer goes away. `description` prints the public identity only.
public struct Ed25519Signer: IdentitySigner, CustomStringConvertible, CustomDebugStringConvertible {
    /// The identity (Ed25519 verifying key) of this signer.
    public let partyID: PartyID
    private let secretKey: SecretKeyStorage

    /// A key pair derived from a 32-byte seed (deterministic: for tests and for keys kept as seeds).
    /// - Throws: `.wrongSeedLength` unless `seed` has 32 bytes.
    public init(seed: [UInt8]) throws(IdentityKeyError) {
        guard seed.count == Int(crypto_sign_SEEDBYTES) else { throw .wrongSeedLength(seed.count) }
        Sodium.ensureInitialised()
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        let storage = SecretKeyStorage()
        _ = crypto_sign_seed_keypair(&publicKey, storage.pointer, seed)
        secretKey = storage
        do {
            partyID = try PartyID(rawRepresentation: publicKey)
        } catch {
            preconditionFailure("crypto_sign_seed_keypair returned a 32-byte public key")
        }
    }

    /// A fresh key pair from `generator` (seeded generators give reproducible identities).
    public init(using generator: inout some RandomNumberGenerator) {
        var seed = [UInt8](repeating: 0, count: Int(crypto_sign_SEEDBYTES))
        for index in seed.indices { seed[index] = UInt8.random(in: .min ... .max, using: &generator) }
        defer { sodium_memzero(&seed, seed.count) }
        do { try self.init(seed: seed) } catch { preconditionFailure("seed has the right length") }
    }

    /// The 64-byte Ed25519 signature of `message` (deterministic). Never fails.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey.pointer)
        return signature
    }

    /// The public identity only.
    public var description: String { "Ed25519Signer(\(partyID))" }
    /// The same as `description`: no key material.
    public var debugDescription: String { description }
}

/// Verifies Ed25519 signatures (libsodium `crypto_sign_verify_detached`).
public struct Ed25519Verifier: IdentitySignatureVerifier {
    /// A verifier (initialises libsodium on first use).
    public init() { Sodium.ensureInitialised() }

    /// Whether `signature` is a valid Ed25519 signature of `message` under `signer`'s key. False for a
    /// signature that is not 64 bytes long, never a trap.
    public func isValidSignature(_ signature: [UInt8], of message: [UInt8], by signer: PartyID) -> Bool {
        guard signature.count == Int(crypto_sign_BYTES) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), signer.rawRepresentation) == 0
    }
}

/// Why an identity key could not be made.
public enum IdentityKeyError: Error, Equatable, Sendable {
    /// The seed was not 32 bytes (the length given).
    case wrongSeedLength(Int)
}

/// The 64-byte libsodium secret key, wiped on deallocation. Written once at creation and read-only
/// afterwards, so sharing it between threads is safe.
private final class SecretKeyStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    private let count = Int(crypto_sign_SECRETKEYBYTES)

    init() {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit {
        sodium_memzero(pointer, count)
        pointer.deallocate()
    }
}
