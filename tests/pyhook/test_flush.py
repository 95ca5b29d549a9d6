# SPDX-License-Identifier: MIT
"""Flush flags: what is on disk when, kill -9 then --repair, flush and heartbeat logs."""

import glob
import os
import re
import signal
import time
import unittest

from ftsupport import (FINISHED_RE, FLUSH_RE, HEARTBEAT_RE, TraceTestCase, call_nodes, find,
                       find_one, kill9, load_trace, root_of, run_flowtrace, split_stderr,
                       start_flowtrace, threads_of)

# Makes calls, says "ready" on stdout, then blocks inside nested calls (main
# thread and a worker thread) until a line arrives on stdin.
BLOCKER = '''
import sys, threading

def mark(i, text):
    return "%s-%d" % (text, i)

def worker_loop(started):
    for i in range(3):
        mark(i, "WORKER")
    started.set()
    wait_on_stdin_forever()

def wait_on_stdin_forever():
    threading.Event().wait()

def wait_for_line():
    # "ready" from inside the call the test expects to interrupt, so the
    # SIGINT cannot land before this node is open.
    print("ready", flush=True)
    return sys.stdin.readline()

def block(payload):
    return wait_for_line()

def main(count, size):
    started = threading.Event()
    threading.Thread(target=worker_loop, args=(started,), name="worker", daemon=True).start()
    started.wait()
    for i in range(count):
        mark(i, "x" * size)
    mark(count, "LASTMARK")
    return block("blocking")

main(int(sys.argv[1]), int(sys.argv[2]))
print("released")
'''


class KillAndRepair(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("blocker.py", BLOCKER)
        self.out = os.path.join(self.tmp, "killed.json")

    def start(self, flags, count=5, size=3):
        proc, out, err = start_flowtrace(["-s", self.script, "-o", self.out] + flags +
                                         [str(count), str(size)])
        self.addCleanup(_reap, proc)
        out.wait_for(lambda line: line == "ready")
        return proc, out, err

    def wait_blocked_on_disk(self):
        """Both threads have opened their last call, and it is written."""
        _wait_until_on_disk(self, [self.out], b'"wait_for_line"')
        _wait_until_on_disk(self, [self.out, self.out + ".thread-*.part"],
                            b'"wait_on_stdin_forever"')

    def repair_and_check(self, expect_worker=True):
        fixed = os.path.join(self.tmp, "fixed.json")
        proc = run_flowtrace(["--repair", self.out, "-o", fixed])
        err = proc.stderr.decode()
        self.assertEqual(proc.returncode, 0, err)
        m = re.search(r"recovered (\d+) calls", err)
        self.assertIsNotNone(m, "repair does not say how many calls it recovered: %r" % err)
        data = load_trace(fixed)
        self.assertEqual(int(m.group(1)), len(call_nodes(data)))
        root = root_of(data)
        self.assertIs(root["flowtrace"]["complete"], False)
        marks = [n for n in find(data, "mark") if n["inputs"]["text"] == "x" * 3 or
                 n["inputs"]["text"] == "LASTMARK"]
        self.assertEqual([n["inputs"]["i"] for n in marks], [0, 1, 2, 3, 4, 5])
        for n in marks:
            self.assertNotIn("incomplete", n)
            self.assertEqual(n["output"], "%s-%d" % (n["inputs"]["text"], n["inputs"]["i"]))
        for name in ("main", "block", "wait_for_line"):
            n = find_one(self, data, name)
            self.assertIs(n.get("incomplete"), True, name)
        self.assertEqual(find_one(self, data, "block")["inputs"], {"payload": "blocking"})
        if expect_worker:
            names = [t["thread"] for t in threads_of(data)]
            self.assertEqual(names, ["MainThread", "worker"])
            worker = threads_of(data)[1]
            loop = worker["calls"][0]
            self.assertEqual(loop["callable"], "worker_loop")
            self.assertIs(loop.get("incomplete"), True)
            self.assertEqual([c["output"] for c in loop["calls"][:3]],
                             ["WORKER-0", "WORKER-1", "WORKER-2"])
            self.assertIs(loop["calls"][3].get("incomplete"), True)
        return data

    def test_flush_every_call_kill9(self):
        proc, _, _ = self.start(["--flush-every-call"])
        with open(self.out, "rb") as f:
            self.assertIn(b"LASTMARK", f.read(), "--flush-every-call: call not on disk yet")
        self.wait_blocked_on_disk()
        kill9(proc)
        parts = glob.glob(self.out + ".thread-*.part")
        self.assertEqual(len(parts), 1, "the worker's calls stream to a side file")
        self.repair_and_check()
        self.assertEqual(glob.glob(self.out + ".thread-*.part"), parts,
                         "repair must not delete the side files")

    def test_flush_interval_kill9(self):
        proc, _, _ = self.start(["--flush-interval", "0.1"])
        self.wait_blocked_on_disk()
        kill9(proc)
        self.repair_and_check()

    def test_repair_in_place_and_default_name(self):
        proc, _, _ = self.start(["--flush-every-call"])
        self.wait_blocked_on_disk()
        kill9(proc)
        before = os.path.getsize(self.out)
        res = run_flowtrace(["--repair", self.out])
        self.assertEqual(res.returncode, 0, res.stderr)
        default = os.path.join(self.tmp, "killed.repaired.json")
        self.assertTrue(load_trace(default))
        self.assertEqual(os.path.getsize(self.out), before, "--repair changed its input")
        res = run_flowtrace(["--repair", self.out, "-o", self.out])
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out, "rb") as a, open(default, "rb") as b:
            self.assertEqual(a.read(), b.read())


