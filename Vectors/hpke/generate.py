#!/usr/bin/env python3
"""HPKE and envelope vectors for swift-tss, from independent implementations.

    python3 Vectors/hpke/generate.py            # writes rfc9180.json and envelopes.json here
    python3 Vectors/hpke/generate.py open --key X25519_SECRET_HEX < envelope.json

Suite: HPKE base mode, DHKEM(X25519, HKDF-SHA256) (KEM 0x0020), HKDF-SHA256 (KDF 0x0001),
ChaCha20-Poly1305 (AEAD 0x0003).

rfc9180.json: the RFC 9180 Appendix A.2.1 vector ("DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
ChaCha20Poly1305", section A.2.1.1 "Base Setup Information", A.2.1.1.1 "Encryptions",
A.2.1.1.2 "Exported Values"). The RFC's published values are typed in below; this script checks
them three ways before writing anything: (1) a from-the-RFC key schedule written here with
hashlib/hmac and `cryptography`'s X25519 (RFC 9180 sections 4, 4.1, 5.1, 7.1.3), (2) pyhpke
deriving the same key pairs from the RFC's ikmE/ikmR and sealing with the RFC ephemeral,
(3) pycryptodome's ChaCha20-Poly1305 encrypting with the derived key and nonce. The JSON holds
all 257 ciphertexts (sequence numbers 0..256) from pyhpke, because an HPKE recipient context
must open them in order; the six the RFC prints are asserted equal.

envelopes.json: swift-tss envelopes (docs/wire-formats.md, "Envelopes") sealed by pyhpke and
signed by `cryptography`'s Ed25519, with fixed keys; ephemeral keys are derived from fixed ikm
so the file is reproducible. Valid envelopes and one of each rejection.

`open`: opens a swift-tss envelope with pyhpke and `cryptography` (used by the Swift tests to show
an envelope sealed by swift-crypto opens in an independent implementation).
"""
import base64
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives import serialization
from Crypto.Cipher import ChaCha20_Poly1305
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKey

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)
ENVELOPE_INFO = b"swift-tss/envelope/v1"
SIGNATURE_CONTEXT = b"swift-tss/envelope/v1/signature"

# RFC 9180, Appendix A.2.1.1 (mode 0) and A.2.1.1.1 / A.2.1.1.2.
RFC = {
    "info": "4f6465206f6e2061204772656369616e2055726e",
    "ikmE": "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
    "pkEm": "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
    "skEm": "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
    "ikmR": "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
    "pkRm": "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
    "skRm": "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
    "enc": "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
    "shared_secret": "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
    "key_schedule_context": "00431df6cd95e11ff49d7013563baf7f11588c75a6611ee2a4404a49306ae4cfc5"
                            "b69c5718a60cc5876c358d3f7fc31ddb598503f67be58ea1e798c0bb19eb9796",
    "secret": "5b9cd775e64b437a2335cf499361b2e0d5e444d5cb41a8a53336d8fe402282c6",
    "key": "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91",
    "base_nonce": "5c4d98150661b848853b547f",
    "exporter_secret": "a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922",
    "pt": "4265617574792069732074727574682c20747275746820626561757479",
    "ciphertexts": {
        0: "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
        1: "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c",
        2: "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b",
        4: "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16",
        255: "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c",
        256: "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b",
    },
    "exports": [
        ("", 32, "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e"),
        ("00", 32, "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69"),
        ("54657374436f6e74657874", 32, "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53"),
    ],
}

# --- A key schedule from the RFC text (sections 4, 4.1, 5.1, 7.1.3), independent of pyhpke ----

KEM_SUITE_ID = b"KEM" + (0x0020).to_bytes(2, "big")
HPKE_SUITE_ID = b"HPKE" + (0x0020).to_bytes(2, "big") + (0x0001).to_bytes(2, "big") + (0x0003).to_bytes(2, "big")


def hkdf_extract(salt, ikm):
    return hmac.new(salt or b"\x00" * 32, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def labeled_extract(suite_id, salt, label, ikm):
    return hkdf_extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def labeled_expand(suite_id, prk, label, info, length):
    return hkdf_expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info, length)


def derive_x25519(ikm):
    """DeriveKeyPair for X25519 (section 7.1.3): the secret is LabeledExpand(dkp_prk, "sk", "", 32)."""
    prk = labeled_extract(KEM_SUITE_ID, b"", b"dkp_prk", ikm)
    sk = labeled_expand(KEM_SUITE_ID, prk, b"sk", b"", 32)
    pk = X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sk, pk


