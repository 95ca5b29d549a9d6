#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Viewer load/search benchmark: flowtrace-core vs Python's json.load.

For each size, generates bench/out/viewer-<size>.json (once) with
gen-trace.py, then runs, one at a time:
  - ft-bench-viewer TRACE --search ...   (time to a table ready for the
    call tree, peak RSS, search and reveal times)
  - python3 -c 'json.load(...)'           (time and peak RSS of a DOM load)
both under /usr/bin/time -v, and prints a Markdown table.

    bench/viewer/run-bench.py --build build-viewer-core --sizes 100k,1m,10m
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
NEEDLES = ["commit", "sku-a1", "bad value 7", "no-such-text"]


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall s, peak RSS MB)."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1:], None
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    return r.stdout, secs, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="meson build folder (with tests/core/ft-bench-viewer)")
    ap.add_argument("--sizes", default="100k,1m", help="comma list of 100k, 1m, 10m")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "out"))
    ap.add_argument("--json-load-max", default="1m",
                    help="largest size to also load with json.load (10m needs tens of GB)")
    args = ap.parse_args()

    tool = os.path.join(args.build, "tests", "core", "ft-bench-viewer")
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for size in args.sizes.split(","):
        path = os.path.join(args.out, "viewer-%s.json" % size)
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "gen-trace.py"),
                            "--calls", str(SIZES[size]), "-o", path], check=True)
        mb = os.path.getsize(path) / 1e6
        cmd = [tool, path]
        for n in NEEDLES:
            cmd += ["--search", n]
        out, wall, rss = timed(cmd)
        if out is None:
            print("ft-bench-viewer failed on %s: %s" % (path, wall), file=sys.stderr)
            return 1
        load = float(re.search(r"load_s (\S+)", out).group(1))
        load_rss = float(re.search(r"peak_rss_mb (\S+)", out).group(1))
        searches = re.findall(r'search "([^"]*)" (\d+) hits (\S+) ms; reveal last \(depth (\d+)\) (\S+) ms', out)
        row = {"size": size, "mb": mb, "load": load, "load_rss": load_rss, "rss": rss,
               "searches": searches}
        if list(SIZES).index(size) <= list(SIZES).index(args.json_load_max):
            _, jwall, jrss = timed([sys.executable, "-c",
                                    "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))", path])
            row["json"] = (jwall, jrss)
        rows.append(row)
        print(out, file=sys.stderr)

    print("| trace | file | flowtrace-core: load to table | peak RSS | json.load | its peak RSS |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        j = r.get("json")
        print("| %s calls | %.0f MB | %.2f s | %.0f MB | %s | %s |"
              % (r["size"], r["mb"], r["load"], r["rss"],
                 "%.1f s" % j[0] if j and j[0] is not None else "not run",
                 "%.0f MB" % j[1] if j and j[1] is not None else "—"))
    print()
    print("| trace | search needle | hits | search | reveal (path to last hit) |")
    print("|---|---|---|---|---|")
    for r in rows:
        for needle, hits, ms, depth, rev in r["searches"]:
            print("| %s | `%s` | %s | %s ms | %s ms (depth %s) |" % (r["size"], needle, hits, ms, rev, depth))
    return 0


if __name__ == "__main__":
    sys.exit(main())
