// Constant-time layer vs direct GMP (issue #13 item 1): power (positive and negative exponents) vs
// mpz_powm_sec, modulo vs mpz_mod, Paillier CRT decryption vs the pre-change path (mpz_powm_sec,
// mpz_divexact, mpz_mod). Kept out of `tss bench` while Bench*.swift is being reworked. Run:
//   B=.build-ct/release; swiftc -O -module-name CTBench -I $B/Modules -Xcc -fmodule-map-file=Sources/CGMP/module.modulemap \
//     -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap scripts/ct-bench/main.swift $B/BigNum.build/*.o \
//     $B/Paillier.build/*.o $B/Bytes.build/*.o -lgmp -lsodium -o /tmp/ct-bench && /tmp/ct-bench
import Foundation
import BigNum
import CGMP
import Paillier
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
func time(_ iterations: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<3 { let s = now(); for _ in 0..<iterations { body() }; best = min(best, (now() - s) / Double(iterations)) }
    return best * 1e6
}
var rng = ChaChaRandom(testSeed: 1)
func row(_ name: String, _ ours: Double, _ gmp: Double) { print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%10.1f µs %10.1f µs  ratio %.3f", ours, gmp, ours / gmp)) }
print("operation                           ours (BigInt)   direct GMP")
for (mBits, eBits, iters) in [(1024, 1024, 40), (2048, 2048, 8), (4096, 2048, 3), (2048, 768, 20)] {
    let m = try! BigInt.random(exactBits: mBits, using: &rng).settingBit(0)
    var b = try! BigInt.random(below: m, using: &rng); while b.gcdVariableTime(m) != .one { b = try! BigInt.random(below: m, using: &rng) }
    let e = BigInt.random(bits: eBits, using: &rng)
    let r = BigInt()
    let ours = time(iters) { _ = try! b.power(e, modulo: m) }
    let gmp = time(iters) { b.withMPZ { bp in e.withMPZ { ep in m.withMPZ { mp in r.withMPZ { __gmpz_powm_sec(UnsafeMutablePointer(mutating: $0), bp, ep, mp) } } } } }
    row("power vs mpz_powm_sec \(mBits)/\(eBits)", ours, gmp)
    let negE = -e
    row("power, negative exponent \(mBits)/\(eBits)", time(iters) { _ = try! b.power(negE, modulo: m) }, gmp)
    let x = BigInt.random(bits: 2 * mBits, using: &rng)
    let modOurs = time(2000) { _ = try! x.modulo(m) }
    let modGMP = time(2000) { _ = try! x.moduloVariableTime(m) }
    row("modulo vs mpz_mod \(2 * mBits)/\(mBits)", modOurs, modGMP)
}
let p = PrimeGenerator.blumPrime(bits: 1024, using: &rng)
var q = p; while q == p { q = PrimeGenerator.blumPrime(bits: 1024, using: &rng) }
let key = try! PaillierSecretKey(p: p, q: q)
let (c, _) = key.publicKey.encrypt(BigInt(12345), using: &rng)
let dec = time(20) { _ = try! key.decrypt(c) }
// The pre-change decryption: mpz_powm_sec, mpz_mod, mpz_divexact (variable-time reductions).
let p2 = p * p, q2 = q * q
let hp = try! ((p - .one) * q).inverseVariableTime(modulo: p), hq = try! ((q - .one) * p).inverseVariableTime(modulo: q)
let basis = try! CRTBasis(p, q)
func oldResidue(_ prime: BigInt, _ square: BigInt, _ h: BigInt) -> BigInt {
    let u = BigInt(), e = prime - .one
    c.value.withMPZ { cp in e.withMPZ { ep in square.withMPZ { mp in u.withMPZ { __gmpz_powm_sec(UnsafeMutablePointer(mutating: $0), cp, ep, mp) } } } }
    let um1 = u - .one, l = BigInt()
    um1.withMPZ { up in prime.withMPZ { pp in l.withMPZ { __gmpz_divexact(UnsafeMutablePointer(mutating: $0), up, pp) } } }
    return try! (l * h).moduloVariableTime(prime)
}
let old = time(20) { _ = basis.combine(oldResidue(p, p2, hp), oldResidue(q, q2, hq)) }
row("Paillier decrypt 2048 (CRT) vs old", dec, old)
print("recoverRandomness 2048:", String(format: "%.1f µs", time(20) { _ = try! key.recoverRandomness(of: c) }))
