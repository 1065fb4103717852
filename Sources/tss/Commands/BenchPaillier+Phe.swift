import BigNum
import Foundation
import Paillier

/// Issue #13: python-paillier (`phe`, variable-time CRT decryption, gmpy2 when installed) on the
/// same primes, in the same run, as the yardstick for our constant-time CRT decryption.
enum PheComparison {
    /// Median ms of `phe`'s raw CRT decryption of fresh ciphertexts under the key with primes p, q,
    /// or nil when python3 or the `phe` package is missing. The script also reports whether phe
    /// uses gmpy2 (GMP's variable-time powm) or Python's pow.
    static func decryptMillis(p: BigInt, q: BigInt, iterations: Int) -> (ms: Double, backend: String)? {
        guard let python = PaillierBenchTiming.onPath("python3") else { return nil }
        let script = """
        import sys, time, random
        try:
            from phe import paillier, util
        except ImportError:
            sys.exit(3)
        p, q, n_iter = int(sys.argv[1], 16), int(sys.argv[2], 16), int(sys.argv[3])
        pk = paillier.PaillierPublicKey(p * q)
        sk = paillier.PaillierPrivateKey(pk, p, q)
        times = []
        for _ in range(n_iter):
            c = pk.raw_encrypt(random.randrange(pk.n))
            start = time.perf_counter()
            sk.raw_decrypt(c)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        mid = len(times) // 2
        median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
        print(median, "gmpy2" if util.HAVE_GMP else "python-int")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, hex(p), hex(q), String(iterations)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let text = String(data: data, encoding: .utf8)?.split(separator: " "), text.count == 2,
              let ms = Double(text[0]) else { return nil }
        return (ms, text[1].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func hex(_ value: BigInt) -> String {
        value.magnitudeBytes().map { String(format: "%02x", $0) }.joined()
    }
}
