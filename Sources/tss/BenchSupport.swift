import Foundation

/// Timing helpers shared by the `tss bench …` commands.
enum BenchClock {
    /// Nanoseconds from a monotonic clock.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Median, in microseconds per call, of `samples` samples of `iterations` calls each.
    static func medianMicros(samples: Int, iterations: Int, _ body: () -> Void) -> Double {
        var perCall: [Double] = []
        for _ in 0..<samples {
            let start = now()
            for _ in 0..<iterations { body() }
            perCall.append(Double(now() - start) / 1000 / Double(iterations))
        }
        return median(perCall)
    }

    /// How many calls make one sample last about `target` seconds (at least one).
    static func iterations(forTarget target: Double, _ body: () -> Void) -> Int {
        let start = now()
        body()
        let once = max(Double(now() - start) / 1e9, 1e-7)
        return max(1, Int(target / once))
    }

    /// Alternates samples of `a` and `b` (so drift affects both alike); returns both medians in µs.
    static func pairedMedianMicros(samples: Int, target: Double = 0.02,
                                   _ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        let n = iterations(forTarget: target, a)
        var sa: [Double] = [], sb: [Double] = []
        for _ in 0..<samples {
            sa.append(medianMicros(samples: 1, iterations: n, a))
            sb.append(medianMicros(samples: 1, iterations: n, b))
        }
        return (median(sa), median(sb))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// Output helpers: JSON for machines, an aligned table for people.
enum BenchOutput {
    /// JSON text of `object`; a non-finite number (a ratio over a zero time) becomes null
    /// rather than trapping JSONSerialization.
    static func json(_ object: Any) -> String {
        do {
            let data = try JSONSerialization.data(withJSONObject: finite(object), options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        } catch {
            preconditionFailure("benchmark results are dictionaries, arrays, strings and numbers: \(error)")
        }
    }

    private static func finite(_ value: Any) -> Any {
        switch value {
        case let number as Double: number.isFinite ? number : NSNull()
        case let dictionary as [String: Any]: dictionary.mapValues(finite)
        case let array as [Any]: array.map(finite)
        default: value
        }
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n")
    }

    static func fixed(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
}
