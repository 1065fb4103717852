// The libFuzzer entry point for every decoder (docs/fuzzing.md). Built by `make fuzz-build` with
// `-sanitize=fuzzer,address -DFUZZING`; `FUZZ_TARGET=<name>` (a `FuzzTarget` raw value) picks the
// decoder. Without -DFUZZING (the ordinary build) it is a replayer:
// `FuzzDecoders TARGET FILE...` runs files through the same check.
import Foundation
import FuzzSupport
#if FUZZING
import CFuzzDriver
#endif

#if FUZZING
let selectedTarget: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selectedTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

// SwiftPM renames an executable's entry point, so libFuzzer's `main` is not linked in; this one
// hands the command line to libFuzzer's driver.
@main struct FuzzDecodersDriver {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            fuzz(data!, size)
        })
    }
}
#else
@main struct FuzzDecodersReplay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: FuzzDecoders TARGET FILE...   targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            let accepted = target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(path): \(accepted ? "decoded, round trips hold" : "rejected")")
        }
    }
}
#endif
