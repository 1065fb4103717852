// Module Paillier — see docs/architecture.md.
