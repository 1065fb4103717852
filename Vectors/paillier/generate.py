#!/usr/bin/env python3
"""Paillier interop vectors for swift-tss, made with python-paillier (`phe`).

Writes Vectors/paillier/phe.json. Every number is hex ("-" prefixed when negative). Plaintexts
are signed: we encrypt m mod N with phe and expect decryption to return the representative of
m in (-N/2, N/2].

  encryptions: p, q, m, r -> ciphertext = phe raw_encrypt(m mod N, r_value=r)
  decryptions: p, q, ciphertext made by phe's own encrypt (its own randomness) -> m
  homomorphic: p, q, c1, c2 (phe), k, y, r ->
      sum      = (c1 + c2) via phe EncryptedNumber addition
      product  = c1 * k via phe EncryptedNumber scalar multiplication (k signed)
      affine   = c1^k * enc(y; r) mod N^2 via phe raw_mul / raw_encrypt / raw_add
      and the plaintexts phe decrypts them to.

Keys: one from phe.generate_paillier_keypair (general primes, not Blum) and ones from the
committed primes in Vectors/primes/ (Blum primes, N of 1024 and 2048 bits).
m, r, k, y come from a seeded random.Random; phe's key generation and its encryption randomness
use the OS generator, so a rerun changes those entries (all are checked by phe when written).

Usage: python3 Vectors/paillier/generate.py
"""
import json
import os
import random

import phe
from phe import paillier

HERE = os.path.dirname(os.path.abspath(__file__))
PRIMES = os.path.join(HERE, "..", "primes")
rng = random.Random(20240601)


def hx(v):
    return ("-%x" % -v) if v < 0 else ("%x" % v)


def centred(v, n):
    v %= n
    return v - n if v > n // 2 else v


def committed(kind, bits):
    with open(os.path.join(PRIMES, "%s-%d.json" % (kind, bits))) as f:
        return [int(h, 16) for h in json.load(f)["primes"]]


def unit_below(n):
    from math import gcd
    while True:
        r = rng.randrange(1, n)
        if gcd(r, n) == 1:
            return r


def keypair(p, q):
    pub = paillier.PaillierPublicKey(p * q)
    return pub, paillier.PaillierPrivateKey(pub, p, q)


def signed_random(bits):
    v = rng.getrandbits(bits)
    return -v if rng.getrandbits(1) else v


def main():
    # phe's own key generation (keys of ~1024 bits, general primes).
    pub0, priv0 = paillier.generate_paillier_keypair(n_length=1024)
    blum512 = committed("blum", 512)
    blum1024 = committed("blum", 1024)
    keys = [
        (priv0.p, priv0.q),
        (blum512[0], blum512[1]),
        (blum1024[0], blum1024[1]),
    ]
    out = {
        "description": "Paillier (g = N + 1) interop vectors made with python-paillier",
        "generated_by": "Vectors/paillier/generate.py with phe %s" % phe.__version__,
        "encryptions": [], "decryptions": [], "homomorphic": [],
    }
    for p, q in keys:
        pub, priv = keypair(p, q)
        n = pub.n
        half = (n - 1) // 2
        plaintexts = [0, 1, -1, half, -half, half + 1, n + 5, signed_random(300), signed_random(n.bit_length() - 2)]
        for m in plaintexts:
            r = unit_below(n)
            c = pub.raw_encrypt(m % n, r_value=r)
            assert centred(priv.raw_decrypt(c), n) == centred(m, n)
            out["encryptions"].append({"p": hx(p), "q": hx(q), "m": hx(m), "r": hx(r), "ciphertext": hx(c),
                                       "decrypted": hx(centred(m, n))})
        for _ in range(3):
            m = signed_random(200)
            enc = pub.encrypt(m)  # phe encoding of an int: exponent 0, value m mod N
            assert enc.exponent == 0 and priv.decrypt(enc) == m
            out["decryptions"].append({"p": hx(p), "q": hx(q), "ciphertext": hx(enc.ciphertext()), "m": hx(m)})
        for _ in range(2):
            m1, m2 = signed_random(200), signed_random(200)
            k, y = signed_random(256), signed_random(256)
            e1, e2 = pub.encrypt(m1), pub.encrypt(m2)
            # Read the (obfuscated) ciphertexts first: ciphertext() would obfuscate lazily.
            raw_c1, raw_c2 = e1.ciphertext(), e2.ciphertext()
            total = e1 + e2
            product = e1 * k
            assert priv.decrypt(total) == m1 + m2 and priv.decrypt(product) == m1 * k
            r = unit_below(n)
            # phe's _raw_mul takes k mod N and uses c^-1 for values near N, i.e. computes c^k.
            affine_raw = e1._raw_add(e1._raw_mul(k % n), pub.raw_encrypt(y % n, r_value=r))
            assert centred(priv.raw_decrypt(affine_raw), n) == m1 * k + y
            out["homomorphic"].append({
                "p": hx(p), "q": hx(q), "c1": hx(raw_c1), "c2": hx(raw_c2),
                "m1": hx(m1), "m2": hx(m2), "k": hx(k), "y": hx(y), "r": hx(r),
                "sum": hx(total.ciphertext(False)), "product": hx(product.ciphertext(False)),
                "affine": hx(affine_raw),
            })
    with open(os.path.join(HERE, "phe.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