def schedule_from_rfc_text(ikm_e, ikm_r, info):
    sk_e, pk_e = derive_x25519(ikm_e)
    sk_r, pk_r = derive_x25519(ikm_r)
    dh = X25519PrivateKey.from_private_bytes(sk_e).exchange(X25519PublicKey.from_public_bytes(pk_r))
    eae_prk = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh)
    shared = labeled_expand(KEM_SUITE_ID, eae_prk, b"shared_secret", pk_e + pk_r, 32)
    psk_id_hash = labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE_ID, shared, b"secret", b"")
    return {
        "skEm": sk_e, "pkEm": pk_e, "skRm": sk_r, "pkRm": pk_r, "enc": pk_e,
        "shared_secret": shared, "key_schedule_context": context, "secret": secret,
        "key": labeled_expand(HPKE_SUITE_ID, secret, b"key", context, 32),
        "base_nonce": labeled_expand(HPKE_SUITE_ID, secret, b"base_nonce", context, 12),
        "exporter_secret": labeled_expand(HPKE_SUITE_ID, secret, b"exp", context, 32),
    }


def nonce_for(base_nonce, seq):
    return bytes(a ^ b for a, b in zip(base_nonce, seq.to_bytes(12, "big")))


def rfc9180_vectors():
    h = bytes.fromhex
    info = h(RFC["info"])
    ours = schedule_from_rfc_text(h(RFC["ikmE"]), h(RFC["ikmR"]), info)
    for name, value in ours.items():
        assert value.hex() == RFC[name], f"RFC 9180 A.2.1: our key schedule disagrees on {name}"

    # pyhpke: derive the same keys from the RFC ikm and seal with the RFC ephemeral.
    eph = SUITE.kem.derive_key_pair(h(RFC["ikmE"]))
    rcp = SUITE.kem.derive_key_pair(h(RFC["ikmR"]))
    assert eph.private_key.to_private_bytes().hex() == RFC["skEm"]
    assert rcp.public_key.to_public_bytes().hex() == RFC["pkRm"]
    enc, sender = SUITE.create_sender_context(rcp.public_key, info, eks=eph)
    assert enc.hex() == RFC["enc"], "pyhpke enc differs from RFC 9180 A.2.1"
    pt = h(RFC["pt"])
    encryptions = []
    for seq in range(257):
        aad = f"Count-{seq}".encode()
        ct = sender.seal(pt, aad)
        # pycryptodome, with the key and nonce derived above, must give the same ciphertext.
        cipher = ChaCha20_Poly1305.new(key=ours["key"], nonce=nonce_for(ours["base_nonce"], seq))
        cipher.update(aad)
        body, tag = cipher.encrypt_and_digest(pt)
        assert body + tag == ct, f"pycryptodome and pyhpke disagree at sequence {seq}"
        if seq in RFC["ciphertexts"]:
            assert ct.hex() == RFC["ciphertexts"][seq], f"RFC 9180 A.2.1.1.1 ciphertext {seq} differs"
        encryptions.append({"sequence": seq, "aad": aad.hex(), "pt": pt.hex(), "ct": ct.hex(),
                            "nonce": nonce_for(ours["base_nonce"], seq).hex()})
    exports = []
    for context, length, value in RFC["exports"]:
        assert sender.export(h(context), length).hex() == value, "RFC 9180 A.2.1.1.2 export differs"
        exports.append({"exporter_context": context, "length": length, "exported_value": value})
    return {
        "source": "RFC 9180 Appendix A.2.1 (mode_base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305)",
        "kem_id": 0x0020, "kdf_id": 0x0001, "aead_id": 0x0003, "mode": 0,
        **{k: RFC[k] for k in ("info", "ikmE", "ikmR", "skEm", "pkEm", "skRm", "pkRm", "enc",
                                "shared_secret", "key", "base_nonce", "exporter_secret")},
        "encryptions": encryptions,
        "exports": exports,
    }

# --- swift-tss envelopes -----------------------------------------------------------------------


def b64(data):
    return base64.b64encode(data).decode()


def signed_bytes(message, recipient):
    flag = b"\x01" + recipient if recipient is not None else b"\x00"
    return SIGNATURE_CONTEXT + flag + message


def plaintext_json(message, sender_pub, signature, recipient):
    body = {"message": b64(message), "sender": b64(sender_pub), "signature": b64(signature)}
    if recipient is not None:
        body["recipient"] = b64(recipient)
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def seal(plaintext, recipient_pub, eph_ikm, info=ENVELOPE_INFO, version=1):
    eph = SUITE.kem.derive_key_pair(eph_ikm)
    enc, ctx = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(recipient_pub), info, eks=eph)
    ct = ctx.seal(plaintext, b"")
    return json.dumps({"version": version, "encapsulated_key": b64(enc), "ciphertext": b64(ct)},
                      sort_keys=True, separators=(",", ":"))


