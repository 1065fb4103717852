import CSecp256k1

/// The process-wide libsecp256k1 context.
///
/// Created once and randomized (`secp256k1_context_randomize`, 32 bytes from the system CSPRNG) so
/// that the generator multiplication used for keys and signing runs on blinded values. After that
/// it is only read, which libsecp256k1 documents as safe from any number of threads at once.
/// Randomization blinds intermediate values only: every output (RFC 6979 signatures, keys) is
/// unchanged, so seeded protocol runs stay reproducible.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("secp256k1_context_create failed")
        }
        var system = SystemRandomNumberGenerator()
        var seed = [UInt8](repeating: 0, count: 32)
        for i in seed.indices { seed[i] = UInt8.random(in: .min ... .max, using: &system) }
        let randomized = secp256k1_context_randomize(context, seed)
        precondition(randomized == 1, "secp256k1_context_randomize failed")
        for i in seed.indices { seed[i] = 0 }
        pointer = context
    }
}
