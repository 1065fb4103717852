#!/usr/bin/env python3
"""Pre-generated primes for swift-tss tests, so no test waits on prime generation.

Writes Vectors/primes/<kind>-<bits>.json for kind in {blum, safe}:
  blum: Paillier-Blum primes p = 3 mod 4 (made here with gmpy2.next_prime from random starts)
  safe: safe primes p = 2q + 1 with q prime (made by `openssl prime -generate -safe`)
Every prime has exactly `bits` bits with the top two bits set (so a product of two has exactly
2*bits bits). Every prime -- and for safe primes also q = (p-1)/2 -- is checked independently of
how it was made: sympy.isprime (Baillie-PSW) and gmpy2.is_prime with 40 Miller-Rabin rounds.

Usage: python3 Vectors/primes/generate.py   (regenerates every file; takes a few minutes)
"""
import json
import os
import secrets
import subprocess
import sys

import gmpy2
import sympy

HERE = os.path.dirname(os.path.abspath(__file__))

SETS = [
    ("blum", 1024, 8), ("safe", 1024, 8),
    ("blum", 1536, 4), ("safe", 1536, 4),
    ("blum", 512, 16), ("safe", 512, 16),
    ("blum", 256, 8), ("safe", 256, 8),
]

CHECKED_BY = (
    "sympy %s isprime (BPSW) and gmpy2 %s is_prime(40 MR rounds) on p, and on (p-1)/2 for safe "
    "primes; exact bit length with the top two bits set; p = 3 mod 4"
    % (sympy.__version__, gmpy2.version())
)


def top_two_bits_set(p, bits):
    return p.bit_length() == bits and (p >> (bits - 2)) == 3


def blum_prime(bits):
    while True:
        start = secrets.randbits(bits) | (3 << (bits - 2))
        p = gmpy2.mpz(start)
        while True:
            p = gmpy2.next_prime(p)
            if p % 4 == 3:
                break
        p = int(p)
        if top_two_bits_set(p, bits):
            return p


def safe_prime(bits):
    while True:
        out = subprocess.run(
            ["openssl", "prime", "-generate", "-safe", "-bits", str(bits), "-hex"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        p = int(out, 16)
        if top_two_bits_set(p, bits):
            return p


def check(kind, bits, p):
    assert top_two_bits_set(p, bits), "bit length / top bits"
    assert p % 4 == 3, "p = 3 mod 4"
    assert sympy.isprime(p) and gmpy2.is_prime(p, 40), "p prime"
    if kind == "safe":
        q = (p - 1) // 2
        assert sympy.isprime(q) and gmpy2.is_prime(q, 40), "(p-1)/2 prime"


def main():
    only = set(sys.argv[1:])  # optional filter like "safe-1536"
    for kind, bits, count in SETS:
        name = "%s-%d" % (kind, bits)
        if only and name not in only:
            continue
        make = blum_prime if kind == "blum" else safe_prime
        primes = []
        while len(primes) < count:
            p = make(bits)
            if p in primes:
                continue
            check(kind, bits, p)
            primes.append(p)
            print(name, len(primes), file=sys.stderr, flush=True)
        doc = {
            "description": "%d %s primes of %d bits for swift-tss tests" % (count, kind, bits),
            "generated_by": "Vectors/primes/generate.py (%s)"
            % ("gmpy2.next_prime from random starts, keeping p = 3 mod 4" if kind == "blum"
               else "openssl prime -generate -safe"),
            "checked_by": CHECKED_BY,
            "kind": kind,
            "bits": bits,
            "primes": ["%x" % p for p in primes],
        }
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
