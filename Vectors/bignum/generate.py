#!/usr/bin/env python3
"""Generates Vectors/bignum/arithmetic.json with Python's own integers (independent of GMP).

Run: python3 Vectors/bignum/generate.py  (deterministic: seeded PRNG; no third-party packages)
Python's int semantics differ from GMP's truncating division; each field below says which
convention it uses so the Swift test can compare like with like.
"""
import json, math, os, random

rng = random.Random(20261122)

def operand(bits):
    if bits == 0:
        return 0
    v = rng.getrandbits(bits) | (1 << (bits - 1))
    return -v if rng.random() < 0.4 else v

def tdiv(a, b):
    """Quotient and remainder truncated toward zero (GMP tdiv, Swift Int)."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b

def jacobi(a, n):
    assert n > 0 and n % 2 == 1
    a %= n
    result = 1
    while a:
        while a % 2 == 0:
            a //= 2
            if n % 8 in (3, 5):
                result = -result
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0

def h(v):
    return ("-" if v < 0 else "") + format(abs(v), "x")

cases = []
widths = [0, 1, 7, 8, 63, 64, 65, 127, 128, 129, 255, 256, 511, 1024, 2048, 4096]
for wa in widths:
    for wb in [0, 1, 64, 65, 256, 1024, 2048]:
        a, b = operand(wa), operand(wb)
        case = {"a": h(a), "b": h(b), "add": h(a + b), "sub": h(a - b), "mul": h(a * b),
                "and": h(a & b), "or": h(a | b), "xor": h(a ^ b),
                "shl13": h(a << 13), "shr13": h(a >> 13), "decimal_a": str(a),
                "bitlen_a": abs(a).bit_length()}
        if b != 0:
            q, r = tdiv(a, b)
            case["tdiv_q"], case["tdiv_r"] = h(q), h(r)
            m = abs(b)
            case["mod_abs_b"] = h(a % m)  # non-negative residue modulo |b|
            if m > 1:
                case["gcd"] = h(math.gcd(a, b))
                case["lcm"] = h(abs(a * b) // math.gcd(a, b) if a else 0)
                if math.gcd(a, m) == 1:
                    case["inverse_mod_abs_b"] = h(pow(a, -1, m))
                if m % 2 == 1:
                    case["jacobi_a_abs_b"] = jacobi(a, m)
        cases.append(case)

powm = []
for mbits, ebits in [(64, 64), (256, 256), (1024, 1024), (2048, 2048), (2048, 768), (4096, 2048)]:
    for _ in range(3):
        m = rng.getrandbits(mbits) | (1 << (mbits - 1)) | 1  # odd, exact width
        base = rng.getrandbits(mbits + 17)                   # larger than m: tests reduction
        if rng.random() < 0.3:
            base = -base
        e = rng.getrandbits(ebits) | (1 << (ebits - 1))
        entry = {"base": h(base), "exponent": h(e), "modulus": h(m), "result": h(pow(base, e, m))}
        if math.gcd(base, m) == 1:
            entry["negative_exponent_result"] = h(pow(base, -e, m))
        powm.append(entry)

crt = []
for bits in [64, 512, 1024]:
    for _ in range(3):
        while True:
            m1, m2 = rng.getrandbits(bits) | 1, rng.getrandbits(bits) | 1
            if math.gcd(m1, m2) == 1:
                break
        x = rng.randrange(m1 * m2)
        crt.append({"m1": h(m1), "m2": h(m2), "r1": h(x % m1), "r2": h(x % m2), "x": h(x)})

out = {"generator": "Vectors/bignum/generate.py (CPython int, seed 20261122)",
       "conventions": "hex with '-' for negatives; tdiv truncates toward zero; shr is floor; and/or/xor two's complement",
       "arithmetic": cases, "powm": powm, "crt": crt}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arithmetic.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(cases)} arithmetic, {len(powm)} powm, {len(crt)} crt cases to {path}")
