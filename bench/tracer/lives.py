#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What one generator or coroutine life costs under flowtrace.

Each life is one node built in its own buffer and placed under its parent
when it ends (docs/trace-format.md 1.6).  This times, end to end, a
generator-heavy and an asyncio-heavy workload bare and under flowtrace and
prints the overhead per life and per resume, on CPU time (user + sys of
the process, less sensitive to other load than wall time; best of --repeat
runs):

  generators  N generators of 5 values each, consumed by a loop (N lives,
              5 resumes each, no other recorded call)
  tasks       N asyncio tasks made by gather(), each awaiting a coroutine
              that awaits asyncio.sleep(0) twice (2N lives)

  python3 bench/tracer/lives.py [--lives N] [--python PATH]... [--build DIR] [--repeat R]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import default_pythons, find_pkgdir, interp_info  # noqa: E402

GENERATORS = '''
import sys

def numbers(n):
    for i in range(n):
        yield i

def main(count):
    total = 0
    for _ in range(count):
        for v in numbers(5):
            total += v
    return total

main(int(sys.argv[1]))
'''

TASKS = '''
import asyncio
import sys

async def step(i):
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return i

async def task(i):
    return await step(i)

async def main(count):
    done = 0
    for k in range(0, count, 1000):
        done += len(await asyncio.gather(*(task(i) for i in range(k, min(count, k + 1000)))))
    return done

asyncio.run(main(int(sys.argv[1])))
'''


def timed(cmd, env, repeat):
    """Best CPU seconds (user + sys) of the child over REPEAT runs."""
    best = None
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best = elapsed if best is None else min(best, elapsed)
    return best


def count_lives(path):
    with open(path, "rb") as f:
        data = json.load(f)
    lives = resumes = 0
    stack = [data[0]]
    while stack:
        n = stack.pop()
        if n.get("kind") in ("generator", "coroutine", "async_generator"):
            lives += 1
            resumes += n.get("resumes", 0)   # absent in older traces: one node per resume
        stack.extend(n.get("calls", []))
    return lives, resumes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lives", type=int, default=100000)
    parser.add_argument("--python", action="append")
    parser.add_argument("--build", metavar="DIR")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("%-7s %-11s %8s %8s %8s %9s %10s %11s" % (
        "python", "workload", "lives", "resumes", "bare cpu", "traced", "ns/life",
        "ns/resume"))
    with tempfile.TemporaryDirectory(prefix="ft-lives-") as tmp:
        for python in args.python or default_pythons():
            _, full, _ = interp_info(python)
            pkgdir = find_pkgdir(python, args.build)
            if pkgdir is None:
                print("# Python %s: no flowtrace build for it" % full)
                continue
            env = dict(os.environ, PYTHONPATH=pkgdir)
            for name, source, n in (("generators", GENERATORS, args.lives),
                                    ("tasks", TASKS, args.lives // 4)):
                script = os.path.join(tmp, name + ".py")
                with open(script, "w") as f:
                    f.write(source)
                out = os.path.join(tmp, name + ".json")
                bare = timed([python, script, str(n)], env, args.repeat)
                traced = timed([python, "-m", "flowtrace", "-s", script, "-o", out, str(n)],
                               env, args.repeat)
                lives, resumes = count_lives(out)
                print("%-7s %-11s %8d %8d %8.3f %9.3f %10.0f %11.0f" % (
                    full, name, lives, resumes, bare, traced,
                    (traced - bare) * 1e9 / max(lives, 1),
                    (traced - bare) * 1e9 / max(resumes + lives, 1)))


if __name__ == "__main__":
    main()