BUSY = '''
import threading

def leaf(tag, i, payload):
    return payload[: i % 50]

def spin(tag):
    i = 0
    while True:
        i += 1
        leaf(tag, i, "p\\u00e9\\"q" * 20)

for k in range(4):
    threading.Thread(target=spin, args=("t%d" % k,), name="busy-%d" % k, daemon=True).start()
print("ready", flush=True)
spin("main")
'''


class Interrupted(TraceTestCase):
    def test_ctrl_c_while_blocked(self):
        """SIGINT (Ctrl+C) ends the run as it ends Python: status, traceback, whole trace."""
        script = self.write_script("blocker.py", BLOCKER)
        out = os.path.join(self.tmp, "t.json")
        proc, sout, serr = start_flowtrace(["-s", script, "-o", out, "5", "3"])
        self.addCleanup(_reap, proc)
        sout.wait_for(lambda l: l == "ready")
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(60), -signal.SIGINT, "status differs from python's")
        serr.join(10)
        self.assertIn("KeyboardInterrupt", serr.lines)
        self.assertRegex(serr.lines[-1], FINISHED_RE)
        data = load_trace(out)
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)
        self.assertEqual(root_of(data)["error_type"], "KeyboardInterrupt")
        for name in ("wait_for_line", "block", "main"):
            n = find_one(self, data, name)
            self.assertEqual(n["error_type"], "KeyboardInterrupt", name)
            self.assertNotIn("incomplete", n, name)


class KillWhileBusy(TraceTestCase):
    def test_kill_during_heavy_writing_then_repair(self):
        """Killed mid-write on five threads: repair still gives a valid, marked trace."""
        script = self.write_script("busy.py", BUSY)
        out = os.path.join(self.tmp, "busy.json")
        for attempt, flags in enumerate((["--flush-interval", "0.01"],
                                         ["--flush-every-call"])):
            proc, sout, _ = start_flowtrace(["-s", script, "-o", out] + flags)
            self.addCleanup(_reap, proc)
            sout.wait_for(lambda l: l == "ready")
            _wait_until_bigger(self, [out] + [out + ".thread-%d.part" % k
                                              for k in range(1, 5)], 2 * 1024 * 1024,
                               min_files=3)
            kill9(proc)
            fixed = os.path.join(self.tmp, "fixed-%d.json" % attempt)
            res = run_flowtrace(["--repair", out, "-o", fixed])
            self.assertEqual(res.returncode, 0, res.stderr)
            data = load_trace(fixed)
            threads = threads_of(data)
            self.assertEqual(threads[0]["thread"], "MainThread")
            self.assertGreaterEqual(len(threads), 3, [t["thread"] for t in threads])
            recorded = 0
            for t in threads:
                spins = t["calls"]
                if not spins:
                    # Killed between writing the thread's node and its first call.
                    self.assertIs(t.get("incomplete"), True, t["thread"])
                    continue
                self.assertEqual([s["callable"] for s in spins], ["spin"], t["thread"])
                self.assertIs(spins[0].get("incomplete"), True)
                leaves = spins[0]["calls"]
                recorded += len(leaves)
                for leaf in leaves[:-1]:
                    self.assertNotIn("incomplete", leaf)
                    self.assertEqual(leaf["output"],
                                     ("p\u00e9\"q" * 20)[: leaf["inputs"]["i"] % 50])
            self.assertGreater(recorded, 1000)
            for p in glob.glob(out + "*"):
                os.unlink(p)


