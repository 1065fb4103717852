#!/usr/bin/env python3
"""Malicious moduli for the CGGMP proof regression tests, made and checked with gmpy2/sympy
(independently of the Swift code under test).

bitforge-<bits>: N = p1 * ... * p16 * q (CVE-2023-33241, "BitForge"): sixteen distinct 16-bit
  primes and one large prime q chosen so N has exactly <bits> bits with N = 3 mod 4 like a Blum
  modulus. Πfac must reject it.

Usage: python3 Vectors/proofs/generate.py  (writes malicious-moduli.json beside it; random each run)
"""
import json
import os
import secrets

import gmpy2
import sympy


def bitforge(bits):
    small = []
    candidate = gmpy2.mpz(1 << 15) + secrets.randbelow(1 << 13)
    while len(small) < 16:
        candidate = gmpy2.next_prime(candidate)
        small.append(int(candidate))
    product = 1
    for p in small:
        product *= p
    low = -(-(1 << (bits - 1)) // product)   # q >= ceil(2^(bits-1) / product)
    high = ((1 << bits) - 1) // product        # q <= floor((2^bits - 1) / product)
    while True:
        q = int(gmpy2.next_prime(low + secrets.randbelow(high - low)))
        n = product * q
        if q <= high and n.bit_length() == bits and n % 4 == 3:
            break
    assert all(sympy.isprime(p) for p in small) and sympy.isprime(q)
    assert n == product * q and n.bit_length() == bits
    return {"modulus": format(n, "x"), "small_primes_product": format(product, "x"),
            "small_primes": [format(p, "x") for p in small], "large_prime": format(q, "x")}


def main():
    out = {"description": "BitForge-style moduli: 16 small primes times one large prime (see generate.py)",
           "bitforge-1024": bitforge(1024), "bitforge-2048": bitforge(2048)}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "malicious-moduli.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
