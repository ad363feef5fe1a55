#!/usr/bin/env python3
"""docs/FORMAT.md and `pjournal verify` agree, journal by journal.

pj_verify.py is a verifier written from FORMAT.md alone. This test writes
journals with the real pjournal (events of every kind, imports, unicode, big
prompts, snapshots, salvage), damages copies of them in every way the
document names (each edit with its hash, and the chain after it, recomputed
where that makes the case sharper), and checks that both verifiers give the
same verdict and point at the same line.

Usage: agreement_test.py PJOURNAL DATA_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pj_verify  # noqa: E402

PJ, DATA = sys.argv[1], sys.argv[2]
WORK = tempfile.mkdtemp(prefix="pj-agree-")
results = {"passed": 0, "failed": 0}


def pj(root, *args, check=True, stdin=None):
    r = subprocess.run([PJ, "--root", root, *args], capture_output=True, text=True, input=stdin)
    if check and r.returncode != 0:
        raise SystemExit("pjournal %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r


def theirs(root, sid):
    r = pj(root, "--json", "verify", sid, check=False)
    doc = json.loads(r.stdout)
    if isinstance(doc, list):
        doc = doc[0]
    return r.returncode, doc


def compare(name, root, sid, expect_ok=None):
    code, doc = theirs(root, sid)
    mine = pj_verify.verify_session(os.path.join(root, sid))
    my_ok = not any(f["kind"] in pj_verify.FAILS for f in mine)
    their_ok = code == 0
    def shape(findings):
        return sorted((f["kind"], f.get("line")) for f in findings if f["kind"] not in ("snapshot", "stale snapshot"))
    def snap_kinds(findings):
        return sorted(f["kind"] for f in findings if f["kind"] in ("snapshot", "stale snapshot"))
    problems = []
    if my_ok != their_ok:
        problems.append("verdict: document %s, pjournal %s" % (my_ok, their_ok))
    if expect_ok is not None and my_ok != expect_ok:
        problems.append("expected %s" % ("a pass" if expect_ok else "a failure"))
    if shape(mine) != shape(doc["problems"]):
        problems.append("journal findings: document %s, pjournal %s" % (shape(mine), shape(doc["problems"])))
    if snap_kinds(mine) != snap_kinds(doc["problems"]):
        problems.append("snapshot findings: document %s, pjournal %s" % (snap_kinds(mine), snap_kinds(doc["problems"])))
    if problems:
        results["failed"] += 1
        print("FAIL %s: %s\n  document: %s\n  pjournal: %s" % (name, "; ".join(problems), mine, doc["problems"]))
    else:
        results["passed"] += 1
        print("ok   %s" % name)


# ---- journals pjournal writes

def build(root):
    pj(root, "create", "s", "--input", "v1")
    for i in range(2, 6):
        pj(root, "set-input", "s", "--text", "v%d" % i)
    pj(root, "set-prompt", "s", "--text", "You are a classifier of reviews.")
    pj(root, "feedback", "s", "--text", "classifier", "--start", "10", "--end", "20", "--feedback", "name it")
    pj(root, "snapshot", "s")
    pj(root, "set-prompt", "s", "--text", "You are a sentiment classifier. ✓ «ünïcode» \u202e 🙂")
    pj(root, "set-input", "s", "--text", "line\nbreak\ttab \"quote\" back\\slash \x01 \x7f")
    with open(os.path.join(WORK, "cfg.json"), "w") as f:
        json.dump({"model_name": "gpt-4o", "temperature": 0.7, "score": 0.9085208976001361, "n": [1, -2, 3.5e-300],
                   "nested": {"deep": [{"x": None, "y": True}]}, "big": 2**70, "nan": float("nan")}, f)
    pj(root, "create", "cfg", "--input", "with a config", "--config", os.path.join(WORK, "cfg.json"))
    pj(root, "set-prompt", "big", "--text", "x", check=False)  # no such session: refused, writes nothing
    with open(os.path.join(WORK, "big.txt"), "w") as f:
        f.write("P" * (2 << 20))
    pj(root, "create", "big", "--input-file", os.path.join(WORK, "big.txt"))
    pj(root, "snapshot", "big")
    pj(root, "import", os.path.join(DATA, "corpus"))
    pj(root, "import", os.path.join(DATA, "odd"), check=False)  # some odd files are refused on purpose
    os.makedirs(os.path.join(root, "golden-v1"))
    shutil.copy(os.path.join(DATA, "format-v1", "golden-v1", "events.jsonl"), os.path.join(root, "golden-v1"))


# ---- damage

def lines_of(path):
    return open(path, "rb").read().split(b"\n")[:-1]


def write_lines(path, lines, tail=b""):
    with open(path, "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines) + tail)


def rehash(line):
    body = line[:-pj_verify.TAIL]
    return body + b',"hash":"' + hashlib.sha256(body).hexdigest().encode() + b'"}'


def rechain(lines, start):
    """Recomputes prev and hash from line `start` on, so only the edit is wrong."""
    out = list(lines)
    for i in range(start, len(out)):
        if i > 0:
            prev = out[i - 1][-66:-2]
            body = out[i][:-pj_verify.TAIL]
            at = body.rindex(b',"prev":"')
            out[i] = body[:at] + b',"prev":"' + prev + b'"' + out[i][-pj_verify.TAIL:]
        out[i] = rehash(out[i])
    return out


def edit(i, fn, chain=True):
    def apply(lines):
        lines = list(lines)
        lines[i] = fn(lines[i])
        return rechain(lines, i) if chain else lines
    return apply


def sub(old, new, count=1):
    return lambda l: l.replace(old, new, count)


def damage_cases():
    flip = lambda pos: (lambda l: l[:pos] + bytes([l[pos] ^ 0x01]) + l[pos + 1:])
    return {
        "flipped byte in data": edit(1, sub(b'"v2"', b'"X2"'), chain=False),
        "flipped byte in the hash": edit(1, lambda l: l[:-3] + (b"0" if l[-3:-2] != b"0" else b"1") + l[-2:], chain=False),
        "flipped byte in prev": edit(2, lambda l: flip(l.rindex(b',"prev":"') + 12)(l), chain=False),
        "swapped lines": lambda ls: [ls[0], ls[2], ls[1]] + ls[3:],
        "a 0xFF byte": edit(2, sub(b'"v3"', b'"v\xff"'), chain=False),
        "a 0xFF byte, rehashed": edit(2, sub(b'"v3"', b'"v\xff"')),
        "white space in the envelope, rehashed": edit(1, sub(b'{"v":1,', b'{"v": 1,')),
        "reordered envelope keys, rehashed": edit(1, lambda l: l.replace(b'{"v":1,"seq":2,', b'{"seq":2,"v":1,')),
        "duplicate v, rehashed": edit(1, sub(b'{"v":1,', b'{"v":7,"v":1,')),
        "duplicate seq, rehashed": edit(1, sub(b'"seq":2,', b'"seq":99,"seq":2,')),
        "empty meta, rehashed": edit(1, sub(b',"data":', b',"meta":{},"data":')),
        "unknown data key, rehashed": edit(1, sub(b'"data":{', b'"data":{"extra":1,')),
        "duplicate data key, rehashed": edit(1, sub(b'"data":{"input":"v2"', b'"data":{"input":"x","input":"v2"')),
        "1e400 in data, rehashed": edit(1, sub(b'"data":{"input":"v2"}', b'"data":{"input":"v2","n":1e400}')),
        "an at that is no time, rehashed": edit(1, lambda l: l[:l.index(b'"at":"') + 6] + b"x" * 26 + l[l.index(b'"at":"') + 32:]),
        "month 13, rehashed": edit(1, lambda l: l[:l.index(b'"at":"') + 11] + b"13" + l[l.index(b'"at":"') + 13:]),
        "at going backwards, rehashed": edit(2, lambda l: l[:l.index(b'"at":"') + 6] + b"2000" + l[l.index(b'"at":"') + 10:]),
        "session_created at seq 2, rehashed": lambda ls: rechain([ls[0], ls[0].replace(b'"seq":1,', b'"seq":2,')] + ls[1:], 1),
        "a newer v, rehashed": edit(1, sub(b'{"v":1,', b'{"v":2,')),
        "an unknown type, rehashed": edit(1, sub(b'"type":"human_input_updated"', b'"type":"human_input_changed"')),
        "an escaped letter, rehashed": edit(1, sub(b'"v2"', b'"\\u00762"')),
        "a double spelled 0.7, rehashed": None,  # on the cfg session, below
        "CRLF line ends": lambda ls: [l + b"\r" for l in ls],
        "first line changed": edit(0, sub(b'"v1"', b'"X1"'), chain=False),
        "last line changed": lambda ls: ls[:-1] + [ls[-1].replace(b"break", b"brake")],
        "last line duplicated": lambda ls: ls + [ls[-1]],
        "a line removed": lambda ls: ls[:3] + ls[4:],
    }


def damaged_copy(src_root, sid, name):
    root = os.path.join(WORK, "damage-%d" % results_count())
    shutil.copytree(os.path.join(src_root, sid), os.path.join(root, sid))
    return root


_count = [0]


def results_count():
    _count[0] += 1
    return _count[0]


def main():
    root = os.path.join(WORK, "sessions")
    build(root)
    sids = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    assert len(sids) >= 14, sids
    for sid in sids:
        compare("as written: " + sid, root, sid, expect_ok=True)
    for name, fn in damage_cases().items():
        if fn is None:
            continue
        r = damaged_copy(root, "s", name)
        path = os.path.join(r, "s", "events.jsonl")
        write_lines(path, fn(lines_of(path)))
        compare("damaged: " + name, r, "s", expect_ok=False)
    # a double written another way in the cfg session's config
    r = damaged_copy(root, "cfg", "0.7")
    path = os.path.join(r, "cfg", "events.jsonl")
    write_lines(path, edit(0, sub(b'"temperature":7E-1', b'"temperature":0.7'))(lines_of(path)))
    compare("damaged: a double spelled 0.7, rehashed", r, "cfg", expect_ok=False)
    # tails: torn (passes), zeros after the last line (damaged tail, fails)
    for name, tail, ok in (("torn tail", b'{"v":1,"seq":', True), ("zeros at the end", b"\0" * 300 + b"\n", False)):
        r = damaged_copy(root, "s", name)
        path = os.path.join(r, "s", "events.jsonl")
        write_lines(path, lines_of(path), tail)
        compare("tail: " + name, r, "s", expect_ok=ok)
    # snapshots: metadata and body edits, an old format
    for name, fn in (("snapshot metadata at changed",
                      lambda t: t[:t.rindex(b'"at":"') + 6] + b"1999" + t[t.rindex(b'"at":"') + 10:]),
                     ("snapshot body changed", lambda t: t.replace(b"v5", b"v9", 1)),
                     ("snapshot truncated", lambda t: t[: len(t) // 2])):
        r = damaged_copy(root, "s", name)
        snaps = sorted(f for f in os.listdir(os.path.join(r, "s")) if f.startswith("snapshot-") and f.endswith(".json"))
        assert snaps, os.listdir(os.path.join(r, "s"))
        snap = snaps[-1]
        p = os.path.join(r, "s", snap)
        text = open(p, "rb").read()
        open(p, "wb").write(fn(text))
        compare(name, r, "s", expect_ok=False)
    # salvage: a damaged journal recovered into a new session verifies on both sides
    r = damaged_copy(root, "s", "salvage")
    path = os.path.join(r, "s", "events.jsonl")
    write_lines(path, edit(3, sub(b'"v4"', b'"X4"'), chain=False)(lines_of(path)))
    pj(r, "salvage", "s", "--to", "s-salvaged", check=False)
    compare("salvaged", r, "s-salvaged", expect_ok=True)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
