#!/usr/bin/env python3
"""Generates Vectors/secp256k1/*.json for the Secp256k1 tests.

Independent implementations only: coincurve (libsecp256k1 bundled by the wheel) and the pure
Python `ecdsa` package, cross-checked against each other here; pycryptodome for Keccak-256;
hashlib for SHA-256, SHA3-256 and BLAKE2b; the BIP32 test vectors from the BIP text
(https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki), decoded and re-derived here.

    pip install coincurve ecdsa pycryptodome
    python3 Vectors/secp256k1/generate.py

Deterministic: every input comes from random.Random(seed).
"""
import hashlib
import hmac
import json
import os
import random

import coincurve
import ecdsa
from ecdsa import SECP256k1
from ecdsa.ellipticcurve import INFINITY
from ecdsa.util import sigdecode_string, sigencode_der, sigencode_strings_canonize
from Crypto.Hash import keccak

HERE = os.path.dirname(os.path.abspath(__file__))
N = SECP256k1.order
G = SECP256k1.generator
rng = random.Random(20240601)


def hx(b):
    return b.hex()


def scalar_bytes(k):
    return k.to_bytes(32, "big")


def rand_scalar():
    return rng.randrange(1, N)


def encode_point(P, compressed=True):
    """SEC1 encoding through the pure-Python ecdsa package; the identity is the single byte 00."""
    if P == INFINITY:
        return b"\x00"
    x, y = P.x(), P.y()
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def keccak256(data):
    h = keccak.new(digest_bits=256)
    h.update(data)
    return h.digest()


def write(name, payload):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)
        f.write("\n")


# --- ECDSA signatures (RFC 6979, low s) -------------------------------------------------------
def signatures():
    cases = []
    for i in range(24):
        k = rand_scalar()
        msg = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
        digest = hashlib.sha256(msg).digest()
        priv = coincurve.PrivateKey(scalar_bytes(k))
        der = priv.sign(digest, hasher=None)
        # Independent: pure-Python RFC 6979 with low-s canonicalisation.
        sk = ecdsa.SigningKey.from_string(scalar_bytes(k), curve=SECP256k1)
        r_bytes, s_bytes = sk.sign_digest_deterministic(
            digest, hashfunc=hashlib.sha256, sigencode=sigencode_strings_canonize)
        compact = r_bytes + s_bytes
        r, s = sigdecode_string(compact, N)
        assert sigencode_der(r, s, N) == der, "coincurve and ecdsa disagree"
        pub = priv.public_key.format(compressed=True)
        assert sk.get_verifying_key().to_string("compressed") == pub
        cases.append({
            "secretKey": hx(scalar_bytes(k)),
            "publicKeyCompressed": hx(pub),
            "publicKeyUncompressed": hx(priv.public_key.format(compressed=False)),
            "message": hx(msg),
            "prehash": hx(digest),
            "der": hx(der),
            "compact": hx(compact),
            "highSCompact": hx(scalar_bytes(r) + scalar_bytes(N - s)),
        })
    return cases


# --- Recoverable signatures -------------------------------------------------------------------
def recoverable():
    cases = []
    for i in range(24):
        k = rand_scalar()
        digest = hashlib.sha256(b"recoverable %d" % i).digest()
        priv = coincurve.PrivateKey(scalar_bytes(k))
        raw = priv.sign_recoverable(digest, hasher=None)  # r || s || v
        recovered = coincurve.PublicKey.from_signature_and_message(raw, digest, hasher=None)
        assert recovered.format() == priv.public_key.format()
        # Independent: the ecdsa package recovers the candidate keys; ours must be among them.
        r, s = sigdecode_string(raw[:64], N)
        candidates = ecdsa.VerifyingKey.from_public_key_recovery_with_digest(
            raw[:64], digest, SECP256k1, hashfunc=hashlib.sha256, sigdecode=sigdecode_string)
        assert any(c.to_string("compressed") == recovered.format() for c in candidates)
        cases.append({
            "secretKey": hx(scalar_bytes(k)),
            "prehash": hx(digest),
            "raw": hx(raw),
            "recoveryID": raw[64],
            "publicKeyCompressed": hx(recovered.format()),
        })
    return cases


