#!/usr/bin/env python3
"""An independent verifier of promptjournal sessions, written from docs/FORMAT.md.

It shares no code with the library: it follows the document's grammar,
canonical form, reading steps and snapshot rules, so that a test can check
that the document and `pjournal verify` agree on every journal.

Usage: pj_verify.py SESSION_FOLDER...   (exit 0: every session passes; 1: not)
"""
import datetime
import decimal
import hashlib
import json
import os
import re
import sys

HEX64 = re.compile(rb"[0-9a-f]{64}\Z")
TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z\Z")
SEQ = re.compile(r"[1-9][0-9]*\Z")
BIG_INT = re.compile(r"-?[1-9][0-9]*\Z")
TYPES = {
    "session_created": [("initial_human_input", "str"), ("created_at", "str"), ("config", "dict")],
    "feedback_added": [("id", "str"), ("text", "str"), ("start_offset", "int64"), ("end_offset", "int64"),
                       ("feedback", "str"), ("prompt_id", "str|null"), ("created_at", "str")],
    "optimized_prompt_updated": [("prompt", "str"), ("caused_by", "optional nonempty list of str")],
    "human_input_updated": [("input", "str")],
    "comprehensive_feedback_set": [("value", "any")],
    "individual_feedbacks_set": [("value", "any")],
    "individual_feedback_added": [("value", "any")],
}
MAX_DEPTH = 500
TAIL = 75  # ,"hash":" + 64 hex + "}


class Bad(Exception):
    pass


# ---- canonical form ("Event lines")

