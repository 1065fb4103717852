// Module TSS — see docs/architecture.md.
