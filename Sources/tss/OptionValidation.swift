import ArgumentParser
import CGGMP
import Noise

/// A CGGMP parameter set as a command-line value: `--params testing|production112|production128`
/// (ArgumentParser refuses any other text and lists these).
enum ParameterSet: String, ExpressibleByArgument, CaseIterable, Sendable {
    case testing, production112, production128

    /// The library's set of this name (`SchemeParameters.named`).
    var parameters: SchemeParameters {
        guard let parameters = SchemeParameters.named(rawValue) else { preconditionFailure("every case names a set") }
        return parameters
    }
}

/// `--params` for the benchmarks, with `--parameters` (the name they used before) as a hidden,
/// deprecated alias.
struct ParameterSetOptions: ParsableArguments {
    @Option(name: .customLong("params"), help: "Parameter set: production112 (default), production128 or testing.")
    var parameterSet: ParameterSet?

    @Option(name: .customLong("parameters"), help: .hidden)
    var deprecatedParameterSet: ParameterSet?

    func validate() throws {
        if parameterSet != nil && deprecatedParameterSet != nil {
            throw ValidationError("--parameters is a deprecated name of --params: give --params only")
        }
    }

    /// The chosen set (production112 when neither name is given).
    var selected: ParameterSet { parameterSet ?? deprecatedParameterSet ?? .production112 }

    /// Tells the user once, on stderr, to use the new name.
    func warnIfDeprecated() {
        if deprecatedParameterSet != nil { printError("warning: --parameters is deprecated; use --params") }
    }
}

/// Range checks for numeric options, each with a message naming the option, the allowed range
/// and what was given. ArgumentParser itself refuses non-numeric text before `validate()` runs.
enum OptionCheck {
    /// Samples (or runs) per measurement: at least one, or there is no median to report.
    static let samples = 1...10_000
    /// Socket receive timeouts, in seconds (0 would mean "never" to the kernel, negative is invalid).
    static let timeoutSeconds = 1...86_400

    static func require(_ value: Int, in range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }
}

/// An X25519 public key from hex, for options naming a peer or recipient (`--to`,
/// `--remote-static`): exactly 32 bytes, and not one of the low-order points whose DH output is
/// all zeros for every private key (`X25519PublicKey.isLowOrder(_:)`).
func x25519PublicKeyBytes(fromHex text: String, option: String) throws -> [UInt8] {
    let bytes = try parseHex(text, what: option)
    guard bytes.count == X25519PublicKey.byteCount else {
        throw ValidationError("\(option): an X25519 public key is 32 bytes (64 hex digits), got \(bytes.count)")
    }
    guard !X25519PublicKey.isLowOrder(bytes) else {
        throw ValidationError("\(option): a low-order X25519 point, which no one holds a secret key for (every DH with it is all zeros)")
    }
    return bytes
}

/// An X25519 secret key from hex (`--key`, `--static-key`): exactly 32 bytes.
func x25519SecretKeyBytes(fromHex text: String, option: String) throws -> [UInt8] {
    let bytes = try parseHex(text, what: option)
    guard bytes.count == X25519PrivateKey.byteCount else {
        throw ValidationError("\(option): an X25519 secret key is 32 bytes (64 hex digits), got \(bytes.count)")
    }
    return bytes
}
