// The types of lower layers that TSS's own API takes and returns, re-exported so that
// `import TSS` alone suffices to call it.

/// X25519 keys: envelopes (recipient keys), the peer channel (Noise static keys), the CLI.
@_exported import struct Noise.X25519PublicKey
@_exported import struct Noise.X25519PrivateKey
