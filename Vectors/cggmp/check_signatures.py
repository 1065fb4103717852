#!/usr/bin/env python3
"""Independent checks of the CGGMP regression vectors in this folder, with coincurve (libsecp256k1).

The JSON files here are REGRESSION vectors (our own output). What can be checked without our code:

* interactive-signing-*.json: prehash = SHA-256(message); the 65-byte r||s||v signature verifies
  under the recorded public key, has low s, and v recovers that key;
* keyinit-*.json: the public key is the sum of the public shares;
* keyresharing-*.json: the public key is testSecretKey*G, the old and the new public shares each
  interpolate (Lagrange at 0 over every pair, evaluation point
  SHA-512(u64be(len(domain)) || domain || u64be(32) || party id) mod q, the DomainSeparatedHash rule)
  to it, and the new shares differ from the old ones;
* every signing vector signs under the reshared key.

Exit status: 0 all checks passed, 1 a check failed, 77 coincurve is not installed (skip).
"""
import hashlib
import itertools
import json
import pathlib
import sys

try:
    import coincurve
except ImportError:
    print("coincurve is not installed; regression vectors not checked independently")
    sys.exit(77)

HERE = pathlib.Path(__file__).resolve().parent
Q = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOMAIN = b"swift-tss/CGGMP/evaluation-point/v1"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def point(hex_bytes):
    return coincurve.PublicKey(bytes.fromhex(hex_bytes))


def domain_separated_sha512(domain, *fields):
    """Hashing.DomainSeparatedHash: every item (the domain first) prefixed with its u64be length."""
    data = b"".join(len(item).to_bytes(8, "big") + item for item in (domain, *fields))
    return hashlib.sha512(data).digest()


def evaluation_point(party_hex):
    return int.from_bytes(domain_separated_sha512(DOMAIN, bytes.fromhex(party_hex)), "big") % Q


def interpolate_at_zero(shares):
    """sum_i lambda_i * Y_i with lambda_i = prod_{j != i} x_j / (x_j - x_i) mod q."""
    xs = {party: evaluation_point(party) for party in shares}
    terms = []
    for party, y in shares.items():
        weight = 1
        for other, x in xs.items():
            if other != party:
                weight = weight * x * pow(x - xs[party], -1, Q) % Q
        terms.append(point(y).multiply(weight.to_bytes(32, "big")))
    return coincurve.PublicKey.combine_keys(terms)


def load(name):
    return json.loads((HERE / name).read_text())


files = sorted(HERE.glob("*.json"))
check(len(files) >= 5, f"found {len(files)} vector files")
for path in files:
    data = json.loads(path.read_text())
    check(data.get("independent") is False and "REGRESSION" in data.get("notice", ""),
          f"{path.name} is labelled as regression vectors")

signing_keys = set()
for path in sorted(HERE.glob("interactive-signing-*.json")):
    out = json.loads(path.read_text())["outputs"]
    prehash = bytes.fromhex(out["prehash"])
    check(hashlib.sha256(out["message"].encode()).digest() == prehash, f"{path.name}: prehash = SHA-256(message)")
    signature = bytes.fromhex(out["signature"])
    check(len(signature) == 65, f"{path.name}: signature is r||s||v")
    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    check(0 < r < Q and 0 < s <= Q // 2 and v in (0, 1), f"{path.name}: r, s in range, s low, v in {{0, 1}}")
    key = point(out["publicKey"])
    der = coincurve.ecdsa.cdata_to_der(coincurve.ecdsa.deserialize_compact(signature[:64]))
    check(key.verify(der, prehash, hasher=None), f"{path.name}: signature verifies under the public key")
    recovered = coincurve.PublicKey.from_signature_and_message(signature, prehash, hasher=None)
    check(recovered.format() == key.format(), f"{path.name}: v recovers the public key")
    signing_keys.add(key.format())

for path in sorted(HERE.glob("keyinit-*.json")):
    out = json.loads(path.read_text())["outputs"]
    total = coincurve.PublicKey.combine_keys([point(y) for y in out["publicShares"].values()])
    check(total.format() == bytes.fromhex(out["publicKey"]), f"{path.name}: public key = sum of public shares")

for path in sorted(HERE.glob("keyresharing-*.json")):
    data = json.loads(path.read_text())
    out, inputs = data["outputs"], data["inputs"]
    key = coincurve.PrivateKey(bytes.fromhex(inputs["testSecretKey"])).public_key.format()
    check(bytes.fromhex(out["publicKey"]) == key, f"{path.name}: public key = testSecretKey*G")
    old = dict(item.split(":") for item in inputs["oldPublicShares"].split(","))
    for name, shares in (("old", old), ("new", out["publicShares"])):
        for pair in itertools.combinations(sorted(shares), out["threshold"]):
            check(interpolate_at_zero({p: shares[p] for p in pair}).format() == key,
                  f"{path.name}: {name} shares {[p[:8] for p in pair]} interpolate to the key")
    check(all(old[p] != out["publicShares"][p] for p in old), f"{path.name}: every holder's share changed")
    check(signing_keys == {key}, f"{path.name}: every interactive signing vector signs under the reshared key")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
