#!/usr/bin/env python3
"""Independent model of the CGGMP Fiat-Shamir transcript (Sources/CGGMP/Transcript.swift), on
Python's hashlib.shake_256, so the Swift transcript is checked against a second implementation.

Absorbed item: kind byte || u32be(len(label)) || label || u32be(len(value)) || value.
Kinds: 0 domain, 1 bytes, 2 integer (sign byte || minimal big-endian magnitude), 3 point,
4 scalar, 5 encoded, 6 count. Challenges read one continuing SHAKE256 stream:
  below(B): k = bitlen(B-1) bits from ceil(k/8) bytes, top bits masked, redraw while >= B
  signed(b): below(2^(b+1)+1) - 2^b
  scalar: 32 bytes big-endian, redraw while >= q

Usage: python3 Vectors/transcript/generate.py  (writes transcript.json beside it)
"""
import hashlib
import json
import os

Q = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOMAIN = b"swift-tss/CGGMP/Fiat-Shamir/v1"


def u32(n):
    return n.to_bytes(4, "big")


def magnitude(n):
    n = abs(n)
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def item(kind, label, value):
    label = label.encode()
    return bytes([kind]) + u32(len(label)) + label + u32(len(value)) + value


def integer(label, n):
    return item(2, label, bytes([1 if n < 0 else 0]) + magnitude(n))


class Stream:
    def __init__(self, absorbed):
        self.out = hashlib.shake_256(absorbed).digest(1 << 16)
        self.pos = 0

    def take(self, n):
        chunk = self.out[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def below(self, bound):
        bits = (bound - 1).bit_length()
        nbytes = (bits + 7) // 8
        while True:
            raw = bytearray(self.take(nbytes))
            raw[0] &= 0xFF >> (nbytes * 8 - bits)
            value = int.from_bytes(raw, "big")
            if value < bound:
                return value

    def signed(self, bits):
        return self.below((1 << (bits + 1)) + 1) - (1 << bits)

    def scalar(self):
        while True:
            value = int.from_bytes(self.take(32), "big")
            if value < Q:
                return value


PARAMETERS = {
    "production112": (1024, 2048, 256, 1280, 512, 256, 112, 112, 256),
    "testing-UNSAFE": (512, 1024, 256, 576, 320, 256, 8, 8, 8),
}
PARAMETER_LABELS = ["prime-bits", "modulus-bits", "ell", "ell-prime", "epsilon", "kappa",
                    "mod-repetitions", "prm-repetitions", "bit-challenge-repetitions"]


def header(tag, sid, pid, parameters):
    data = item(0, "domain", DOMAIN)
    data += item(1, "proof", tag.encode()) + item(1, "session-id", sid) + item(1, "prover-id", pid)
    data += item(1, "parameters", parameters.encode())
    for label, value in zip(PARAMETER_LABELS, PARAMETERS[parameters]):
        data += integer(label, value)
    return data


def main():
    cases = []
    specs = [
        ("Πmod", b"session-1", b"party-A", "testing-UNSAFE",
         [("bytes", "w", "00ff10"), ("integer", "n", -(3 ** 200)), ("integer", "zero", 0)],
         3 ** 300 + 17),
        ("Πsch", b"", b"\x00", "production112",
         [("bytes", "empty", ""), ("integer", "big", 2 ** 2048 - 1), ("scalar", "s", "%064x" % (Q - 1))],
         2 ** 64),
    ]
    for tag, sid, pid, parameters, items, bound in specs:
        data = header(tag, sid, pid, parameters)
        for kind, label, value in items:
            if kind == "bytes":
                data += item(1, label, bytes.fromhex(value))
            elif kind == "integer":
                data += integer(label, value)
            else:
                data += item(4, label, bytes.fromhex(value))
        stream = Stream(data)
        expected = {
            "bytes": stream.take(40).hex(),
            "below": format(stream.below(bound), "x"),
            "signed256": str(stream.signed(256)),
            "scalar": "%064x" % stream.scalar(),
        }
        cases.append({
            "tag": tag, "session_id": sid.hex(), "prover_id": pid.hex(), "parameters": parameters,
            "items": [{"kind": k, "label": l, "value": (v if isinstance(v, str) else str(v))} for k, l, v in items],
            "bound": format(bound, "x"), "expected": expected,
        })
    out = {"description": "Transcript challenges recomputed with hashlib.shake_256 (see generate.py)",
           "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "transcript.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