# --- Point arithmetic (pure-Python ecdsa group law) -------------------------------------------
def points():
    cases = {"multiplications": [], "additions": [], "sums": []}
    mults = [1, 2, 3, N - 1, N - 2, (N - 1) // 2, 2**128, 2**255 % N] + [rand_scalar() for _ in range(10)]
    for k in mults:
        cases["multiplications"].append({
            "scalar": hx(scalar_bytes(k)), "point": hx(encode_point(G)),
            "product": hx(encode_point(G * k)), "productUncompressed": hx(encode_point(G * k, False))})
    for _ in range(10):
        P = G * rand_scalar()
        k = rand_scalar()
        cases["multiplications"].append({
            "scalar": hx(scalar_bytes(k)), "point": hx(encode_point(P)),
            "product": hx(encode_point(P * k)), "productUncompressed": hx(encode_point(P * k, False))})
    # k = 0 gives the identity; n·P would too but n is not a scalar.
    P = G * rand_scalar()
    cases["multiplications"].append({"scalar": hx(scalar_bytes(0)), "point": hx(encode_point(P)),
                                     "product": "00", "productUncompressed": "00"})

    def add_case(P, Q):
        S = P + Q
        cases["additions"].append({"a": hx(encode_point(P)), "b": hx(encode_point(Q)), "sum": hx(encode_point(S))})

    for _ in range(10):
        add_case(G * rand_scalar(), G * rand_scalar())
    P = G * rand_scalar()
    add_case(P, P)                              # doubling
    add_case(P, -P)                             # identity result
    add_case(INFINITY, P)                       # identity operand
    add_case(P, INFINITY)
    add_case(INFINITY, INFINITY)
    add_case(G, G * (N - 1))                    # G + (−G)
    for count in (2, 3, 5, 8):
        ks = [rand_scalar() for _ in range(count)]
        pts = [G * k for k in ks]
        total = INFINITY
        for p in pts:
            total = total + p
        cases["sums"].append({"points": [hx(encode_point(p)) for p in pts], "sum": hx(encode_point(total))})
    # A sum that cancels to the identity part-way and at the end.
    a, b = rand_scalar(), rand_scalar()
    pts = [G * a, G * (N - a), G * b, G * (N - b)]
    cases["sums"].append({"points": [hx(encode_point(p)) for p in pts], "sum": "00"})
    return cases


# --- Scalar arithmetic (Python integers) ------------------------------------------------------
def scalars():
    cases = []
    edge = [0, 1, 2, N - 1, N - 2, (N - 1) // 2, (N + 1) // 2, 2**255 % N, 2**64 - 1, 2**128 + 1]
    values = edge + [rand_scalar() for _ in range(20)]
    for i in range(40):
        a = values[i % len(values)] if i < len(values) else rand_scalar()
        b = values[(i * 7 + 3) % len(values)]
        wide = bytes(rng.randrange(256) for _ in range(64))
        cases.append({
            "a": hx(scalar_bytes(a)), "b": hx(scalar_bytes(b)),
            "sum": hx(scalar_bytes((a + b) % N)), "difference": hx(scalar_bytes((a - b) % N)),
            "product": hx(scalar_bytes(a * b % N)), "negation": hx(scalar_bytes(-a % N)),
            "inverse": hx(scalar_bytes(pow(a, -1, N))) if a else None,
            "wide": hx(wide), "wideReduced": hx(scalar_bytes(int.from_bytes(wide, "big") % N)),
        })
    return cases


# --- Ethereum addresses and prehash functions --------------------------------------------------
def eip55(address_bytes):
    lower = address_bytes.hex()
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def addresses():
    cases = []
    for k in [1, 2, N - 1] + [rand_scalar() for _ in range(10)]:
        pub = coincurve.PrivateKey(scalar_bytes(k)).public_key.format(compressed=False)
        address = keccak256(pub[1:])[-20:]
        cases.append({"secretKey": hx(scalar_bytes(k)), "publicKeyUncompressed": hx(pub),
                      "address": hx(address), "checksummed": eip55(address)})
    # Well-known: the key 1 controls 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
    assert cases[0]["checksummed"] == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
    return cases


def prehashes():
    cases = []
    for msg in [b"", b"abc", b"The quick brown fox jumps over the lazy dog", bytes(range(200))]:
        cases.append({
            "message": hx(msg),
            "sha256": hx(hashlib.sha256(msg).digest()),
            "sha3_256": hx(hashlib.sha3_256(msg).digest()),
            "keccak256": hx(keccak256(msg)),
            "blake2b256": hx(hashlib.blake2b(msg, digest_size=32).digest()),
        })
    return cases


# --- BIP32 non-hardened public derivation -----------------------------------------------------
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check_decode(text):
    value = 0
    for c in text:
        value = value * 58 + B58.index(c)
    raw = value.to_bytes(82, "big")
    payload, checksum = raw[:-4], raw[-4:]
    assert hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum
    return payload


def parse_extended(text):
    p = b58check_decode(text)
    depth, index = p[4], int.from_bytes(p[9:13], "big")
    chain, key = p[13:45], p[45:78]
    return {"depth": depth, "index": index, "chainCode": chain, "key": key}


# (parent xpub, parent xprv, child index path, child xpub, child xprv) — the non-hardened steps of
# BIP32 test vectors 1 and 2 (vectors 3–5 only exercise hardened or invalid keys).
BIP32_STEPS = [
    # Vector 1: m/0H -> m/0H/1
    ("xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
     "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7",
     [1],
     "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
     "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"),
    # Vector 1: m/0H/1/2H -> m/0H/1/2H/2 -> m/0H/1/2H/2/1000000000 (as one two-step path too)
    ("xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
     "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
     [2],
     "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
     "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334"),
    ("xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
     "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334",
     [1000000000],
     "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
     "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76"),
    ("xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
     "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
     [2, 1000000000],
     "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
     "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76"),
    # Vector 2: m -> m/0
    ("xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB",
     "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U",
     [0],
     "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH",
     "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt"),
    # Vector 2: m/0/2147483647H -> m/0/2147483647H/1
    ("xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
     "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9",
     [1],
     "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon",
     "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef"),
    # Vector 2: m/0/2147483647H/1/2147483646H -> .../2
    ("xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL",
     "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc",
     [2],
     "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt",
     "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j"),
]


def ckd_pub(key33, chain, index):
    """BIP32 CKDpub with coincurve, independently of the Swift code."""
    assert index < 2**31
    I = hmac.new(chain, key33 + index.to_bytes(4, "big"), hashlib.sha512).digest()
    IL, IR = I[:32], I[32:]
    assert int.from_bytes(IL, "big") < N
    child = coincurve.PublicKey.combine_keys([coincurve.PublicKey(key33), coincurve.PrivateKey(IL).public_key])
    return child.format(), IR, int.from_bytes(IL, "big")


def bip32():
    cases = []
    for parent_pub, parent_prv, path, child_pub, child_prv in BIP32_STEPS:
        P, Pp, C, Cp = map(parse_extended, (parent_pub, parent_prv, child_pub, child_prv))
        key, chain, tweak = P["key"], P["chainCode"], 0
        for index in path:
            key, chain, step = ckd_pub(key, chain, index)
            tweak = (tweak + step) % N
        assert key == C["key"] and chain == C["chainCode"], "CKDpub disagrees with the BIP32 vector"
        parent_secret = int.from_bytes(Pp["key"][1:], "big")
        child_secret = int.from_bytes(Cp["key"][1:], "big")
        assert (parent_secret + tweak) % N == child_secret, "tweak does not map parent to child secret"
        cases.append({
            "parentPublicKey": hx(P["key"]), "parentChainCode": hx(P["chainCode"]),
            "path": path,
            "childPublicKey": hx(C["key"]), "childChainCode": hx(C["chainCode"]),
            "parentSecretKey": hx(scalar_bytes(parent_secret)), "childSecretKey": hx(scalar_bytes(child_secret)),
            "xpubParent": parent_pub, "xpubChild": child_pub,
        })
    return cases


if __name__ == "__main__":
    write("signatures.json", {"source": "coincurve " + coincurve.__version__ + " + ecdsa " + ecdsa.__version__,
                              "cases": signatures()})
    write("recoverable.json", {"source": "coincurve + ecdsa", "cases": recoverable()})
    write("points.json", {"source": "ecdsa (pure-Python group law)", **points()})
    write("scalars.json", {"source": "python integers", "cases": scalars()})
    write("addresses.json", {"source": "coincurve + pycryptodome keccak", "cases": addresses()})
    write("prehashes.json", {"source": "hashlib + pycryptodome keccak", "cases": prehashes()})
    write("bip32.json", {"source": "BIP32 test vectors 1 and 2 (non-hardened steps), re-derived with coincurve",
                         "cases": bip32()})
    print("wrote", sorted(f for f in os.listdir(HERE) if f.endswith(".json")))
