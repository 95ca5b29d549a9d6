#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tracer overhead, side by side in one run: bare Python, flowtrace, cProfile.

For each interpreter and each workload (recursive, OOP with arguments, mixed
application-like; >= --calls Python calls each) this runs, end to end as a
user would (process start to exit, trace written):

  bare        python3 WORKLOAD N
  flowtrace   python3 -m flowtrace -s WORKLOAD -o T.json N
  ft-skip     ... --skip-inputs --skip-outputs
  cProfile    python3 -m cProfile -o T.prof WORKLOAD N
  viztracer   python3 -m viztracer ... (only if importable; not packaged here)

and, on the mixed workload, the capture-time filters against flowtrace's
default (column "size vs ft": trace size over the default trace's):

  ft-min0.05  ... --min-duration 0.05
  ft-depth3   ... --max-depth 3
  ft-exclude  ... --exclude mixed_helpers

and prints wall time (best of --repeat), ratio to bare, ns per call
((mode - bare) / calls) and trace bytes per call.  The call count comes from
the trace itself and must match what the workload says it made.

Targets (issue 2): flowtrace default <= 1000 ns per call; ft-skip no slower
than cProfile.  Each prints PASS or FAIL; the exit status is 1 on any FAIL.

  python3 bench/tracer/run.py [--calls N] [--python PATH]... [--build DIR]
"""

import argparse
import glob
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
WORKLOADS = ("recursive", "oop", "mixed")
TARGET_NS = 1000.0


def interp_info(python):
    out = subprocess.run(
        [python, "-c", "import sys, sysconfig; print('%d.%d' % sys.version_info[:2]); "
         "print(sys.version.split()[0]); print(sysconfig.get_config_var('EXT_SUFFIX'))"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    minor, full, suffix = out.stdout.decode().split()
    return minor, full, suffix


def default_pythons():
    """pyenv's 3.11 and 3.12 when present, else the python3 running this."""
    found = []
    roots = [os.environ.get("PYENV_ROOT"), os.path.expanduser("~/.pyenv")]
    for minor in ("3.11", "3.12"):
        for root in filter(None, roots):
            hits = sorted(glob.glob(os.path.join(root, "versions", minor + ".*", "bin",
                                                 "python" + minor)), reverse=True)
            if hits:
                found.append(hits[0])
                break
    return found or [sys.executable]


def find_pkgdir(python, build):
    """A folder holding a `flowtrace` package whose extension fits PYTHON."""
    _, _, suffix = interp_info(python)
    builds = [os.path.abspath(build)] if build else sorted(glob.glob(os.path.join(TOP, "build*")))
    for b in builds:
        for ext in glob.glob(os.path.join(b, "**", "flowtrace", "_flowtrace" + suffix),
                             recursive=True):
            pkg = os.path.dirname(os.path.dirname(ext))
            if os.path.exists(os.path.join(pkg, "flowtrace", "cli.py")):
                return pkg
    return None


def has_module(python, module, env=None):
    return subprocess.run([python, "-c", "import " + module], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def count_trace_calls(path):
    """(call nodes, sum of skipped_calls) in a trace, streamed: every node has
    "callable"; drop root and threads."""
    pat_node = re.compile(rb'[{,]"callable":')
    pat_thread = re.compile(rb'"kind":"thread"')
    pat_skipped = re.compile(rb'"skipped_calls":(\d+)')
    nodes = threads = skipped = 0
    tail = b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            if not chunk:
                break
            buf = tail + chunk
            # Count matches that end in the new part only, so none counts twice.
            cut = len(tail)
            nodes += sum(1 for m in pat_node.finditer(buf) if m.end() > cut)
            threads += sum(1 for m in pat_thread.finditer(buf) if m.end() > cut)
            # a number cut at the chunk's end is counted with the next chunk
            skipped += sum(int(m.group(1)) for m in pat_skipped.finditer(buf)
                           if m.end() > cut and m.end() < len(buf))
            tail = buf[-32:]
    skipped += sum(int(m.group(1)) for m in pat_skipped.finditer(tail)
                   if m.end() == len(tail))
    return nodes - threads - 1, skipped


def timed(cmd, env, cwd):
    """Run CMD; return (wall seconds, CPU seconds of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode,
                                                     proc.stderr.decode()[-2000:]))
    return elapsed, cpu, proc.stdout.decode()


# Filter modes (mixed workload only): name, flags, what the trace must hold.
FILTER_MODES = (
    ("ft-min0.05", ["--min-duration", "0.05"], "skipped"),
    ("ft-depth3", ["--max-depth", "3"], "skipped"),
    ("ft-exclude", ["--exclude", "mixed_helpers"], "helpers"),
)


def modes_for(python, pkgdir, viz, workload):
    modes = [("bare", lambda w, out, n: [python, w, n], None)]
    if pkgdir:
        modes.append(("flowtrace", lambda w, out, n: [python, "-m", "flowtrace", "-s", w,
                                                      "-o", out, n], "json"))
        modes.append(("ft-skip", lambda w, out, n: [python, "-m", "flowtrace", "-s", w,
                                                    "-o", out, "--skip-inputs",
                                                    "--skip-outputs", n], "json"))
    modes.append(("cProfile", lambda w, out, n: [python, "-m", "cProfile", "-o", out, w, n],
                  "prof"))
    if pkgdir and workload == "mixed":
        for mode, flags, _ in FILTER_MODES:
            modes.append((mode, lambda w, out, n, flags=flags: [
                python, "-m", "flowtrace", "-s", w, "-o", out] + flags + [n], "json"))
    if viz:
        modes.append(("viztracer", lambda w, out, n: [python, "-m", "viztracer", "-q",
                                                      "--log_func_args",
                                                      "--log_func_retval",
                                                      "-o", out, w, n], "json"))
    return modes


def bench_python(python, args, rows, checks):
    minor, full, _ = interp_info(python)
    pkgdir = find_pkgdir(python, args.build)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # As a user's runs: modules byte-compiled once, not on every start
    # (with it set, each flowtrace run compiles cli.py and children.py
    # again, about 15 ms that cProfile's precompiled stdlib never pays).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pkgdir:
        env["PYTHONPATH"] = pkgdir
    else:
        print("# Python %s (%s): no flowtrace build for it under %s; "
              "bare and cProfile only" % (full, python, args.build or TOP + "/build*"))
    viz = has_module(python, "viztracer", env)
    work = tempfile.mkdtemp(prefix="ft-bench-")
    try:
        for name in WORKLOADS:
            script = os.path.join(HERE, "workloads", name + ".py")
            n = str(args.calls)
            modes = modes_for(python, pkgdir, viz, name)
            checked = {m: how for m, _, how in FILTER_MODES}
            best = {mode: (None, None, 0) for mode, _, _ in modes}
            counted = {}
            expected = None
            # Repeats outermost, modes inner: a burst of load from elsewhere on
            # the machine hits every mode alike instead of one of them.
            for _ in range(args.repeat):
                for mode, make, kind in modes:
                    out = os.path.join(work, "%s-%s.%s" % (name, mode, kind or "none"))
                    if os.path.exists(out):
                        os.unlink(out)
                    wall, cpu, stdout = timed(make(script, out, n), env, work)
                    expected = int(re.search(r"calls=(\d+)", stdout).group(1))
                    size = os.path.getsize(out) if kind else 0
                    if kind == "json" and mode != "viztracer" and mode not in counted:
                        nodes, skipped = count_trace_calls(out)
                        counted[mode] = nodes
                        how = checked.get(mode)
                        if how == "skipped":
                            # every call is a node or counted on one
                            nodes += skipped
                        elif how == "helpers":
                            nodes += int(re.search(r"helpers=(\d+)", stdout).group(1))
                        if nodes != expected:
                            raise RuntimeError(
                                "%s/%s: the trace accounts for %d calls, the workload "
                                "made %d" % (name, mode, nodes, expected))
                    if os.path.exists(out):
                        os.unlink(out)
                    w0, c0, _ = best[mode]
                    best[mode] = (wall if w0 is None else min(w0, wall),
                                  cpu if c0 is None else min(c0, cpu), size)
            bare, bare_cpu = best["bare"][0], best["bare"][1]
            for mode, _, _ in modes:
                wall, cpu, size = best[mode]
                ns = (wall - bare) / expected * 1e9
                cpu_ns = (cpu - bare_cpu) / expected * 1e9
                ft_size = best.get("flowtrace", (0, 0, 0))[2]
                rows.append((full, name, mode, expected, wall, cpu, wall / bare,
                             ns if mode != "bare" else None,
                             cpu_ns if mode != "bare" else None,
                             size / expected if size else None,
                             size / ft_size if size and ft_size and mode in counted
                             else None,
                             "%d" % counted[mode] if mode in counted else ""))
            if "flowtrace" in best:
                ft_ns = (best["flowtrace"][0] - bare) / expected * 1e9
                checks.append(("%s %s: flowtrace default %.0f ns/call <= %.0f"
                               % (full, name, ft_ns, TARGET_NS), ft_ns <= TARGET_NS))
                skip = best["ft-skip"][0]
                cprof = best["cProfile"][0]
                checks.append(("%s %s: ft-skip %.3fs <= cProfile %.3fs"
                               % (full, name, skip, cprof), skip <= cprof))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return viz


def print_table(rows):
    head = ("python", "workload", "mode", "calls", "wall s", "cpu s", "x bare", "ns/call",
            "cpu ns/call", "bytes/call", "size vs ft", "nodes")
    body = []
    for py, name, mode, calls, wall, cpu, ratio, ns, cpu_ns, bpc, vs_ft, counted in rows:
        body.append((py, name, mode, str(calls), "%.3f" % wall, "%.3f" % cpu, "%.2f" % ratio,
                     "-" if ns is None else "%.0f" % ns,
                     "-" if cpu_ns is None else "%.0f" % cpu_ns,
                     "-" if bpc is None else "%.1f" % bpc,
                     "-" if vs_ft is None else "%.4f" % vs_ft, counted))
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    fmt = "  ".join("%%-%ds" % w if i < 3 else "%%%ds" % w for i, w in enumerate(widths))
    print(fmt % head)
    print(fmt % tuple("-" * w for w in widths))
    for r in body:
        print(fmt % r)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=500_000,
                        help="at least this many Python calls per workload (default 500000)")
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="interpreter to measure (repeatable; default: pyenv's "
                             "3.11 and 3.12 when present)")
    parser.add_argument("--build", metavar="DIR",
                        help="meson build folder holding flowtrace for each interpreter "
                             "(default: the first build*/ of the source tree that has one)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs per measurement, best kept (default 5)")
    args = parser.parse_args()
    if args.calls < 1:
        parser.error("--calls must be positive")
    pythons = args.python or default_pythons()
    if args.build and not os.path.isdir(args.build):
        parser.error("--build %s: no such folder; give a meson build folder "
                     "(meson setup build && ninja -C build)" % args.build)
    for python in pythons:
        try:
            interp_info(python)
        except (OSError, subprocess.CalledProcessError, ValueError):
            parser.error("--python %s: cannot run it as a Python interpreter; give the "
                         "full path (pyenv shims of unselected versions do not work)"
                         % python)

    rows, checks, viz_any = [], [], False
    for python in pythons:
        viz_any |= bench_python(python, args, rows, checks)
    print()
    print_table(rows)
    print()
    print("wall and cpu (user+sys of the process) are the best of %d runs; ns/call = "
          "(wall - bare wall) / calls, cpu ns/call the same on CPU time (less sensitive "
          "to other load on the machine); the targets use wall time." % args.repeat)
    print("nodes: call nodes in the trace; for flowtrace and ft-skip they match the "
          "workload's own count, for the filter modes nodes plus skipped_calls (or the "
          "excluded helpers' calls) do.")
    if not viz_any:
        print("viztracer: not installed for these interpreters (no Debian package); "
              "see bench/README.md for the published figure.")
    failed = 0
    for text, ok in checks:
        print("%s  %s" % ("PASS" if ok else "FAIL", text))
        failed += not ok
    if not checks:
        print("no flowtrace build found: nothing to check against the targets")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
