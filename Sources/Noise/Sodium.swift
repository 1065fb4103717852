import CSodium

/// libsodium must be initialised once before use (it selects CPU-specific code paths, which is
/// also what makes `crypto_aead_aes256gcm_is_available` meaningful). Swift runs a global's
/// initialiser exactly once, thread-safely.
let sodiumInitialised: Bool = sodium_init() >= 0

@inline(__always)
func ensureSodium() {
    precondition(sodiumInitialised, "libsodium failed to initialise")
}
