#!/usr/bin/env python3
"""Writes the expected bits of doubles as Python reads and writes them.

Usage: gen_doubles.py TABLE SESSION [COUNT]

TABLE gets one line per number: its JSON text, a tab, and the 16 hex digits of
the IEEE-754 bits Python's float() reads from that text. The texts are
Python's repr of doubles of every magnitude (random bit patterns, subnormals,
+-0, random.random()), and decimal literals of 15, 16, 17 and 18-40
significant digits, which Python rounds correctly. SESSION gets a promptomatix
session file written with json.dump(indent=2) whose config holds every one of
those values (as Python floats), for the import -> export check.
"""
import json
import random
import struct
import sys


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def finite(x):
    return x == x and x not in (float("inf"), float("-inf"))


def decimal_literal(rng, ndigits):
    digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(ndigits - 1))
    sign = "-" if rng.random() < 0.3 else ""
    form = rng.random()
    if form < 0.6:  # scientific, every magnitude
        return f"{sign}{digits[0]}.{digits[1:]}e{rng.randint(-325, 308)}"
    point = rng.randint(1, ndigits)  # fixed notation
    if form < 0.8:
        return f"{sign}{digits[:point]}.{digits[point:] or '0'}"
    return f"{sign}0.{'0' * rng.randint(0, 6)}{digits}"


def main():
    table_path, session_path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    rng = random.Random(20261202)
    texts = ["0.0", "-0.0", "5e-324", "-5e-324", "2.225073858507201e-308", "2.2250738585072014e-308",
             "1.7976931348623157e+308", "-1.7976931348623157e+308", "0.1", "0.7", "1e+16", "1e-05",
             "9007199254740993.0", "0.9085208976001361", "0.9716130687125533",
             "1234567.9012345678901234567890", "2.4703282292062327e-324", "2.4703282292062328e-324",
             "1e-400", "-1e-400"]
    while len(texts) < count:
        r = rng.random()
        if r < 0.30:  # any finite bit pattern: every exponent
            x = from_bits(rng.getrandbits(64))
            if finite(x):
                texts.append(repr(x))
        elif r < 0.40:  # subnormals
            x = from_bits(rng.getrandbits(52) | (rng.getrandbits(1) << 63))
            texts.append(repr(x))
        elif r < 0.55:
            texts.append(repr(rng.random()))
        elif r < 0.95:
            t = decimal_literal(rng, rng.choice((15, 16, 17)))
            if finite(float(t)):
                texts.append(t)
        else:
            t = decimal_literal(rng, rng.randint(18, 40))
            if finite(float(t)):
                texts.append(t)
    values = [float(t) for t in texts]
    with open(table_path, "w") as f:
        for t, x in zip(texts, values):
            f.write(f"{t}\t{bits(x):016x}\n")
    session = {
        "session_id": "numbers.exact",
        "initial_human_input": "Score reviews.",
        "updated_human_input": "Score reviews.",
        "latest_optimized_prompt": None,
        "latest_human_feedback": [],
        "comprehensive_feedback": {"scores": values[:1000]},
        "individual_feedbacks": [],
        "created_at": "2026-12-02T12:00:00.000001",
        "config": {"model_name": "gpt-4o", "model_provider": "openai", "values": values},
    }
    with open(session_path, "w") as f:
        json.dump(session, f, indent=2)


if __name__ == "__main__":
    main()
