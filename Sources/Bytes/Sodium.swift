import CSodium

/// The one libsodium initialisation of the process.
///
/// `sodium_init` picks CPU-specific code paths process-wide (BLAKE2b, ChaCha20/Poly1305, AES-GCM
/// availability), which is unsafe while another thread is inside one of them; Swift runs a
/// global's initialiser exactly once and thread-safely, so every module calls
/// ``ensureInitialised()`` before its first libsodium call and they all share this one.
public enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Initialises libsodium if no caller has yet.
    /// - Precondition: `sodium_init` succeeds (it fails only when the system has no usable
    ///   entropy source, where nothing in this library could be safe).
    @inline(__always)
    public static func ensureInitialised() {
        precondition(initialised, "libsodium failed to initialise")
    }
}