class FlushIntervalZero(TraceTestCase):
    """<=0: nothing timed; written when a buffer fills and at exit."""

    def test_nothing_written_until_exit(self):
        script = self.write_script("blocker.py", BLOCKER)
        out = os.path.join(self.tmp, "t.json")
        proc, sout, serr = start_flowtrace(["-s", script, "-o", out, "--flush-interval", "0",
                                            "--verbose", "5", "3"])
        self.addCleanup(_reap, proc)
        sout.wait_for(lambda l: l == "ready")
        # Two heartbeats after "ready": at least a second passed with the
        # script blocked, time enough for any timed flush to have happened.
        first = serr.wait_for(lambda l: HEARTBEAT_RE.match(l))
        serr.wait_for(lambda l: HEARTBEAT_RE.match(l), start=first + 1)
        with open(out, "rb") as f:
            self.assertNotIn(b"LASTMARK", f.read(), "written before exit with interval 0")
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        self.assertEqual(proc.wait(60), 0)
        sout.join(10)
        serr.join(10)
        self.assertEqual(sout.lines, ["ready", "released"])
        data = load_trace(out)
        self.assertEqual(find(data, "mark", inputs={"i": 5, "text": "LASTMARK"})[0]["output"],
                         "LASTMARK-5")
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)

    def test_full_buffers_are_written_before_exit(self):
        script = self.write_script("blocker.py", BLOCKER)
        out = os.path.join(self.tmp, "t.json")
        # 4000 calls x 1000-char strings (in inputs, inputs_after and output):
        # about 12 MB, far more than any sane write buffer holds.
        proc, sout, _ = start_flowtrace(["-s", script, "-o", out, "--flush-interval", "0",
                                         "4000", "1000"])
        self.addCleanup(_reap, proc)
        sout.wait_for(lambda l: l == "ready")
        size = os.path.getsize(out)
        self.assertGreater(size, 6 * 1000 * 1000,
                           "only %d bytes on disk: the buffer is not bounded" % size)
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        self.assertEqual(proc.wait(60), 0)
        self.assertEqual(len(find(load_trace(out), "mark")), 4000 + 1 + 3)


class FlushLogs(TraceTestCase):
    def test_log_flushes_every_call(self):
        script = self.sample("basic", "basic_sample.py")
        data, proc = self.trace(script, flags=["--flush-every-call", "--log-flushes"])
        before, _ = split_stderr(proc.stderr)
        self.assertTrue(before)
        numbers = []
        for line in before:
            m = FLUSH_RE.match(line)
            self.assertIsNotNone(m, "unexpected stderr line %r" % line)
            numbers.append(int(m.group("n")))
            self.assertGreaterEqual(int(m.group("bytes")), 0)
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
        self.assertGreaterEqual(len(numbers), len(call_nodes(data)),
                                "fewer flushes than calls with --flush-every-call")
        self.assertEqual(proc.stdout, b"Order for Ana Maria confirmed: $11.57\n")

    def test_no_flush_lines_without_the_flag(self):
        script = self.sample("basic", "basic_sample.py")
        _, proc = self.trace(script, flags=["--flush-every-call"])
        self.assertEqual(split_stderr(proc.stderr)[0], [])

    def test_verbose_heartbeat_and_flush_lines(self):
        script = self.write_script("blocker.py", BLOCKER)
        out = os.path.join(self.tmp, "t.json")
        proc, sout, serr = start_flowtrace(["-s", script, "-o", out, "--flush-interval",
                                            "0.1", "--verbose", "5", "3"])
        self.addCleanup(_reap, proc)
        sout.wait_for(lambda l: l == "ready")
        i = serr.wait_for(lambda l: HEARTBEAT_RE.match(l) and
                          int(HEARTBEAT_RE.match(l).group("calls")) >= 9)
        m = HEARTBEAT_RE.match(serr.lines[i])
        # main, block, wait_for_line and the worker's loop are still running.
        self.assertGreaterEqual(int(m.group("inflight")), 3)
        serr.wait_for(lambda l: FLUSH_RE.match(l))
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        self.assertEqual(proc.wait(60), 0)
        serr.join(10)
        for line in serr.lines[:-1]:
            self.assertTrue(FLUSH_RE.match(line) or HEARTBEAT_RE.match(line),
                            "unexpected stderr line %r" % line)


def _wait_until_on_disk(test, patterns, needle, timeout=30):
    """Poll the files until NEEDLE is written: the event the test waits for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in [p for pattern in patterns for p in glob.glob(pattern)]:
            try:
                with open(p, "rb") as f:
                    if needle in f.read():
                        return
            except FileNotFoundError:
                pass
        time.sleep(0.02)
    test.fail("%r not written to %s within %ds" % (needle, paths, timeout))


def _wait_until_bigger(test, paths, size, min_files=1, timeout=60):
    """Poll until the files together hold SIZE bytes and MIN_FILES of them
    hold something: the event the test waits for (on a loaded machine some
    threads get the GIL late, so size alone does not say they wrote)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sizes = [os.path.getsize(p) for p in paths if os.path.exists(p)]
        if sum(sizes) >= size and sum(1 for n in sizes if n) >= min_files:
            return
        time.sleep(0.01)
    test.fail("%s did not reach %d bytes in %d files within %ds"
              % (paths, size, min_files, timeout))


def _reap(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(30)


if __name__ == "__main__":
    unittest.main()
