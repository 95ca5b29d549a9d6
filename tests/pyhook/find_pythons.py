#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Find the Python interpreters (3.10 to 3.13) to build FlowTrace for and test on.

Run by tests/pyhook/meson.build at configure time.  Prints one line per
minor version found, "X.Y|PATH", skipping the versions given with
--exclude (the configured interpreter's).  A candidate counts only if it
actually runs (pyenv shims for versions that are not selected do not) and
has its C headers (Python.h), since the extension is built for it.

Candidates, in order of preference:
  - the paths given as arguments (meson option test_pythons), as they are;
  - python3.10 ... python3.13 on PATH;
  - $PYENV_ROOT/versions/*/bin/python3.1[0-3], then ~/.pyenv/versions/...
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys

VERSIONS = ("3.10", "3.11", "3.12", "3.13")
PROBE = ("import sys, sysconfig, os; "
         "inc = sysconfig.get_paths()['include']; "
         "print('%d.%d' % sys.version_info[:2], "
         "os.path.exists(os.path.join(inc, 'Python.h')))")


def probe(path):
    """Return "X.Y" if PATH runs and can build extensions, else None."""
    try:
        out = subprocess.run([path, "-c", PROBE], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    fields = out.stdout.decode().split()
    if len(fields) != 2 or fields[1] != "True":
        return None
    return fields[0]


def pyenv_candidates():
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(os.environ["PYENV_ROOT"])
    roots.append(os.path.join(os.path.expanduser("~"), ".pyenv"))
    seen = set()
    for root in roots:
        # Newest patch release first within a minor version.
        for exe in sorted(glob.glob(os.path.join(root, "versions", "*", "bin",
                                                 "python3.1[0-3]")), reverse=True):
            real = os.path.realpath(exe)
            if real not in seen:
                seen.add(real)
                yield exe


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exclude", action="append", default=[],
                        help="minor version to leave out (X.Y)")
    parser.add_argument("paths", nargs="*", help="explicit interpreters")
    args = parser.parse_args()

    found = {}
    explicit = bool(args.paths)
    if explicit:
        candidates = args.paths
    else:
        candidates = [shutil.which("python" + v) for v in VERSIONS]
        candidates = [c for c in candidates if c] + list(pyenv_candidates())
    for path in candidates:
        version = probe(path)
        if version is None:
            if explicit:
                sys.stderr.write("test_pythons: %s does not run or lacks Python.h; "
                                 "skipped\n" % path)
            continue
        if version not in VERSIONS:
            if explicit:
                sys.stderr.write("test_pythons: %s is Python %s; only %s are "
                                 "supported; skipped\n" % (path, version, ", ".join(VERSIONS)))
            continue
        if version in args.exclude or version in found:
            continue
        found[version] = os.path.abspath(path)
    for version in VERSIONS:
        if version in found:
            print(version + "|" + found[version])
    return 0


if __name__ == "__main__":
    sys.exit(main())
