// Constant-time check for Scalar arithmetic under valgrind memcheck (see docs/secp256k1.md).
//
// Memcheck treats bytes of a fresh, never-written malloc block as undefined, so scalars built
// from them are "secret": any branch or memory address that depends on them is reported as
// "Conditional jump or move depends on uninitialised value(s)" / "Use of uninitialised value".
// Each phase is delimited on stderr so reports can be attributed.
#if canImport(Glibc)
import Glibc
#endif
import Secp256k1

func phase(_ name: String) { fputs("=== \(name)\n", stderr) }

let block = malloc(64 * 4)!.assumingMemoryBound(to: UInt8.self)  // deliberately uninitialised
func secret(_ index: Int) -> Scalar { Scalar(reducing: UnsafeBufferPointer(start: block + 64 * index, count: 64)) }

// Results leave through write(2) on /dev/null: memcheck reports that syscall separately.
let sink = open("/dev/null", O_WRONLY)
func consume(_ s: Scalar) { s.withUnsafeBigEndianBytes { _ = write(sink, $0.baseAddress, 32) } }

phase("reduce 64 bytes")
// `+ .one`: the real bytes may well be zero; the shadow (undefined) state is what matters.
let a = secret(0) + .one, b = secret(1), c = secret(2)
consume(a)
phase("add / sub / negate")
consume(a + b)
consume(a - b)
consume(-c)
phase("multiply")
consume(a * b)
consume(a * a * c)
phase("equality (result not branched on)")
var equal = a == b
_ = write(sink, &equal, 1)
phase("invert (expected: one report, the documented isZero guard)")
consume(try! a.inverted())
phase("generator multiple (expected: the isZero guard; libsecp256k1 itself is CT)")
_ = Point.generatorMultiple(b)
phase("point multiple (public point; expected: the isZero guard)")
_ = c * Point.generatorMultiple(Scalar(7))
phase("done")
