// Constant-time check under valgrind memcheck (`make ct`; see docs/security.md, docs/secp256k1.md).
//
// Scalars: memcheck treats bytes of a fresh, never-written malloc block as undefined, so scalars built
// from them are "secret": any branch or memory address that depends on them is reported as
// "Conditional jump or move depends on uninitialised value(s)" / "Use of uninitialised value".
// BigInts: `ct_secret` (client.c, VALGRIND_MAKE_MEM_UNDEFINED) marks a value's limbs undefined,
// all but the top byte of the top limb: sizes (limb counts, bit lengths) are public by BigNum's
// convention, so the byte that decides them stays defined. Signs are not: BigNum declares a value's
// header (size and sign) defined when it builds one, so `secretSign` (`ct_secret_sign`) marks the
// sign byte of the size field undefined again for the values whose sign is secret (masked responses
// and plaintexts used as exponents or reduced), and BigNum must then never branch on it.
//
// Each phase is delimited on stderr ("=== name [reports: N]") so reports can be attributed; run.sh
// fails unless each phase shows exactly N reports ("any" for variable-time set-up). Memcheck reports
// each code location once (by its innermost frames), so a phase that reaches a location an earlier
// phase already reported shows no new report there.
#if canImport(Glibc)
import Glibc
#endif
import Secp256k1
import BigNum
import CGMP
import Paillier

@_silgen_name("ct_secret") func ct_secret(_ p: UnsafeMutableRawPointer, _ n: Int)
@_silgen_name("ct_public") func ct_public(_ p: UnsafeMutableRawPointer, _ n: Int)
@_silgen_name("ct_secret_sign") func ct_secret_sign(_ sizeField: UnsafeMutableRawPointer)

func phase(_ name: String, reports: String = "0") { fputs("=== \(name) [reports: \(reports)]\n", stderr) }

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
phase("invert (the documented isZero guard)", reports: "1")
consume(try! a.inverted())
phase("generator multiple (the isZero guard; libsecp256k1 itself is CT)", reports: "1")
_ = Point.generatorMultiple(b)
phase("point multiple (public point; the isZero guard)", reports: "1")
_ = c * Point.generatorMultiple(Scalar(7))

// MARK: BigInt secrets

/// A fresh copy of `value` whose limbs are undefined but for the top byte (the size stays public)
/// and, for an odd modulus (`publicParity`), the bottom byte (that a modulus is odd is public).
func secret(_ value: BigInt, publicParity: Bool = false) -> BigInt {
    let copy = BigInt(magnitudeBytes: value.magnitudeBytes())
    copy.withMPZ { mpz in
        let n = Int(abs(mpz.pointee._mp_size))
        let skip = publicParity ? 1 : 0
        if n > 0 { ct_secret(UnsafeMutableRawPointer(mpz.pointee._mp_d) + skip, 8 * n - 1 - skip) }
    }
    return value.isNegative ? -copy : copy
}

/// `value` with its sign secret too (the top byte of GMP's size field marked undefined). Only for
/// values handed straight to the operation under test: GMP's own mpz functions read the size field.
func secretSign(_ value: BigInt) -> BigInt {
    value.withMPZ { mpz in
        ct_secret_sign(UnsafeMutableRawPointer(mutating: mpz) + MemoryLayout<__mpz_struct>.offset(of: \._mp_size)!)
    }
    return value
}

/// Declares a result public (it is sent, or compared by the caller) so that later phases do not
/// report on it.
func published(_ value: BigInt) -> BigInt {
    value.withMPZ { mpz in
        let n = Int(abs(mpz.pointee._mp_size))
        if n > 0 { ct_public(mpz.pointee._mp_d, 8 * n) }
    }
    return value
}

func consume(_ x: BigInt) {
    x.withMPZ { mpz in
        let n = Int(abs(mpz.pointee._mp_size))
        if n > 0 { _ = write(sink, mpz.pointee._mp_d, 8 * n) }
    }
}

var rng = ChaChaRandom(testSeed: 7)
let p = PrimeGenerator.blumPrime(bits: 256, using: &rng)
var q = p
while q == p { q = PrimeGenerator.blumPrime(bits: 256, using: &rng) }
let n = p * q, nSquared = n * n
let publicBase = try! BigInt.random(below: n, using: &rng)
let sp = secret(p, publicParity: true), sq = secret(q, publicParity: true)
// The values (defined) and their secret copies: a copy must be made from the defined value.
let eValue = BigInt.random(bits: 600, using: &rng) + BigInt.powerOfTwo(600), e = secret(eValue)
let xValue = BigInt.random(bits: 1000, using: &rng) + BigInt.powerOfTwo(1000), x = secret(xValue)
let r = secret(try! BigInt.random(below: n, using: &rng) + BigInt.powerOfTwo(500))

// The same secrets, also with a secret sign (fresh copies: other phases use x, e with a public sign).
let xSigned = secretSign(secret(xValue)), minusXSigned = secretSign(secret(-xValue))
let eSigned = secretSign(secret(eValue)), minusESigned = secretSign(secret(-eValue))

