# SPDX-License-Identifier: MIT
"""Shared helpers for the pyhook tests: run the real `flowtrace` command and read its traces.

The tests run against one build of the tracer, chosen by the environment
(tests/pyhook/meson.build sets it for every interpreter found):

  FLOWTRACE_TEST_PYTHON    interpreter to run `python -m flowtrace` and the
                           untraced reference runs with (default: this one)
  FLOWTRACE_TEST_PKGDIR    folder holding the importable `flowtrace` package
                           with its built extension (required)
  FLOWTRACE_TEST_LAUNCHER  build-tree `flowtrace` launcher (optional; only
                           for the configured interpreter)
  FLOWTRACE_TEST_SAMPLES   the samples/ folder (default: beside tests/)
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.environ.get("FLOWTRACE_TEST_PYTHON") or sys.executable
PKGDIR = os.environ.get("FLOWTRACE_TEST_PKGDIR", "")
LAUNCHER = os.environ.get("FLOWTRACE_TEST_LAUNCHER") or None
SAMPLES = os.environ.get("FLOWTRACE_TEST_SAMPLES") or os.path.join(
    os.path.dirname(os.path.dirname(HERE)), "samples")

# Generous: the suite runs on several interpreters at once on small machines.
TIMEOUT = 120

FINISHED_RE = re.compile(
    r"^\[FlowTrace\] Profiling finished in \d+\.\d{3}s \(script=(?P<name>.+)\)$")
FLUSH_RE = re.compile(r"^\[FlowTrace\] flush #(?P<n>\d+): (?P<bytes>\d+) bytes in "
                      r"(?P<ms>\d+\.\d{3}) ms$")
HEARTBEAT_RE = re.compile(
    r"^\[FlowTrace\] heartbeat calls=(?P<calls>\d+) inflight=(?P<inflight>\d+) "
    r"pending_flush=(?P<pending>\d+) flushes=(?P<flushes>\d+) "
    r"last_snapshot_bytes=(?P<snap>\d+) since_last_flush=(?P<since>\d+\.\d{3})s$")

# TRACE-FORMAT §1 fields every call node carries, plus the §2 extensions the
# tracer always writes on call nodes.
CALL_FIELDS = ("id", "callable", "module", "called", "caller", "instance_id",
               "inputs", "inputs_after", "output", "error", "duration_ms", "calls",
               "file", "line", "start_ns", "error_type")
THREAD_FIELDS = ("id", "kind", "callable", "module", "called", "caller", "thread",
                 "thread_id", "start_ns", "calls", "duration_ms")


def check_setup():
    if not PKGDIR or not os.path.isdir(os.path.join(PKGDIR, "flowtrace")):
        raise unittest.SkipTest(
            "FLOWTRACE_TEST_PKGDIR must name a folder holding the built `flowtrace` "
            "package (run these tests with `meson test --suite pyhook`)")


def env_for(extra=None, with_pkg=True):
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONWARNINGS"):
        env.pop(key, None)
    if with_pkg:
        env["PYTHONPATH"] = PKGDIR
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONUNBUFFERED", None)
    if extra:
        env.update(extra)
    return env


def flowtrace_cmd(launcher=False):
    if launcher:
        return [LAUNCHER]
    return [PYTHON, "-m", "flowtrace"]


def run_flowtrace(args, cwd=None, input=None, env=None, launcher=False,
                  timeout=TIMEOUT):
    """Run `python -m flowtrace ARGS` (or the launcher); returns CompletedProcess of bytes."""
    return subprocess.run(flowtrace_cmd(launcher) + list(args), cwd=cwd,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env or env_for(with_pkg=not launcher), timeout=timeout)


def run_plain(script, args=(), cwd=None, input=None, env=None, timeout=TIMEOUT):
    """Run the script untraced, as `python3 script.py args`, for comparison."""
    return subprocess.run([PYTHON, script] + list(args), cwd=cwd,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env or env_for(), timeout=timeout)


def _reject_constant(name):
    raise ValueError("trace contains the non-JSON token %s" % name)


def loads_strict(data):
    """Parse trace bytes as strict UTF-8 JSON: NaN/Infinity tokens fail."""
    return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)


def load_trace(path):
    with open(path, "rb") as f:
        return loads_strict(f.read())


def split_stderr(stderr):
    """Return (lines before the final FlowTrace line, the final line)."""
    text = stderr.decode("utf-8", "replace")
    lines = text.splitlines()
    return lines[:-1], (lines[-1] if lines else "")


def walk(node, parent=None):
    """Yield (node, parent) over a subtree, depth first, in call order."""
    stack = [(node, parent)]
    while stack:
        n, p = stack.pop()
        yield n, p
        for child in reversed(n.get("calls") or []):
            stack.append((child, n))


def root_of(trace):
    assert isinstance(trace, list) and len(trace) == 1, "trace is not [ROOT]"
    return trace[0]


def threads_of(trace):
    return [n for n in root_of(trace).get("calls", []) if n.get("kind") == "thread"]


def call_nodes(trace):
    """All call nodes (neither the root nor thread nodes), in call order."""
    out = []
    for thread in threads_of(trace):
        for top in thread.get("calls", []):
            out.extend(n for n, _ in walk(top))
    return out


def own_call_nodes(trace):
    """Call nodes of the traced process itself: not those of its children."""
    out = []
    stack = [n for t in threads_of(trace) for n in reversed(t.get("calls", []))]
    while stack:
        n = stack.pop()
        if n.get("kind") == "process":
            continue
        out.append(n)
        stack.extend(reversed(n.get("calls") or []))
    return out


def process_nodes(node):
    """Every kind:"process" node under NODE (a node or a trace), in file order."""
    if isinstance(node, list):
        node = root_of(node)
    return [n for n, _ in walk(node) if n.get("kind") == "process"]


def find(trace, callable_name, **where):
    found = []
    for n in call_nodes(trace):
        if n.get("callable") != callable_name:
            continue
        if all(n.get(k) == v for k, v in where.items()):
            found.append(n)
    return found


def find_one(test, trace, callable_name, **where):
    nodes = find(trace, callable_name, **where)
    test.assertEqual(len(nodes), 1, "expected one %s node %r, found %d"
                     % (callable_name, where, len(nodes)))
    return nodes[0]


def has_marker(value):
    """True if a captured value holds a "$truncated" marker anywhere."""
    if isinstance(value, dict):
        return "$truncated" in value or any(has_marker(v) for v in value.values())
    if isinstance(value, list):
        return any(has_marker(v) for v in value)
    return False


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


class TraceTestCase(unittest.TestCase):
    """Base: a temp folder per test, and helpers that run and load traces."""

    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        check_setup()

    @classmethod
    def class_tmp(cls):
        tmp = tempfile.mkdtemp(prefix="ft-test-")
        cls.addClassCleanup(shutil.rmtree, tmp, ignore_errors=True)
        return tmp

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ft-test-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write_script(self, name, source, folder=None):
        folder = folder or self.tmp
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(source))
        return path

    def trace(self, script, script_args=(), flags=(), output=None, expect_status=0,
              cwd=None, input=None, launcher=False, env=None):
        """Run SCRIPT under flowtrace; check the status and the final line; load the trace."""
        output = output or os.path.join(self.tmp, "trace.json")
        args = ["-s", script, "-o", output] + list(flags) + list(script_args)
        proc = run_flowtrace(args, cwd=cwd, input=input, launcher=launcher, env=env)
        self.assert_finished(proc, script, expect_status)
        return load_trace(output), proc

    def assert_finished(self, proc, script, expect_status=0):
        err = proc.stderr.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, expect_status,
                         "exit status %d, expected %d; stderr:\n%s"
                         % (proc.returncode, expect_status, err[-3000:]))
        _, last = split_stderr(proc.stderr)
        m = FINISHED_RE.match(last)
        self.assertIsNotNone(m, "last stderr line is not the FlowTrace summary: %r" % last)
        self.assertEqual(m.group("name"), os.path.basename(script))

    def sample(self, *parts):
        return os.path.join(SAMPLES, *parts)


class Reader(threading.Thread):
    """Reads a pipe line by line on a thread, so a test can wait for a line."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.lines = []
        self.cond = threading.Condition()
        self.closed = False
        self.start()

    def run(self):
        for raw in iter(self.pipe.readline, b""):
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=60, start=0):
        """Block until a line from index START matches; return its index, or raise."""
        with self.cond:
            i = start
            while True:
                while i < len(self.lines):
                    if predicate(self.lines[i]):
                        return i
                    i += 1
                if self.closed:
                    raise AssertionError("stream closed before the expected line; got %r"
                                         % self.lines[-20:])
                if not self.cond.wait(timeout):
                    raise AssertionError("timed out waiting for a line; got %r"
                                         % self.lines[-20:])


def start_flowtrace(args, env=None):
    """Start flowtrace in the background with pipes on all three streams."""
    proc = subprocess.Popen(flowtrace_cmd() + list(args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env or env_for())
    return proc, Reader(proc.stdout), Reader(proc.stderr)


def kill9(proc):
    """SIGKILL and reap; the Reader threads see end of file and finish."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(TIMEOUT)
    try:
        proc.stdin.close()
    except (OSError, ValueError):
        pass
