#!/usr/bin/env python3
"""Noise test vectors for swift-tss, produced by an independent implementation.

Uses the `noiseprotocol` package (pip install noiseprotocol). Deterministic: every key,
prologue and payload is derived from SHA-256 of a label, so re-running rewrites identical files.

Writes, in the cacophony JSON format ({"vectors": [...]}, message i written by the initiator
when i is even, transport messages included):
  vectors.json  XX, XK, IK, NN, NK and psk variants x {ChaChaPoly, AESGCM} x all four hashes
  chunked.json  the network's channel (Noise_XK_25519_ChaChaPoly_BLAKE2s, prologue
                "Entropy signing protocol") carrying large messages chunked into 65519-byte
                pieces, each its own transport message, concatenated
"""
import hashlib
import json
import os
import warnings

from noise.connection import NoiseConnection, Keypair
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 65519


def det(label, n=32):
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def public(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


PATTERNS = {
    # pattern: (initiator has static, responder has static, initiator knows responder static
    #           before the handshake, responder knows initiator static before)
    "NN": (False, False, False, False),
    "NK": (False, True, True, False),
    "XX": (True, True, False, False),
    "XK": (True, True, True, False),
    "IK": (True, True, True, False),
    "NNpsk0": (False, False, False, False),
    "NNpsk2": (False, False, False, False),
    "XXpsk3": (True, True, False, False),
    "XKpsk3": (True, True, True, False),
    "IKpsk2": (True, True, True, False),
    "XXpsk0+psk3": (True, True, False, False),
}
HANDSHAKE_LENGTHS = {"NN": 2, "NK": 2, "XX": 3, "XK": 3, "IK": 2}


def run(name, prologue, transport_payloads, label, chunked=False):
    base = name.split("_")[1]
    bare = base.split("psk")[0]
    psk_count = base.count("psk")
    init_s, resp_s, init_knows_rs, resp_knows_is = PATTERNS[base]
    keys = {k: det(f"{label}/{k}") for k in ("is", "ie", "rs", "re")}
    psks = [det(f"{label}/psk{i}") for i in range(psk_count)]

    init = NoiseConnection.from_name(name.encode())
    resp = NoiseConnection.from_name(name.encode())
    init.set_as_initiator()
    resp.set_as_responder()
    for conn in (init, resp):
        conn.set_prologue(prologue)
        if psks:
            conn.set_psks(psks=psks)
    init.set_keypair_from_private_bytes(Keypair.EPHEMERAL, keys["ie"])
    resp.set_keypair_from_private_bytes(Keypair.EPHEMERAL, keys["re"])
    if init_s:
        init.set_keypair_from_private_bytes(Keypair.STATIC, keys["is"])
    if resp_s:
        resp.set_keypair_from_private_bytes(Keypair.STATIC, keys["rs"])
    if init_knows_rs:
        init.set_keypair_from_public_bytes(Keypair.REMOTE_STATIC, public(keys["rs"]))
    if resp_knows_is:
        resp.set_keypair_from_public_bytes(Keypair.REMOTE_STATIC, public(keys["is"]))
    init.start_handshake()
    resp.start_handshake()

    messages = []
    for i in range(HANDSHAKE_LENGTHS[bare]):
        payload = det(f"{label}/hs{i}", 7 + 5 * i)
        writer, reader = (init, resp) if i % 2 == 0 else (resp, init)
        ct = bytes(writer.write_message(payload))
        assert bytes(reader.read_message(ct)) == payload
        messages.append({"payload": payload.hex(), "ciphertext": ct.hex()})
    assert init.handshake_finished and resp.handshake_finished
    assert init.get_handshake_hash() == resp.get_handshake_hash()

    for j, payload in enumerate(transport_payloads):
        i = len(messages)
        writer, reader = (init, resp) if i % 2 == 0 else (resp, init)
        if chunked:
            pieces = [payload[k:k + CHUNK] for k in range(0, len(payload), CHUNK)] or [b""]
            ct = b"".join(bytes(writer.encrypt(p)) for p in pieces)
            back = b"".join(bytes(reader.decrypt(ct[k:k + 65535])) for k in range(0, len(ct), 65535))
        else:
            ct = bytes(writer.encrypt(payload))
            back = bytes(reader.decrypt(ct))
        assert back == payload
        messages.append({"payload": payload.hex(), "ciphertext": ct.hex()})

    vector = {
        "protocol_name": name,
        "init_prologue": prologue.hex(),
        "init_psks": [p.hex() for p in psks],
        "init_ephemeral": keys["ie"].hex(),
        "resp_prologue": prologue.hex(),
        "resp_psks": [p.hex() for p in psks],
        "resp_ephemeral": keys["re"].hex(),
        "handshake_hash": init.get_handshake_hash().hex(),
        "messages": messages,
    }
    if init_s:
        vector["init_static"] = keys["is"].hex()
    if resp_s:
        vector["resp_static"] = keys["rs"].hex()
    if init_knows_rs:
        vector["init_remote_static"] = public(keys["rs"]).hex()
    if resp_knows_is:
        vector["resp_remote_static"] = public(keys["is"]).hex()
    return vector


def main():
    warnings.simplefilter("ignore")  # noiseprotocol warns (rightly) whenever an ephemeral key is fixed
    vectors = []
    for base in PATTERNS:
        for cipher in ("ChaChaPoly", "AESGCM"):
            for hash_name in ("SHA256", "SHA512", "BLAKE2b", "BLAKE2s"):
                name = f"Noise_{base}_25519_{cipher}_{hash_name}"
                payloads = [det(f"{name}/t{j}", 1 + 37 * j) for j in range(4)] + [b""]
                vectors.append(run(name, det(f"{name}/prologue", 13), payloads, name))
    with open(os.path.join(HERE, "vectors.json"), "w") as f:
        json.dump({"vectors": vectors}, f, indent=1)
        f.write("\n")

    name = "Noise_XK_25519_ChaChaPoly_BLAKE2s"
    sizes = [CHUNK + 1, 7]  # two chunks (one full, one of 2 bytes), then a small message
    payloads = [det(f"chunked/{n}", n) for n in sizes]
    chunked = run(name, b"Entropy signing protocol", payloads, "chunked", chunked=True)
    with open(os.path.join(HERE, "chunked.json"), "w") as f:
        json.dump({"vectors": [chunked]}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors and 1 chunked session")


if __name__ == "__main__":
    main()
