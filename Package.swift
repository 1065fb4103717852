// swift-tools-version:6.1
import PackageDescription

// Layers: a module imports only from the layers below it (docs/architecture.md).
//   0  CGMP, CSecp256k1, CSodium          system-library shims
//   1  Bytes                              byte cursors, versioned encodings, domain strings,
//                                          wiped secret bytes, the libsodium initialisation
//      BigNum, Secp256k1, Hashing         integers, curve, hashes (each may use Bytes)
//   2  Paillier, Noise                    encryption, ring-Pedersen, secure channels
//   3  CGGMP                              transcript, proofs, protocols (pure state machines)
//   4  TSS, TSSStore                      the network's flows, envelopes, encrypted share store
//                                          (side by side: neither imports the other)
//   5  TSSNode                            the server's end: typed store adapter (later the
//                                          threshold server)
//      TSSClient                          the user's end: register and sign over the nodes' HTTP
//                                          API (Foundation's URLSession; does not link TSSNode)
let package = Package(
    name: "swift-tss",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Bytes", targets: ["Bytes"]),
        .library(name: "BigNum", targets: ["BigNum"]),
        .library(name: "Hashing", targets: ["Hashing"]),
        .library(name: "Secp256k1", targets: ["Secp256k1"]),
        .library(name: "Paillier", targets: ["Paillier"]),
        .library(name: "Noise", targets: ["Noise"]),
        .library(name: "CGGMP", targets: ["CGGMP"]),
        .library(name: "TSS", targets: ["TSS"]),
        .library(name: "TSSStore", targets: ["TSSStore"]),
        .library(name: "TSSNode", targets: ["TSSNode"]),
        .library(name: "TSSClient", targets: ["TSSClient"]),
        .executable(name: "tss", targets: ["tss"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // `swift package generate-documentation` (docs/api-documentation.md); build-time only.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The threshold server (TSSNode: HTTP API, peer transport = WebSocket carrying Noise XK,
        // `tss node`; docs/deployment.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // Layer 0
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Layer 1
        .target(name: "Bytes", dependencies: ["CSodium"]),
        .target(name: "BigNum", dependencies: ["CGMP", "CSodium", "Bytes"]),
        .target(name: "Hashing", dependencies: ["CSodium", "Bytes"]),
        .target(name: "Secp256k1", dependencies: ["CSecp256k1", "Hashing", "BigNum"]),
        // Layer 2
        .target(name: "Paillier", dependencies: ["BigNum", "Bytes"]),
        .target(name: "Noise", dependencies: [
            "CSodium", "Bytes", "Hashing",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Layer 3
        .target(name: "CGGMP", dependencies: ["Bytes", "BigNum", "Hashing", "Secp256k1", "Paillier", "CSodium"]),
        // Layer 3 test support: corrupt parties and a hostile network for simulated runs (linked by
        // tests and the CLI demo only; not a product).
        .target(name: "CGGMPAdversary", dependencies: ["CGGMP", "Paillier", "Secp256k1", "BigNum"]),
        // Layer 4
        .target(name: "TSS", dependencies: [
            "Bytes", "CGGMP", "Noise", "Secp256k1", "Hashing", "CSodium",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "TSSStore", dependencies: [
            "CSodium", "Bytes",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Layer 5
        .target(name: "TSSNode", dependencies: [
            "TSS", "TSSStore", "CGGMP", "Paillier", "Noise", "Secp256k1", "Bytes",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "TSSClient", dependencies: ["TSS", "CGGMP", "Secp256k1", "Bytes"]),
        // Executable
        .executableTarget(name: "tss", dependencies: [
            "Bytes", "BigNum", "CGMP", "CSecp256k1", "CSodium", "Hashing", "Secp256k1", "Paillier", "Noise",
            "CGGMP", "CGGMPAdversary", "TSS", "TSSStore", "TSSNode", "TSSClient",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Fuzzing (docs/fuzzing.md): the decode-and-round-trip checks, shared by the libFuzzer
        // executable (built with -sanitize=fuzzer by `make fuzz`) and the corpus replay tests.
        .target(name: "FuzzSupport", dependencies: [
            "BigNum", "Secp256k1", "Paillier", "Noise", "CGGMP", "TSS", "TSSStore",
        ]),
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "FuzzDecoders", dependencies: ["FuzzSupport", "CFuzzDriver"]),
        // Tests (TestSupport: locating Vectors/ and ../shared/vectors, hex helpers)
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BytesTests", dependencies: ["Bytes", "Hashing", "TestSupport"]),
        .testTarget(name: "BigNumTests", dependencies: ["BigNum", "CGMP", "TestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "Secp256k1Tests", dependencies: ["Secp256k1", "BigNum", "CSecp256k1", "TestSupport"]),
        .testTarget(name: "PaillierTests", dependencies: ["Paillier", "Bytes", "BigNum", "TestSupport"]),
        .testTarget(name: "NoiseTests", dependencies: ["Noise", "Bytes", "Hashing", "TestSupport"]),
        .testTarget(name: "CGGMPTests", dependencies: ["Bytes", "CGGMP", "CGGMPAdversary", "BigNum", "Secp256k1", "Paillier", "Hashing", "TestSupport"]),
        .testTarget(name: "TSSTests", dependencies: ["TSS", "TSSStore", "Bytes", "CGGMP", "Noise", "Secp256k1", "BigNum", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        // Runs the built `tss` binary (demo --data / --sign / --crash-after, demo --misbehave, fault verify).
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Secp256k1"]),
        .testTarget(name: "TSSStoreTests", dependencies: ["TSSStore", "Bytes", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // A whole three-server registration, presigning, signing and restart written against the
        // public API alone (no @testable): how a server drives the library.
        .testTarget(name: "ServerExample", dependencies: [
            "TSS", "TSSNode", "TSSStore", "CGGMP", "Secp256k1", "BigNum", "Bytes", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Examples/ServerExample"),
        .testTarget(name: "TSSNodeTests", dependencies: [
            "TSSNode", "TSS", "TSSStore", "CGGMP", "CGGMPAdversary", "Noise", "Secp256k1", "BigNum", "Bytes", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
        // The client against a fake transport (error mapping) and the node's committee selection.
        .testTarget(name: "TSSClientTests", dependencies: [
            "TSSClient", "TSSNode", "TSS", "CGGMP", "Secp256k1", "TestSupport",
        ]),
        // Replays Fuzz/Corpus through FuzzSupport (no fuzzer build needed).
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzSupport", "CGGMP", "TSS", "TestSupport"]),
        // The CLI's option parsing and validation (through TSSCommand.parseAsRoot; runs nothing).
        .testTarget(name: "tssTests", dependencies: ["tss", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
