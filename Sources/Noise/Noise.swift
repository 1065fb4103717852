// Module Noise — see docs/architecture.md.
