// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so the root build and `swift test` stay lean.
// Run: cd Benchmarks && swift package benchmark
let package = Package(
    name: "swift-tss-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-tss", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "BigNumBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "BigNum", package: "swift-tss"),
            ],
            path: "Benchmarks/BigNumBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