phase("BigInt.modulo: secret value and sign, public modulus")
consume(try! xSigned.modulo(n))
phase("BigInt.modulo: secret value and sign, secret modulus p")
consume(try! xSigned.modulo(sp))
consume(try! minusXSigned.modulo(sp))
phase("BigInt.centred(modulo:): secret value and sign")
consume(try! secretSign(secret(-xValue)).centred(modulo: n).magnitude)
phase("BigInt.power: secret exponent and sign, public base and modulus")
consume(try! publicBase.power(eSigned, modulo: nSquared))
consume(try! publicBase.power(minusESigned, modulo: nSquared))
phase("BigInt.power: secret base, public exponent")
consume(try! r.power(n, modulo: nSquared))
phase("BigInt.powerPublicSign: secret base and exponent (public sign: N, a challenge, p − 1)")
consume(try! r.powerPublicSign(n, modulo: nSquared))
consume(try! publicBase.powerPublicSign(e, modulo: nSquared))
phase("BigInt.power: secret base, secret exponent and sign; the branch on (negative and no inverse)", reports: "2")
consume(try! r.power(secretSign(secret(eValue)), modulo: n))
consume(try! r.power(secretSign(secret(-eValue)), modulo: n))
phase("BigInt.power: base ≡ 0 (outside mpn_sec_powm's contract: masked to 1, result masked to 0), secret base, modulus, exponent")
// (A zero base with a secret-signed exponent would show the documented branch: a negative exponent
// on a non-unit throws, so only a unit base keeps the sign hidden.)
consume(try! secret(p, publicParity: true).power(e, modulo: sp))
consume(try! BigInt.zero.power(e, modulo: n))
phase("BigInt.power: secret modulus p², secret exponent p − 1")
consume(try! publicBase.power(sp - .one, modulo: sp * sp))
phase("BigInt.inverse(modulo:): secret value, secret modulus; the branch on whether an inverse exists", reports: "1")
consume(try! r.inverse(modulo: sp))
phase("Scalar(reducing: BigInt): secret value of either sign")
consume(Scalar(reducing: x))
consume(Scalar(reducing: -x))
phase("Scalar.bigInt: secret scalar")
consume((a * b).bigInt)

// MARK: Paillier

if CommandLine.arguments.contains("--attribute-gcd") {
    phase("ATTRIBUTION: gcdVariableTime on a secret", reports: "any")
    consume(r.gcdVariableTime(n))
}
let publicKey = try! PaillierPublicKey(modulus: n, expectedBits: n.bitLength)
let mValue = BigInt.random(bits: 400, using: &rng) + BigInt.powerOfTwo(400), m = secret(mValue)
phase("Paillier encryption: secret m (and its sign), r (the unit check on the returned, public ciphertext is suppressed)")
let ciphertext = try! publicKey.encrypt(secretSign(secret(mValue)), randomness: r)
_ = try! publicKey.encrypt(secretSign(secret(-mValue)), randomness: r)
phase("set-up: Paillier key from secret p, q (variable time by design: BPSW, gcd, inverses)", reports: "any")
let secretKey = try! PaillierSecretKey(p: sp, q: sq)
let publicCiphertext = PaillierCiphertext(value: published(ciphertext.value))
// N and N² are public; the key computed them from the secret p, q.
_ = published(secretKey.publicKey.modulus)
_ = published(secretKey.publicKey.modulusSquared)
phase("Paillier encryption by the owner (CRT): secret key, m, r")
consume(try! secretKey.encrypt(m, randomness: r).value)
phase("Paillier decryption: secret key; the exactness outcome of L(u) = (u − 1)/p and /q, always exact", reports: "2")
consume(try! secretKey.decrypt(publicCiphertext).magnitude)
phase("Paillier randomness recovery: secret key")
consume(try! secretKey.recoverRandomness(of: publicCiphertext))

// MARK: Prover arithmetic (what the provers compute from masks and witnesses)

