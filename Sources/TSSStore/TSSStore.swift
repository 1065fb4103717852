// Module TSSStore — see docs/architecture.md.
