#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/TARGET/).

Run from the source folder: python3 tests/fuzz/make-corpus.py
The seeds are small on purpose: real traces from tests/core/data, cut at a
few places, and the hostile shapes the viewer must survive.  libFuzzer
mutates from there.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "core", "data")


def node(i, callable_, calls=(), **fields):
    n = {"id": i, "callable": callable_, "module": "m", "called": callable_,
         "caller": None, "instance_id": None, "inputs": {}}
    n.update(fields)
    n["calls"] = list(calls)
    n.setdefault("output", None)
    n.setdefault("error", None)
    n.setdefault("duration_ms", 1.0)
    return n


def dump(value):
    return json.dumps(value, separators=(",", ":")).encode()


def small_trace():
    return [node(0, "app.py", [
        node(1, "MainThread", [
            node(2, "pay", [node(3, "__init__", called="Receipt")],
                 called="Cart", instance_id=77, file="/src/cart.py", line=3,
                 start_ns=10, inputs={"amount": 12.5, "note": "Caf\u00e9"},
                 memory_before={"rss_bytes": 1000}, output={"paid": True},
                 error="ValueError('x')", error_type="ValueError"),
        ], kind="thread", thread="MainThread", thread_id=140, start_ns=5),
        node(4, "child", [node(5, "work")], kind="process", pid=4242),
    ], flowtrace={"version": 2, "python": "3.11.7", "pid": 10,
                  "started_unix_ns": 1700000000000000000, "complete": True})]


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def traces():
    """Seeds for the reader and the OTLP encoders."""
    small = dump(small_trace())
    yield "small.json", small
    yield "small-pretty.json", json.dumps(small_trace(), indent=2).encode()
    yield "small-cut-half.json", small[: len(small) // 2]
    yield "small-cut-value.json", small[: small.index(b"Caf") + 2]
    yield "original.json", (
        b'[{"id":0,"callable":"s.py","module":"__main__","called":"s.py","caller":null,'
        b'"calls":[{"id":1,"callable":"__instance__","called":"Book","instance_id":1,"calls":['
        b'{"id":2,"callable":"get","called":"Book","instance_id":1,"inputs":{"k":"A"},'
        b'"output":9.99,"duration_ms":0.2,"calls":[]}]}],"duration_ms":10.0}]')
    yield "hostile-numbers.json", (
        b'[{"id":1e999,"callable":"f","line":-5,"start_ns":1e999,"duration_ms":-1e999,'
        b'"instance_id":"18446744073709551616","calls":[{"id":-0,"callable":"g",'
        b'"duration_ms":1e-999,"start_ns":-1,"calls":[]}]}]')
    yield "hostile-big-numbers.json", (
        b'[{"id":0,"callable":"f","start_ns":1e30,"duration_ms":1e300,"calls":['
        b'{"id":1,"callable":"g","start_ns":9223372036854775807,"duration_ms":1.7e308,'
        b'"line":4294967296,"calls":[]},{"id":2,"callable":"h","start_ns":-5,'
        b'"duration_ms":-3.5,"calls":[]}]}]')
    yield "hostile-types.json", (
        b'[{"id":0,"callable":"f","flowtrace":{"version":"2","started_unix_ns":"x",'
        b'"pid":[],"python":5,"complete":"yes"},"calls":[{"id":1,"kind":"thread",'
        b'"thread_id":"t","callable":"T","calls":[{"id":2,"kind":"process","pid":{},'
        b'"callable":"p","calls":[]}]}]}]')
    yield "hostile-utf8.json", (
        b'[{"id":0,"callable":"f\\ud800","module":"\\udfff\\u0000","called":"c\\ud83d\\ude00",'
        b'"error":"E(\'\\ud800\')","inputs":{"\\ud800":"\\udc00"},"calls":[]}]')
    yield "hostile-bom.json", b"\xef\xbb\xbf" + small
    yield "deep-calls.json", (b'[' + b'{"callable":"f","calls":[' * 300
                              + b']}' * 300 + b']')
    yield "deep-calls-cut.json", b'[' + b'{"callable":"f","calls":[' * 300
    yield "deep-value.json", (b'[{"callable":"f","inputs":{"v":' + b'[' * 500
                              + b']' * 500 + b'},"calls":[]}]')
    for name in ("conc-demo.json",):
        with open(os.path.join(DATA, name), "rb") as f:
            text = f.read()
        yield name, text
        for cut in (len(text) // 3, 2 * len(text) // 3, len(text) - 1):
            yield "%s-cut-%d" % (name, cut), text[:cut]


def main():
    for name, data in traces():
        write("fuzz-trace", name, data)
        write("fuzz-otlp", name, data)

    # a run killed while a second thread recorded: its side file after "#part"
    cut = dump(small_trace())
    cut = cut[: cut.index(b',{"id":4')]
    part = (b',{"id":9,"kind":"thread","callable":"Worker","thread":"Worker",'
            b'"calls":[{"id":10,"callable":"run","inputs":{},"calls":[')
    write("fuzz-trace", "side-file.json", cut + b"\n#part\n" + part)

    values = {
        "object.json": b'{"a":[1,2,{"b":null}],"c":"d"}',
        "numbers.json": b'[0,-0.0,1e999,-1e999,1e-999,9007199254740993,1.5e+300]',
        "strings.json": b'"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\"\\\\\\/"',
        "surrogates.json": b'["\\ud800","\\udfff","\\ud800\\ud800","\\u0000"]',
        "utf8.json": '"ñandú 東京 😀"'.encode(),
        "markers.json": b'{"$truncated":"str","len":5000,"value":"aaaa"}',
        "empty.json": b'{}',
        "null.json": b'null',
        "literals.json": b'[true,false,null]',
        "deep.json": b'[' * 400 + b']' * 400,
        "deep-objects.json": b'{"a":' * 300 + b'1' + b'}' * 300,
    }
    for name, data in values.items():
        write("fuzz-value", name, data)


if __name__ == "__main__":
    main()