def envelope_vectors():
    seed = hashlib.sha256(b"swift-tss envelope vectors: sender identity").digest()
    sender = Ed25519PrivateKey.from_private_bytes(seed)
    sender_pub = sender.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    recipient = SUITE.kem.derive_key_pair(b"swift-tss envelope vectors: recipient")
    recipient_sk = recipient.private_key.to_private_bytes()
    recipient_pub = recipient.public_key.to_public_bytes()
    other_pub = SUITE.kem.derive_key_pair(b"swift-tss envelope vectors: someone else").public_key.to_public_bytes()

    def signed(message, bound_to):
        return plaintext_json(message, sender_pub, sender.sign(signed_bytes(message, bound_to)), bound_to)

    cases = []

    def add(name, envelope, expect, message=None, bound=None):
        case = {"name": name, "envelope": envelope, "expect": expect}
        if message is not None:
            case["message"] = message.hex()
            case["recipient_bound"] = bound
        cases.append(case)

    long_message = bytes(range(256)) * 4
    add("bound", seal(signed(b"hello from python", recipient_pub), recipient_pub, b"eph 1"), "ok",
        b"hello from python", True)
    add("unbound-empty-message", seal(signed(b"", None), recipient_pub, b"eph 2"), "ok", b"", False)
    add("bound-1024-bytes", seal(signed(long_message, recipient_pub), recipient_pub, b"eph 3"), "ok",
        long_message, True)
    # Signature over a different message than the one carried.
    forged = plaintext_json(b"pay 100", sender_pub, sender.sign(signed_bytes(b"pay 1", recipient_pub)), recipient_pub)
    add("bad-signature", seal(forged, recipient_pub, b"eph 4"), "badSignature")
    # Signed for someone else, then re-encrypted to us (surreptitious forwarding).
    add("wrong-recipient", seal(signed(b"for someone else", other_pub), recipient_pub, b"eph 5"), "wrongRecipient")
    # The network's empty info: must not open as a swift-tss v1 envelope.
    add("empty-info", seal(signed(b"empty info", recipient_pub), recipient_pub, b"eph 6", info=b""), "decryptionFailed")
    add("sealed-to-someone-else", seal(signed(b"not yours", other_pub), other_pub, b"eph 7"), "decryptionFailed")
    add("version-2", seal(signed(b"future", recipient_pub), recipient_pub, b"eph 8", version=2), "unsupportedVersion")
    add("plaintext-not-json", seal(b"not json", recipient_pub, b"eph 9"), "malformedPlaintext")
    return {
        "description": "swift-tss envelopes sealed by pyhpke, signed by cryptography's Ed25519 (generate.py)",
        "recipient_secret_key": recipient_sk.hex(),
        "recipient_public_key": recipient_pub.hex(),
        "sender_identity_seed": seed.hex(),
        "sender_identity": sender_pub.hex(),
        "cases": cases,
    }

# --- open: an independent opener for envelopes sealed by swift-tss -----------------------------


def open_envelope(secret_hex, text):
    def strict_b64(value, length=None):
        data = base64.b64decode(value, validate=True)
        if b64(data) != value or (length is not None and len(data) != length):
            raise ValueError("non-canonical base64 or wrong length")
        return data

    outer = json.loads(text)
    if outer.get("version") != 1:
        raise ValueError(f"unsupported version {outer.get('version')}")
    enc = strict_b64(outer["encapsulated_key"], 32)
    ct = strict_b64(outer["ciphertext"])
    sk = SUITE.kem.deserialize_private_key(bytes.fromhex(secret_hex))
    ctx = SUITE.create_recipient_context(enc, sk, ENVELOPE_INFO)
    inner = json.loads(ctx.open(ct, b""))
    message = strict_b64(inner["message"])
    sender = strict_b64(inner["sender"], 32)
    recipient = strict_b64(inner["recipient"], 32) if "recipient" in inner else None
    Ed25519PublicKey.from_public_bytes(sender).verify(strict_b64(inner["signature"], 64),
                                                      signed_bytes(message, recipient))
    our_pub = X25519PrivateKey.from_private_bytes(bytes.fromhex(secret_hex)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if recipient is not None and recipient != our_pub:
        raise ValueError("addressed to a different recipient")
    return {"message": b64(message), "sender": sender.hex(), "recipient_bound": recipient is not None}


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "open":
        if len(sys.argv) != 4 or sys.argv[2] != "--key":
            sys.exit("usage: generate.py open --key X25519_SECRET_HEX < envelope.json")
        try:
            print(json.dumps(open_envelope(sys.argv[3], sys.stdin.read())))
        except Exception as error:  # report any rejection as a reason and a non-zero exit
            sys.exit(f"rejected: {type(error).__name__}: {error}")
        return
    for name, data in (("rfc9180.json", rfc9180_vectors()), ("envelopes.json", envelope_vectors())):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
