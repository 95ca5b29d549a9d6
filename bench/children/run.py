#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What following child processes costs: wall time of three workloads run
bare, under flowtrace (children followed) and with --no-follow-children.

    python3 bench/children/run.py [--build DIR] [--repeat R]

- spawn20: 20 runs of `python -c pass` through subprocess.run (the cost of
  starting a followed child: sitecustomize, tracer start, splice);
- pool: a spawn Pool(2) mapping a small function over 2000 items;
- toplevel: one Python child making 200 000 top-level calls (a child writes
  each finished top-level call at once: the worst case of that rule).

Best of --repeat runs, end to end (trace written and spliced).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

WORKLOADS = {
    "spawn20": '''
import subprocess, sys
def run():
    for _ in range(20):
        subprocess.run([sys.executable, "-c", "pass"])
run()
''',
    "pool": '''
import multiprocessing
def f(x):
    return x * 2
def run():
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        return sum(pool.map(f, range(2000), chunksize=50))
if __name__ == "__main__":
    run()
''',
    "toplevel": '''
import os, subprocess, sys
def run():
    child = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_loop.py")
    subprocess.run([sys.executable, child])
run()
''',
}

CHILD_LOOP = '''
def f(i):
    return i
for i in range(200000):
    f(i)
'''


def best(cmd, env, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pkg = os.path.abspath(os.path.join(args.build, "pyhook"))
    env = dict(os.environ, PYTHONPATH=pkg)
    with tempfile.TemporaryDirectory(prefix="ft-bench-children-") as tmp:
        with open(os.path.join(tmp, "child_loop.py"), "w") as f:
            f.write(CHILD_LOOP)
        print("%-10s %9s %11s %13s" % ("workload", "bare s", "flowtrace s", "no-follow s"))
        for name, text in WORKLOADS.items():
            script = os.path.join(tmp, name + ".py")
            with open(script, "w") as f:
                f.write(text)
            out = os.path.join(tmp, name + ".json")
            ft = [sys.executable, "-m", "flowtrace", "-s", script, "-o", out]
            bare = best([sys.executable, script], env, args.repeat)
            follow = best(ft, env, args.repeat)
            nofollow = best(ft + ["--no-follow-children"], env, args.repeat)
            print("%-10s %9.3f %11.3f %13.3f" % (name, bare, follow, nofollow))


if __name__ == "__main__":
    main()