let alphaValue = BigInt.random(bits: 700, using: &rng) + BigInt.powerOfTwo(700), alpha = secret(alphaValue)
let rho = secret(try! BigInt.random(below: n, using: &rng) + BigInt.powerOfTwo(500))
let challenge = BigInt.random(bits: 255, using: &rng) - BigInt.powerOfTwo(254)
phase("prover: commitments c^α (Πaff-g, Πdec, Πmul), s^α·t^μ (ring-Pedersen), enc(β; r); α's sign secret")
consume(try! publicCiphertext.value.power(secretSign(secret(alphaValue)), modulo: nSquared))
consume(try! publicCiphertext.value.power(secretSign(secret(-alphaValue)), modulo: nSquared))
consume(try! publicKey.encrypt(secretSign(secret(-alphaValue)), randomness: rho).value)
let publicInverse = try! publicCiphertext.value.inverseVariableTime(modulo: nSquared)
phase("prover: c^α with the public base's inverse supplied (scaleSecret, ring-Pedersen commitments); α's sign secret")
consume(try! publicCiphertext.value.power(secretSign(secret(alphaValue)), modulo: nSquared, baseInverse: publicInverse))
consume(try! publicCiphertext.value.power(secretSign(secret(-alphaValue)), modulo: nSquared, baseInverse: publicInverse))
phase("prover: randomizer responses r·ρ^e mod N (Πenc-elg, Πaff-g, Πdec), e public and signed (powerPublicSign); the branch on whether ρ is a unit", reports: "1")
consume(try! (rho * (try! rho.powerPublicSign(challenge, modulo: n))).modulo(n))
consume(try! (rho * (try! rho.powerPublicSign(-challenge, modulo: n))).modulo(n))
phase("prover: Πmod fourth and N-th roots mod secret p, q")
let fourthRoot = try! (((sp + .one) >> 2) * ((sp + .one) >> 2)).modulo(sp - .one)
consume(try! publicBase.modulo(sp).power(fourthRoot, modulo: sp))
consume(try! publicBase.modulo(sp).power(secretKey.nthRootExponentP, modulo: sp))
phase("prover: Schnorr response α + e·x over the scalars")
consume(a + Scalar(reducing: challenge) * b)

// MARK: Issue #13: comb tables, public inverses, the owner's CRT powers

// Ring-Pedersen-like public bases: t a square, s a power of it (units mod N).
let tBase = try! (publicBase * publicBase).modulo(n)
let sBase = try! tBase.powerVariableTime(BigInt(65537), modulo: n)
let shortValue = BigInt.random(bits: 300, using: &rng) + BigInt.powerOfTwo(300)
phase("set-up: comb tables of public s, t (variable time on public values)")
let sTable = try! SecretExponentPowers(base: sBase, modulo: n, maximumExponentBits: 3 * n.bitLength / 2)
let tTable = try! SecretExponentPowers(base: tBase, modulo: n, maximumExponentBits: 3 * n.bitLength / 2)
let ringPedersen = try! RingPedersenParameters(modulus: n, s: sBase, t: tBase, expectedBits: n.bitLength)
_ = ringPedersen.commitWithTables(.one, .one)  // builds the parameters' own tables
phase("prover: comb s^α·t^x (SecretExponentPowers), secret exponents and signs; x beyond the table (the constant-time fallback)")
consume(SecretExponentPowers.product([(sTable, secretSign(secret(alphaValue))), (tTable, secretSign(secret(-shortValue)))]))
consume(SecretExponentPowers.product([(sTable, secretSign(secret(-alphaValue))), (tTable, secretSign(secret(xValue)))]))
consume(sTable.power(secretSign(secret(-eValue))))
phase("prover: BigInt.productOfPowers C^α·r^N mod N² (secret α and sign with the public C's inverse, secret r); with a secret modulus p² and secret bases, the branch on (negative and no inverse) as in power", reports: "1")
consume(try! BigInt.productOfPowers([.hidingSign(publicCiphertext.value, secretSign(secret(-alphaValue)), baseInverse: publicInverse),
                                     .publicSign(r, n)], modulo: nSquared))
consume(try! BigInt.productOfPowers([.hidingSign(r, secretSign(secret(alphaValue))), .publicSign(rho, e)], modulo: sp * sp))
phase("prover: RingPedersenParameters.commit (public inverses) and commitWithTables, secret exponents and signs")
consume(try! ringPedersen.commit(secretSign(secret(alphaValue)), secretSign(secret(-shortValue))))
consume(ringPedersen.commitWithTables(secretSign(secret(-alphaValue)), secretSign(secret(shortValue))))
phase("PaillierPublicKey.multiply / affine on a public c (its inverse in variable time): secret k, y, r and signs")
consume(try! publicKey.multiply(publicCiphertext, by: secretSign(secret(-alphaValue))).value)
consume(try! publicKey.affine(publicCiphertext, multiplier: secretSign(secret(alphaValue)),
                              addend: secretSign(secret(-mValue)), randomness: r).value)
phase("owner CRT powers (scaleSecret): c^k mod p², q² for a secret k and sign, reduced by the totient or not; k ≥ 0; ρ^e mod p, q with the branch on whether ρ is a unit mod p and mod q (e < 0)", reports: "2")
consume(try! secretKey.powerModulusSquared(publicCiphertext.value, secretSign(secret(alphaValue)), baseInverse: publicInverse))
consume(try! secretKey.powerModulusSquared(publicCiphertext.value, secretSign(secret(-shortValue)), baseInverse: publicInverse))
consume(secretKey.powerModulusSquared(publicCiphertext.value, nonNegative: secret(alphaValue)))
consume(secretKey.powerModulusSquared(publicCiphertext.value, nonNegative: secret(shortValue)))
consume(try! secretKey.powerModulus(rho, -challenge.magnitude))

if CommandLine.arguments.contains("--negative-control") {
    phase("NEGATIVE CONTROL: a secret exponent routed to powerVariableTime (must fail)")
    consume(try! publicBase.powerVariableTime(e, modulo: nSquared))
}
phase("done")
