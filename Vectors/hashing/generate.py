#!/usr/bin/env python3
"""Generates Vectors/hashing/*.json for the Hashing module's tests.

Independent implementations only: Python's hashlib (SHA-2, SHA-3, SHAKE, BLAKE2b, BLAKE2s) and hmac,
pycryptodome (Keccak-256 with the original Keccak padding, and HKDF as a cross-check of the small
HKDF below). Inputs are a fixed pseudorandom byte pattern (random.Random with a fixed seed) and the
published inputs of RFC 4231 (HMAC-SHA-2) and RFC 5869 (HKDF).

Run from anywhere:  python3 Vectors/hashing/generate.py
"""
import hashlib
import hmac
import json
import os
import random

from Crypto.Hash import keccak
from Crypto.Hash import SHA256 as PyCryptoSHA256, SHA512 as PyCryptoSHA512
from Crypto.Protocol.KDF import HKDF as PyCryptoHKDF

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240601)

# Lengths straddle every block size in play: 64 (SHA-256, BLAKE2s), 72 (SHA3-512), 128 (SHA-512,
# BLAKE2b), 136 (SHA3-256, Keccak-256, SHAKE256), 168 (SHAKE128), plus multi-block inputs.
INPUT_LENGTHS = [0, 1, 2, 3, 7, 8, 31, 32, 33, 55, 56, 63, 64, 65, 71, 72, 73, 111, 112, 127, 128,
                 129, 135, 136, 137, 143, 144, 167, 168, 169, 200, 255, 256, 271, 272, 273, 335,
                 336, 337, 1000, 1024, 2049, 4099]
SHAKE_OUTPUT_LENGTHS = [1, 32, 136, 137, 168, 169, 400]


def hx(data: bytes) -> str:
    return data.hex()


def write(name: str, obj) -> None:
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def digests() -> None:
    inputs = [rng.randbytes(n) for n in INPUT_LENGTHS]
    cases = []
    for data in inputs:
        cases.append({
            "input": hx(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "sha512": hashlib.sha512(data).hexdigest(),
            "sha3_256": hashlib.sha3_256(data).hexdigest(),
            "sha3_512": hashlib.sha3_512(data).hexdigest(),
            "keccak256": hx(keccak256(data)),
            "blake2b": hashlib.blake2b(data).hexdigest(),
            "blake2b_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
            "blake2s": hashlib.blake2s(data).hexdigest(),
            "shake128": {str(n): hashlib.shake_128(data).hexdigest(n) for n in SHAKE_OUTPUT_LENGTHS},
            "shake256": {str(n): hashlib.shake_256(data).hexdigest(n) for n in SHAKE_OUTPUT_LENGTHS},
        })
    write("digests.json", {
        "source": "hashlib (Python), pycryptodome keccak for keccak256; generate.py",
        "cases": cases,
    })


def keyed_blake2() -> None:
    cases = []
    for length in [0, 1, 64, 65, 128, 129, 300]:
        data = rng.randbytes(length)
        for key_length in [0, 1, 16, 32]:
            key = rng.randbytes(key_length)
            for size in [1, 16, 20, 31, 32]:
                cases.append({"hash": "blake2s", "key": hx(key), "digest_size": size, "input": hx(data),
                              "out": hashlib.blake2s(data, key=key, digest_size=size).hexdigest()})
        for key_length in [0, 1, 32, 64]:
            key = rng.randbytes(key_length)
            for size in [1, 16, 32, 48, 64]:
                cases.append({"hash": "blake2b", "key": hx(key), "digest_size": size, "input": hx(data),
                              "out": hashlib.blake2b(data, key=key, digest_size=size).hexdigest()})
    write("blake2-keyed.json", {"source": "hashlib blake2s/blake2b; generate.py", "cases": cases})


# RFC 4231 §4.2–4.8 inputs (keys and data); the MACs are computed here by Python's hmac.
RFC4231 = [
    (bytes([0x0b] * 20), b"Hi There", None),
    (b"Jefe", b"what do ya want for nothing?", None),
    (bytes([0xaa] * 20), bytes([0xdd] * 50), None),
    (bytes(range(1, 26)), bytes([0xcd] * 50), None),
    (bytes([0x0c] * 20), b"Test With Truncation", 16),
    (bytes([0xaa] * 131), b"Test Using Larger Than Block-Size Key - Hash Key First", None),
    (bytes([0xaa] * 131), b"This is a test using a larger than block-size key and a larger than block-size data."
                          b" The key needs to be hashed before being used by the HMAC algorithm.", None),
]
HMAC_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512, "sha3_256": hashlib.sha3_256,
               "sha3_512": hashlib.sha3_512, "blake2s": hashlib.blake2s, "blake2b": hashlib.blake2b}


