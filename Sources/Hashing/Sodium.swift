import CSodium

/// libsodium picks its fastest BLAKE2b and SHA-2 code paths in `sodium_init`; without it the
/// portable reference code runs, which is correct but slower. Idempotent and thread-safe.
let sodiumInitialization: Void = {
    _ = sodium_init()
}()
