# SPDX-License-Identifier: MIT
"""--with-memory, --no-tracemalloc, --no-memory: which figures each call carries."""

import unittest

from ftsupport import TraceTestCase, call_nodes, find_one, root_of

SCRIPT = '''
def allocate(mb):
    return bytearray(mb * 1024 * 1024)

def keep(mb):
    block = allocate(mb)
    return len(block)

print(keep(48))
'''

MB = 1024 * 1024


class Memory(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("mem.py", SCRIPT)

    def run_with(self, flags):
        data, proc = self.trace(self.script, flags=flags)
        self.assertEqual(proc.stdout, str(48 * MB).encode() + b"\n")
        return data

    def check_figures(self, data, tracemalloc):
        nodes = call_nodes(data)
        self.assertEqual([n["callable"] for n in nodes], ["keep", "allocate"])
        keys = {"rss_bytes", "vms_bytes"}
        if tracemalloc:
            keys |= {"py_tracemalloc_current", "py_tracemalloc_peak"}
        for n in nodes:
            for side in ("memory_before", "memory_after"):
                m = n[side]
                self.assertEqual(set(m), keys, "%s %s" % (n["callable"], side))
                for k in keys:
                    self.assertIsInstance(m[k], int)
                    self.assertGreaterEqual(m[k], 0)
                self.assertGreater(m["rss_bytes"], 1 * MB)
                self.assertGreaterEqual(m["vms_bytes"], m["rss_bytes"])
                if tracemalloc:
                    self.assertGreaterEqual(m["py_tracemalloc_peak"],
                                            m["py_tracemalloc_current"])
        alloc = find_one(self, data, "allocate")
        grew = alloc["memory_after"]["rss_bytes"] - alloc["memory_before"]["rss_bytes"]
        self.assertGreater(grew, 40 * MB, "RSS did not see a 48 MB allocation")
        if tracemalloc:
            traced = (alloc["memory_after"]["py_tracemalloc_current"]
                      - alloc["memory_before"]["py_tracemalloc_current"])
            self.assertGreater(traced, 40 * MB)
            self.assertGreater(alloc["memory_after"]["py_tracemalloc_peak"], 48 * MB)

    def test_with_memory(self):
        data = self.run_with(["--with-memory"])
        self.check_figures(data, tracemalloc=True)
        flags = root_of(data)["flowtrace"]["flags"]
        self.assertTrue(flags["with_memory"])

    def test_no_tracemalloc(self):
        self.check_figures(self.run_with(["--with-memory", "--no-tracemalloc"]),
                           tracemalloc=False)

    def test_no_memory_wins(self):
        data = self.run_with(["--with-memory", "--no-memory"])
        for n in call_nodes(data):
            self.assertNotIn("memory_before", n)
            self.assertNotIn("memory_after", n)

    def test_default_has_no_memory(self):
        data = self.run_with([])
        for n in call_nodes(data):
            self.assertNotIn("memory_before", n)
            self.assertNotIn("memory_after", n)


if __name__ == "__main__":
    unittest.main()