def hmacs() -> None:
    # Published RFC 4231 test case 1 values, to confirm the inputs above are transcribed right.
    assert hmac.new(RFC4231[0][0], RFC4231[0][1], hashlib.sha256).hexdigest() == \
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    cases = []
    for number, (key, data, truncate) in enumerate(RFC4231, start=1):
        for name in ["sha256", "sha512"]:
            mac = hmac.new(key, data, HMAC_HASHES[name]).digest()
            cases.append({"source": f"RFC 4231 test case {number}", "hash": name, "key": hx(key),
                          "message": hx(data), "truncate_bytes": truncate, "mac": hx(mac)})
    # Other hashes and key lengths around each block size (keys longer than a block get hashed).
    for name, function in HMAC_HASHES.items():
        block = function().block_size
        for key_length in [0, 1, 32, block - 1, block, block + 1, 2 * block + 3]:
            key = rng.randbytes(key_length)
            data = rng.randbytes(rng.randrange(0, 300))
            cases.append({"source": "generated", "hash": name, "key": hx(key), "message": hx(data),
                          "truncate_bytes": None, "mac": hmac.new(key, data, function).hexdigest()})
    write("hmac.json", {"source": "RFC 4231 inputs and generated inputs; Python hmac; generate.py",
                        "cases": cases})


def hkdf_extract(function, salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt if salt else bytes(function().digest_size), ikm, function).digest()


def hkdf_expand(function, prk: bytes, info: bytes, length: int) -> bytes:
    output, block, counter = b"", b"", 1
    while len(output) < length:
        block = hmac.new(prk, block + info + bytes([counter]), function).digest()
        output += block
        counter += 1
    return output[:length]


# RFC 5869 Appendix A.1–A.3 (the SHA-256 cases).
RFC5869 = [
    (bytes([0x0b] * 22), bytes(range(0x00, 0x0d)), bytes(range(0xf0, 0xfa)), 42),
    (bytes(range(0x00, 0x50)), bytes(range(0x60, 0xb0)), bytes(range(0xb0, 0x100)), 82),
    (bytes([0x0b] * 22), b"", b"", 42),
]
HKDF_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512, "sha3_256": hashlib.sha3_256,
               "blake2s": hashlib.blake2s, "blake2b": hashlib.blake2b}
PYCRYPTODOME = {"sha256": PyCryptoSHA256, "sha512": PyCryptoSHA512}


def hkdfs() -> None:
    okm = hkdf_expand(hashlib.sha256, hkdf_extract(hashlib.sha256, RFC5869[0][1], RFC5869[0][0]),
                      RFC5869[0][2], 42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865"), "RFC 5869 A.1 mismatch"
    cases = []

    def add(source, name, ikm, salt, info, length):
        function = HKDF_HASHES[name]
        prk = hkdf_extract(function, salt, ikm)
        okm = hkdf_expand(function, prk, info, length)
        if name in PYCRYPTODOME:
            check = PyCryptoHKDF(ikm, length, salt if salt else None, PYCRYPTODOME[name], 1, info)
            assert check == okm, f"pycryptodome HKDF disagrees for {source}"
        cases.append({"source": source, "hash": name, "ikm": hx(ikm), "salt": hx(salt), "info": hx(info),
                      "length": length, "prk": hx(prk), "okm": hx(okm)})

    for number, (ikm, salt, info, length) in enumerate(RFC5869, start=1):
        add(f"RFC 5869 A.{number}", "sha256", ikm, salt, info, length)
    for name, function in HKDF_HASHES.items():
        size = function().digest_size
        # The 255 × HashLen maximum for the 32-byte hashes only, to keep the file small.
        longest = 255 * size if size == 32 else 20 * size
        for length in [0, 1, size - 1, size, size + 1, 3 * size + 5, longest]:
            add("generated", name, rng.randbytes(rng.randrange(1, 100)), rng.randbytes(rng.randrange(0, 80)),
                rng.randbytes(rng.randrange(0, 60)), length)
    write("hkdf.json", {"source": "RFC 5869 inputs and generated inputs; Python hmac HKDF, "
                                  "cross-checked with pycryptodome for SHA-2; generate.py",
                        "cases": cases})


if __name__ == "__main__":
    digests()
    keyed_blake2()
    hmacs()
    hkdfs()
