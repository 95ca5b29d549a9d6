# SPDX-License-Identifier: MIT
"""flowtrace --repair on traces cut at many offsets, complete traces and garbage."""

import os
import re
import unittest

from ftsupport import (TraceTestCase, load_trace, loads_strict, run_flowtrace,
                       walk)

THREADED = '''
import threading

def leaf(tag, i):
    return {"tag": tag, "i": i, "s": "q\\"uote \\u00e9 \\\\ end"}

def branch(tag, n):
    return [leaf(tag, i) for i in range(n)]

def worker(tag):
    branch(tag, 3)
    try:
        fail(tag)
    except ValueError:
        pass

def fail(tag):
    raise ValueError(tag)

ts = [threading.Thread(target=worker, args=("t%d" % k,), name="w%d" % k) for k in range(2)]
for t in ts:
    t.start()
    t.join()
branch("main", 4)
print(round(1.5 * 3, 3))
'''


def nodes_by_id(data):
    return {n["id"]: n for n, _ in walk(data[0])}


def strip_children(node):
    return {k: v for k, v in node.items() if k != "calls"}


class Repair(TraceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = cls.class_tmp()
        script = os.path.join(cls.dir, "threaded.py")
        with open(script, "w") as f:
            f.write(THREADED)
        cls.full = os.path.join(cls.dir, "full.json")
        proc = run_flowtrace(["-s", script, "-o", cls.full])
        if proc.returncode != 0:
            raise AssertionError(proc.stderr.decode())
        with open(cls.full, "rb") as f:
            cls.raw = f.read()
        cls.data = loads_strict(cls.raw)
        cls.ids = nodes_by_id(cls.data)

    def repair(self, src, dst):
        proc = run_flowtrace(["--repair", src, "-o", dst])
        return proc, proc.stderr.decode("utf-8", "replace")

    def test_complete_trace_is_copied_unchanged(self):
        dst = os.path.join(self.tmp, "copy.json")
        proc, err = self.repair(self.full, dst)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("complete", err)
        with open(dst, "rb") as f:
            self.assertEqual(f.read(), self.raw)

    def test_cut_at_many_offsets(self):
        # A run cut short never reached stop(), which patches "complete" to
        # true in the header: put the header back as it was while running.
        raw = self.raw.replace(b'"complete":true ', b'"complete":false', 1)
        self.assertNotEqual(raw, self.raw)
        start = raw.index(b'"calls":[') + len(b'"calls":[')
        offsets = set(range(start, len(raw), max(1, (len(raw) - start) // 60)))
        # Awkward places: inside escapes, numbers, keys, right after a comma.
        for needle in (b'\\"', b"\\u00e9", b'"duration_ms":', b'"incomplete', b'"id":1',
                       b"},{", b"]}", b'"inputs":{', b'"error_type":"ValueError"'):
            i = raw.find(needle, start)
            if i >= 0:
                offsets.update({i, i + 1, i + len(needle) - 1, i + len(needle)})
        previous_count = -1
        for off in sorted(o for o in offsets if o < len(raw) - 1):
            cut = os.path.join(self.tmp, "cut.json")
            with open(cut, "wb") as f:
                f.write(raw[:off])
            dst = os.path.join(self.tmp, "fixed.json")
            proc, err = self.repair(cut, dst)
            self.assertEqual(proc.returncode, 0, "offset %d: %s" % (off, err))
            try:
                fixed = load_trace(dst)
            except ValueError as exc:
                self.fail("offset %d: repaired file is not strict JSON: %s" % (off, exc))
            m = re.search(r"recovered (\d+) calls", err)
            self.assertIsNotNone(m, err)
            self.check_prefix(fixed, off)
            got = nodes_by_id(fixed)
            self.assertGreaterEqual(len(got), previous_count,
                                    "offset %d recovered fewer nodes than a shorter cut" % off)
            previous_count = len(got)
            self.assertIs(fixed[0]["flowtrace"]["complete"], False)

    def check_prefix(self, fixed, off):
        for nid, node in nodes_by_id(fixed).items():
            self.assertIn(nid, self.ids, "offset %d: repair invented node %d" % (off, nid))
            orig = self.ids[nid]
            if node.get("incomplete") is True or nid == 0:
                # Open at the cut: what was written before it is kept as it was.
                for key in ("callable", "module", "called", "caller", "file", "line",
                            "thread", "kind"):
                    if key in node:
                        self.assertEqual(node[key], orig[key],
                                         "offset %d: node %d %s" % (off, nid, key))
                continue
            # A node closed before the cut is kept exactly, children included.
            self.assertEqual(node, orig, "offset %d: node %d changed" % (off, nid))

    def test_cut_inside_header(self):
        head = self.raw[:self.raw.index(b'"calls":[')]
        for off in (2, len(head) // 2, len(head)):
            cut = os.path.join(self.tmp, "head.json")
            with open(cut, "wb") as f:
                f.write(head[:off])
            dst = os.path.join(self.tmp, "head-fixed.json")
            proc, err = self.repair(cut, dst)
            if proc.returncode == 0:
                load_trace(dst)
            else:
                self.assertIn("head.json", err)
                self.assertNotIn("Traceback", err)

    def test_not_a_trace(self):
        cases = {"empty.json": b"", "text.json": b"hello world\n",
                 "object.json": b'{"id": 0}', "garbage.json": b'[{"id":0,"calls":[}}}}'}
        for name, content in cases.items():
            src = os.path.join(self.tmp, name)
            with open(src, "wb") as f:
                f.write(content)
            proc, err = self.repair(src, os.path.join(self.tmp, "out.json"))
            self.assertNotEqual(proc.returncode, 0, name)
            self.assertIn(name, err)
            self.assertNotIn("Traceback", err, name)
        proc, err = self.repair(os.path.join(self.tmp, "missing.json"),
                                os.path.join(self.tmp, "out.json"))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("missing.json", err)

    def test_old_pytraceflow_shape_with_a_cut(self):
        """A file of the original tool (no "flowtrace" key) cut short is repaired too."""
        old = (b'[{"id":0,"callable":"app.py","module":"__main__","called":"app.py",'
               b'"caller":null,"instance_id":null,"inputs":{},"calls":[{"id":1,'
               b'"callable":"__instance__","module":"__main__","called":"Shop",'
               b'"caller":"app.py::<module>","instance_id":1,"inputs":{},"calls":'
               b'[{"id":2,"callable":"buy","module":"__main__","called":"Shop","caller":'
               b'"Shop::__init__","instance_id":1,"inputs":{"n":1},"calls":[],'
               b'"inputs_after":{"n":1},"output":2,"error":null,"duration_ms":0.1},'
               b'{"id":3,"callable":"pay","inp')
        src = os.path.join(self.tmp, "old.json")
        with open(src, "wb") as f:
            f.write(old)
        dst = os.path.join(self.tmp, "old-fixed.json")
        proc, err = self.repair(src, dst)
        self.assertEqual(proc.returncode, 0, err)
        data = load_trace(dst)
        buy = data[0]["calls"][0]["calls"][0]
        self.assertEqual(buy["output"], 2)


if __name__ == "__main__":
    unittest.main()
