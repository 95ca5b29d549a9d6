#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""OTLP export benchmark: spans per second to a local receiver, none lost.

For each trace size and encoding (protobuf, json; each plain and gzip),
runs `flowtrace-gtk --export-otlp TRACE --endpoint http://127.0.0.1:PORT/...`
under /usr/bin/time against ft-bench-receiver (a SoupServer on 127.0.0.1
that counts the spans it decodes), and prints a Markdown table: wall time
end to end (process start to exit: load, encode, send), the exporter's own
send time, spans per second over the wall time, bytes on the wire, peak
RSS, and whether the receiver counted every span once.

    bench/export/run-bench.py --build build --sizes 100k,1m

Traces are bench/out/viewer-<size>.json, made by bench/viewer/gen-trace.py
when missing.  Target (issue 5): 1M calls in <= 10 s, none lost.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
TARGET_S = 10.0


def get(port, what):
    with urllib.request.urlopen("http://127.0.0.1:%d/%s" % (port, what), timeout=30) as r:
        return [int(x) for x in r.read().split()]


def ensure_trace(size):
    path = os.path.join(ROOT, "bench", "out", "viewer-%s.json" % size)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "viewer", "gen-trace.py"),
                        "--calls", str(SIZES[size]), "-o", path], check=True)
    return path


def start_receiver(build):
    exe = os.path.join(build, "tests", "core", "ft-bench-receiver")
    if not os.access(exe, os.X_OK):
        sys.exit("run-bench: %s is missing: build first (ninja -C %s)" % (exe, build))
    portfile = tempfile.NamedTemporaryFile(delete=False)
    portfile.close()
    os.unlink(portfile.name)
    proc = subprocess.Popen([exe, portfile.name])
    for _ in range(200):
        if os.path.exists(portfile.name) and os.path.getsize(portfile.name) > 0:
            break
        if proc.poll() is not None:
            sys.exit("run-bench: the receiver did not start")
        time.sleep(0.05)
    with open(portfile.name) as f:
        port = int(f.read())
    os.unlink(portfile.name)
    return proc, port


def run_one(gtk, trace, port, encoding, gzip):
    get(port, "reset")
    cmd = ["/usr/bin/time", "-v", gtk, "--export-otlp", trace,
           "--endpoint", "http://127.0.0.1:%d/v1/traces" % port, "--encoding", encoding]
    if gzip:
        cmd.append("--gzip")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-3:]}
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    m = re.search(r"(\d+) of (\d+) spans exported: (\d+) batches.* sent in ([\d.]+) s", r.stdout)
    spans, requests, nbytes = get(port, "count")
    return {
        "wall": secs, "rss": rss, "exported": int(m.group(1)), "total": int(m.group(2)),
        "batches": int(m.group(3)), "send_s": float(m.group(4)),
        "received": spans, "requests": requests, "bytes": nbytes,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="meson build folder (default: build)")
    ap.add_argument("--sizes", default="100k,1m", help="comma-separated: 100k, 1m, 10m")
    ap.add_argument("--encodings", default="protobuf,json")
    ap.add_argument("--no-gzip", action="store_true", help="skip the gzip runs")
    args = ap.parse_args()

    gtk = os.path.join(args.build, "src", "flowtrace-gtk")
    if not os.access(gtk, os.X_OK):
        sys.exit("run-bench: %s is missing: build first (ninja -C %s)" % (gtk, args.build))
    receiver, port = start_receiver(args.build)
    failed = False
    try:
        print("| calls | encoding | wall s | send s | spans/s (wall) | MB sent | peak RSS MB | received | verdict |")
        print("|---|---|---|---|---|---|---|---|---|")
        for size in args.sizes.split(","):
            trace = ensure_trace(size)
            for encoding in args.encodings.split(","):
                for gzip in ([False] if args.no_gzip else [False, True]):
                    res = run_one(gtk, trace, port, encoding, gzip)
                    label = encoding + (" + gzip" if gzip else "")
                    if "error" in res:
                        print("| %s | %s | failed: %s |" % (size, label, " ".join(res["error"])))
                        failed = True
                        continue
                    ok = res["received"] == res["total"] == res["exported"] and res["requests"] == res["batches"]
                    verdict = "ok" if ok else "LOST %d" % (res["total"] - res["received"])
                    if size == "1m" and res["wall"] > TARGET_S:
                        verdict += ", over %g s" % TARGET_S
                        failed = True
                    failed |= not ok
                    print("| %s | %s | %.2f | %.2f | %.0f | %.1f | %.0f | %d/%d | %s |" % (
                        size, label, res["wall"], res["send_s"], res["total"] / res["wall"],
                        res["bytes"] / 1e6, res["rss"], res["received"], res["total"], verdict))
                    sys.stdout.flush()
    finally:
        try:
            get(port, "quit")
        except OSError:
            pass
        receiver.wait(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
