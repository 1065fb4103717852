// Module Secp256k1 — see docs/architecture.md.
