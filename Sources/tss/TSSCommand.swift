import ArgumentParser

/// `tss`: demo, benchmarks and debugging peers for swift-tss.
///
/// Each subcommand lives in its own file under `Commands/`; benchmarks register in `Bench.subcommands`.
@main
struct TSSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tss",
        abstract: "swift-tss: threshold ECDSA (CGGMP) demo, benchmarks and debugging tools.",
        subcommands: [Bench.self, NoiseCommand.self, Envelope.self, Demo.self, FaultCommand.self, NodeCommand.self, ClientCommand.self]
    )
}

/// `tss bench …`: in-process benchmarks that compare this library with direct C calls.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (medians of repeated samples; --json for machine-readable output).",
        subcommands: [
            BenchModexp.self,
            BenchHashing.self,
            BenchPrimes.self,
            BenchPaillier.self,
            BenchSecp256k1.self,
            BenchProofs.self,
            BenchProtocol.self,
            BenchNoise.self,
            BenchNetwork.self,
        ]
    )
}
