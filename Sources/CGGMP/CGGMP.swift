// Module CGGMP — see docs/architecture.md.
