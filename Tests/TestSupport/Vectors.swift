import Foundation

/// Locating test vectors: the repo's own `Vectors/` and the shared public sets.
public enum TestVectors {
    /// The repository root (two levels above `Tests/<Target>/`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under the repository's `Vectors/` folder.
    public static func local(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("Vectors").appendingPathComponent(relativePath)
    }

    /// The shared public vectors folder: `$TSS_SHARED_VECTORS`, else `../shared/vectors` beside the
    /// repository. `nil` (with the reason printed) when absent, so tests can skip honestly.
    public static func shared(_ relativePath: String) -> URL? {
        let base: URL
        if let env = ProcessInfo.processInfo.environment["TSS_SHARED_VECTORS"], !env.isEmpty {
            base = URL(fileURLWithPath: env)
        } else {
            base = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")
        }
        let url = base.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIP: shared vector file \(url.path) not found (set TSS_SHARED_VECTORS)")
            return nil
        }
        return url
    }

    /// Parses a JSON file into Foundation objects.
    public static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    /// Decodes a JSON file into a `Decodable` type.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url))
    }
}

/// Hex decoding for test data. Traps on malformed hex: test vectors are trusted input.
public func hexBytes(_ hex: String) -> [UInt8] {
    let chars = Array(hex.utf8)
    precondition(chars.count % 2 == 0, "odd-length hex in test data")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: preconditionFailure("bad hex digit in test data")
        }
    }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}

/// Lowercase hex of bytes.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// The built `tss` executable, for tests that run it as a user would.
public enum TestBinaries {
    /// `$TSS_BINARY`, else the debug or release product under .build; nil (after printing a SKIP
    /// line) when neither exists.
    public static func tss() -> URL? {
        if let path = ProcessInfo.processInfo.environment["TSS_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        for configuration in ["debug", "release"] {
            let url = TestVectors.repositoryRoot.appendingPathComponent(".build/\(configuration)/tss")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        print("SKIP: tss binary not found under .build (set TSS_BINARY)")
        return nil
    }
}