def canon_number(x):
    if isinstance(x, int):
        if not -2**63 <= x <= 2**64 - 1:
            raise Bad("an integer beyond 64 bits outside a reserved object")
        return str(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise Bad("a non-finite number")
    d = decimal.Decimal(repr(x))  # repr: the shortest digits that read back as x
    sign, digits, exp = d.as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    if digits == [0]:
        e = 0
    else:
        e = exp + len(digits) - 1
    text = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return ("-" if sign else "") + text + "E" + str(e)


ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def canon_string(s):
    out = ['"']
    for ch in s:
        if ch in ESC:
            out.append(ESC[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canon(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return canon_number(v)
    if isinstance(v, str):
        return canon_string(v)
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(canon_string(k) + ":" + canon(x) for k, x in v.items()) + "}"
    raise Bad("not a JSON value")


def check_value(v, depth=0):
    """"Values": reserved objects valid, nesting at most 500 below a payload field."""
    if isinstance(v, dict):
        if len(v) == 1 and next(iter(v)) in ("$pj.float", "$pj.int"):
            key, lit = next(iter(v.items()))
            if not isinstance(lit, str):
                raise Bad("a reserved object whose value is not a string")
            if key == "$pj.float" and lit not in ("NaN", "Infinity", "-Infinity"):
                raise Bad("an invalid $pj.float literal")
            if key == "$pj.int" and (not BIG_INT.match(lit) or -2**63 <= int(lit) <= 2**64 - 1):
                raise Bad("an invalid $pj.int literal")
            return
        if depth >= MAX_DEPTH:
            raise Bad("nested too deep")
        for x in v.values():
            check_value(x, depth + 1)
    elif isinstance(v, list):
        if depth >= MAX_DEPTH:
            raise Bad("nested too deep")
        for x in v:
            check_value(x, depth + 1)


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Bad("a duplicate key")
    return dict(pairs)


def reject_constant(name):
    raise Bad("not JSON: " + name)


def strict_json(text):
    return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=reject_constant)


def real_time(at):
    m = TIME.match(at)
    if not m:
        return False
    y, mo, d, h, mi, s, _ = (int(g) for g in m.groups())
    try:
        datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return False
    return True


def carries_valid_hash(line):
    if len(line) < TAIL or not line.endswith(b'"}') or line[-TAIL:-TAIL + 9] != b',"hash":"':
        return False
    h = line[-66:-2]
    return bool(HEX64.match(h)) and hashlib.sha256(line[:-TAIL]).hexdigest().encode() == h


def decode(line):
    """Step 2's "decode": the grammar, the types, the hash, the canonical form."""
    if not carries_valid_hash(line):
        raise Bad("no valid hash")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad("not UTF-8")
    try:
        o = strict_json(text)
    except ValueError as e:
        raise Bad("not JSON: %s" % e)
    if not isinstance(o, dict):
        raise Bad("not an object")
    keys = list(o)
    want = ["v", "seq", "type", "at", "session_id"] + (["meta"] if "meta" in o else []) + ["data", "prev", "hash"]
    if keys != want:
        raise Bad("keys %s" % keys)
    if o["v"] != 1 or isinstance(o["v"], bool):
        raise Bad("v")
    if not isinstance(o["seq"], int) or isinstance(o["seq"], bool) or not 1 <= o["seq"] <= 2**64 - 1:
        raise Bad("seq")
    if o["type"] not in TYPES:
        raise Bad("type")
    if not isinstance(o["at"], str) or not real_time(o["at"]):
        raise Bad("at")
    if not isinstance(o["session_id"], str):
        raise Bad("session_id")
    if "meta" in o:
        if not isinstance(o["meta"], dict) or not o["meta"]:
            raise Bad("meta")
        for x in o["meta"].values():
            check_value(x)
    if not isinstance(o["prev"], str) or not HEX64.match(o["prev"].encode()):
        raise Bad("prev")
    data = o["data"]
    if not isinstance(data, dict):
        raise Bad("data")
    fields = [f for f in TYPES[o["type"]] if not (f[1].startswith("optional") and f[0] not in data)]
    if list(data) != [f[0] for f in fields]:
        raise Bad("data keys %s" % list(data))
    for name, kind in fields:
        x = data[name]
        ok = {
            "str": isinstance(x, str),
            "dict": isinstance(x, dict),
            "int64": isinstance(x, int) and not isinstance(x, bool) and -2**63 <= x < 2**63,
            "str|null": x is None or isinstance(x, str),
            "optional nonempty list of str": isinstance(x, list) and x and all(isinstance(i, str) for i in x),
            "any": True,
        }[kind]
        if not ok:
            raise Bad("data." + name)
        if kind in ("dict", "any"):
            check_value(x)
    body = ('{"v":1,"seq":%d,"type":"%s","at":"%s","session_id":%s' %
            (o["seq"], o["type"], o["at"], canon_string(o["session_id"])))
    if "meta" in o:
        body += ',"meta":' + canon(o["meta"])
    body += ',"data":' + canon(data) + ',"prev":"' + o["prev"] + '"'
    try:
        canonical = body.encode("utf-8")
    except UnicodeEncodeError:
        raise Bad("a lone surrogate")
    if canonical != line[:-TAIL]:
        raise Bad("not canonical")
    return o


def first_line_is_exception(line):
    try:
        o = json.loads(line.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(o, dict) and "seq" in o


# ---- the projector (effects of "Event types and payloads")

def new_state():
    return {"session_id": None, "initial_human_input": None, "updated_human_input": None,
            "latest_optimized_prompt": None, "latest_human_feedback": [], "comprehensive_feedback": None,
            "individual_feedbacks": [], "created_at": None, "config": {}}


def apply(state, e):
    t, d = e["type"], e["data"]
    if t == "session_created":
        state.update(session_id=e["session_id"], initial_human_input=d["initial_human_input"],
                     updated_human_input=d["initial_human_input"], created_at=d["created_at"], config=d["config"],
                     latest_optimized_prompt=None, latest_human_feedback=[], comprehensive_feedback=None,
                     individual_feedbacks=[])
    elif t == "feedback_added":
        state["latest_human_feedback"] = state["latest_human_feedback"] + [d]
    elif t == "optimized_prompt_updated":
        state["latest_optimized_prompt"] = d["prompt"]
    elif t == "human_input_updated":
        state["updated_human_input"] = d["input"]
    elif t == "comprehensive_feedback_set":
        state["comprehensive_feedback"] = d["value"]
    elif t == "individual_feedbacks_set":
        state["individual_feedbacks"] = d["value"]
    elif t == "individual_feedback_added":
        old = state["individual_feedbacks"]
        state["individual_feedbacks"] = (old if isinstance(old, list) else []) + [d["value"]]


# ---- a session

def finding(kind, where, why):
    return dict(where, kind=kind, why=why)


def verify_session(folder):
    """Returns the findings: dicts of kind (as in "What verify reports"), file, line, offset, seq, why."""
    sid = os.path.basename(os.path.normpath(folder))
    findings = []
    path = os.path.join(folder, "events.jsonl")
    if not os.path.isfile(path):
        return [finding("missing", {"file": path}, "no journal")]
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    complete, torn = lines[:-1], lines[-1]
    expected_seq, expected_prev, last_at = 1, "0" * 64, None
    state = new_state()
    states = {}  # seq -> canonical to_dict
    offset = 0
    ends = {}  # seq -> offset after its \n
    stopped = False
    for i, line in enumerate(complete):
        where = {"file": path, "line": i + 1, "offset": offset, "seq": expected_seq}
        try:
            e = decode(line)
        except Bad as why:
            rest = complete[i + 1:]
            if i == 0 and first_line_is_exception(line):
                findings.append(finding("corrupt", where, "first line: " + str(why)))
            elif carries_valid_hash(line) or any(carries_valid_hash(r) for r in rest if len(r) + 1 <= 64 << 20):
                findings.append(finding("corrupt", where, str(why)))
            else:
                findings.append(finding("damaged tail", where, str(why)))
            stopped = True
            break
        why = None
        if e["seq"] != expected_seq:
            why = "seq %d" % e["seq"]
        elif e["prev"] != expected_prev:
            why = "prev"
        elif e["session_id"] != sid:
            why = "session_id"
        elif (e["type"] == "session_created") != (e["seq"] == 1):
            why = "session_created position"
        elif last_at is not None and e["at"] < last_at:
            why = "at goes backwards"
        if why:
            findings.append(finding("corrupt", where, why))
            stopped = True
            break
        apply(state, e)
        offset += len(line) + 1
        ends[e["seq"]] = offset
        states[e["seq"]] = canon(state)
        expected_seq, expected_prev, last_at = expected_seq + 1, e["hash"], e["at"]
    if not stopped and torn:
        findings.append(finding("torn tail", {"file": path, "line": len(complete) + 1, "offset": offset}, "%d bytes" % len(torn)))
    if not data:
        findings.append(finding("torn tail", {"file": path, "line": 1, "offset": 0}, "empty"))
    for name in sorted(os.listdir(folder)):
        m = re.match(r"snapshot-(\d{20})\.json\Z", name)
        if m:
            findings += check_snapshot(os.path.join(folder, name), int(m.group(1)), data, states, ends)
    return findings


def check_snapshot(path, seq, journal, states, ends):
    text = open(path, "rb").read()
    try:
        doc = strict_json(text.decode("utf-8"))
        meta = doc["promptjournal_snapshot"]
        if meta.get("format") == 1:
            return [finding("stale snapshot", {"file": path}, "format 1")]
        if meta.get("format") != 2:
            raise Bad("format")
        lead = b'"sha256":"'
        if not text.endswith(b'"}}\n') or text[-78:-68] != lead:
            raise Bad("layout")
        if hashlib.sha256(text[:-78]).hexdigest().encode() != text[-68:-4] or meta["sha256"] != text[-68:-4].decode():
            raise Bad("sha256")
        if meta["seq"] != seq:
            raise Bad("seq differs from name")
        off = meta["offset"]
        if off < 1 or off > len(journal) or journal[off - 1:off] != b"\n":
            raise Bad("anchor")
        start = journal.rfind(b"\n", 0, off - 1) + 1
        line = journal[start:off - 1]
        if not carries_valid_hash(line) or line[-66:-2].decode() != meta["hash"]:
            raise Bad("anchor line")
        if seq not in states or ends[seq] != off:
            raise Bad("beyond the valid history")
        body = text[:text.rindex(b',"promptjournal_snapshot":')] + b"}"
        if body.decode("utf-8") != states[seq]:
            raise Bad("state differs")
    except (Bad, ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        return [finding("snapshot", {"file": path}, str(e))]
    return []


FAILS = {"corrupt", "damaged tail", "snapshot", "missing"}


def main():
    bad = 0
    for folder in sys.argv[1:]:
        findings = verify_session(folder)
        for f in findings:
            print("%s: %s line %s: %s" % (f["kind"], f["file"], f.get("line"), f["why"]))
        bad += any(f["kind"] in FAILS for f in findings)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
